// Package audit writes Ward's audit log: one JSON line per request, with
// the request id, identity annotations, route, API, model, each guard's
// verdict, reasons, scores and latency, the final status and error code,
// token usage and the upstream latency.
//
// What is never written: prompts, answers, request or answer headers
// (credentials live there), guard error texts (they may quote guest
// output), and annotations other than identity.* (guards use annotations
// to pass data such as sealed token mappings between phases).
//
// A line is encoded on the request's goroutine into a pooled buffer and
// queued; one writer goroutine drains the queue. A full queue drops the
// line and counts it: requests never wait for the audit sink.
package audit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
)

// Counter receives the logger's counts (engine/control/metrics implements
// it); nil counts nothing.
type Counter interface {
	AuditWritten()
	AuditDropped()
	AuditError()
}

// Options configure a Logger.
type Options struct {
	// W is the sink: os.Stdout or a *RotatingFile. The Logger closes it
	// when it is an io.Closer other than os.Stdout's (see Close).
	W io.Writer
	// Buffer is the number of lines queued for the writer; default 8192.
	Buffer int
	// Counter counts written, dropped and failed lines.
	Counter Counter
	// OnError is told of sink write errors (at most once a second).
	OnError func(error)
}

// Logger is an audit log. It implements proxy.Observer and is safe for
// concurrent use.
type Logger struct {
	o       Options
	q       chan *[]byte
	bufs    sync.Pool
	done    chan struct{}
	closeMu sync.RWMutex
	closed  bool
	lastErr time.Time
}

var _ proxy.Observer = (*Logger)(nil)

// New starts a logger writing to o.W.
func New(o Options) *Logger {
	if o.Buffer <= 0 {
		o.Buffer = 8192
	}
	l := &Logger{o: o, q: make(chan *[]byte, o.Buffer), done: make(chan struct{})}
	l.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	go l.run()
	return l
}

// ObserveRequest implements proxy.Observer: it encodes r and queues it.
func (l *Logger) ObserveRequest(r *proxy.Record) {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return
	}
	bp := l.bufs.Get().(*[]byte)
	*bp = Append((*bp)[:0], r)
	select {
	case l.q <- bp:
	default:
		l.bufs.Put(bp)
		if l.o.Counter != nil {
			l.o.Counter.AuditDropped()
		}
	}
}

func (l *Logger) run() {
	defer close(l.done)
	w := bufio.NewWriterSize(l.o.W, 64<<10)
	for bp := range l.q {
		l.write(w, bp)
		// Write what else is queued, then flush once.
	more:
		for {
			select {
			case bp, ok := <-l.q:
				if !ok {
					break more
				}
				l.write(w, bp)
			default:
				break more
			}
		}
		if err := w.Flush(); err != nil {
			l.fail(err)
			w.Reset(l.o.W)
		}
	}
	if err := w.Flush(); err != nil {
		l.fail(err)
	}
}

func (l *Logger) write(w *bufio.Writer, bp *[]byte) {
	_, err := w.Write(*bp)
	if len(*bp) <= 64<<10 {
		l.bufs.Put(bp)
	}
	if err != nil {
		l.fail(err)
		return
	}
	if l.o.Counter != nil {
		l.o.Counter.AuditWritten()
	}
}

func (l *Logger) fail(err error) {
	if l.o.Counter != nil {
		l.o.Counter.AuditError()
	}
	if l.o.OnError != nil && time.Since(l.lastErr) > time.Second {
		l.lastErr = time.Now()
		l.o.OnError(err)
	}
}

// Close stops accepting lines, writes the queued ones, flushes and closes
// the sink when it is a *RotatingFile.
func (l *Logger) Close() error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return nil
	}
	l.closed = true
	close(l.q)
	l.closeMu.Unlock()
	<-l.done
	if f, ok := l.o.W.(*RotatingFile); ok {
		return f.Close()
	}
	return nil
}

