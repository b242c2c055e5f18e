// Command check verifies imogate's deployment artifacts, as CI runs it
// (scripts/check-deploy.sh):
//
//   - the Helm chart (deploy/helm/imogate): linted and rendered with the Helm
//     library for the default values (with what an operator must set) and for
//     ci/cluster-values.yaml; every rendered object strictly decoded into its
//     Kubernetes type (a ServiceMonitor into prometheus-operator's), its pods
//     checked for the security settings and probes the chart promises, and
//     the imogate configs it renders checked by `imogate config validate`;
//     rendering without a required Secret name fails with its message, and
//     values.schema.json rejects a mistyped key;
//   - deploy/compose.yaml, loaded with the compose-spec library;
//   - the Dockerfile's facts (distroless or scratch, user 65532, a
//     HEALTHCHECK, CGO_ENABLED=0);
//   - the systemd units (their hardening, systemd-analyze verify and
//     security when systemd-analyze is installed);
//   - every imogate command line in those files: its subcommand and flags
//     exist in the binary.
//
// It prints a line per check and exits 1 if any failed.
//
//	cd deploy/check && go run . -root ../..
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	root := flag.String("root", "../..", "the imogate repository")
	bin := flag.String("imogate", "", "an imogate binary to check command lines and rendered configs with (default: build one from -root)")
	manifests := flag.Bool("manifests", false, "print the chart's two checked renders (default values with what an operator must set; ci/cluster-values.yaml) and exit")
	flag.Parse()
	abs, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "check:", err)
		os.Exit(2)
	}
	if *manifests {
		if err := printManifests(abs); err != nil {
			fmt.Fprintln(os.Stderr, "check:", err)
			os.Exit(1)
		}
		return
	}
	tmp, err := os.MkdirTemp("", "imogate-deploy-check-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "check:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(tmp)
	c := &checker{root: abs, tmp: tmp, bin: *bin}
	c.runAll()
	fmt.Printf("\ndeploy check: %d passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 {
		os.RemoveAll(tmp)
		os.Exit(1)
	}
}

// checker runs the checks and counts their results.
type checker struct {
	root, tmp, bin string
	passed, failed int
	// lines are the imogate command lines found in the artifacts, checked
	// against the binary at the end.
	lines []commandLine
}

// commandLine is one imogate invocation found in a file.
type commandLine struct {
	where string
	args  []string // without the program
}

func (c *checker) path(p ...string) string { return filepath.Join(append([]string{c.root}, p...)...) }

// check runs one named check and prints its result: "ok" with what it
// found, or "FAIL" with every problem on its own line.
func (c *checker) check(name string, f func() (string, error)) {
	start := time.Now()
	detail, err := f()
	took := time.Since(start).Round(10 * time.Millisecond)
	if err != nil {
		c.failed++
		fmt.Printf("FAIL %s (%s)\n", name, took)
		for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
			fmt.Printf("       %s\n", line)
		}
		return
	}
	c.passed++
	if detail != "" {
		detail = ": " + detail
	}
	fmt.Printf("ok   %s%s (%s)\n", name, detail, took)
}

func (c *checker) runAll() {
	c.check("imogate binary for the command-line and config checks", c.imogateBinary)
	c.check("Dockerfile: distroless/scratch final stage, user 65532, HEALTHCHECK, CGO_ENABLED=0", c.checkDockerfile)
	c.check("deploy/compose.yaml loads with compose-spec (compose-go) and is wired as the demo needs", c.checkCompose)
	c.checkChart()
	c.check("systemd units: hardening, systemd-analyze verify and security", c.checkSystemd)
	c.check("every imogate command line uses real subcommands and flags", c.checkCommandLines)
}
