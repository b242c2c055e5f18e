package dashboard

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestDistIsRebuilt rebuilds the dashboard into a temporary directory with
// build.mjs and requires byte-identical files to the committed dist/. It
// fails, never skips, when node or the npm packages are missing.
func TestDistIsRebuilt(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH: the dashboard build check needs Node (>= 20) and `npm ci` at the repository root: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range []string{"esbuild", "ethers", "@openzeppelin/merkle-tree"} {
		if _, err := os.Stat(filepath.Join(root, "node_modules", dep, "package.json")); err != nil {
			t.Fatalf("node_modules/%s is missing: run `npm ci` at the repository root (%v)", dep, err)
		}
	}
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), node, filepath.Join("gateway", "dashboard", "build.mjs"), "--out", out)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node gateway/dashboard/build.mjs --out %s: %v\n%s", out, err, b)
	}
	names := func(dir string) []string {
		t.Helper()
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, e := range es {
			ns = append(ns, e.Name())
		}
		return ns
	}
	committed, rebuilt := names("dist"), names(out)
	if !slices.Equal(committed, rebuilt) {
		t.Fatalf("dist/ holds %v, a rebuild gives %v: run `node gateway/dashboard/build.mjs` and commit dist/", committed, rebuilt)
	}
	for _, n := range committed {
		want, err := os.ReadFile(filepath.Join(out, n))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("dist", n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("dist/%s differs from a rebuild (%d vs %d bytes): run `node gateway/dashboard/build.mjs` and commit dist/", n, len(got), len(want))
		}
	}
}

func TestRegister(t *testing.T) {
	app := fiber.New()
	Register(app)
	tests := []struct {
		path, wantType, wantBody string
		wantStatus               int
	}{
		{"/dashboard/", "text/html", `<script src="/dashboard/app.js"></script>`, http.StatusOK},
		{"/dashboard/index.html", "text/html", "<title>imogate dashboard</title>", http.StatusOK},
		{"/dashboard/app.js", "javascript", "DO NOT EDIT", http.StatusOK},
		{"/dashboard/style.css", "text/css", ".verdict", http.StatusOK},
		{"/dashboard", "text/html", `src="/dashboard/app.js"`, http.StatusOK},
		{"/dashboard/missing.js", "", "", http.StatusNotFound},
		{"/dashboard/..%2fdashboard.go", "", "", http.StatusNotFound},
		{"/dashboard/.hidden", "", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := app.Test(httptest.NewRequest(http.MethodGet, tt.path, nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want it to contain %q", ct, tt.wantType)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body lacks %q", tt.wantBody)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
		})
	}
}
