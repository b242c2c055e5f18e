package archive_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imogate/imogate/settlement/archive"
)

// startS3 runs s3rver (npm, pinned in package.json), an S3-compatible
// server, on a free loopback port with one bucket, and returns its endpoint.
func startS3(t *testing.T, bucket string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the S3 test (apt-get install nodejs)")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	if _, err := os.Stat(filepath.Join(root, "node_modules", "s3rver")); err != nil {
		t.Fatal("node_modules/s3rver is missing: run npm ci at the repository root")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	script := fmt.Sprintf(`const S3rver = require('s3rver');
new S3rver({ port: %d, address: '127.0.0.1', silent: true, directory: %q, configureBuckets: [{ name: %q }] })
  .run().then(() => console.log('ready'), (e) => { console.error(e); process.exit(1); });`, port, t.TempDir(), bucket)
	cmd := exec.Command(node, "-e", script)
	cmd.Dir = root
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "ready" {
				ready <- true
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("s3rver did not start")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("s3rver did not start in 20s")
	}
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// TestS3Store archives to a real S3-protocol server through the MinIO client:
// objects round-trip byte for byte, a missing object is ErrNotFound, a put
// replaces, prefixes keep archives apart, and bad paths are refused.
func TestS3Store(t *testing.T) {
	endpoint := startS3(t, "imogate-archive")
	open := func(prefix, secret string) *archive.S3 {
		s, err := archive.NewS3(archive.S3Config{Endpoint: endpoint, Bucket: "imogate-archive", Prefix: prefix,
			Region: "us-east-1", AccessKey: "S3RVER", SecretKey: secret, Insecure: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ctx := t.Context()
	a := open("prod", "S3RVER")
	data := []byte(`{"format":"standard-v1"}` + "\n" + strings.Repeat("x", 1<<20))
	if err := a.Put(ctx, "0xabc/0/tree.json", data); err != nil {
		t.Fatal(err)
	}
	got, err := a.Get(ctx, "0xabc/0/tree.json")
	if err != nil || string(got) != string(data) {
		t.Fatalf("round trip: %d bytes, %v", len(got), err)
	}
	if err := a.Put(ctx, "0xabc/0/tree.json", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Get(ctx, "0xabc/0/tree.json"); string(got) != "v2" {
		t.Fatalf("put did not replace: %q", got)
	}
	if _, err := a.Get(ctx, "0xabc/1/tree.json"); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("missing object: %v, want ErrNotFound", err)
	}
	if _, err := open("other", "S3RVER").Get(ctx, "0xabc/0/tree.json"); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("prefixes not kept apart: %v", err)
	}
	for _, bad := range []string{"", "/abs", "../escape"} {
		if err := a.Put(ctx, bad, []byte("x")); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	if _, err := archive.NewS3(archive.S3Config{}); err == nil {
		t.Fatal("empty config accepted")
	}
	missing, err := archive.NewS3(archive.S3Config{Endpoint: endpoint, Bucket: "no-such-bucket", Region: "us-east-1",
		AccessKey: "S3RVER", SecretKey: "S3RVER", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := missing.Put(ctx, "0xabc/0/tree.json", []byte("x")); err == nil {
		t.Fatal("a put into a missing bucket succeeded")
	}
}
