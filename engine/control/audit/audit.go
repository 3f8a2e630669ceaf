// Package audit writes Ward's audit log: one JSON line per request, with
// the request id, identity annotations, route, API, model, each guard's
// verdict, reasons, scores and latency, the final status and error code,
// token usage, the upstream latency and the data protection guards' entity
// counts; and lines of other kinds (start, dropped, and whatever callers
// give LogRecord, such as admin actions).
//
// Every line is a link of a hash chain (chain.go) that runs across rotated
// files; Verify checks it, Read opens sealed records, and Summarise makes
// the compliance report from them.
//
// What is never written: request or answer headers (credentials live
// there), guard error texts (they may quote guest output), annotations
// other than identity.* and *.entities (guards use annotations to pass
// data such as sealed token mappings between phases), and prompts and
// answers unless Options.Prompts is set, and then only masked.
//
// A line is encoded on the request's goroutine into a pooled buffer and
// queued; one writer goroutine drains the queue, masks prompts, chains,
// seals and writes. A full queue drops the line and counts it: requests
// never wait for the audit sink.
package audit

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

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
	// when it is a *RotatingFile (see Close). With a *RotatingFile the
	// Logger rotates it between records, so that every file begins with a
	// start record, and continues the chain of the records already in it.
	W io.Writer
	// Buffer is the number of lines queued for the writer; default 8192.
	Buffer int
	// Counter counts written, dropped and failed lines.
	Counter Counter
	// OnError is told of sink write errors (at most once a second).
	OnError func(error)
	// Keys, when set, seals every record but the start records with the
	// active key (AES-256-GCM).
	Keys *Keyring
	// Prompts logs each request's prompt (Record.Prompt) and whole answer
	// (Record.Answer), masked by the writer with sdk/detect, each cut to
	// PromptMax bytes (default 4096).
	Prompts   bool
	PromptMax int
	// Version is written into start records.
	Version string
	// Checkpoint, when positive, calls OnCheckpoint that often with the
	// chain's head (the seq and hash of the last line written), when it
	// moved. Logged outside the audit file, checkpoints let `ward audit
	// verify -head` tell a file whose newest records were cut off.
	Checkpoint   time.Duration
	OnCheckpoint func(seq uint64, hash string)
	// Now is the clock of start and dropped records; default time.Now.
	Now func() time.Time
}

// item is one queued record: a JSON object without its newline and, with
// Options.Prompts, the raw prompt and answer text that the writer masks.
type item struct {
	line           []byte
	prompt, answer []byte
	promptCut      bool
	answerCut      bool
	hasPrompt      bool
	hasAnswer      bool
}

// Logger is an audit log. It implements proxy.Observer and is safe for
// concurrent use. Records are encoded on the caller's goroutine; chaining,
// masking, sealing and writing happen on one writer goroutine.
type Logger struct {
	o       Options
	q       chan *item
	items   sync.Pool
	done    chan struct{}
	closeMu sync.RWMutex
	closed  bool
	lastErr time.Time
	dropped atomic.Uint64 // records dropped since the writer last said so

	// The writer goroutine's state.
	rf      *RotatingFile
	ch      *chain
	mask    masker
	batch   []byte
	body    []byte // a record's body with its prompt, or a dropped record
	sbody   []byte // a start record's body (written while body is in use)
	moved   bool   // lines written since the last checkpoint
	failed  bool   // the last write failed: start the next file afresh
	pending int    // records in batch, counted written (or lost) at the flush
}

var _ proxy.Observer = (*Logger)(nil)

