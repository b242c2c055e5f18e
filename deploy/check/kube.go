package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	sigsyaml "sigs.k8s.io/yaml"
)

// secretsDir is where the chart mounts the Secrets' files.
const secretsDir = "/etc/imogate/secrets"

// expect is what one render must hold.
type expect struct {
	kinds      map[string]int // exactly these objects
	redisMode  string
	durability string // "" for the default (none)
	hpa        bool
	notes      []string // phrases NOTES.txt must print
}

// rendered holds one render's objects by type.
type rendered struct {
	deployments map[string]*appsv1.Deployment
	services    map[string]*corev1.Service
	configMaps  map[string]*corev1.ConfigMap
	pvcs        map[string]*corev1.PersistentVolumeClaim
	accounts    map[string]*corev1.ServiceAccount
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	pdbs        []*policyv1.PodDisruptionBudget
	monitors    []*monitoringv1.ServiceMonitor
	kinds       map[string]int
}

// strictDecoder decodes YAML into the Kubernetes types (and
// prometheus-operator's), refusing unknown and duplicate fields; a wrong
// type is a decoding error anyway.
func strictDecoder() (runtime.Decoder, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := monitoringv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme, kjson.SerializerOptions{Yaml: true, Strict: true}), nil
}

var sourceRE = regexp.MustCompile(`(?m)^# Source: (.+)$`)

// decodeAll decodes every document of a manifest strictly and checks every
// object's name and labels are valid.
func decodeAll(manifest string) (*rendered, error) {
	dec, err := strictDecoder()
	if err != nil {
		return nil, err
	}
	r := &rendered{deployments: map[string]*appsv1.Deployment{}, services: map[string]*corev1.Service{},
		configMaps: map[string]*corev1.ConfigMap{}, pvcs: map[string]*corev1.PersistentVolumeClaim{},
		accounts: map[string]*corev1.ServiceAccount{}, kinds: map[string]int{}}
	var errs []error
	for _, d := range docs(manifest) {
		src := "?"
		if m := sourceRE.FindStringSubmatch(d); m != nil {
			src = m[1]
		}
		obj, gvk, err := dec.Decode([]byte(d), nil, nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", src, err))
			continue
		}
		r.kinds[gvk.Kind]++
		m, err := meta.Accessor(obj)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", src, err))
			continue
		}
		for _, p := range validation.IsDNS1123Subdomain(m.GetName()) {
			errs = append(errs, fmt.Errorf("%s: name %q: %s", src, m.GetName(), p))
		}
		errs = append(errs, labelProblems(src, m.GetLabels())...)
		switch o := obj.(type) {
		case *appsv1.Deployment:
			r.deployments[o.Name] = o
			errs = append(errs, labelProblems(src+" pod template", o.Spec.Template.Labels)...)
		case *corev1.Service:
			r.services[o.Name] = o
		case *corev1.ConfigMap:
			r.configMaps[o.Name] = o
		case *corev1.PersistentVolumeClaim:
			r.pvcs[o.Name] = o
		case *corev1.ServiceAccount:
			r.accounts[o.Name] = o
		case *autoscalingv2.HorizontalPodAutoscaler:
			r.hpas = append(r.hpas, o)
		case *policyv1.PodDisruptionBudget:
			r.pdbs = append(r.pdbs, o)
		case *monitoringv1.ServiceMonitor:
			r.monitors = append(r.monitors, o)
		case *corev1.Secret:
			errs = append(errs, fmt.Errorf("%s: the chart renders a Secret (%s); secrets must come only from existingSecret references", src, o.Name))
		}
	}
	return r, errors.Join(errs...)
}

func labelProblems(src string, l map[string]string) []error {
	var errs []error
	for k, v := range l {
		for _, p := range validation.IsQualifiedName(k) {
			errs = append(errs, fmt.Errorf("%s: label key %q: %s", src, k, p))
		}
		for _, p := range validation.IsValidLabelValue(v) {
			errs = append(errs, fmt.Errorf("%s: label %s value %q: %s", src, k, v, p))
		}
	}
	return errs
}

