// Package redisproc runs redis-server as a child process: the private Redis
// of `imogate dev` and the servers tests start when none is running. A server
// listens on loopback only, keeps its files in one directory, and is stopped
// by Stop (or dies with its parent where the OS supports it).
//
// redis-server changes into its --dir before it opens --logfile, so a
// relative directory with a relative log path names a file that does not
// exist from there and the server exits at once without a word. Start
// therefore always passes absolute paths, and when a server exits before it
// answers, the error carries the tail of its log (or says there is none).
package redisproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/internal/childproc"
)

// ErrNotInstalled is returned when no redis-server is on the PATH.
var ErrNotInstalled = errors.New("redis-server is not installed")

// Options configure one server.
type Options struct {
	// Dir holds the server's data and its log file (redis.log). It is
	// created if missing and made absolute. Required.
	Dir string
	// Port is the loopback port to listen on; 0 picks a free one.
	Port int
	// Args are extra redis-server arguments, e.g. "--cluster-enabled", "yes".
	// The defaults are no snapshots and no AOF (--save "" --appendonly no);
	// Args given later on the command line override them.
	Args []string
	// StartTimeout bounds the wait for the server to answer PING. Default 10s.
	StartTimeout time.Duration
}

// Server is a running redis-server child.
type Server struct {
	cmd    *exec.Cmd
	addr   string
	dir    string
	exited chan struct{}
	err    error // the process's exit error, valid once exited is closed
	out    *tailBuffer
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.b))
}

// Start runs redis-server with o and returns once it answers PING.
func Start(ctx context.Context, o Options) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("%w (Debian/Ubuntu: apt-get install -y redis-server)", ErrNotInstalled)
	}
	if o.Dir == "" {
		return nil, errors.New("redisproc: a directory is required")
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("redis directory %s: %w", o.Dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("redis directory: %w", err)
	}
	port := o.Port
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 10 * time.Second
	}
	args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log")}
	args = append(args, o.Args...)
	cmd := exec.Command(bin, args...)
	// Redis writes to its log once running, but refuses bad arguments on
	// standard error before it has one.
	out := &tailBuffer{max: 4096}
	cmd.Stdout, cmd.Stderr = out, out
	childproc.DieWithParent(cmd, syscall.SIGKILL)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	s := &Server{cmd: cmd, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), dir: dir, exited: make(chan struct{}), out: out}
	go func() { s.err = cmd.Wait(); close(s.exited) }()
	if err := s.waitReady(ctx, o.StartTimeout); err != nil {
		_ = s.Kill()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	rdb := redis.NewClient(&redis.Options{Addr: s.addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(timeout)
	for {
		pctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		err := rdb.Ping(pctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("redis-server exited before it answered (%v): %s", s.err, s.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer within %s (%v): %s", s.addr, timeout, err, s.logTail())
		}
	}
}

// logTail is what the server said on its way out (standard error, else
// the end of its log), for error messages.
func (s *Server) logTail() string {
	if o := s.out.String(); o != "" {
		return "it said:\n" + o
	}
	b, err := os.ReadFile(s.LogFile())
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return "its log " + s.LogFile() + " is empty or missing"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "last lines of " + s.LogFile() + ":\n" + string(bytes.TrimSpace(b))
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// URL is the server's redis:// URL (database 0).
func (s *Server) URL() string { return "redis://" + s.addr + "/0" }

// Dir is the server's (absolute) directory.
func (s *Server) Dir() string { return s.dir }

// LogFile is the path of the server's log.
func (s *Server) LogFile() string { return filepath.Join(s.dir, "redis.log") }

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Exited is closed once the process has exited.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Stop asks the server to shut down (SIGTERM; a kill where signals do not
// exist) and waits up to 10 s for it, then kills it.
func (s *Server) Stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return s.Kill()
	}
	select {
	case <-s.exited:
		return nil
	case <-time.After(10 * time.Second):
		return s.Kill()
	}
}

// Kill stops the server at once (SIGKILL) and waits for it to exit.
func (s *Server) Kill() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill redis-server: %w", err)
	}
	<-s.exited
	return nil
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