// New starts a logger writing to o.W. With a *RotatingFile that already
// holds records, the chain continues from its last record (or, when that
// record cannot be read, in a new file that begins a new chain; the error
// goes to OnError).
func New(o Options) *Logger {
	if o.Buffer <= 0 {
		o.Buffer = 8192
	}
	if o.PromptMax <= 0 {
		o.PromptMax = 4096
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	l := &Logger{o: o, q: make(chan *item, o.Buffer), done: make(chan struct{}), ch: newChain(o.Keys)}
	l.items.New = func() any { return &item{line: make([]byte, 0, 1024)} }
	l.rf, _ = o.W.(*RotatingFile)
	go l.run()
	return l
}

// begin writes the first start record: in a file that holds records, it
// continues their chain.
func (l *Logger) begin() {
	restart := false
	if l.rf != nil {
		seq, hash, ok, partial, err := resume(l.rf.path)
		if !ok && err == nil && !partial {
			// An empty file after a rotation: the chain goes on from
			// path.1.
			seq, hash, ok, _, err = resume(l.rf.path + ".1")
		}
		switch {
		case err != nil:
			l.fail(fmt.Errorf("audit: %s: cannot continue the chain, starting a new one in a new file: %w", l.rf.path, err), 0)
			l.rotate()
		case partial:
			// A crash cut the last line: leave it for verify to report,
			// and go on in a new file.
			l.rotate()
		}
		if ok {
			l.ch.seq, l.ch.prev, restart = seq, hash, true
		}
	}
	l.start(restart)
	l.flush()
}

func (l *Logger) start(restart bool) {
	l.sbody = l.ch.appendStart(l.sbody[:0], l.o.Now(), l.o.Version, restart)
	l.batch = l.ch.appendLine(l.batch, l.sbody, false)
	l.moved = true
}

func (l *Logger) rotate() {
	if l.rf == nil {
		return
	}
	if err := l.rf.Rotate(); err != nil {
		l.fail(err, 0)
	}
}

// ObserveRequest implements proxy.Observer: it encodes r and queues it.
// Without Options.Prompts it does not allocate once the pool is warm.
func (l *Logger) ObserveRequest(r *proxy.Record) {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return
	}
	it := l.items.Get().(*item)
	it.line = Append(it.line[:0], r)
	it.line = it.line[:len(it.line)-1] // the writer adds the newline
	it.hasPrompt, it.hasAnswer = false, false
	if l.o.Prompts {
		limit := l.o.PromptMax + maskSlack
		if r.Prompt != nil {
			it.prompt, it.promptCut = appendMessages(it.prompt[:0], r.Prompt, limit)
			it.hasPrompt = true
		}
		if r.Answer != nil {
			it.answer, it.answerCut = appendMessages(it.answer[:0], r.Answer, limit)
			it.hasAnswer = true
		}
	}
	l.queue(it)
}

// ErrDropped is returned by LogRecord when the queue is full.
var ErrDropped = errors.New("audit: queue full, record dropped")

// LogRecord queues one record of any kind: obj is one JSON object
// ("{...}", a trailing newline allowed) that should carry a "kind" (say
// "admin" or "quarantine") and a "time". The writer puts it into the hash
// chain (prepending "seq" and "prev") and seals it like a request record.
// obj is copied. It never blocks: a full queue drops the record, counts it
// and returns ErrDropped.
func (l *Logger) LogRecord(obj []byte) error {
	obj = bytes.TrimSpace(obj)
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' || bytes.IndexByte(obj, '\n') >= 0 {
		return errors.New("audit: a record is one JSON object on one line")
	}
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	it := l.items.Get().(*item)
	it.line = append(it.line[:0], obj...)
	it.hasPrompt, it.hasAnswer = false, false
	if !l.queue(it) {
		return ErrDropped
	}
	return nil
}

func (l *Logger) queue(it *item) bool {
	select {
	case l.q <- it:
		return true
	default:
		l.put(it)
		l.dropped.Add(1)
		if l.o.Counter != nil {
			l.o.Counter.AuditDropped()
		}
		return false
	}
}

func (l *Logger) put(it *item) {
	if cap(it.line) <= 64<<10 && cap(it.prompt) <= 1<<20 && cap(it.answer) <= 1<<20 {
		l.items.Put(it)
	}
}

func (l *Logger) run() {
	defer close(l.done)
	l.begin()
	var tick <-chan time.Time
	if l.o.Checkpoint > 0 && l.o.OnCheckpoint != nil {
		t := time.NewTicker(l.o.Checkpoint)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case it, ok := <-l.q:
			if !ok {
				l.noteDropped()
				l.flush()
				l.checkpoint()
				return
			}
			l.write(it)
			// Write what else is queued, then flush once.
		more:
			for len(l.batch) < 256<<10 {
				select {
				case it, ok := <-l.q:
					if !ok {
						break more
					}
					l.write(it)
				default:
					break more
				}
			}
			l.flush()
		case <-tick:
			l.noteDropped()
			l.flush()
			l.checkpoint()
		}
	}
}

func (l *Logger) checkpoint() {
	if !l.moved || l.o.OnCheckpoint == nil || l.ch.seq == 0 {
		return
	}
	l.moved = false
	l.o.OnCheckpoint(l.ch.seq-1, hashPrefix+hex.EncodeToString(l.ch.prev[:]))
}

// noteDropped puts a "dropped" record into the chain when records were
// dropped since the last one, so that the loss shows in the log itself.
func (l *Logger) noteDropped() {
	n := l.dropped.Swap(0)
	if n == 0 {
		return
	}
	l.body = append(l.body[:0], `{"kind":"dropped","time":"`...)
	l.body = l.o.Now().UTC().AppendFormat(l.body, time.RFC3339Nano)
	l.body = append(l.body, `","count":`...)
	l.body = strconv.AppendUint(l.body, n, 10)
	l.body = append(l.body, '}')
	l.emit(l.body)
}