// checkRendered renders the chart with vals and checks everything the
// chart promises about the objects.
func (c *checker) checkRendered(dir string, vals map[string]any, want expect) (string, error) {
	manifest, notes, err := render(dir, vals)
	if err != nil {
		return "", err
	}
	r, err := decodeAll(manifest)
	if err != nil {
		return "", err
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, k := range sortedKeys(want.kinds, r.kinds) {
		if r.kinds[k] != want.kinds[k] {
			bad("%d %s object(s) rendered, want %d", r.kinds[k], k, want.kinds[k])
		}
	}
	if len(r.configMaps) != 1 {
		return "", errors.Join(append(errs, fmt.Errorf("%d ConfigMaps, want 1", len(r.configMaps)))...)
	}
	var cm *corev1.ConfigMap
	for _, v := range r.configMaps {
		cm = v
	}
	for name, d := range r.deployments {
		component := d.Spec.Template.Labels["app.kubernetes.io/component"]
		errs = append(errs, c.checkPod(name, component, d, cm, r, want)...)
	}
	errs = append(errs, checkWiring(r, want)...)
	for _, phrase := range want.notes {
		if !strings.Contains(notes, phrase) {
			bad("NOTES.txt does not say %q", phrase)
		}
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	var kinds []string
	for _, k := range sortedKeys(r.kinds) {
		kinds = append(kinds, fmt.Sprintf("%d %s", r.kinds[k], k))
	}
	return strings.Join(kinds, ", "), nil
}

func sortedKeys(ms ...map[string]int) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			set[k] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var secretEnvRE = regexp.MustCompile(`(?i)(KEY|TOKEN|SECRET|PASSWORD)`)

// checkPod checks one Deployment's pod: the security contexts, the probes,
// the gateway's drain timing, volumes and mounts, no literal secret in the
// environment, and the imogate config it reads (valid, naming only files
// its Secrets volume provides).
func (c *checker) checkPod(name, component string, d *appsv1.Deployment, cm *corev1.ConfigMap, r *rendered, want expect) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("Deployment %s: "+format, append([]any{name}, args...)...))
	}
	spec := d.Spec.Template.Spec
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		bad("its selector does not match its pod template (%v)", err)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		bad("the pod mounts a service account token it does not need")
	}
	if _, ok := r.accounts[spec.ServiceAccountName]; !ok && len(r.accounts) > 0 {
		bad("service account %q is not the one rendered", spec.ServiceAccountName)
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = v
	}
	if len(spec.Containers) != 1 {
		bad("%d containers, want 1", len(spec.Containers))
		return errs
	}
	ct := spec.Containers[0]
	for _, p := range securityProblems(spec.SecurityContext, ct.SecurityContext) {
		bad("%s", p)
	}
	if ct.Image == "" || strings.HasSuffix(ct.Image, ":latest") || strings.HasSuffix(ct.Image, ":") {
		bad("image %q is not pinned", ct.Image)
	}
	ports := map[string]int32{}
	for _, p := range ct.Ports {
		ports[p.Name] = p.ContainerPort
	}
	probe := func(what string, p *corev1.Probe, path string) {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path {
			bad("no %s probe on %s", what, path)
			return
		}
		if _, ok := ports[p.HTTPGet.Port.String()]; !ok {
			bad("the %s probe's port %q is not a container port", what, p.HTTPGet.Port.String())
		}
	}
	probe("liveness", ct.LivenessProbe, "/healthz")
	probe("readiness", ct.ReadinessProbe, "/readyz")
	for _, e := range ct.Env {
		if e.Value != "" && secretEnvRE.MatchString(e.Name) {
			bad("env %s has a literal value; secrets come only from Secrets", e.Name)
		}
	}
	for _, m := range ct.VolumeMounts {
		if _, ok := volumes[m.Name]; !ok {
			bad("volume mount %s names no volume", m.Name)
		}
	}
	if len(ct.Args) > 0 {
		c.addLine("helm "+name, ct.Args)
	}
	if component == "gateway" {
		errs = append(errs, checkDrain(name, d, want.hpa)...)
	}

	// The config it reads.
	var file string
	for _, a := range ct.Args {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			file = v
		}
	}
	cfgVol, ok := volumes["config"]
	if file == "" || !ok || cfgVol.ConfigMap == nil || cfgVol.ConfigMap.Name != cm.Name {
		bad("it does not read its config (--config=…) from the chart's ConfigMap")
		return errs
	}
	key := file[strings.LastIndex(file, "/")+1:]
	yaml, ok := cm.Data[key]
	if !ok {
		bad("the ConfigMap has no %s", key)
		return errs
	}
	errs = append(errs, c.checkConfig(name, component, key, yaml, volumes["secrets"], want)...)
	return errs
}

