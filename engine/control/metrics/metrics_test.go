package metrics_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/wardgate/ward/engine/control/internal/ctltest"
	"github.com/wardgate/ward/engine/control/metrics"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/sdk/abi"
)

func record() *proxy.Record {
	return &proxy.Record{
		Route: "llm", API: abi.APIOpenAIChat, Status: 200, Upstream: 3 * time.Millisecond,
		PromptTokens: 10, CompletionTokens: 5,
		Guards: []pipeline.Record{
			{Guard: "auth", Outcome: pipeline.OutcomeAllow, Latency: 20 * time.Microsecond},
			{Guard: "denylist", Outcome: pipeline.OutcomeDeny, Code: "denylist.phrase", Latency: 40 * time.Microsecond},
			{Guard: "pii", Outcome: pipeline.OutcomeError, Code: "guard_timeout", Latency: 50 * time.Millisecond},
		},
	}
}

// TestObserveAllocs: once a route, guard and reason have been seen,
// recording a request is atomic adds only.
func TestObserveAllocs(t *testing.T) {
	m := metrics.New()
	r := record()
	m.ObserveRequest(r)
	if n := testing.AllocsPerRun(1000, func() { m.ObserveRequest(r) }); n != 0 {
		t.Fatalf("%v allocs per request", n)
	}
}

func BenchmarkObserve(b *testing.B) {
	m := metrics.New()
	r := record()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveRequest(r)
		}
	})
}

func gather(t *testing.T, reg *prometheus.Registry) map[string][]*dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*dto.Metric{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf.GetMetric()
	}
	return out
}

func find(ms []*dto.Metric, labels ...string) *dto.Metric {
next:
	for _, m := range ms {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		return m
	}
	return nil
}

func TestReasonsBounded(t *testing.T) {
	m := metrics.New()
	reg := prometheus.NewRegistry()
	if err := m.Register(reg); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		m.ObserveGuard(&pipeline.Record{Guard: "g", Outcome: pipeline.OutcomeDeny, Code: strings.Repeat("x", i+1)})
	}
	v := gather(t, reg)["ward_guard_verdicts_total"]
	if len(v) != 65 {
		t.Fatalf("%d reason series, want 64 + other", len(v))
	}
	if o := find(v, "reason", "other"); o == nil || o.GetCounter().GetValue() != 136 {
		t.Fatalf("other: %v", o)
	}
}

// TestScrape runs requests through a real gateway, swaps a guard, and
// scrapes: requests by route and status, guard latency and verdicts,
// upstream latency, tokens, pool gauges and reloads.
func TestScrape(t *testing.T) {
	e := ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"ward.toml": []byte(ctltest.Config("{{UPSTREAM}}", "[guards.swap]\npath = \"swap.wasm\"\npool_size = 2\n", `"swap"`)),
	}, nil)
	reg := prometheus.NewRegistry()
	if err := e.Metrics.Register(reg); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if st, _, err := e.Chat("hi"); err != nil || st != 200 {
			t.Fatal(st, err)
		}
	}
	e.Write("swap.wasm", ctltest.Fixture(t, "swap_v2"))
	if _, err := e.Reloader.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	e.Write("swap.wasm", []byte("broken"))
	if _, err := e.Reloader.Reload(context.Background(), "test"); err == nil {
		t.Fatal("broken module loaded")
	}
	if st, _, _ := e.Chat("hi"); st != 403 {
		t.Fatalf("v2: %d", st)
	}
	got := gather(t, reg)
	check := func(name string, want float64, labels ...string) {
		t.Helper()
		m := find(got[name], labels...)
		if m == nil {
			t.Errorf("%s%v missing", name, labels)
			return
		}
		var v float64
		switch {
		case m.Counter != nil:
			v = m.GetCounter().GetValue()
		case m.Gauge != nil:
			v = m.GetGauge().GetValue()
		case m.Histogram != nil:
			v = float64(m.GetHistogram().GetSampleCount())
		}
		if v != want {
			t.Errorf("%s%v = %v, want %v", name, labels, v, want)
		}
	}
	check("ward_requests_total", 3, "route", "llm", "status", "200")
	check("ward_requests_total", 1, "route", "llm", "status", "403")
	check("ward_guard_verdicts_total", 3+3, "guard", "swap", "outcome", "allow") // request and response phases
	check("ward_guard_verdicts_total", 1, "guard", "swap", "outcome", "deny", "reason", "nope")
	check("ward_guard_latency_seconds", 7, "guard", "swap")
	check("ward_upstream_latency_seconds", 3, "route", "llm")
	check("ward_tokens_total", 21, "route", "llm", "direction", "in")
	check("ward_tokens_total", 6, "route", "llm", "direction", "out")
	check("ward_reloads_total", 2, "result", "ok") // start + swap
	check("ward_reloads_total", 1, "result", "failed")
	check("ward_pipeline_loaded", 1)
	check("ward_guard_pool_instances", 2, "guard", "swap", "state", "size")
	// One request at a time: the pool never needed its second instance.
	check("ward_guard_pool_instances", 1, "guard", "swap", "state", "live")
	check("ward_guard_pool_instances", 0, "guard", "swap", "state", "in_use")
	check("ward_guard_pool_instances", 1, "guard", "swap", "state", "idle")
	check("ward_guard_instance_replacements_total", 0, "guard", "swap")
	check("ward_guard_instance_recycles_total", 0, "guard", "swap")
	check("ward_guard_instance_shrinks_total", 0, "guard", "swap")
	check("ward_guard_waits_total", 0, "guard", "swap")
	check("ward_guard_wait_seconds_total", 0, "guard", "swap")
}