func (l *Logger) write(it *item) {
	l.noteDropped()
	body := it.line
	if it.hasPrompt || it.hasAnswer {
		l.body = append(l.body[:0], it.line[:len(it.line)-1]...) // without its '}'
		if it.hasPrompt {
			l.body = append(l.body, `,"prompt":`...)
			l.body = l.appendMasked(l.body, it.prompt, it.promptCut)
		}
		if it.hasAnswer {
			l.body = append(l.body, `,"answer":`...)
			l.body = l.appendMasked(l.body, it.answer, it.answerCut)
		}
		l.body = append(l.body, '}')
		clear(it.prompt) // raw text does not linger in the pool
		clear(it.answer)
		body = l.body
	}
	l.emit(body)
	l.put(it)
	l.pending++
}

func (l *Logger) appendMasked(dst, text []byte, cut bool) []byte {
	m := l.mask.mask(text, cut)
	n := len(dst)
	dst = appendString(dst, unsafe.String(unsafe.SliceData(m), len(m)), l.o.PromptMax)
	if cut && !bytes.HasSuffix(dst[n:], []byte("…\"")) {
		dst = append(dst[:len(dst)-1], "…\""...)
	}
	clear(l.mask.out)
	return dst
}

// emit chains body into the batch, rotating the file first when the line
// would not fit.
func (l *Logger) emit(body []byte) {
	if l.rf != nil {
		est := int64(len(body)) + 128
		if l.ch.aead != nil {
			est = int64(len(body)+16)*4/3 + 192
		}
		if used := l.rf.Size() + int64(len(l.batch)); used > 0 && (used+est > l.rf.maxSize || l.failed) {
			l.flush()
			l.failed = false
			l.rotate()
			l.start(false)
		}
	}
	l.batch = l.ch.appendLine(l.batch, body, true)
	l.moved = true
}

func (l *Logger) flush() {
	if len(l.batch) == 0 {
		return
	}
	var err error
	if l.rf != nil {
		_, err = l.rf.writeNoRotate(l.batch)
	} else {
		_, err = l.o.W.Write(l.batch)
	}
	if cap(l.batch) > 1<<20 {
		l.batch = nil
	} else {
		l.batch = l.batch[:0]
	}
	// A record counts as written once the sink took it, not when it
	// entered the batch: on a full disk the batch is lost, and every
	// record in it counts as an error.
	n := l.pending
	l.pending = 0
	if err != nil {
		// The batch is lost: its records leave a gap that verify reports.
		// The next record goes into a new file.
		l.failed = true
		l.fail(err, n)
		return
	}
	if l.o.Counter != nil {
		for range n {
			l.o.Counter.AuditWritten()
		}
	}
}

// fail counts lost records as errors (lost: how many; 0 for a failure that
// lost none, such as a rotation) and logs err at most once a second.
func (l *Logger) fail(err error, lost int) {
	if l.o.Counter != nil {
		for range lost {
			l.o.Counter.AuditError()
		}
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
	if l.rf != nil {
		return l.rf.Close()
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
	first = true
	for _, a := range r.Annotations {
		g, ok := strings.CutSuffix(a.Key, ".entities")
		if !ok || g == "" || strings.HasPrefix(a.Key, "identity.") {
			continue
		}
		if first {
			dst = append(dst, `,"entities":{`...)
			first = false
		} else {
			dst = append(dst, ',')
		}
		dst = appendString(dst, g, 64)
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
	if r.StreamEnd != "" {
		dst = append(dst, `,"stream_end":`...)
		dst = appendString(dst, r.StreamEnd, 32)
		dst = append(dst, `,"stream_ms":`...)
		dst = appendMillis(dst, r.StreamDuration)
	}
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

// jsonSafe[c] reports whether the ASCII byte c goes into a JSON string as
// it is: not '"', '\\', a control character, DEL, or one of <, >, & (which
// are escaped, as encoding/json does, so that a line is safe in HTML).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

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
	// Runs of bytes that need no escaping are copied whole (most strings
	// are one such run): only the bytes between them are looked at one by
	// one.
	run := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[run:i]...)
			if c == '"' || c == '\\' {
				dst = append(dst, '\\', c)
			} else { // control characters, DEL and <, >, & (HTML-safe, as encoding/json)
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			run = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, s[run:i]...)
			dst = append(dst, `\ufffd`...)
			run = i + n
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[run:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xf])
			run = i + n
		}
		i += n
	}
	dst = append(dst, s[run:]...)
	if cut {
		dst = append(dst, "…"...)
	}
	return append(dst, '"')
}

// ErrClosed is returned by writes to a closed RotatingFile.
var ErrClosed = errors.New("audit: file is closed")

// describe is used in errors.
func describe(path string, err error) error { return fmt.Errorf("audit: %s: %w", path, err) }