// securityProblems checks the pod and container security contexts: uid
// and gid 65532, non-root, RuntimeDefault seccomp, a read-only root, no
// privilege escalation, every capability dropped.
func securityProblems(pod *corev1.PodSecurityContext, ct *corev1.SecurityContext) []string {
	var out []string
	if pod == nil || !isTrue(pod.RunAsNonRoot) || !is(pod.RunAsUser, 65532) || !is(pod.FSGroup, 65532) ||
		pod.SeccompProfile == nil || pod.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		out = append(out, "pod securityContext must set runAsNonRoot, runAsUser 65532, fsGroup 65532 and seccompProfile RuntimeDefault")
	}
	if ct == nil || !isTrue(ct.ReadOnlyRootFilesystem) || ct.AllowPrivilegeEscalation == nil || *ct.AllowPrivilegeEscalation ||
		!isTrue(ct.RunAsNonRoot) || ct.Capabilities == nil || !slices.Contains(ct.Capabilities.Drop, "ALL") || len(ct.Capabilities.Add) > 0 ||
		ct.SeccompProfile == nil || ct.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		out = append(out, "container securityContext must set readOnlyRootFilesystem, allowPrivilegeEscalation false, runAsNonRoot, drop ALL capabilities (add none) and seccomp RuntimeDefault")
	}
	return out
}

// checkDrain checks the gateway drains before it stops: a preStop sleep
// (endpoints drop the pod first), then serve's --shutdown-timeout, both
// within terminationGracePeriodSeconds; and that replicas is left to the
// HPA when there is one.
func checkDrain(name string, d *appsv1.Deployment, hpa bool) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("Deployment %s: "+format, append([]any{name}, args...)...))
	}
	spec := d.Spec.Template.Spec
	ct := spec.Containers[0]
	shutdown := -1
	for _, a := range ct.Args {
		if v, ok := strings.CutPrefix(a, "--shutdown-timeout="); ok {
			if n, err := strconv.Atoi(strings.TrimSuffix(v, "s")); err == nil {
				shutdown = n
			}
		}
	}
	sleep := int64(0)
	if ct.Lifecycle == nil || ct.Lifecycle.PreStop == nil || ct.Lifecycle.PreStop.Sleep == nil || ct.Lifecycle.PreStop.Sleep.Seconds < 1 {
		bad("no preStop sleep (endpoints must drop the pod before it stops taking calls)")
	} else {
		sleep = ct.Lifecycle.PreStop.Sleep.Seconds
	}
	if shutdown < 0 {
		bad("args %q set no --shutdown-timeout=Ns", ct.Args)
	} else if spec.TerminationGracePeriodSeconds == nil || *spec.TerminationGracePeriodSeconds <= int64(shutdown)+sleep {
		bad("terminationGracePeriodSeconds %v is not longer than the preStop sleep (%ds) plus --shutdown-timeout (%ds)", deref(spec.TerminationGracePeriodSeconds), sleep, shutdown)
	}
	if hpa != (d.Spec.Replicas == nil) {
		bad("replicas is %v with the HPA %v: the HPA alone sets replicas when it is on", deref(d.Spec.Replicas), hpa)
	}
	return errs
}

