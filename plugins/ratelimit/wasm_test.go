package main

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// This file drives the guard built with GOOS=wasip1 through
// sdk/go/guesttest, with the host's counters played by guesttest.State
// (its clock set by the test): the golden cases must give the same
// verdicts inside WebAssembly as through ward.Instance, and what needs the
// host functions (windows expiring, replicas sharing counters, a dead
// backend) is tested here.

// clock is a settable time for a guesttest.State.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }
func newState(c *clock) *guesttest.State { s := &guesttest.State{}; s.SetNow(c.now); return s }
func wasmGuard(tb testing.TB) *guesttest.Guest {
	return guesttest.New(tb, guesttest.Build(tb, "."), nil)
}

// newWasmGuard instantiates the guard with its own State and config.
func newWasmGuard(tb testing.TB, st *guesttest.State, config string) *guesttest.Guest {
	tb.Helper()
	g := wasmGuard(tb)
	g.SetState(st)
	if err := g.Configure([]byte(config)); err != nil {
		tb.Fatalf("ward_configure: %v", err)
	}
	return g
}

func wcheck(tb testing.TB, g *guesttest.Guest, x *abi.Exchange) abi.Verdict {
	tb.Helper()
	var v abi.Verdict
	if err := g.Check(x, &v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestWasmDescribe(t *testing.T) {
	d, err := wasmGuard(t).Describe()
	if err != nil {
		t.Fatal(err)
	}
	guard := newGuard()
	if want := guard.Description(); !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

// TestWasmGolden runs testdata/cases.json through the real module, each
// case on fresh counters.
func TestWasmGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			g := wasmGuard(t)
			g.SetState(&guesttest.State{})
			err := g.Configure(c.Config)
			if c.ConfigError != nil {
				var ce *guesttest.ConfigError
				if !errors.As(err, &ce) || ce.Key != c.ConfigError.Key || ce.Msg != c.ConfigError.Error {
					t.Fatalf("ward_configure: %v, want key %q error %q", err, c.ConfigError.Key, c.ConfigError.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			v := wcheck(t, g, c.Exchange)
			if got, want := normVerdict(v), normVerdict(*c.Verdict); !reflect.DeepEqual(got, want) {
				t.Fatalf("verdict\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestWasmWindow: a fixed window denies until its counter expires, with
// Retry-After and reset counting down.
func TestWasmWindow(t *testing.T) {
	clk := newClock()
	st := newState(clk)
	g := newWasmGuard(t, st, `{"limits":[{"name":"per-key","by":"key","requests":2,"window":"1m"}]}`)
	for i := 0; i < 2; i++ {
		if v := wcheck(t, g, request(nil)); v.Decision != abi.Allow {
			t.Fatalf("request %d: %+v", i, v)
		}
	}
	if n, ttl := st.Value("per-key:r:k1"); n != 2 || ttl != time.Minute {
		t.Fatalf("counter %d ttl %v", n, ttl)
	}
	clk.advance(40*time.Second + 500*time.Millisecond)
	v := wcheck(t, g, request(nil))
	want := []abi.KV{{Key: "Retry-After", Value: "20"}, {Key: hdrLimitReq, Value: "2"},
		{Key: hdrRemainingReq, Value: "0"}, {Key: hdrResetReq, Value: "20s"}}
	if v.Decision != abi.Deny || v.Status != 429 || v.Code != codeExceeded || !reflect.DeepEqual(v.SetHeaders, want) {
		t.Fatalf("third request: %+v\nwant headers %v", v, want)
	}
	clk.advance(19*time.Second + 500*time.Millisecond) // the window ends
	v = wcheck(t, g, request(nil))
	if got, _ := kv(v.Annotations, annRequests); v.Decision != abi.Allow || got != "per-key limit=2 remaining=1 reset=1m0s" {
		t.Fatalf("after the window: %+v", v)
	}
}

// TestWasmReplicas: two instances sharing one State (two Ward replicas
// sharing Redis) enforce one combined limit, requests and tokens.
func TestWasmReplicas(t *testing.T) {
	st := newState(newClock())
	const cfg = `{"limits":[{"name":"team","by":"global","requests":5,"tokens":45,"window":"1h"}]}`
	a, b := newWasmGuard(t, st, cfg), newWasmGuard(t, st, cfg)
	var allowed int
	for i := 0; i < 4; i++ {
		for _, g := range []*guesttest.Guest{a, b} {
			if v := wcheck(t, g, request(nil)); v.Decision == abi.Allow {
				allowed++
			}
		}
	}
	// 45 tokens / 10 per request: 4 requests; the 5th request fails on
	// tokens, the rest on requests too.
	if allowed != 4 {
		t.Fatalf("%d requests allowed across two replicas, want 4", allowed)
	}
	if n, _ := st.Value("team:r:*"); n != 8 {
		t.Fatalf("requests counter %d, want 8 (denied requests count)", n)
	}
	if n, _ := st.Value("team:t:*"); n != 40 {
		t.Fatalf("tokens counter %d, want 40 (denials give back their reservation)", n)
	}
}

// TestWasmBackendUnavailable: the failure policy decides when the state
// backend is down.
func TestWasmBackendUnavailable(t *testing.T) {
	for _, tt := range []struct {
		policy string
		deny   bool
	}{{"allow", false}, {"deny", true}} {
		t.Run(tt.policy, func(t *testing.T) {
			st := newState(newClock())
			g := newWasmGuard(t, st, `{"on_backend_error":"`+tt.policy+`","limits":[
				{"name":"a","by":"key","requests":5,"window":"1m"},{"name":"b","by":"subject","tokens":500,"window":"1m"}],
				"anomaly":{}}`)
			st.SetUnavailable(true)
			v := wcheck(t, g, request(nil))
			if got, _ := kv(v.Annotations, annBackend); got != "unavailable" || len(v.Reasons) != 1 {
				t.Fatalf("verdict %+v", v)
			}
			if tt.deny != (v.Decision == abi.Deny) || tt.deny && (v.Status != 503 || v.Code != codeUnavailable || v.Message != msgUnavailable) {
				t.Fatalf("verdict %+v", v)
			}
			if st.Calls() != 1 {
				t.Fatalf("%d state calls after the backend failed, want 1 (no retries within a request)", st.Calls())
			}
			// Back up: counting resumes.
			st.SetUnavailable(false)
			if v := wcheck(t, g, request(nil)); v.Decision != abi.Allow || len(v.Reasons) != 0 {
				t.Fatalf("after recovery: %+v", v)
			}
		})
	}
	// The response phase never denies; it reports the failure.
	st := newState(newClock())
	g := newWasmGuard(t, st, `{"on_backend_error":"deny","limits":[{"name":"b","by":"subject","tokens":500,"window":"1m"}]}`)
	x := request(nil)
	v := wcheck(t, g, x)
	st.SetUnavailable(true)
	rv := wcheck(t, g, response(x, v, 200, 100, 100))
	if got, _ := kv(rv.Annotations, annBackend); rv.Decision != abi.Allow || got != "unavailable" {
		t.Fatalf("response verdict %+v", rv)
	}
}

// TestWasmReconcile: request, answer with usage, headers, counters.
func TestWasmReconcile(t *testing.T) {
	st := newState(newClock())
	g := newWasmGuard(t, st, `{"limits":[{"name":"tok","by":"key","requests":100,"tokens":1000,"window":"10m"}]}`)
	x := request(func(x *abi.Exchange) { x.MaxTokens = 190 }) // 200 reserved
	v := wcheck(t, g, x)
	if n, _ := st.Value("tok:t:k1"); n != 200 || v.Decision != abi.Allow {
		t.Fatalf("reserved %d, verdict %+v", n, v)
	}
	before := st.Calls()
	rv := wcheck(t, g, response(x, v, 200, 12, 38))
	if calls := st.Calls() - before; calls != 1 {
		t.Fatalf("response phase made %d state calls, want 1", calls)
	}
	if n, _ := st.Value("tok:t:k1"); n != 50 {
		t.Fatalf("after usage 50: counter %d", n)
	}
	want := []abi.KV{{Key: hdrLimitReq, Value: "100"}, {Key: hdrRemainingReq, Value: "99"}, {Key: hdrResetReq, Value: "10m0s"},
		{Key: hdrLimitTokens, Value: "1000"}, {Key: hdrRemainingToken, Value: "950"}, {Key: hdrResetTokens, Value: "10m0s"}}
	if !reflect.DeepEqual(rv.SetHeaders, want) {
		t.Fatalf("headers\n got %v\nwant %v", rv.SetHeaders, want)
	}
	if got, _ := kv(rv.Annotations, annCharged); got != "tok:50" {
		t.Fatalf("charged %q", got)
	}
}

// TestWasmAnomaly: a steady subject builds a baseline; a burst above
// multiple x baseline is flagged, and denied when configured.
func TestWasmAnomaly(t *testing.T) {
	for _, deny := range []bool{false, true} {
		t.Run("deny="+strconv.FormatBool(deny), func(t *testing.T) {
			clk := newClock()
			st := newState(clk)
			g := newWasmGuard(t, st, `{"anomaly":{"short":"1m","baseline":"1h","multiple":5,"min_requests":4,"deny":`+strconv.FormatBool(deny)+`}}`)
			// 90 minutes at 2 requests a minute: never flagged.
			for m := 0; m < 90; m++ {
				for i := 0; i < 2; i++ {
					if v := wcheck(t, g, request(nil)); len(v.Annotations) != 0 || v.Decision != abi.Allow {
						t.Fatalf("minute %d: steady traffic flagged: %+v", m, v)
					}
				}
				clk.advance(time.Minute)
			}
			// A burst: the baseline is ~2 per minute, so more than 10 in a
			// minute is flagged.
			var flagged int
			var last abi.Verdict
			for i := 1; i <= 15; i++ {
				v := wcheck(t, g, request(nil))
				if _, ok := kv(v.Annotations, annBurst); ok {
					if flagged == 0 && i < 11 {
						t.Fatalf("flagged at request %d of the burst: %+v", i, v)
					}
					flagged++
					last = v
				}
			}
			if flagged == 0 {
				t.Fatal("burst not flagged")
			}
			burst, _ := kv(last.Annotations, annBurst)
			if !strings.HasPrefix(burst, "signal=requests ratio=") || !strings.Contains(burst, " count=15 baseline=2.0 ") {
				t.Fatalf("annotation %q", burst)
			}
			if deny != (last.Decision == abi.Deny) || deny && last.Code != codeAnomaly {
				t.Fatalf("verdict %+v", last)
			}
		})
	}
}

// TestWasmStateCalls pins the number of state calls per request that the
// README states (each is a Redis round trip).
func TestWasmStateCalls(t *testing.T) {
	tests := []struct {
		name   string
		config string
		calls  int
	}{
		{"requests limit", `{"limits":[{"name":"a","by":"key","requests":5,"window":"1m"}]}`, 1},
		{"requests and tokens", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":500,"window":"1m"}]}`, 2},
		{"two limits, one applies", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":500,"window":"1m"},
			{"name":"b","by":"key","roles":["admin"],"requests":5,"window":"1m"}]}`, 2},
		{"anomaly, first baseline slot", `{"anomaly":{}}`, 3},
		{"anomaly, both signals", `{"anomaly":{"signals":["requests","tokens"]}}`, 5},
		{"typical: key limit with both kinds and anomaly", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":500,"window":"1m"}],"anomaly":{}}`, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newState(newClock())
			g := newWasmGuard(t, st, tt.config)
			wcheck(t, g, request(nil))
			if got := st.Calls(); got != tt.calls {
				t.Fatalf("%d state calls, want %d", got, tt.calls)
			}
		})
	}
	// After the first baseline slot the previous one is read too.
	clk := newClock()
	st := newState(clk)
	g := newWasmGuard(t, st, `{"anomaly":{}}`)
	wcheck(t, g, request(nil))
	clk.advance(2 * time.Hour)
	before := st.Calls()
	wcheck(t, g, request(nil))
	if got := st.Calls() - before; got != 4 {
		t.Fatalf("%d state calls, want 4", got)
	}
}

// BenchmarkWasmRequest is the whole host+guest call of an allowed request
// charged to two limits (requests and tokens per key, tokens per role):
// three state calls to guesttest's in-memory State.
func BenchmarkWasmRequest(b *testing.B) {
	st := newState(newClock())
	g := newWasmGuard(b, st, `{"limits":[{"name":"per-key","by":"key","requests":1000000000,"tokens":1000000000000,"window":"744h"},
		{"name":"per-role","by":"role","tokens":1000000000000,"window":"744h"}]}`)
	in := abi.AppendExchange(nil, request(nil))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var v abi.Verdict
	for i := 0; i < b.N; i++ {
		out, err := g.Call("ward_request", in)
		if err != nil {
			b.Fatal(err)
		}
		if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow || len(v.Annotations) != 3 {
			b.Fatalf("verdict %+v, %v", v, err)
		}
	}
}
