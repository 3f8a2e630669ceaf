package proxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/config"
)

// Listen opens the listeners of cfg.Server before serving, so that a bad
// address fails start-up and callers learn the bound addresses (port 0).
func Listen(cfg *config.Config) ([]net.Listener, error) {
	var lns []net.Listener
	for _, addr := range cfg.Server.Listen {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, cfg.Errorf([]string{"server", "listen"}, "%v", err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// Serve serves on lns until ctx is done, then shuts down gracefully,
// letting requests in flight finish for up to grace. A [server]
// soft_memory_limit is set for the whole process when it starts.
func (s *Server) Serve(ctx context.Context, cfg *config.Config, lns []net.Listener, grace time.Duration) error {
	if cfg.Server.SoftMemoryLimit > 0 {
		debug.SetMemoryLimit(cfg.Server.SoftMemoryLimit)
	}
	maxBody := int64(0)
	for _, r := range cfg.Routes {
		maxBody = max(maxBody, r.MaxBody)
	}
	errc := make(chan error, len(lns))
	for i, ln := range lns {
		ln, err := s.tlsListener(cfg, ln)
		if err != nil {
			for _, l := range lns[i:] {
				l.Close()
			}
			sctx, cancel := context.WithTimeout(context.Background(), grace)
			defer cancel()
			return errors.Join(err, s.Close(sctx))
		}
		srv := &fasthttp.Server{
			Handler:                       s.Handler(),
			ErrorHandler:                  s.ErrorHandler,
			Name:                          "ward",
			ReadTimeout:                   cfg.Server.ReadTimeout,
			WriteTimeout:                  cfg.Server.WriteTimeout,
			IdleTimeout:                   cfg.Server.IdleTimeout,
			ReadBufferSize:                int(cfg.Server.MaxHeaderBytes),
			MaxRequestBodySize:            int(maxBody),
			Concurrency:                   cfg.Server.Concurrency,
			NoDefaultServerHeader:         true,
			NoDefaultDate:                 false,
			DisablePreParseMultipartForm:  true,
			DisableHeaderNamesNormalizing: false,
			CloseOnShutdown:               true,
			ReduceMemoryUsage:             cfg.Server.ReduceMemoryUsage,
			Logger:                        fasthttpLogger{s.log},
		}
		s.mu.Lock()
		s.servers = append(s.servers, srv)
		s.mu.Unlock()
		go func(ln net.Listener) { errc <- srv.Serve(ln) }(ln)
	}
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		return s.Close(sctx)
	case err := <-errc:
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		return errors.Join(err, s.Close(sctx))
	}
}

// fasthttpLogger sends fasthttp's connection-level messages (client
// resets, oversized bodies already answered) to slog at debug level.
type fasthttpLogger struct{ log *slog.Logger }

func (l fasthttpLogger) Printf(format string, args ...any) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug(fmt.Sprintf(format, args...), "component", "fasthttp")
	}
}
