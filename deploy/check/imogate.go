package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"
)

// imogateBinary builds the imogate binary from the repository (unless
// -imogate names one): the command lines and configs are checked against
// the real thing.
func (c *checker) imogateBinary() (string, error) {
	if c.bin != "" {
		if _, err := os.Stat(c.bin); err != nil {
			return "", fmt.Errorf("-imogate: %w", err)
		}
		return c.bin, nil
	}
	c.bin = filepath.Join(c.tmp, "imogate")
	cmd := exec.Command("go", "build", "-o", c.bin, "./cmd/imogate")
	cmd.Dir = c.root
	if out, err := cmd.CombinedOutput(); err != nil {
		c.bin = ""
		return "", fmt.Errorf("go build ./cmd/imogate: %v\n%s", err, out)
	}
	return "built from " + c.root, nil
}

// addLine records an imogate command line found in a file.
func (c *checker) addLine(where string, args []string) {
	c.lines = append(c.lines, commandLine{where: where, args: args})
}

// flagRE finds the long flags in a command's --help.
var flagRE = regexp.MustCompile(`--([a-z0-9][a-z0-9-]*)`)

// checkCommandLines runs `imogate <subcommand> --help` for every recorded
// command line and checks each of its --flags is one the subcommand takes.
func (c *checker) checkCommandLines() (string, error) {
	if c.bin == "" {
		return "", errors.New("no imogate binary (its build failed above)")
	}
	if len(c.lines) == 0 {
		return "", errors.New("no imogate command line was found in the artifacts")
	}
	helps := map[string]map[string]bool{}
	var errs []error
	seen := map[string]bool{}
	for _, l := range c.lines {
		if len(l.args) == 0 {
			errs = append(errs, fmt.Errorf("%s: an empty imogate command line", l.where))
			continue
		}
		sub := l.args[0]
		flags, ok := helps[sub]
		if !ok {
			out, err := exec.Command(c.bin, sub, "--help").CombinedOutput()
			if err != nil || !bytes.Contains(out, []byte("imogate "+sub)) {
				errs = append(errs, fmt.Errorf("%s: `imogate %s` is not a subcommand of the binary (%v): %s", l.where, sub, err, firstLine(out)))
				helps[sub] = nil
				continue
			}
			flags = map[string]bool{}
			for _, m := range flagRE.FindAllSubmatch(out, -1) {
				flags[string(m[1])] = true
			}
			helps[sub] = flags
		}
		if flags == nil {
			continue
		}
		for _, a := range l.args[1:] {
			if !strings.HasPrefix(a, "--") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
			if !flags[name] {
				errs = append(errs, fmt.Errorf("%s: `imogate %s` has no flag --%s", l.where, sub, name))
			}
		}
		seen[sub] = true
	}
	subs := make([]string, 0, len(seen))
	for s := range seen {
		subs = append(subs, s)
	}
	sort.Strings(subs)
	return fmt.Sprintf("%d command lines (%s)", len(c.lines), strings.Join(subs, ", ")), errors.Join(errs...)
}

// validateConfig runs `imogate config validate` on an imogate.yaml that the
// chart rendered, with its secret files (named under secretsDir) replaced by
// generated stand-ins in a directory of their own. settle checks the
// settlement section too, as `imogate settle` loads it.
func (c *checker) validateConfig(name, yaml, secretsDir string, files map[string]string, settle bool) error {
	if c.bin == "" {
		return errors.New("no imogate binary (its build failed above)")
	}
	dir, err := os.MkdirTemp(c.tmp, "config-")
	if err != nil {
		return err
	}
	for f, content := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o600); err != nil {
			return err
		}
	}
	text := strings.ReplaceAll(yaml, secretsDir+"/", dir+"/")
	if settle {
		// `imogate settle` resolves and checks the settlement section
		// whatever settlement.enabled says; config validate does so when it
		// is set.
		var cfg map[string]any
		if err := sigsyaml.Unmarshal([]byte(text), &cfg); err != nil {
			return fmt.Errorf("%s is not YAML: %w", name, err)
		}
		s, _ := cfg["settlement"].(map[string]any)
		if s == nil {
			return fmt.Errorf("%s has no settlement section", name)
		}
		s["enabled"] = true
		b, err := sigsyaml.Marshal(cfg)
		if err != nil {
			return err
		}
		text = string(b)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return err
	}
	cmd := exec.Command(c.bin, "config", "validate", path)
	// Only the environment the chart gives the pod: no IMOGATE_* overrides
	// from the machine running the check.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("imogate config validate %s: %v\n%s", name, err, out)
	}
	return nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}
