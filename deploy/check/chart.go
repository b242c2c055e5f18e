package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/release"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"helm.sh/helm/v4/pkg/strvals"
)

// The release every render uses.
const (
	releaseName      = "imogate"
	releaseNamespace = "imogate"
)

// operatorSets are what an operator must set on top of the default values,
// as `helm install --set`: the Secret names, the chain and contract, the
// RPC URL; operatorJSON the model, as `--set-json`.
var (
	operatorSets = []string{
		"secrets.signer.existingSecret=imogate-signer",
		"secrets.settler.existingSecret=imogate-settler",
		"config.chain.chain_id=8453",
		"config.chain.settlement_contract=0x5FbDB2315678afecb367f032d93F642f64180aa3",
		"config.settlement.rpc_url=https://mainnet.base.org",
	}
	operatorJSON = []string{
		`config.models=[{"name":"my-model","token":"0x1111111111111111111111111111111111111111","upstream":{"base_url":"http://vllm.inference:8000/v1","kind":"vllm"},"price":{"per_request_wei":"10000000000","per_1k_prompt_wei":"1000000000","per_1k_completion_wei":"3000000000"},"max_tokens":1024}]`,
	}
)

// valuesOf builds the values `helm install -f FILE… --set S… --set-json J…`
// would pass.
func valuesOf(files, sets, jsonSets []string) (map[string]any, error) {
	vals := map[string]any{}
	for _, f := range files {
		v, err := common.ReadValuesFile(f)
		if err != nil {
			return nil, fmt.Errorf("values file %s: %w", f, err)
		}
		vals = mergeMaps(vals, v)
	}
	for _, s := range sets {
		if err := strvals.ParseInto(s, vals); err != nil {
			return nil, fmt.Errorf("--set %s: %w", s, err)
		}
	}
	for _, s := range jsonSets {
		if err := strvals.ParseJSON(s, vals); err != nil {
			return nil, fmt.Errorf("--set-json %s: %w", s, err)
		}
	}
	return vals, nil
}

