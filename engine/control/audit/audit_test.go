package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/sdk/abi"
)

func sampleRecord() *proxy.Record {
	return &proxy.Record{
		Start:     time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC),
		Duration:  1500 * time.Microsecond,
		RequestID: "req-1",
		Route:     "llm",
		API:       abi.APIOpenAIChat,
		Model:     "gpt-4o-mini\"\n<x>",
		Status:    403,
		Code:      "denylist.phrase",
		Annotations: []abi.KV{
			{Key: "client.ip", Value: "10.0.0.1"},
			{Key: "identity.subject", Value: "alice"},
			{Key: "pii.mapping", Value: "sealed-secret-mapping"},
			{Key: "identity.roles", Value: "analyst"},
			{Key: "pii.entities", Value: "EMAIL:2,IBAN:1"},
		},
		Guards: []pipeline.Record{
			{Guard: "auth", Version: "1.0.0", Phase: abi.PhaseRequest, Outcome: pipeline.OutcomeAllow, Latency: 12 * time.Microsecond},
			{Guard: "denylist", Version: "0.2.0", Phase: abi.PhaseRequest, Outcome: pipeline.OutcomeDeny, Code: "denylist.phrase",
				Reasons: []string{"phrase \u2028 matched"}, Scores: []abi.Score{{Name: "risk", Value: 0.75}}, Latency: 30 * time.Microsecond},
			{Guard: "pii", Version: "1", Phase: abi.PhaseResponse, Mode: pipeline.Observe, Outcome: pipeline.OutcomeError, Code: "guard_timeout", Latency: time.Millisecond},
		},
		Upstream:         2 * time.Millisecond,
		PromptTokens:     12,
		CompletionTokens: 34,
	}
}

func TestAppendIsJSON(t *testing.T) {
	line := Append(nil, sampleRecord())
	if !bytes.HasSuffix(line, []byte("}\n")) || bytes.Count(line, []byte("\n")) != 1 {
		t.Fatalf("not one line: %q", line)
	}
	var got struct {
		Time      time.Time         `json:"time"`
		RequestID string            `json:"request_id"`
		Identity  map[string]string `json:"identity"`
		Entities  map[string]string `json:"entities"`
		Route     string            `json:"route"`
		API       string            `json:"api"`
		Model     string            `json:"model"`
		Stream    bool              `json:"stream"`
		Status    int               `json:"status"`
		Code      string            `json:"code"`
		Guards    []struct {
			Guard, Version, Phase, Mode, Verdict, Code string
			Reasons                                    []string
			Scores                                     map[string]float64
			LatencyUS                                  int64 `json:"latency_us"`
		} `json:"guards"`
		PromptTokens     int     `json:"prompt_tokens"`
		CompletionTokens int     `json:"completion_tokens"`
		UpstreamMS       float64 `json:"upstream_ms"`
		DurationMS       float64 `json:"duration_ms"`
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v\n%s", err, line)
	}
	if !got.Time.Equal(sampleRecord().Start) || got.RequestID != "req-1" || got.Route != "llm" || got.API != "openai.chat" ||
		got.Model != "gpt-4o-mini\"\n<x>" || got.Status != 403 || got.Code != "denylist.phrase" ||
		got.PromptTokens != 12 || got.CompletionTokens != 34 || got.UpstreamMS != 2 || got.DurationMS != 1.5 {
		t.Errorf("decoded %+v", got)
	}
	if len(got.Identity) != 2 || got.Identity["subject"] != "alice" || got.Identity["roles"] != "analyst" {
		t.Errorf("identity %v", got.Identity)
	}
	if len(got.Entities) != 1 || got.Entities["pii"] != "EMAIL:2,IBAN:1" {
		t.Errorf("entities %v", got.Entities)
	}
	if bytes.Contains(line, []byte("sealed-secret-mapping")) || bytes.Contains(line, []byte("10.0.0.1")) {
		t.Errorf("non-identity annotation written: %s", line)
	}
	if len(got.Guards) != 3 {
		t.Fatalf("guards %+v", got.Guards)
	}
	g := got.Guards[1]
	if g.Guard != "denylist" || g.Verdict != "deny" || g.Code != "denylist.phrase" || g.Reasons[0] != "phrase \u2028 matched" ||
		g.Scores["risk"] != 0.75 || g.LatencyUS != 30 || g.Phase != "request" || g.Mode != "enforce" {
		t.Errorf("guard %+v", g)
	}
	if p := got.Guards[2]; p.Mode != "observe" || p.Verdict != "error" || p.Phase != "response" || p.Code != "guard_timeout" {
		t.Errorf("guard %+v", p)
	}
}

