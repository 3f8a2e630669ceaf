package proxy

import (
	"net"
	"time"
)

// idleConn is an upstream connection whose reads time out after a period
// of silence rather than at a fixed deadline. fasthttp sets one read
// deadline per request covering the whole answer, which would cut a long
// streamed answer; with idleConn a route's `timeout` bounds how long the
// upstream may stay silent: before its response headers, or between two
// reads of the body (two SSE events).
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// SetReadDeadline ignores fasthttp's per-request deadline; Read sets its own.
func (c *idleConn) SetReadDeadline(time.Time) error { return nil }

// SetDeadline applies t to writes only, for the same reason.
func (c *idleConn) SetDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(t) }