// checkConfig checks one rendered imogate config: every secret in it is a
// file the pod's Secrets volume provides, it holds only its component's
// secrets, its Redis mode is the one asked for, and `imogate config
// validate` accepts it (with stand-ins for the secret files).
func (c *checker) checkConfig(deployment, component, key, yaml string, secrets corev1.Volume, want expect) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("Deployment %s, %s: "+format, append([]any{deployment, key}, args...)...))
	}
	var cfg struct {
		Signer map[string]any `json:"signer"`
		Admin  *struct {
			Token map[string]any `json:"token"`
		} `json:"admin"`
		JWT *struct {
			Keys []struct {
				Algorithm     string         `json:"algorithm"`
				Secret        map[string]any `json:"secret"`
				PublicKeyFile string         `json:"public_key_file"`
			} `json:"keys"`
		} `json:"jwt"`
		Redis struct {
			Mode       string `json:"mode"`
			Durability string `json:"durability"`
		} `json:"redis"`
		Settlement struct {
			Enabled    bool           `json:"enabled"`
			SettlerKey map[string]any `json:"settler_key"`
			ArchiveDir string         `json:"archive_dir"`
		} `json:"settlement"`
	}
	if err := sigsyaml.Unmarshal([]byte(yaml), &cfg); err != nil {
		bad("not YAML: %v", err)
		return errs
	}
	if cfg.Redis.Mode != want.redisMode {
		bad("redis.mode is %q, want %q", cfg.Redis.Mode, want.redisMode)
	}
	if want.durability != "" && cfg.Redis.Durability != want.durability {
		bad("redis.durability is %q, want %q", cfg.Redis.Durability, want.durability)
	}
	if cfg.Settlement.Enabled {
		bad("settlement.enabled is true: the settler is its own Deployment")
	}
	hasSettlerKey := cfg.Settlement.SettlerKey != nil
	hasAdmin := cfg.Admin != nil
	hasJWT := cfg.JWT != nil && len(cfg.JWT.Keys) > 0
	switch component {
	case "gateway":
		if hasSettlerKey {
			bad("names the settler key: the gateway must not get it")
		}
	case "settler":
		if !hasSettlerKey {
			bad("names no settler key")
		}
		if hasAdmin || hasJWT {
			bad("names the admin token or JWT keys: the settler needs neither")
		}
	default:
		bad("unknown component %q", component)
	}
	files, fileErrs := secretFiles(yaml, secrets)
	for _, e := range fileErrs {
		bad("%v", e)
	}
	if cfg.JWT != nil {
		for i, k := range cfg.JWT.Keys {
			files[fmt.Sprintf("jwt-%d", i)] = standIn(fmt.Sprintf("jwt-%d", i), k.Algorithm)
		}
	}
	if _, ok := files["signer"]; !ok {
		bad("names no signer key file")
	}
	if err := c.validateConfig(key, yaml, secretsDir, files, component == "settler"); err != nil {
		bad("%v", err)
	}
	return errs
}

// secretFiles finds the secret files a rendered config names and checks
// each is under secretsDir and in the pod's Secrets volume, and that no
// secret comes from the environment. It returns a stand-in for each file.
func secretFiles(yaml string, secrets corev1.Volume) (map[string]string, []error) {
	var errs []error
	provided := map[string]bool{}
	if secrets.Projected != nil {
		for _, s := range secrets.Projected.Sources {
			if s.Secret != nil {
				for _, it := range s.Secret.Items {
					provided[it.Path] = true
				}
			}
		}
	}
	files := map[string]string{}
	for _, m := range refRE.FindAllStringSubmatch(yaml, -1) {
		line, key, v := strings.TrimSpace(m[0]), m[1], strings.Trim(m[2], `"'`)
		if key == "env" {
			errs = append(errs, fmt.Errorf("%s takes a secret from the environment; the chart mounts them as files", line))
			continue
		}
		rel, ok := strings.CutPrefix(v, secretsDir+"/")
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s is not under %s", line, secretsDir))
		case !provided[rel]:
			errs = append(errs, fmt.Errorf("%s is not in the pod's Secrets volume", line))
		default:
			files[rel] = standIn(rel, "")
		}
	}
	return files, errs
}

// refRE finds the secret references of a config: file, public_key_file
// and env keys.
var refRE = regexp.MustCompile(`(?m)^\s*(file|public_key_file|env): (.*)$`)

// standIn is a made-up value for a secret file, of the shape imogate
// checks: a hex secp256k1 key, a PEM public key, or random text.
func standIn(name, algorithm string) string {
	random := func(n int) string {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}
	switch {
	case name == "signer" || name == "settler":
		// Any 32 bytes below the curve order is a key; a leading 0x0f keeps it so.
		return "0f" + random(31)
	case algorithm == "ES256":
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		return pemPublic(&k.PublicKey)
	case algorithm == "RS256":
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		return pemPublic(&k.PublicKey)
	}
	return random(32)
}

