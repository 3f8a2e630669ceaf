package audit

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/sdk/abi"
)

var update = flag.Bool("update", false, "rewrite the report goldens in testdata/report")

// reportLog writes a day of traffic: allowed requests, denials by several
// guards and reasons, a guard in observe mode, masked entities, an
// upstream error, quarantines, admin actions by two operators, and one
// request before the period.
func reportLog(t *testing.T, dir string, keys *Keyring) []string {
	t.Helper()
	path := filepath.Join(dir, "audit.log")
	f, err := OpenRotating(path, 4<<10, 10)
	if err != nil {
		t.Fatal(err)
	}
	l := New(Options{W: f, Keys: keys, Version: "test", Now: func() time.Time { return testNow }})
	at := func(h int) time.Time { return testNow.Add(-time.Duration(h) * time.Hour) }
	ident := []abi.KV{{Key: "identity.subject", Value: "alice"}, {Key: "identity.key_id", Value: "k-alice"}}
	allow := pipeline.Record{Guard: "auth", Version: "1", Phase: abi.PhaseRequest, Outcome: pipeline.OutcomeAllow}
	deny := func(g, code string) pipeline.Record {
		return pipeline.Record{Guard: g, Version: "1", Phase: abi.PhaseRequest, Outcome: pipeline.OutcomeDeny, Code: code}
	}
	reqs := []proxy.Record{
		{Start: at(30), Status: 200, Guards: []pipeline.Record{allow}}, // before the period
		{Start: at(20), Status: 200, Guards: []pipeline.Record{allow}, Annotations: append(ident, abi.KV{Key: "pii.entities", Value: "EMAIL:2,CREDIT_CARD:1"})},
		{Start: at(19), Status: 200, Guards: []pipeline.Record{allow}, Annotations: append(ident, abi.KV{Key: "pii.entities", Value: "EMAIL:1,IBAN:1"})},
		{Start: at(18), Status: 400, Code: "secrets.blocked", Guards: []pipeline.Record{allow, deny("secrets", "secrets.blocked")},
			Annotations: append(ident, abi.KV{Key: "secrets.entities", Value: "github-pat:1"})},
		{Start: at(12), Status: 403, Code: "injection.detected", Guards: []pipeline.Record{allow, deny("injection", "injection.detected")}},
		{Start: at(11), Status: 403, Code: "injection.detected", Guards: []pipeline.Record{allow, deny("injection", "injection.detected")}},
		{Start: at(10), Status: 429, Code: "ratelimit.exceeded", Guards: []pipeline.Record{allow, deny("ratelimit", "ratelimit.exceeded")}},
		{Start: at(9), Status: 200, Guards: []pipeline.Record{allow, {Guard: "injection-next", Mode: pipeline.Observe, Outcome: pipeline.OutcomeDeny, Code: "injection.detected"}}},
		{Start: at(8), Status: 502, Code: "upstream_unreachable", Guards: []pipeline.Record{allow}},
		{Start: at(1), Status: 401, Code: "auth.missing", Guards: []pipeline.Record{deny("auth", "auth.missing")}},
	}
	for i := range reqs {
		r := &reqs[i]
		r.RequestID, r.Route, r.API, r.Model = "req", "llm", abi.APIOpenAIChat, "gpt-4o-mini"
		l.ObserveRequest(r)
		time.Sleep(time.Millisecond)
	}
	for _, rec := range []string{
		`{"kind":"quarantine","time":"2026-11-26T00:00:00Z","id":"subject:mallory","identity":"mallory","identity_kind":"subject","rule":"r","reason":"injection.detected","until":"2026-11-26T01:00:00Z"}`,
		`{"kind":"quarantine","time":"2026-11-26T02:00:00Z","identity":"ip:203.0.113.9","reason":"auth.failed"}`,
		`{"kind":"quarantine","time":"2026-11-26T03:00:00Z","id":"subject:mallory","identity":"mallory","identity_kind":"subject","reason":"injection.detected"}`,
		`{"kind":"quarantine","time":"2026-11-26T03:10:00Z","identity":{"subject":"trudy"},"reason":"injection.detected"}`,
		`{"kind":"admin","time":"2026-11-26T01:00:00Z","operator":"ops-bob","action":"reload"}`,
		`{"kind":"quarantine_lift","time":"2026-11-26T01:30:00Z","id":"ip:203.0.113.9","operator":"ops-bob"}`,
		`{"kind":"admin","time":"2026-11-26T02:30:00Z","operator":"ops-carol","action":"rollback"}`,
		`{"kind":"admin","time":"2026-11-26T02:40:00Z","operator":"ops-bob","action":"reload"}`,
		`{"kind":"admin","time":"2026-11-20T02:40:00Z","operator":"ops-old","action":"reload"}`,
	} {
		if err := l.LogRecord([]byte(rec)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	return logFiles(t, path)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "report", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden:\n%s", name, got)
	}
}

// TestReportGolden: the text, JSON and HTML reports of a known log, clear
// and sealed (the same report).
func TestReportGolden(t *testing.T) {
	keys, _ := ParseKeys("k1:" + testKey(5))
	for _, k := range []*Keyring{nil, keys} {
		files := reportLog(t, t.TempDir(), k)
		r, err := Summarise(files, k, testNow.Add(-24*time.Hour), testNow)
		if err != nil {
			t.Fatal(err)
		}
		// File names and the chain head differ per run and key.
		if !strings.HasPrefix(r.Chain, "verified (seq 0..") {
			t.Errorf("chain %q", r.Chain)
		}
		r.Files, r.Chain = []string{"audit.log"}, "verified"
		var txt, js, html bytes.Buffer
		if err := r.WriteText(&txt); err != nil {
			t.Fatal(err)
		}
		r.WriteJSON(&js)
		r.WriteHTML(&html)
		golden(t, "report.txt", txt.Bytes())
		golden(t, "report.json", js.Bytes())
		golden(t, "report.html", html.Bytes())
		if bytes.Contains(html.Bytes(), []byte("<script")) || bytes.Contains(html.Bytes(), []byte("http")) {
			t.Error("the HTML report is not self-contained")
		}
	}
}

// TestReportBrokenChain: a report over a broken chain says so and covers
// the records before the break; a wrong key gives no report.
func TestReportBrokenChain(t *testing.T) {
	files := reportLog(t, t.TempDir(), nil)
	last := files[0]
	ls := lines(t, last)
	writeLines(t, last, append(ls[:1], ls[2:]...))
	r, err := Summarise(files, nil, testNow.Add(-24*time.Hour), testNow)
	var p *Problem
	if !errors.As(err, &p) || r == nil || !strings.HasPrefix(r.Chain, "BROKEN: ") {
		t.Fatalf("got %v, %+v", err, r)
	}
	keys, _ := ParseKeys("k1:" + testKey(5))
	files = reportLog(t, t.TempDir(), keys)
	wrong, _ := ParseKeys("k1:" + testKey(6))
	if r, err := Summarise(files, wrong, testNow.Add(-24*time.Hour), testNow); r != nil || !errors.Is(err, ErrWrongKey) {
		t.Errorf("wrong key: %v %v", r, err)
	}
}

// BenchmarkSummarise measures a report (verify the chain, open and count
// every record) over a log of 100,000 request records (the console's
// Compliance view makes one per click): go test -run - -bench Summarise
// ./engine/control/audit
func BenchmarkSummarise(b *testing.B) {
	path := filepath.Join(b.TempDir(), "audit.log")
	f, err := OpenRotating(path, 1<<40, 1)
	if err != nil {
		b.Fatal(err)
	}
	l := New(Options{W: f, Version: "bench", Buffer: 1 << 14})
	ident := []abi.KV{{Key: "identity.subject", Value: "alice"}, {Key: "identity.key_id", Value: "k-alice"}, {Key: "pii.entities", Value: "EMAIL:1"}}
	rec := proxy.Record{Start: time.Now(), Status: 403, Code: "injection.detected", RequestID: "0123456789abcdef0123456789abcdef", Route: "llm",
		API: abi.APIOpenAIChat, Model: "gpt-4o-mini", Annotations: ident, Guards: []pipeline.Record{
			{Guard: "auth", Version: "1.0.0", Phase: abi.PhaseRequest, Outcome: pipeline.OutcomeAllow},
			{Guard: "injection", Version: "1.0.0", Phase: abi.PhaseRequest, Outcome: pipeline.OutcomeDeny, Code: "injection.detected"}}}
	for i := range 100_000 {
		l.ObserveRequest(&rec)
		if i%4096 == 0 {
			time.Sleep(5 * time.Millisecond) // let the writer drain the queue
		}
	}
	l.Close()
	first, err := Summarise([]string{path}, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	n := first.Requests
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := Summarise([]string{path}, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil || r.Requests != n {
			b.Fatalf("%d requests, %v", r.Requests, err)
		}
	}
	b.ReportMetric(float64(n), "records") // after ResetTimer, which clears metrics
}
