package wasmhost

import (
	"bytes"
	"context"
	"log/slog"
)

// outputBudget is the per-call allowance of guest output (stdout and stderr
// together) of one instance. It is used only by the goroutine that holds
// the instance, so it needs no locking.
type outputBudget struct {
	limit   int  // bytes forwarded per call; <= 0 forwards nothing
	used    int  // bytes forwarded during the current call
	dropped int  // bytes dropped during the current call
	oom     bool // the guest wrote "out of memory" during the current call
}

var oomText = []byte("out of memory")

// outputStream is the io.Writer given to a module as stdout or stderr. It
// forwards complete lines to the logger, at most budget.limit bytes per call
// (the rest is counted and dropped), and remembers whether the guest said
// "out of memory" so that a following trap is classified as guard_oom.
type outputStream struct {
	budget *outputBudget
	g      *Guard // for its logger and name
	stream string // "stdout" or "stderr"
	level  slog.Level
	line   []byte // partial line; never longer than budget.limit
}

// Write never fails and always reports len(p) written, so a guest does not
// retry output that was dropped.
func (s *outputStream) Write(p []byte) (int, error) {
	n := len(p)
	b := s.budget
	if !b.oom && bytes.Contains(p, oomText) {
		b.oom = true
	}
	room := b.limit - b.used
	if room <= 0 {
		b.dropped += n
		return n, nil
	}
	if len(p) > room {
		b.dropped += len(p) - room
		p = p[:room]
	}
	b.used += len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.line = append(s.line, p...)
			break
		}
		if len(s.line) > 0 {
			s.line = append(s.line, p[:i]...)
			s.emit(s.line)
			s.line = s.line[:0]
		} else {
			s.emit(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

func (s *outputStream) emit(line []byte) {
	s.g.logger.Log(context.Background(), s.level, "guard output",
		slog.String("guard", s.g.name), slog.String("stream", s.stream), slog.String("line", string(line)))
}

// flush ends a call: it forwards pending partial lines, reports dropped
// bytes, and resets the budget for the next call.
func flushOutput(b *outputBudget, stdout, stderr *outputStream) {
	if b.used == 0 && b.dropped == 0 && !b.oom {
		return
	}
	for _, s := range [2]*outputStream{stdout, stderr} {
		if len(s.line) > 0 {
			s.emit(s.line)
			s.line = s.line[:0]
		}
	}
	if b.dropped > 0 {
		s := stdout
		s.g.logger.Warn("guard output truncated",
			slog.String("guard", s.g.name), slog.Int("dropped_bytes", b.dropped), slog.Int("limit_bytes", b.limit))
	}
	b.used, b.dropped, b.oom = 0, 0, false
}
