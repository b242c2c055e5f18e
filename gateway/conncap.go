package gateway

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// perIPListener caps the open connections of one client address. fasthttp
// has its own cap (Server.MaxConnsPerIP), but in v1.51 a connection that
// Shutdown closes while idle is closed again by its worker, and its per-IP
// wrapper, already recycled, dereferences nil: a graceful stop crashed the
// process. Here a connection's Close may run any number of times.
type perIPListener struct {
	net.Listener
	max int

	mu   sync.Mutex
	open map[string]int
}

func newPerIPListener(ln net.Listener, max int) *perIPListener {
	return &perIPListener{Listener: ln, max: max, open: map[string]int{}}
}

// Accept returns the next connection whose address has fewer than max open;
// one over the cap is answered 429 and closed.
func (l *perIPListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := c.RemoteAddr().String()
		if h, _, err := net.SplitHostPort(ip); err == nil {
			ip = h
		}
		l.mu.Lock()
		if l.open[ip] >= l.max {
			l.mu.Unlock()
			go refuseConn(c)
			continue
		}
		l.open[ip]++
		l.mu.Unlock()
		return &cappedConn{Conn: c, l: l, ip: ip}, nil
	}
}

func (l *perIPListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

// cappedConn gives its slot back once, however often it is closed.
type cappedConn struct {
	net.Conn
	l    *perIPListener
	ip   string
	once sync.Once
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.ip) })
	return err
}

const tooManyConns = `{"error":{"message":"too many open connections from your address; close some or reuse them (keep-alive)","type":"rate_limit_error","param":null,"code":"too_many_connections"}}`

// refuseConn answers a connection over the cap with a 429 in the OpenAI
// error shape, without reading its request, and closes it.
func refuseConn(c net.Conn) {
	defer c.Close()
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = fmt.Fprintf(c, "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		len(tooManyConns), tooManyConns)
}
