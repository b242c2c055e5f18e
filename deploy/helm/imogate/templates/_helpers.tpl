{{/* The chart's name. */}}
{{- define "imogate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name, the prefix of every object's name. */}}
{{- define "imogate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "imogate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "imogate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: imogate
{{- end }}

{{/* Selector labels of a component (gateway or settler): pass (list $ "gateway"). */}}
{{- define "imogate.selectorLabels" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ include "imogate.name" $ }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "imogate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "imogate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "imogate.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}
{{- end }}

{{/* Where the secrets are mounted, one file per secret value. */}}
{{- define "imogate.secretsDir" -}}/etc/imogate/secrets{{- end }}

{{/*
imogate.validate fails rendering, with what to do, when a required value is
missing. Secrets are only ever named, never given: each message says how to
create the Secret.
*/}}
{{- define "imogate.validate" -}}
{{- $v := .Values -}}
{{- if not $v.secrets.signer.existingSecret -}}
{{- fail "secrets.signer.existingSecret is required: the receipt signer key (hex secp256k1) comes only from a Secret you create, e.g.\n  kubectl create secret generic imogate-signer --from-file=signer-key=./signer.hex\nthen --set secrets.signer.existingSecret=imogate-signer" -}}
{{- end -}}
{{- if $v.settler.enabled -}}
{{- if not $v.secrets.settler.existingSecret -}}
{{- fail "secrets.settler.existingSecret is required with settler.enabled: the operator key (hex secp256k1) that pays for settlements comes only from a Secret you create, e.g.\n  kubectl create secret generic imogate-settler --from-file=settler-key=./settler.hex\nthen --set secrets.settler.existingSecret=imogate-settler (or --set settler.enabled=false)" -}}
{{- end -}}
{{- if not (or $v.config.settlement.rpc_url $v.secrets.rpc.existingSecret) -}}
{{- fail "config.settlement.rpc_url (or secrets.rpc.existingSecret, for a URL that carries an API key) is required with settler.enabled: the chain's JSON-RPC URL" -}}
{{- end -}}
{{- if and (gt (int $v.settler.replicaCount) 1) (not $v.config.settlement.archive_s3.bucket) (not (has "ReadWriteMany" $v.settler.persistence.accessModes)) -}}
{{- fail "settler.replicaCount > 1 needs one archive every settler writes to: set config.settlement.archive_s3 (with secrets.archiveS3) or a ReadWriteMany settler.persistence" -}}
{{- end -}}
{{- end -}}
{{- if not (gt (int64 $v.config.chain.chain_id) 0) -}}
{{- fail "config.chain.chain_id is required: the EVM chain id receipts are signed for" -}}
{{- end -}}
{{- if not $v.config.chain.settlement_contract -}}
{{- fail "config.chain.settlement_contract is required: the UsageSettlement address (imogate contracts deploy prints it)" -}}
{{- end -}}
{{- if not $v.config.models -}}
{{- fail "config.models is required: at least one model (deploy/imogate.example.yaml shows the fields)" -}}
{{- end -}}
{{- $upstreamEnvs := list -}}
{{- range $v.secrets.upstreams -}}
{{- if not .existingSecret -}}
{{- fail (printf "secrets.upstreams: the entry for %s needs existingSecret (the Secret holding that upstream API key)" .env) -}}
{{- end -}}
{{- $upstreamEnvs = append $upstreamEnvs .env -}}
{{- end -}}
{{- range $v.config.models -}}
{{- $env := dig "upstream" "api_key_env" "" . -}}
{{- if and $env (not (has $env $upstreamEnvs)) -}}
{{- fail (printf "config.models: model %s reads its upstream API key from $%s, but secrets.upstreams has no entry for it: add {env: %s, existingSecret: <Secret name>, key: <key>}" .name $env $env) -}}
{{- end -}}
{{- end -}}
{{- if and $v.config.settlement.archive_s3.bucket (not $v.secrets.archiveS3.existingSecret) -}}
{{- fail "secrets.archiveS3.existingSecret is required with config.settlement.archive_s3.bucket: the Secret holding the bucket's access and secret keys" -}}
{{- end -}}
{{- if and (or $v.secrets.redis.passwordKey $v.secrets.redis.sentinelPasswordKey $v.secrets.redis.urlKey) (not $v.secrets.redis.existingSecret) -}}
{{- fail "secrets.redis.existingSecret is required with secrets.redis.passwordKey, sentinelPasswordKey or urlKey" -}}
{{- end -}}
{{- range $v.config.jwt.keys -}}
{{- if not .existingSecret -}}
{{- fail (printf "config.jwt.keys: key %q needs existingSecret and key: the Secret holding its HS256 secret or PEM public key" (.id | default "")) -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/*
imogate.config renders one process's imogate.yaml from .Values.config: pass
(list $ "gateway") or (list $ "settler"). The chart sets the listen addresses
and every secret reference (files under imogate.secretsDir); the gateway's
file names no settler key, the settler's no admin token or JWT keys.
*/}}
{{- define "imogate.config" -}}
{{- $ := index . 0 -}}
{{- $component := index . 1 -}}
{{- $v := $.Values -}}
{{- $dir := include "imogate.secretsDir" $ -}}
{{- $c := deepCopy $v.config -}}
{{- $_ := set $c "listen" (printf ":%d" (int $v.gateway.port)) -}}
{{- $_ := set $c "signer" (dict "file" (printf "%s/signer" $dir)) -}}
{{- $chain := $c.chain -}}
{{- $_ := set $chain "chain_id" (int64 $chain.chain_id) -}}
{{- $redis := $c.redis -}}
{{- if $v.secrets.redis.passwordKey -}}
{{- if eq (default "standalone" $redis.mode) "standalone" -}}
{{- fail "secrets.redis.passwordKey is for redis.mode sentinel or cluster: a standalone Redis takes its password in its URL; put the whole URL in the Secret and set secrets.redis.urlKey" -}}
{{- end -}}
{{- $_ := set $redis "password" (dict "file" (printf "%s/redis-password" $dir)) -}}
{{- end -}}
{{- if $v.secrets.redis.sentinelPasswordKey -}}
{{- $_ := set $redis "sentinel_password" (dict "file" (printf "%s/redis-sentinel-password" $dir)) -}}
{{- end -}}
{{- $s := $c.settlement -}}
{{- $_ := set $s "enabled" false -}}
{{- $_ := set $s "archive_dir" "/var/lib/imogate/archive" -}}
{{- $_ := set $s "listen" (printf ":%d" (int $v.settler.port)) -}}
{{- if $s.archive_s3.bucket -}}
{{- $_ := set $s.archive_s3 "access_key" (dict "file" (printf "%s/s3-access-key" $dir)) -}}
{{- $_ := set $s.archive_s3 "secret_key" (dict "file" (printf "%s/s3-secret-key" $dir)) -}}
{{- end -}}
{{- if eq $component "gateway" -}}
{{- if $v.secrets.adminToken.existingSecret -}}
{{- $_ := set $c "admin" (dict "token" (dict "file" (printf "%s/admin-token" $dir))) -}}
{{- end -}}
{{- $keys := list -}}
{{- range $i, $k := $v.config.jwt.keys -}}
{{- $key := dict "algorithm" $k.algorithm -}}
{{- range $f := list "id" "issuer" "audience" -}}
{{- if index $k $f }}{{ $_ := set $key $f (index $k $f) }}{{ end -}}
{{- end -}}
{{- if eq $k.algorithm "HS256" -}}
{{- $_ := set $key "secret" (dict "file" (printf "%s/jwt-%d" $dir $i)) -}}
{{- else -}}
{{- $_ := set $key "public_key_file" (printf "%s/jwt-%d" $dir $i) -}}
{{- end -}}
{{- $keys = append $keys $key -}}
{{- end -}}
{{- $_ := set $c "jwt" (dict "keys" $keys) -}}
{{- else -}}
{{- $_ := set $s "settler_key" (dict "file" (printf "%s/settler" $dir)) -}}
{{- $_ := unset $c "jwt" -}}
{{- end -}}
{{- toYaml $c -}}
{{- end }}

{{/*
imogate.secretsVolume is the projected volume of the Secrets a component
reads: pass (list $ "gateway") or (list $ "settler").
*/}}
{{- define "imogate.secretsVolume" -}}
{{- $ := index . 0 -}}
{{- $component := index . 1 -}}
{{- $s := $.Values.secrets -}}
- name: secrets
  projected:
    defaultMode: 0440
    sources:
      - secret:
          name: {{ $s.signer.existingSecret }}
          items:
            - {key: {{ $s.signer.key | quote }}, path: signer}
{{- if and (eq $component "settler") $s.settler.existingSecret }}
      - secret:
          name: {{ $s.settler.existingSecret }}
          items:
            - {key: {{ $s.settler.key | quote }}, path: settler}
{{- end }}
{{- if and (eq $component "gateway") $s.adminToken.existingSecret }}
      - secret:
          name: {{ $s.adminToken.existingSecret }}
          items:
            - {key: {{ $s.adminToken.key | quote }}, path: admin-token}
{{- end }}
{{- if or $s.redis.passwordKey $s.redis.sentinelPasswordKey }}
      - secret:
          name: {{ $s.redis.existingSecret }}
          items:
{{- if $s.redis.passwordKey }}
            - {key: {{ $s.redis.passwordKey | quote }}, path: redis-password}
{{- end }}
{{- if $s.redis.sentinelPasswordKey }}
            - {key: {{ $s.redis.sentinelPasswordKey | quote }}, path: redis-sentinel-password}
{{- end }}
{{- end }}
{{- if $.Values.config.settlement.archive_s3.bucket }}
      - secret:
          name: {{ $s.archiveS3.existingSecret }}
          items:
            - {key: {{ $s.archiveS3.accessKeyKey | quote }}, path: s3-access-key}
            - {key: {{ $s.archiveS3.secretKeyKey | quote }}, path: s3-secret-key}
{{- end }}
{{- if eq $component "gateway" }}
{{- range $i, $k := $.Values.config.jwt.keys }}
      - secret:
          name: {{ $k.existingSecret }}
          items:
            - {key: {{ $k.key | quote }}, path: jwt-{{ $i }}}
{{- end }}
{{- end }}
{{- end }}

{{/* The environment both components share: the Redis URL from a Secret. */}}
{{- define "imogate.commonEnv" -}}
{{- if .Values.secrets.redis.urlKey }}
- name: IMOGATE_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.redis.existingSecret }}
      key: {{ .Values.secrets.redis.urlKey }}
{{- end }}
{{- if .Values.secrets.rpc.existingSecret }}
- name: IMOGATE_SETTLEMENT_RPC_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.rpc.existingSecret }}
      key: {{ .Values.secrets.rpc.urlKey }}
{{- end }}
{{- end }}

{{/* The gateway's environment: the shared one, the upstream API keys from their Secrets, extraEnv. */}}
{{- define "imogate.gatewayEnv" -}}
{{- with include "imogate.commonEnv" . }}
{{ . }}
{{- end }}
{{- range .Values.secrets.upstreams }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .key }}
{{- end }}
{{- with .Values.gateway.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The pod security context: uid and gid 65532 (the image's user), RuntimeDefault seccomp. */}}
{{- define "imogate.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The container security context: read-only root, no privileges, no capabilities. */}}
{{- define "imogate.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}