func pemPublic(pub any) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err) // a key just generated always marshals
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// checkWiring checks the objects point at each other: Services select a
// Deployment's pods and name its ports, the HPA and PDB target the gateway,
// the ServiceMonitors select Services by a port they have, the settler's
// claim is rendered.
func checkWiring(r *rendered, want expect) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	podsOf := func(sel labels.Selector) []*appsv1.Deployment {
		var out []*appsv1.Deployment
		for _, d := range r.deployments {
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				out = append(out, d)
			}
		}
		return out
	}
	for name, s := range r.services {
		ds := podsOf(labels.SelectorFromSet(s.Spec.Selector))
		if len(ds) != 1 {
			bad("Service %s selects the pods of %d Deployments, want 1", name, len(ds))
			continue
		}
		for _, p := range s.Spec.Ports {
			found := false
			for _, cp := range ds[0].Spec.Template.Spec.Containers[0].Ports {
				found = found || cp.Name == p.TargetPort.String() || strconv.Itoa(int(cp.ContainerPort)) == p.TargetPort.String()
			}
			if !found {
				bad("Service %s: targetPort %s is not a port of %s", name, p.TargetPort.String(), ds[0].Name)
			}
		}
	}
	for _, h := range r.hpas {
		d, ok := r.deployments[h.Spec.ScaleTargetRef.Name]
		if !ok || h.Spec.ScaleTargetRef.Kind != "Deployment" || d.Spec.Template.Labels["app.kubernetes.io/component"] != "gateway" {
			bad("HorizontalPodAutoscaler %s does not scale the gateway Deployment", h.Name)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas > h.Spec.MaxReplicas {
			bad("HorizontalPodAutoscaler %s: minReplicas %v > maxReplicas %d", h.Name, deref(h.Spec.MinReplicas), h.Spec.MaxReplicas)
		}
	}
	if want.hpa != (len(r.hpas) == 1) {
		bad("%d HorizontalPodAutoscalers, want the HPA %v", len(r.hpas), want.hpa)
	}
	for _, p := range r.pdbs {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err != nil {
			bad("PodDisruptionBudget %s: %v", p.Name, err)
			continue
		}
		ds := podsOf(sel)
		if len(ds) != 1 || ds[0].Spec.Template.Labels["app.kubernetes.io/component"] != "gateway" {
			bad("PodDisruptionBudget %s does not select the gateway's pods", p.Name)
		}
	}
	errs = append(errs, checkMonitors(r)...)
	for _, d := range r.deployments {
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.PersistentVolumeClaim == nil {
				continue
			}
			if _, ok := r.pvcs[v.PersistentVolumeClaim.ClaimName]; !ok {
				bad("Deployment %s mounts claim %s, which is not rendered", d.Name, v.PersistentVolumeClaim.ClaimName)
			}
		}
	}
	return errs
}

// checkMonitors checks each ServiceMonitor selects one Service and scrapes
// /metrics on a port that Service has.
func checkMonitors(r *rendered) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, m := range r.monitors {
		sel, err := metav1.LabelSelectorAsSelector(&m.Spec.Selector)
		if err != nil {
			bad("ServiceMonitor %s: %v", m.Name, err)
			continue
		}
		var matched []*corev1.Service
		for _, s := range r.services {
			if sel.Matches(labels.Set(s.Labels)) {
				matched = append(matched, s)
			}
		}
		if len(matched) != 1 {
			bad("ServiceMonitor %s selects %d Services, want 1", m.Name, len(matched))
			continue
		}
		for _, e := range m.Spec.Endpoints {
			found := false
			for _, p := range matched[0].Spec.Ports {
				found = found || p.Name == e.Port
			}
			if !found || e.Path != "/metrics" {
				bad("ServiceMonitor %s: endpoint port %q path %q is not Service %s's /metrics", m.Name, e.Port, e.Path, matched[0].Name)
			}
		}
	}
	return errs
}

func isTrue(b *bool) bool { return b != nil && *b }

func is(v *int64, want int64) bool { return v != nil && *v == want }

func deref[T any](p *T) any {
	if p == nil {
		return "unset"
	}
	return *p
}