// mergeMaps merges b into a, deeply, as helm merges values files.
func mergeMaps(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	for k, v := range b {
		if bv, ok := v.(map[string]any); ok {
			if av, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(av, bv)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// render is `helm template`: a client-only dry-run install of the chart
// with vals. It returns the manifest and the NOTES.
func render(chartDir string, vals map[string]any) (string, string, error) {
	ch, err := loader.Load(chartDir)
	if err != nil {
		return "", "", fmt.Errorf("load chart: %w", err)
	}
	inst := action.NewInstall(action.NewConfiguration(action.ConfigurationSetLogger(slog.DiscardHandler)))
	inst.DryRunStrategy = action.DryRunClient
	inst.ReleaseName = releaseName
	inst.Namespace = releaseNamespace
	inst.Replace = true
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rel, err := inst.RunWithContext(ctx, ch, vals)
	if err != nil {
		return "", "", err
	}
	acc, err := release.NewAccessor(rel)
	if err != nil {
		return "", "", err
	}
	return acc.Manifest(), acc.Notes(), nil
}

// lint is `helm lint --strict` with vals: any warning fails.
func lint(chartDir string, vals map[string]any) (string, error) {
	l := action.NewLint()
	l.Strict = true
	l.Namespace = releaseNamespace
	res := l.Run([]string{chartDir}, vals)
	var errs []error
	for _, m := range res.Messages {
		if m.Severity > support.InfoSev {
			errs = append(errs, m)
		}
	}
	errs = append(errs, res.Errors...)
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	return fmt.Sprintf("%d chart(s), %d info message(s)", res.TotalChartsLinted, len(res.Messages)), nil
}

// docs splits a manifest into its documents, in a stable order.
func docs(manifest string) []string {
	m := releaseutil.SplitManifests(manifest)
	keys := slices.Collect(maps.Keys(m))
	sort.Sort(releaseutil.BySplitManifestsOrder(keys))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

func (c *checker) checkChart() {
	dir := c.path("deploy", "helm", "imogate")
	ciValues := c.path("deploy", "helm", "imogate", "ci", "cluster-values.yaml")
	defaults := func() (map[string]any, error) { return valuesOf(nil, operatorSets, operatorJSON) }
	cluster := func() (map[string]any, error) { return valuesOf([]string{ciValues}, nil, nil) }

	c.check("helm lint --strict, default values and what an operator must set", func() (string, error) {
		vals, err := defaults()
		if err != nil {
			return "", err
		}
		return lint(dir, vals)
	})
	c.check("helm lint --strict, ci/cluster-values.yaml", func() (string, error) {
		vals, err := cluster()
		if err != nil {
			return "", err
		}
		return lint(dir, vals)
	})
	c.check("helm template, default values: strict Kubernetes decoding, hardened pods, valid imogate configs", func() (string, error) {
		vals, err := defaults()
		if err != nil {
			return "", err
		}
		return c.checkRendered(dir, vals, expect{
			kinds:     map[string]int{"ServiceAccount": 1, "ConfigMap": 1, "Service": 2, "Deployment": 2, "PodDisruptionBudget": 1, "PersistentVolumeClaim": 1},
			redisMode: "standalone", notes: []string{"create secret generic imogate-signer", "imogate contracts deploy", "/readyz", "/metrics", "durability is none"},
		})
	})
	c.check("helm template, ci/cluster-values.yaml (Redis Cluster, replicas:1, ServiceMonitors, HPA)", func() (string, error) {
		vals, err := cluster()
		if err != nil {
			return "", err
		}
		return c.checkRendered(dir, vals, expect{
			kinds:     map[string]int{"ServiceAccount": 1, "ConfigMap": 1, "Service": 2, "Deployment": 2, "PodDisruptionBudget": 1, "HorizontalPodAutoscaler": 1, "ServiceMonitor": 2},
			redisMode: "cluster", durability: "replicas:1", hpa: true,
			notes: []string{"create secret generic llm-upstream", "ServiceMonitors"},
		})
	})
	c.check("rendering without a required Secret name fails and says what to do", func() (string, error) {
		return checkRequired(dir)
	})
	c.check("values.schema.json rejects mistyped keys and bad values", func() (string, error) {
		return checkSchema(dir)
	})
}

// checkRequired renders with one required value left out at a time and
// checks the error names it and says what to do.
func checkRequired(dir string) (string, error) {
	without := func(prefix string) []string {
		var out []string
		for _, s := range operatorSets {
			if !strings.HasPrefix(s, prefix) {
				out = append(out, s)
			}
		}
		return out
	}
	cases := []struct {
		name  string
		sets  []string
		json  []string
		wants []string
	}{
		{"no signer Secret", without("secrets.signer."), operatorJSON,
			[]string{"secrets.signer.existingSecret is required", "kubectl create secret generic"}},
		{"no settler Secret", without("secrets.settler."), operatorJSON,
			[]string{"secrets.settler.existingSecret is required", "kubectl create secret generic"}},
		{"an upstream API key without its Secret", operatorSets,
			[]string{`config.models=[{"name":"m","token":"0x1111111111111111111111111111111111111111","upstream":{"base_url":"http://u:8000/v1","api_key_env":"UPSTREAM_API_KEY"}}]`},
			[]string{"secrets.upstreams has no entry for it", "UPSTREAM_API_KEY"}},
		{"an S3 archive without its Secret", append(slices.Clone(operatorSets), "config.settlement.archive_s3.bucket=b", "config.settlement.archive_s3.endpoint=s3.example.com"), operatorJSON,
			[]string{"secrets.archiveS3.existingSecret is required"}},
		{"no settlement contract", without("config.chain.settlement_contract"), operatorJSON,
			[]string{"config.chain.settlement_contract is required"}},
		{"no model", operatorSets, nil, []string{"config.models is required"}},
		{"a Redis password for a standalone Redis", append(slices.Clone(operatorSets), "secrets.redis.existingSecret=redis", "secrets.redis.passwordKey=password"), operatorJSON,
			[]string{"secrets.redis.passwordKey is for redis.mode sentinel or cluster", "secrets.redis.urlKey"}},
	}
	var errs []error
	for _, tc := range cases {
		vals, err := valuesOf(nil, tc.sets, tc.json)
		if err != nil {
			return "", err
		}
		_, _, err = render(dir, vals)
		if err == nil {
			errs = append(errs, fmt.Errorf("%s: rendered, want a failure", tc.name))
			continue
		}
		for _, w := range tc.wants {
			if !strings.Contains(err.Error(), w) {
				errs = append(errs, fmt.Errorf("%s: the error does not say %q: %v", tc.name, w, err))
			}
		}
	}
	return fmt.Sprintf("%d cases, each refused with its message", len(cases)), errors.Join(errs...)
}

// checkSchema renders with a mistyped key or a bad value and checks
// values.schema.json refuses it, naming the key.
func checkSchema(dir string) (string, error) {
	cases := []struct {
		set   string
		wants []string
	}{
		{"gateway.replicas=3", []string{"replicas"}},                                // replicaCount
		{"config.redis.durabilty=fsync", []string{"durabilty"}},                     // durability
		{"secrets.signer.existingSecert=x", []string{"existingSecert"}},             // existingSecret
		{"config.redis.durability=replica:1", []string{"durability"}},               // replicas:N
		{"config.redis.mode=clustered", []string{"mode"}},                           // enum
		{"gateway.port=http", []string{"port"}},                                     // integer
		{"config.settlement.max_fee_cap_wei=1.5e9", []string{"max_fee_cap_wei"}},    // integer wei string
		{"config.chain.settlement_contract=0x123", []string{"settlement_contract"}}, // address
		{"config.redis.url=redis://:hunter2@redis:6379/0", []string{"url"}},         // a password in a ConfigMap
		{"gateway.preStopSleepSeconds=0", []string{"preStopSleepSeconds"}},          // refused before Kubernetes 1.33
	}
	var errs []error
	for _, tc := range cases {
		vals, err := valuesOf(nil, append(slices.Clone(operatorSets), tc.set), operatorJSON)
		if err != nil {
			return "", err
		}
		if strings.HasSuffix(tc.set, "=1.5e9") {
			// --set would make a number of it; a values file's quoted
			// string is what the schema must refuse.
			vals["config"].(map[string]any)["settlement"].(map[string]any)["max_fee_cap_wei"] = "1.5e9"
		}
		_, _, err = render(dir, vals)
		if err == nil {
			errs = append(errs, fmt.Errorf("--set %s: rendered, want values.schema.json to refuse it", tc.set))
			continue
		}
		if !strings.Contains(err.Error(), "schema") {
			errs = append(errs, fmt.Errorf("--set %s: refused, but not by the schema: %v", tc.set, err))
		}
		for _, w := range tc.wants {
			if !strings.Contains(err.Error(), w) {
				errs = append(errs, fmt.Errorf("--set %s: the error does not name %q: %v", tc.set, w, err))
			}
		}
	}
	return fmt.Sprintf("%d mistakes refused", len(cases)), errors.Join(errs...)
}

// printManifests prints the two renders the checks look at.
func printManifests(root string) error {
	dir := filepath.Join(root, "deploy", "helm", "imogate")
	for _, r := range []struct {
		name        string
		files, sets []string
		json        []string
	}{
		{"default values + operator --set", nil, operatorSets, operatorJSON},
		{"ci/cluster-values.yaml", []string{filepath.Join(dir, "ci", "cluster-values.yaml")}, nil, nil},
	} {
		vals, err := valuesOf(r.files, r.sets, r.json)
		if err != nil {
			return err
		}
		manifest, notes, err := render(dir, vals)
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		fmt.Printf("# ===== %s =====\n%s\n# ----- NOTES -----\n%s\n", r.name, manifest, notes)
	}
	return nil
}