// TestReplacementsAcrossReloads: instance replacements are counted once,
// whether the guard is shared by the next pipeline or retired with the
// old one.
func TestReplacementsAcrossReloads(t *testing.T) {
	guards := func(other string) string {
		return "[guards.trap]\npath = \"trap.wasm\"\npool_size = 1\non_error = \"allow\"\n\n[guards.other]\npath = \"other.wasm\"\npool_size = 1\n" + other
	}
	e := ctltest.Start(t, map[string][]byte{
		"trap.wasm":  ctltest.Fixture(t, "swap_trap"),
		"other.wasm": ctltest.Fixture(t, "swap_v1"),
		"ward.toml":  []byte(ctltest.Config("{{UPSTREAM}}", guards(""), `"trap", "other"`)),
	}, nil)
	reg := prometheus.NewRegistry()
	if err := e.Metrics.Register(reg); err != nil {
		t.Fatal(err)
	}
	replaced := func() float64 {
		t.Helper()
		m := find(gather(t, reg)["ward_guard_instance_replacements_total"], "guard", "trap")
		if m == nil {
			t.Fatal("no replacements series")
		}
		return m.GetCounter().GetValue()
	}
	for range 3 {
		st, body, err := e.ChatJSON(`{"model":"m","max_tokens":7,"messages":[{"role":"user","content":"trap"}]}`)
		if err != nil || st != 200 {
			t.Fatalf("%d %v %s", st, err, body)
		}
	}
	if got := replaced(); got != 3 {
		t.Fatalf("replacements %v, want 3", got)
	}
	if ok := find(gather(t, reg)["ward_guard_verdicts_total"], "guard", "trap", "outcome", "error", "reason", "guard_trap"); ok == nil || ok.GetCounter().GetValue() != 3 {
		t.Fatalf("trap verdicts %v", ok)
	}
	// A reload that shares the trap guard: counted once, not again.
	e.Write("ward.toml", []byte(ctltest.Config("{{UPSTREAM}}", guards("mode = \"observe\"\n"), `"trap", "other"`)))
	if _, err := e.Reloader.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	waitDrained(t, e)
	if got := replaced(); got != 3 {
		t.Fatalf("after a shared reload: %v, want 3", got)
	}
	// A reload that retires it: its count stays.
	e.Write("trap.wasm", ctltest.Fixture(t, "swap_v1"))
	if _, err := e.Reloader.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	waitDrained(t, e)
	if got := replaced(); got != 3 {
		t.Fatalf("after the guard was retired: %v, want 3", got)
	}
}

func waitDrained(t *testing.T, e *ctltest.Env) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.Reloader.Status().Draining > 0 {
		if time.Now().After(deadline) {
			t.Fatal("retired snapshots never closed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWaitsAcrossReloads: a call that finds the guard's one instance busy
// waits for it, and the wait is counted (ward_guard_waits_total,
// ward_guard_wait_seconds_total, Metrics.Waits); a reload that retires the
// guard keeps its totals.
func TestWaitsAcrossReloads(t *testing.T) {
	// The slow guard counts down for a tenth of a second or more: two
	// requests at once meet at its one instance, and one of them waits
	// its turn.
	guards := "[guards.slow]\npath = \"slow.wasm\"\npool_size = 1\ncpu_budget = \"10s\"\n"
	e := ctltest.Start(t, map[string][]byte{
		"slow.wasm": ctltest.Fixture(t, "swap_slow"),
		"ward.toml": []byte(ctltest.Config("{{UPSTREAM}}", guards, `"slow"`)),
	}, nil)
	reg := prometheus.NewRegistry()
	if err := e.Metrics.Register(reg); err != nil {
		t.Fatal(err)
	}
	waits := func() (float64, float64) {
		t.Helper()
		got := gather(t, reg)
		n, s := find(got["ward_guard_waits_total"], "guard", "slow"), find(got["ward_guard_wait_seconds_total"], "guard", "slow")
		if n == nil || s == nil {
			t.Fatal("no wait series")
		}
		return n.GetCounter().GetValue(), s.GetCounter().GetValue()
	}
	if n, s := waits(); n != 0 || s != 0 {
		t.Fatalf("before any call: %v waits, %v s", n, s)
	}
	var n, s float64
	// Pairs of requests sent together, until one pair overlapped (the
	// first of a pair, on a loaded machine, may finish before the second
	// arrives).
	for try := 0; try < 5 && n == 0; try++ {
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if st, body, err := e.Chat("hi"); err != nil || st != 200 {
					t.Errorf("%d %v %s", st, err, body)
				}
			}()
		}
		wg.Wait()
		n, s = waits()
	}
	if n < 1 || s <= 0 {
		t.Fatalf("two calls at once on one instance: %v waits, %v s", n, s)
	}
	if wn, wd := e.Metrics.Waits("slow"); float64(wn) != n || wd.Seconds() != s {
		t.Fatalf("Waits() = %d, %v; scrape %v, %v", wn, wd, n, s)
	}
	// A reload that retires the guard: its totals stay.
	e.Write("slow.wasm", ctltest.Fixture(t, "swap_v1"))
	if _, err := e.Reloader.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	waitDrained(t, e)
	if n2, s2 := waits(); n2 != n || s2 != s {
		t.Fatalf("after the guard was retired: %v waits, %v s; want %v, %v", n2, s2, n, s)
	}
}