// TestAppendStreamEnd: a guarded stream's record says how it ended and
// how long it ran; other records have neither field.
func TestAppendStreamEnd(t *testing.T) {
	r := sampleRecord()
	if bytes.Contains(Append(nil, r), []byte("stream_end")) {
		t.Fatal("stream_end on a record without a stream end")
	}
	r.Stream, r.StreamEnd, r.StreamDuration = true, "stopped", 2500*time.Millisecond
	var got struct {
		StreamEnd string  `json:"stream_end"`
		StreamMS  float64 `json:"stream_ms"`
	}
	if err := json.Unmarshal(Append(nil, r), &got); err != nil || got.StreamEnd != "stopped" || got.StreamMS != 2500 {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestAppendStringCutsAndEscapes(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 10, `"abc"`},
		{"abcdef", 3, `"abc…"`},
		{"aé", 2, `"a…"`}, // é is 2 bytes: cut before it
		{"\xff", 10, `"\ufffd"`},
		{"a\x00b\tc", 10, `"a\u0000b\u0009c"`},
	} {
		if got := string(appendString(nil, c.in, c.max)); got != c.want {
			t.Errorf("appendString(%q, %d) = %s, want %s", c.in, c.max, got, c.want)
		}
		var s string
		if err := json.Unmarshal(appendString(nil, c.in, c.max), &s); err != nil {
			t.Errorf("%q: %v", c.in, err)
		}
	}
}

type counts struct{ written, dropped, errs atomic.Int64 }

func (c *counts) AuditWritten() { c.written.Add(1) }
func (c *counts) AuditDropped() { c.dropped.Add(1) }
func (c *counts) AuditError()   { c.errs.Add(1) }

// blockingWriter blocks every write until released.
type blockingWriter struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// TestNeverBlocks: with the sink stuck, requests go on and the lines past
// the queue are dropped and counted; once the sink moves, the queued lines
// are written.
func TestNeverBlocks(t *testing.T) {
	w := &blockingWriter{release: make(chan struct{})}
	var c counts
	l := New(Options{W: w, Buffer: 16, Counter: &c})
	r := sampleRecord()
	start := time.Now()
	for range 1000 {
		l.ObserveRequest(r)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("1000 records took %v with a stuck sink", d)
	}
	// The writer holds what fits in its buffer, the queue 16 more; the
	// rest is dropped.
	if d := c.dropped.Load(); d < 500 {
		t.Errorf("dropped %d", d)
	}
	close(w.release)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(w.buf.String(), `"request_id"`)
	if int64(lines) != c.written.Load() || int64(lines)+c.dropped.Load() != 1000 {
		t.Errorf("written %d (counted %d), dropped %d", lines, c.written.Load(), c.dropped.Load())
	}
	// The drops are in the chain too.
	var dropped int64
	for _, l := range strings.Split(strings.TrimSpace(w.buf.String()), "\n") {
		var d struct {
			Kind  string
			Count int64
		}
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatal(err)
		}
		if d.Kind == "dropped" {
			dropped += d.Count
		}
	}
	if dropped != c.dropped.Load() {
		t.Errorf("dropped records count %d, counter %d", dropped, c.dropped.Load())
	}
	l.ObserveRequest(r) // after Close: ignored, no panic
}

// TestAppendAllocs: encoding a line into a reused buffer allocates
// nothing (the Logger's buffers are pooled).
func TestAppendAllocs(t *testing.T) {
	r := sampleRecord()
	buf := Append(nil, r)
	if n := testing.AllocsPerRun(200, func() { buf = Append(buf[:0], r) }); n != 0 {
		t.Errorf("%v allocs per record", n)
	}
}

func TestRotatingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	f, err := OpenRotating(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 39) + "\n") // 40 bytes: two fit in 100
	for range 7 {
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, n := range []string{"audit.log", "audit.log.1", "audit.log.2", "audit.log.3"} {
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil {
			sizes[n] = fi.Size()
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v", n, fi.Mode())
			}
		}
	}
	// 7 lines: [1,2] [3,4] [5,6] [7]; two rotated files kept.
	if want := map[string]int64{"audit.log": 40, "audit.log.1": 80, "audit.log.2": 80}; !equalSizes(sizes, want) {
		t.Errorf("sizes %v, want %v", sizes, want)
	}
	if _, err := f.Write(line); err != ErrClosed {
		t.Errorf("write after close: %v", err)
	}
	// Reopening appends.
	f, err = OpenRotating(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(line)
	f.Close()
	if fi, _ := os.Stat(path); fi.Size() != 80 {
		t.Errorf("reopened size %d", fi.Size())
	}
}

func equalSizes(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
