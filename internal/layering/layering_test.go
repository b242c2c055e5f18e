package layering

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/imogate/imogate"

// deps maps each package of the module (test files excluded) to every
// package it depends on, directly or not, as `go list -deps` sees them.
func deps(t *testing.T) map[string][]string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	cmd := exec.Command(gobin, "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		m[f[0]] = f[1:]
	}
	if len(m) < 20 {
		t.Fatalf("go list found only %d packages", len(m))
	}
	return m
}

// inModule reports whether pkg is one of the module's packages.
func inModule(pkg string) bool { return strings.HasPrefix(pkg, module+"/") }

// under reports whether pkg is one of dirs or below it.
func under(pkg string, dirs ...string) bool {
	for _, d := range dirs {
		p := module + "/" + d
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

// TestLayers: the import graph points one way.
func TestLayers(t *testing.T) {
	all := deps(t)
	rules := []struct {
		name     string
		importer func(string) bool // packages the rule applies to
		banned   func(string) bool // what they must not depend on
	}{
		{
			"domains and consumers never depend on the Redis store (main wires it in)",
			func(p string) bool {
				return under(p, "metering", "inference", "settlement", "apikey", "config", "gateway")
			},
			func(d string) bool { return under(d, "redisstore") },
		},
		{
			"only commands depend on the gateway",
			func(p string) bool { return inModule(p) && !under(p, "cmd", "gateway") },
			func(d string) bool { return under(d, "gateway") },
		},
		{
			"nothing depends on a command",
			inModule,
			func(d string) bool { return under(d, "cmd") },
		},
		{
			"metering depends on nothing of settlement",
			func(p string) bool { return under(p, "metering") },
			func(d string) bool { return under(d, "settlement") },
		},
		{
			"domain roots depend on no consumer or implementation",
			func(p string) bool {
				return p == module+"/metering" || p == module+"/apikey" || p == module+"/settlement" || p == module+"/inference"
			},
			func(d string) bool {
				return under(d, "gateway", "redisstore", "settlement/batcher", "settlement/audit", "settlement/ledger")
			},
		},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			for pkg, ds := range all {
				if !r.importer(pkg) {
					continue
				}
				for _, d := range ds {
					if r.banned(d) {
						t.Errorf("%s depends on %s", pkg, d)
					}
				}
			}
		})
	}
}

// TestRulesCanFail checks the helper the rules are built on, so a rule
// never passes because it matches nothing.
func TestRulesCanFail(t *testing.T) {
	all := deps(t)
	found := false
	for _, d := range all[module+"/cmd/imogate"] {
		if d == module+"/redisstore" {
			found = true
		}
	}
	if !found {
		t.Fatal("cmd/imogate does not appear to depend on redisstore: the dependency listing is wrong")
	}
	if !under(module+"/settlement/batcher", "settlement") || under(module+"/settlementx", "settlement") ||
		!inModule(module+"/gateway") || inModule("github.com/redis/go-redis/v9") {
		t.Fatal("under() or inModule() matches the wrong packages")
	}
}
