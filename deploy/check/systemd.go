package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// unitFile is a parsed systemd unit: its directives by section, in order.
type unitFile map[string][][2]string

func parseUnit(path string) (unitFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	u := unitFile{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("%s: %q is not key=value", path, line)
			}
			u[section] = append(u[section], [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		}
	}
	return u, sc.Err()
}

// values are the values of key in section, in order.
func (u unitFile) values(section, key string) []string {
	var out []string
	for _, kv := range u[section] {
		if kv[0] == key {
			out = append(out, kv[1])
		}
	}
	return out
}

// hardening are the [Service] settings each unit must have, with their
// values ("" = any value, even empty).
var hardening = map[string]string{
	"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes",
	"ProtectKernelTunables": "yes", "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes",
	"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "MemoryDenyWriteExecute": "yes", "LockPersonality": "yes",
	"SystemCallFilter": "@system-service", "CapabilityBoundingSet": "", "DynamicUser": "yes", "Restart": "on-failure",
}

var durationRE = regexp.MustCompile(`^(\d+)s$`)

// checkSystemd checks each unit's hardening, user, credentials, ordering
// and stop timeout (longer than serve's --shutdown-timeout), records its
// ExecStart, and runs systemd-analyze verify and security on copies whose
// ExecStart points at the checked binary, where systemd-analyze exists.
func (c *checker) checkSystemd() (string, error) {
	units := []string{"imogate-serve.service", "imogate-settle.service"}
	var errs []error
	for _, name := range units {
		errs = append(errs, c.checkUnit(name)...)
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		return "units parsed; systemd-analyze is not installed, so not verified by systemd", nil
	}
	return c.analyzeUnits(analyze, units)
}

// checkUnit checks one unit file's directives.
func (c *checker) checkUnit(name string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(name+": "+format, args...)) }
	u, err := parseUnit(c.path("deploy", "systemd", name))
	if err != nil {
		return []error{err}
	}
	for k, want := range hardening {
		vs := u.values("Service", k)
		switch {
		case len(vs) == 0:
			bad("no %s=", k)
		case want != "" && vs[0] != want:
			bad("%s=%s, want %s", k, vs[0], want)
		case k == "CapabilityBoundingSet" && vs[0] != "":
			bad("CapabilityBoundingSet=%s, want it empty (no capabilities)", vs[0])
		}
	}
	after := strings.Join(u.values("Unit", "After"), " ")
	for _, w := range []string{"network-online.target", "redis.service"} {
		if !strings.Contains(after, w) {
			bad("not ordered After=%s", w)
		}
	}
	if len(u.values("Service", "LoadCredential")) == 0 {
		bad("no LoadCredential= for its keys")
	}
	exec := u.values("Service", "ExecStart")
	if len(exec) != 1 {
		bad("%d ExecStart= lines, want 1", len(exec))
		return errs
	}
	args := strings.Fields(exec[0])
	if len(args) < 2 || args[0] != "/usr/local/bin/imogate" {
		bad("ExecStart=%s does not run /usr/local/bin/imogate", exec[0])
		return errs
	}
	c.addLine("deploy/systemd/"+name, args[1:])
	stop := u.values("Service", "TimeoutStopSec")
	switch args[1] {
	case "serve":
		shutdown := 0
		for i, a := range args {
			if a == "--shutdown-timeout" && i+1 < len(args) {
				if m := durationRE.FindStringSubmatch(args[i+1]); m != nil {
					shutdown, _ = strconv.Atoi(m[1])
				}
			}
		}
		limit := 0
		if len(stop) == 1 {
			limit, _ = strconv.Atoi(stop[0])
		}
		if shutdown == 0 || limit <= shutdown {
			bad("TimeoutStopSec=%v is not longer than --shutdown-timeout %ds", stop, shutdown)
		}
	case "settle":
		if len(u.values("Service", "StateDirectory")) == 0 {
			bad("no StateDirectory= for the archive")
		}
		if len(stop) == 0 {
			bad("no TimeoutStopSec=")
		}
	}
	return errs
}

// analyzeUnits runs systemd-analyze verify (any output fails: it exits 0
// on unknown keys and bad values, printing them) and security (exposure at
// most 2.0) on copies of the units whose ExecStart is the checked binary:
// verify needs the program to exist.
func (c *checker) analyzeUnits(analyze string, units []string) (string, error) {
	if c.bin == "" {
		return "", errors.New("no imogate binary for systemd-analyze verify (its build failed above)")
	}
	dir := filepath.Join(c.tmp, "systemd")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var paths []string
	for _, name := range units {
		b, err := os.ReadFile(c.path("deploy", "systemd", name))
		if err != nil {
			return "", err
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/imogate", c.bin)), 0o644); err != nil {
			return "", err
		}
		paths = append(paths, p)
	}
	out, err := exec.Command(analyze, append([]string{"verify"}, paths...)...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		return "", fmt.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	var scores []string
	for _, p := range paths {
		out, err := exec.Command(analyze, "security", "--offline=yes", "--threshold=20", p).CombinedOutput()
		m := exposureRE.FindSubmatch(out)
		if err != nil || m == nil {
			return "", fmt.Errorf("systemd-analyze security %s: exposure above 2.0 or unreadable (%v):\n%s", filepath.Base(p), err, lastLines(out, 15))
		}
		scores = append(scores, fmt.Sprintf("%s %s", filepath.Base(p), m[1]))
	}
	return "systemd-analyze verify clean; exposure " + strings.Join(scores, ", "), nil
}

var exposureRE = regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
