package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/imogate/imogate/internal/childproc"
)

// child is a restartable imogate process (a gateway or a settler).
type child struct {
	name string
	args []string
	env  []string
	logf string // its log file
	url  string // a gateway's base URL ("" for a settler)

	mu  sync.Mutex
	cmd *exec.Cmd
}

func (c *child) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, err := os.OpenFile(c.logf, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(c.args[0], c.args[1:]...)
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = f, f
	childproc.DieWithParent(cmd, syscall.SIGKILL)
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start %s: %w", c.name, err)
	}
	go func() { _ = cmd.Wait(); f.Close() }()
	c.cmd = cmd
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill() {
	c.mu.Lock()
	cmd := c.cmd
	c.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Kill()
	for i := 0; i < 100; i++ {
		if cmd.ProcessState != nil || cmd.Process.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitReady waits for a gateway's /readyz (a settler is ready when it runs).
func (c *child) waitReady(ctx context.Context, within time.Duration) error {
	if c.url == "" {
		return nil
	}
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if r, err := http.Get(c.url + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	tail, _ := os.ReadFile(c.logf)
	if len(tail) > 3000 {
		tail = tail[len(tail)-3000:]
	}
	return fmt.Errorf("%s did not come up within %s:\n%s", c.name, within, bytes.TrimSpace(tail))
}

// startGeth runs `geth --dev` (a block per transaction) on port in dir.
func startGeth(bin, dir string, port int) (*exec.Cmd, error) {
	cmd := exec.Command(bin, "--dev", "--http", "--http.addr", "127.0.0.1", "--http.port", fmt.Sprint(port),
		"--http.api", "eth,net,web3", "--datadir", filepath.Join(dir, "geth"), "--nodiscover", "--maxpeers", "0", "--port", "0",
		"--authrpc.port", "0", "--verbosity", "2")
	f, err := os.Create(filepath.Join(dir, "geth.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = f, f
	childproc.DieWithParent(cmd, syscall.SIGKILL)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return cmd, nil
}