// Append appends r as one JSON line (with its newline) to dst.
func Append(dst []byte, r *proxy.Record) []byte {
	dst = append(dst, `{"time":"`...)
	dst = r.Start.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","request_id":`...)
	dst = appendString(dst, r.RequestID, 128)
	first := true
	for _, a := range r.Annotations {
		k, ok := strings.CutPrefix(a.Key, "identity.")
		if !ok || k == "" {
			continue
		}
		if first {
			dst = append(dst, `,"identity":{`...)
			first = false
		} else {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k, 64)
		dst = append(dst, ':')
		dst = appendString(dst, a.Value, 256)
	}
	if !first {
		dst = append(dst, '}')
	}
	dst = append(dst, `,"route":`...)
	dst = appendString(dst, r.Route, 128)
	dst = append(dst, `,"api":"`...)
	dst = append(dst, r.API.String()...)
	dst = append(dst, `","model":`...)
	dst = appendString(dst, r.Model, 128)
	dst = append(dst, `,"stream":`...)
	dst = strconv.AppendBool(dst, r.Stream)
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	if r.Code != "" {
		dst = append(dst, `,"code":`...)
		dst = appendString(dst, r.Code, 128)
	}
	dst = append(dst, `,"guards":[`...)
	for i := range r.Guards {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendGuard(dst, &r.Guards[i])
	}
	dst = append(dst, `],"prompt_tokens":`...)
	dst = strconv.AppendUint(dst, uint64(r.PromptTokens), 10)
	dst = append(dst, `,"completion_tokens":`...)
	dst = strconv.AppendUint(dst, uint64(r.CompletionTokens), 10)
	dst = append(dst, `,"upstream_ms":`...)
	dst = appendMillis(dst, r.Upstream)
	dst = append(dst, `,"duration_ms":`...)
	dst = appendMillis(dst, r.Duration)
	return append(dst, "}\n"...)
}

func appendGuard(dst []byte, g *pipeline.Record) []byte {
	dst = append(dst, `{"guard":`...)
	dst = appendString(dst, g.Guard, 64)
	dst = append(dst, `,"version":`...)
	dst = appendString(dst, g.Version, 64)
	dst = append(dst, `,"phase":"`...)
	dst = append(dst, g.Phase.String()...)
	dst = append(dst, `","mode":"`...)
	dst = append(dst, g.Mode.String()...)
	dst = append(dst, `","verdict":"`...)
	dst = append(dst, g.Outcome...)
	dst = append(dst, '"')
	if g.Code != "" {
		dst = append(dst, `,"code":`...)
		dst = appendString(dst, g.Code, 128)
	}
	if len(g.Reasons) > 0 {
		dst = append(dst, `,"reasons":[`...)
		for i, s := range g.Reasons {
			if i == 16 {
				break
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s, 256)
		}
		dst = append(dst, ']')
	}
	if len(g.Scores) > 0 {
		dst = append(dst, `,"scores":{`...)
		for i, s := range g.Scores {
			if i == 16 {
				break
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s.Name, 64)
			dst = append(dst, ':')
			v := s.Value
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			dst = strconv.AppendFloat(dst, v, 'g', 4, 64)
		}
		dst = append(dst, '}')
	}
	if g.Rewrites > 0 {
		dst = append(dst, `,"rewrites":`...)
		dst = strconv.AppendInt(dst, int64(g.Rewrites), 10)
	}
	dst = append(dst, `,"latency_us":`...)
	dst = strconv.AppendInt(dst, g.Latency.Microseconds(), 10)
	dst = appendCandidate(dst, g)
	return append(dst, '}')
}

func appendMillis(dst []byte, d time.Duration) []byte {
	return strconv.AppendFloat(dst, float64(d)/1e6, 'f', 3, 64)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, cut to at most max bytes (at a
// rune boundary) with "…" marking the cut. Invalid UTF-8 becomes U+FFFD.
func appendString(dst []byte, s string, max int) []byte {
	cut := false
	if len(s) > max {
		s = s[:max]
		for len(s) > 0 && !utf8.RuneStart(s[len(s)-1]) {
			s = s[:len(s)-1]
		}
		if len(s) > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s); r == utf8.RuneError {
				s = s[:len(s)-1]
			}
		}
		cut = true
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			case c == '<' || c == '>' || c == '&':
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xf])
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	if cut {
		dst = append(dst, "…"...)
	}
	return append(dst, '"')
}

// ErrClosed is returned by writes to a closed RotatingFile.
var ErrClosed = errors.New("audit: file is closed")

// describe is used in errors.
func describe(path string, err error) error { return fmt.Errorf("audit: %s: %w", path, err) }
