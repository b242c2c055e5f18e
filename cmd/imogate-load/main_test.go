package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/imogate/imogate/internal/testredis"
)

// TestLoadRunAgainstRealGateway runs a short load run against a real
// `imogate serve` (built here) and a real Redis, and checks that every
// phase reports calls through the gateway with no errors, CPU per call for
// the gateway process and Redis, and that receipts were issued: the tool
// behind BENCHMARKS.md keeps working as the binary's config evolves.
func TestLoadRunAgainstRealGateway(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "imogate")
	if out, err := exec.Command("go", "build", "-o", bin, "../imogate").CombinedOutput(); err != nil {
		t.Fatalf("go build imogate: %v\n%s", err, out)
	}
	var out bytes.Buffer
	err := run([]string{"-imogate", bin, "-redis", testredis.URL(t), "-duration", "700ms", "-concurrency", "4", "-rate", "100",
		"-hostcheck", "200ms"}, &out)
	t.Logf("imogate-load output:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	// "  through imogate  calls/s p50 p90 p99 a50 a90 a99 errors gw redis load"
	row := regexp.MustCompile(`(?m)^  through imogate +(\d+) +\S+ +\S+ +\S+ +\S+ +\S+ +\S+ +(\d+) +(\d+) +(\d+) +\d+$`)
	rows := row.FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 2 {
		t.Fatalf("want a gateway row for the full-load and the fixed-rate phase, got %d", len(rows))
	}
	for _, r := range rows {
		if calls, _ := strconv.Atoi(r[1]); calls == 0 {
			t.Errorf("a phase ran no calls through the gateway: %q", r[0])
		}
		if r[2] != "0" {
			t.Errorf("%s calls failed: %q", r[2], r[0])
		}
		if gw, _ := strconv.Atoi(r[3]); gw <= 0 {
			t.Errorf("no gateway CPU per call measured: %q", r[0])
		}
	}
	m := regexp.MustCompile(`receipts issued through imogate in this run: (\d+)`).FindStringSubmatch(out.String())
	if m == nil || m[1] == "0" {
		t.Fatal("no receipts issued")
	}
	if !regexp.MustCompile(`host check .*below half speed`).MatchString(out.String()) {
		t.Fatal("no host check line")
	}
}
