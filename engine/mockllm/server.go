// Package mockllm is a deterministic, in-process stand-in for LLM provider
// APIs. It is the upstream used by `ward demo`, by the proxy's end-to-end
// tests and by the load benchmarks.
//
// It speaks, over HTTP/1.1 (fasthttp):
//
//	POST /v1/chat/completions   OpenAI Chat Completions, JSON or SSE
//	POST /v1/completions        OpenAI legacy Completions, JSON or SSE
//	POST /v1/embeddings         OpenAI Embeddings, JSON (float or base64)
//	POST /v1/responses          OpenAI Responses, JSON or SSE (event: lines)
//	POST /v1/messages           Anthropic Messages, JSON or SSE (event: lines)
//	GET  /v1/models             OpenAI model list (one model, "mock-model")
//
// Every answer is a pure function of the request: the text is
// "Mock answer to: " followed by the first 80 runes of the last user text,
// ids are derived from the SHA-256 of the body, "created" timestamps are the
// fixed instant [Created], and usage counts are word counts. Sending the same
// request twice yields byte-identical bodies, which lets proxy tests compare
// a direct answer with a proxied one.
//
// Every answer (errors and faults included, except `reset`) carries the
// header x-mock-body-sha256 with the hex SHA-256 of the request body as
// received, so a test can tell whether a proxy re-encoded the body.
//
// Fault injection is chosen per request by the x-mock-fault header (see the
// Fault* constants: reset, slow, truncate, status:NNN, stream-cut). The header x-mock-echo-headers: 1 adds the received
// request headers to the answer (field "received_headers"); the header
// x-mock-leak-system-prompt: 1 makes the answer repeat the request's system
// prompt, as a model tricked into revealing its instructions does.
package mockllm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Created is the fixed Unix time used for every "created"/"created_at" field,
// so that answers do not depend on the wall clock.
const Created int64 = 1735689600 // 2025-01-01T00:00:00Z

// DefaultChunkSize is the number of runes per streamed text delta when
// Options.ChunkSize is zero or negative.
const DefaultChunkSize = 4

// shutdownTimeout bounds Close: connections still busy after it are left to
// die with the process and Close reports ErrShutdownTimeout.
const shutdownTimeout = 10 * time.Second

// maxBodySize is the largest request body the mock accepts. It is larger than
// any default Ward limit so that size limits are exercised in the proxy, not
// here.
const maxBodySize = 64 << 20

var (
	// ErrClosed is returned by Serve and ListenAndServe once Close was called.
	ErrClosed = errors.New("mockllm: server closed")
	// ErrShutdownTimeout is returned by Close when busy connections did not
	// finish within the shutdown bound.
	ErrShutdownTimeout = errors.New("mockllm: shutdown timed out")
)

// Options configure a Server. The zero value is valid: 4-rune chunks, no
// delays, no logging.
type Options struct {
	// ChunkSize is the number of runes of answer text per SSE delta event.
	// Values <= 0 mean DefaultChunkSize.
	ChunkSize int
	// ChunkDelay is slept between two SSE events of one stream (not before
	// the first). Zero streams as fast as the connection allows.
	ChunkDelay time.Duration
	// Latency is slept once per request before the response headers are
	// written, for every request including faults.
	Latency time.Duration
	// Logger receives fasthttp's internal errors (warn) and one line per
	// request at debug level. Nil discards everything.
	Logger *slog.Logger
}

// Server is a mock LLM upstream. Create it with New; it is safe for
// concurrent use, may serve several listeners at once, and cannot be reused
// after Close.
type Server struct {
	opts      Options
	chunkSize int
	log       *slog.Logger
	srv       *fasthttp.Server
	requests  atomic.Int64

	closing   chan struct{} // closed by Close: aborts sleeps and delays
	closeOnce sync.Once
	closeErr  error
	closed    atomic.Bool
}

// New returns a Server configured by o. It does not listen; call Serve or
// ListenAndServe.
func New(o Options) *Server {
	s := &Server{
		opts:      o,
		chunkSize: o.ChunkSize,
		log:       o.Logger,
		closing:   make(chan struct{}),
	}
	if s.chunkSize <= 0 {
		s.chunkSize = DefaultChunkSize
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.srv = &fasthttp.Server{
		Handler:            s.handle,
		Name:               "mockllm",
		ReadTimeout:        60 * time.Second,
		IdleTimeout:        90 * time.Second,
		MaxRequestBodySize: maxBodySize,
		Logger:             fasthttpLogger{s.log},
		// CloseOnShutdown makes keep-alive clients see "Connection: close"
		// on their last answer instead of a silently dropped socket.
		CloseOnShutdown: true,
	}
	return s
}

// Handler returns the request handler, for embedding the mock in another
// fasthttp server or for in-memory tests. Faults that hijack the connection
// (reset, truncate, stream-cut) need a real fasthttp.Server to take effect.
func (s *Server) Handler() fasthttp.RequestHandler { return s.handle }

// Serve accepts connections on ln until Close is called, then returns nil.
// It returns ErrClosed if the server was already closed, and otherwise the
// listener's permanent accept error. ln is closed by Close.
func (s *Server) Serve(ln net.Listener) error {
	if s.closed.Load() {
		ln.Close()
		return ErrClosed
	}
	if err := s.srv.Serve(ln); err != nil {
		return fmt.Errorf("mockllm: serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// ListenAndServe listens on the TCP address addr and calls Serve.
func (s *Server) ListenAndServe(addr string) error {
	if s.closed.Load() {
		return ErrClosed
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mockllm: listen %s: %w", addr, err)
	}
	return s.Serve(ln)
}

// Close stops accepting connections, cuts every pending sleep (Latency,
// ChunkDelay, the slow fault) short so that in-flight answers finish at once,
// closes idle keep-alive connections and waits for busy ones, at most 10 s.
// It is idempotent: later calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.closing)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := s.srv.ShutdownWithContext(ctx); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				s.closeErr = ErrShutdownTimeout
			} else {
				s.closeErr = fmt.Errorf("mockllm: shutdown: %w", err)
			}
		}
	})
	return s.closeErr
}

// Requests returns the number of requests received so far, faults and errors
// included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// sleep waits d, or less if the server is closing. It reports whether the full
// duration elapsed.
func (s *Server) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.closing:
		return false
	}
}

// fasthttpLogger adapts slog to fasthttp's Printf-style logger.
type fasthttpLogger struct{ l *slog.Logger }

func (f fasthttpLogger) Printf(format string, args ...any) {
	f.l.Warn("mockllm: " + fmt.Sprintf(format, args...))
}
