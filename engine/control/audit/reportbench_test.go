package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/sdk/abi"
)

// weekLog writes n request records spread evenly over the 7 days before
// testNow (with a quarantine and an admin action every 5000 records) into
// dir/audit.log, rotated at maxSize, the way the gateway writes them: a
// pipeline of auth, pii, secrets and injection (injection-next in observe
// mode on a tenth of the requests), 84% allowed (a fifth with masked
// entities), 10% denied by one of four guards, 6% errors; identities,
// client IPs, models, tokens and latencies vary. It returns the files.
func weekLog(tb testing.TB, dir string, n int, maxSize int64, keys *Keyring) []string {
	tb.Helper()
	path := filepath.Join(dir, "audit.log")
	f, err := OpenRotating(path, maxSize, 100000)
	if err != nil {
		tb.Fatal(err)
	}
	l := New(Options{W: f, Keys: keys, Version: "bench", Now: func() time.Time { return testNow }, Buffer: 4096})
	from := testNow.Add(-7 * 24 * time.Hour)
	step := 7 * 24 * time.Hour / time.Duration(n)
	allow := func(g string, ph abi.Phase, lat time.Duration) pipeline.Record {
		return pipeline.Record{Guard: g, Version: "1.4.2", Phase: ph, Outcome: pipeline.OutcomeAllow, Latency: lat}
	}
	deny := func(g, code string) pipeline.Record {
		return pipeline.Record{Guard: g, Version: "1.4.2", Phase: abi.PhaseRequest, Outcome: pipeline.OutcomeDeny, Code: code,
			Reasons: []string{"matched rule " + code}, Scores: []abi.Score{{Name: g + ".score", Value: 0.91}}, Latency: 41 * time.Microsecond}
	}
	denials := []struct {
		status int
		code   string
		g      pipeline.Record
	}{
		{403, "injection.detected", deny("injection", "injection.detected")},
		{400, "secrets.blocked", deny("secrets", "secrets.blocked")},
		{429, "ratelimit.exceeded", deny("ratelimit", "ratelimit.exceeded")},
		{401, "auth.invalid", deny("auth", "auth.invalid")},
	}
	models := []string{"gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet-latest", "claude-3-5-haiku-latest"}
	entities := []string{"EMAIL:2,CREDIT_CARD:1", "EMAIL:1", "PHONE:1,EMAIL:1,IBAN:1", "PERSON:3"}
	rec := &proxy.Record{}
	for i := range n {
		*rec = proxy.Record{
			Start:            from.Add(time.Duration(i) * step),
			Duration:         time.Duration(300+i%900) * time.Millisecond,
			RequestID:        "req-" + strconv.Itoa(i),
			Route:            "llm",
			API:              abi.APIOpenAIChat,
			Model:            models[i%len(models)],
			Status:           200,
			Upstream:         time.Duration(280+i%850) * time.Millisecond,
			PromptTokens:     uint32(100 + i%1500),
			CompletionTokens: uint32(20 + i%600),
			Annotations: []abi.KV{
				{Key: "client.ip", Value: fmt.Sprintf("10.%d.%d.%d", i%7, i%251, i%97)},
				{Key: "identity.subject", Value: "user-" + strconv.Itoa(i%400)},
				{Key: "identity.key_id", Value: "key-" + strconv.Itoa(i%400)},
				{Key: "identity.roles", Value: "analyst,reader"},
			},
			Guards: []pipeline.Record{
				allow("auth", abi.PhaseRequest, 9*time.Microsecond),
				allow("pii", abi.PhaseRequest, 35*time.Microsecond),
				allow("secrets", abi.PhaseRequest, 22*time.Microsecond),
				allow("injection", abi.PhaseRequest, 48*time.Microsecond),
				allow("pii", abi.PhaseResponse, 31*time.Microsecond),
			},
		}
		switch {
		case i%50 < 5: // 10% denied
			d := denials[i%len(denials)]
			rec.Status, rec.Code = d.status, d.code
			rec.Guards = append(rec.Guards[:1], d.g)
			if d.g.Guard == "auth" {
				rec.Guards = rec.Guards[1:]
			}
		case i%50 < 8: // 6% errors
			rec.Status, rec.Code = 502, "upstream_unreachable"
		case i%5 == 0: // a fifth of the rest masked
			rec.Annotations = append(rec.Annotations, abi.KV{Key: "pii.entities", Value: entities[i%len(entities)]})
		}
		if i%10 == 1 {
			rec.Guards = append(rec.Guards, pipeline.Record{Guard: "injection-next", Version: "2.0.0-rc1", Phase: abi.PhaseRequest,
				Mode: pipeline.Observe, Outcome: pipeline.OutcomeDeny, Code: "injection.detected", Latency: 52 * time.Microsecond})
		}
		for len(l.q) > cap(l.q)/2 {
			time.Sleep(time.Millisecond) // let the writer drain: nothing is dropped
		}
		l.ObserveRequest(rec)
		if i%5000 == 4999 {
			at := rec.Start.UTC().Format(time.RFC3339Nano)
			for _, r := range []string{
				`{"kind":"quarantine","time":"` + at + `","id":"subject:user-` + strconv.Itoa(i%400) + `","identity":"user-` + strconv.Itoa(i%400) + `","identity_kind":"subject","rule":"injection-burst","reason":"injection.detected","until":"` + at + `"}`,
				`{"kind":"admin","time":"` + at + `","operator":"ops-` + strconv.Itoa(i%3) + `","action":"reload"}`,
			} {
				if err := l.LogRecord([]byte(r)); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	if err := l.Close(); err != nil {
		tb.Fatal(err)
	}
	files, err := filepath.Glob(path + "*")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no audit files: %v", err)
	}
	return files
}

// BenchmarkReportWeek measures `ward report -since 7d` over a week of
// traffic (weekLog), plain and sealed: records/s and bytes/s of audit log
// read, verified and summarised. AUDIT_BENCH_RECORDS sets the number of
// request records (default 20000, ~17 MB); AUDIT_BENCH_DIR keeps the plain
// log there (for timing `ward report` on it) instead of a temporary
// directory.
//
//	go test -run - -bench ReportWeek -benchmem ./engine/control/audit
func BenchmarkReportWeek(b *testing.B) {
	n := 20000
	if s := os.Getenv("AUDIT_BENCH_RECORDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("AUDIT_BENCH_RECORDS=%q", s)
		}
	}
	keys, _ := ParseKeys("k:" + testKey(1))
	for _, c := range []struct {
		name string
		keys *Keyring
	}{{"plain", nil}, {"sealed", keys}} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			if d := os.Getenv("AUDIT_BENCH_DIR"); d != "" && c.keys == nil {
				dir = d
			}
			files := weekLog(b, dir, n, 100<<20, c.keys)
			var size int64
			for _, f := range files {
				fi, err := os.Stat(f)
				if err != nil {
					b.Fatal(err)
				}
				size += fi.Size()
			}
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				r, err := Summarise(files, c.keys, testNow.Add(-7*24*time.Hour), testNow)
				if err != nil {
					b.Fatal(err)
				}
				if r.Requests != n {
					b.Fatalf("%d requests, want %d", r.Requests, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
