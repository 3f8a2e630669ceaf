package ratelimit

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// This file drives the guard built with GOOS=wasip1 through
// sdk/go/guesttest, with the host's counters played by guesttest.State
// (its clock set by the test): the golden cases must give the same
// verdicts inside WebAssembly as through ward.Instance, and what needs the
// host functions (windows expiring, replicas sharing counters, a dead
// backend) is tested here.

// clock is a settable time for a guesttest.State and, through
// newClockedGuard, for a guest's monotonic clock.
type clock struct {
	t        time.Time
	advanced time.Duration // total of advance
}

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t, c.advanced = c.t.Add(d), c.advanced+d }
func newClock() *clock                   { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

// nanotime is the guest's monotonic clock: an arbitrary origin (the Go
// runtime refuses 0) plus what advance added, and nothing else, so that
// the guest's epoch clock agrees exactly with the State's (the anomaly
// tests compare ratios at their boundaries). A Go guest copes with a
// clock that stands still for the few hundred calls of a test.
func (c *clock) nanotime() int64         { return int64(time.Hour + c.advanced) }
func newState(c *clock) *guesttest.State { s := &guesttest.State{}; s.SetNow(c.now); return s }
func wasmGuard(tb testing.TB) *guesttest.Guest {
	return guesttest.New(tb, guesttest.Build(tb, "./module"), nil)
}

// newWasmGuard instantiates the guard with its own State and config. The
// guest's monotonic clock is the real one: advancing the State's clock
// does not move it (see newClockedGuard).
func newWasmGuard(tb testing.TB, st *guesttest.State, config string) *guesttest.Guest {
	tb.Helper()
	return configure(tb, wasmGuard(tb), st, config)
}

// newClockedGuard is newWasmGuard with the guest's monotonic clock moved by
// clk.advance too, as the anomaly detector's epoch clock needs when a test
// moves time.
func newClockedGuard(tb testing.TB, clk *clock, st *guesttest.State, config string) *guesttest.Guest {
	tb.Helper()
	g := guesttest.New(tb, guesttest.Build(tb, "./module"), wazero.NewModuleConfig().WithNanotime(clk.nanotime, 1))
	return configure(tb, g, st, config)
}

func configure(tb testing.TB, g *guesttest.Guest, st *guesttest.State, config string) *guesttest.Guest {
	tb.Helper()
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
	guard := New()
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
			guesttest.RunCase(t, g, c)
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
			g := newClockedGuard(t, clk, st, `{"anomaly":{"short":"1m","baseline":"1h","multiple":5,"min_requests":4,"deny":`+strconv.FormatBool(deny)+`}}`)
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
			if !strings.HasPrefix(burst, "signal=requests ratio=7.5 count=15 baseline=2.0 short=") {
				t.Fatalf("annotation %q", burst)
			}
			if deny != (last.Decision == abi.Deny) || deny && last.Code != codeAnomaly {
				t.Fatalf("verdict %+v", last)
			}
		})
	}
}

// TestWasmStateCalls pins the number of state calls per request that the
// README states (each is a Redis round trip): one batch per request, plus
// the epoch read on an instance's first request with anomaly on.
func TestWasmStateCalls(t *testing.T) {
	tests := []struct {
		name          string
		config        string
		first, second int // calls of the first and second request
	}{
		{"requests limit", `{"limits":[{"name":"a","by":"key","requests":5,"window":"1m"}]}`, 1, 1},
		{"requests and tokens", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":500,"window":"1m"}]}`, 1, 1},
		{"two limits, one applies", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":500,"window":"1m"},
			{"name":"b","by":"key","roles":["admin"],"requests":5,"window":"1m"}]}`, 1, 1},
		{"three limits", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":500,"window":"1m"},
			{"name":"b","by":"ip","requests":5,"window":"1m"},{"name":"c","by":"global","tokens":5000,"window":"1h"}]}`, 1, 1},
		{"anomaly", `{"anomaly":{}}`, 2, 1},
		{"anomaly, both signals", `{"anomaly":{"signals":["requests","tokens"]}}`, 2, 1},
		{"typical: key limit with both kinds and anomaly", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":500,"window":"1m"}],"anomaly":{}}`, 2, 1},
		{"denied by requests: reservation given back", `{"limits":[{"name":"a","by":"key","requests":1,"tokens":500,"window":"1m"}]}`, 1, 2},
		{"too large: nothing reserved", `{"limits":[{"name":"a","by":"key","requests":5,"tokens":5,"window":"1m"}]}`, 1, 1},
		{"17 limits: 34 counters in two batches", manyLimits(17), 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newState(newClock())
			g := newWasmGuard(t, st, tt.config)
			wcheck(t, g, request(nil))
			if got := st.Calls(); got != tt.first {
				t.Fatalf("first request: %d state calls, want %d", got, tt.first)
			}
			wcheck(t, g, request(nil))
			if got := st.Calls() - tt.first; got != tt.second {
				t.Fatalf("second request: %d state calls, want %d", got, tt.second)
			}
		})
	}
	// The response phase reconciles every reserved limit in one batch.
	st0 := newState(newClock())
	g0 := newWasmGuard(t, st0, `{"limits":[{"name":"a","by":"key","tokens":500,"window":"1m"},{"name":"b","by":"ip","tokens":500,"window":"1m"}]}`)
	x := request(nil)
	v := wcheck(t, g0, x)
	before0 := st0.Calls()
	wcheck(t, g0, response(x, v, 200, 30, 20))
	if got := st0.Calls() - before0; got != 1 {
		t.Fatalf("response phase: %d state calls, want 1", got)
	}
	if a, _ := st0.Value("a:t:k1"); a != 50 {
		t.Fatalf("a:t:k1 = %d, want 50", a)
	}
	if b, _ := st0.Value("b:t:10.1.2.3"); b != 50 {
		t.Fatalf("b:t:10.1.2.3 = %d, want 50", b)
	}

	// Past the first baseline slot the previous one is read too, and the
	// epoch, older than a minute, is refreshed: still in the one batch.
	clk := newClock()
	st := newState(clk)
	g := newClockedGuard(t, clk, st, `{"anomaly":{}}`)
	wcheck(t, g, request(nil))
	clk.advance(2 * time.Hour)
	before := st.Calls()
	wcheck(t, g, request(nil))
	if got := st.Calls() - before; got != 1 {
		t.Fatalf("%d state calls, want 1", got)
	}
	if n, _ := st.Value("@a:r:s120:s:alice"); n != 1 {
		t.Fatalf("short slot 120 = %d, want 1 (the request counted two hours into the epoch)", n)
	}
}

// manyLimits is a config of n limits by key, each with requests and
// tokens.
func manyLimits(n int) string {
	var b strings.Builder
	b.WriteString(`{"limits":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"l` + strconv.Itoa(i) + `","by":"key","requests":5,"tokens":500,"window":"1m"}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestWasmBatchAllOrNothing: when the request's batch fails, none of its
// counters moved (requests, reservation, anomaly); the denial path gives
// reservations back.
func TestWasmBatchAllOrNothing(t *testing.T) {
	st := newState(newClock())
	g := newWasmGuard(t, st, `{"limits":[{"name":"a","by":"key","requests":2,"tokens":500,"window":"1m"}],"anomaly":{}}`)
	counters := func() [3]int64 {
		r, _ := st.Value("a:r:k1")
		tk, _ := st.Value("a:t:k1")
		an, _ := st.Value("@a:r:s0:s:alice")
		return [3]int64{r, tk, an}
	}
	steps := []struct {
		name        string
		unavailable bool
		decision    abi.Decision
		want        [3]int64 // requests, tokens, anomaly short slot
	}{
		{"allowed", false, abi.Allow, [3]int64{1, helloTokens, 1}},
		{"backend down: nothing counted", true, abi.Allow, [3]int64{1, helloTokens, 1}},
		{"allowed again", false, abi.Allow, [3]int64{2, 2 * helloTokens, 2}},
		{"denied by requests: reservation given back, attempt counted", false, abi.Deny, [3]int64{3, 2 * helloTokens, 3}},
	}
	for _, s := range steps {
		st.SetUnavailable(s.unavailable)
		before := st.Calls()
		v := wcheck(t, g, request(nil))
		if v.Decision != s.decision {
			t.Fatalf("%s: verdict %+v", s.name, v)
		}
		if got := counters(); got != s.want {
			t.Fatalf("%s: counters %v, want %v", s.name, got, s.want)
		}
		if s.unavailable && st.Calls()-before != 1 {
			t.Fatalf("%s: %d calls, want 1", s.name, st.Calls()-before)
		}
		if _, ok := kv(v.Annotations, annReserved); ok != (s.decision == abi.Allow && !s.unavailable) {
			t.Fatalf("%s: annotations %v", s.name, v.Annotations)
		}
	}
}

// TestWasmEpochClock checks the anomaly detector's cached epoch under
// wazero's real monotonic clock (WithSysNanotime, as Ward gives guests):
// the State's clock, which the guest only sees through @epoch, does not
// move the guest's slots between epoch reads; real time does.
func TestWasmEpochClock(t *testing.T) {
	clk := newClock()
	st := newState(clk)
	g := newWasmGuard(t, st, `{"anomaly":{"short":"1s","baseline":"2s"}}`)
	const s0, s1 = "@a:r:s0:s:alice", "@a:r:s1:s:alice"
	steps := []struct {
		name           string
		advance, sleep time.Duration
		calls          int
		wantS0, wantS1 int64
	}{
		{"first request reads the epoch", 0, 0, 2, 1, 0},
		{"the State's clock does not move the guest", 1500 * time.Millisecond, 0, 1, 2, 0},
		{"real time does, without reading the epoch", 0, 1100 * time.Millisecond, 1, 2, 1},
	}
	for _, s := range steps {
		clk.advance(s.advance)
		time.Sleep(s.sleep)
		before := st.Calls()
		wcheck(t, g, request(nil))
		if got := st.Calls() - before; got != s.calls {
			t.Fatalf("%s: %d state calls, want %d", s.name, got, s.calls)
		}
		n0, _ := st.Value(s0)
		n1, _ := st.Value(s1)
		if n0 != s.wantS0 || n1 != s.wantS1 {
			t.Fatalf("%s: short slots 0 and 1 = %d, %d; want %d, %d", s.name, n0, n1, s.wantS0, s.wantS1)
		}
	}
}

// BenchmarkWasmRequest is the whole host+guest call of an allowed request
// charged to two limits (requests and tokens per key, tokens per role):
// one state batch of three counters to guesttest's in-memory State.
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

// BenchmarkWasmPhases: one request of loadbench's ratelimit table (a key's
// requests and tokens limits; with and without the anomaly detector) and
// its response phase, which reconciles the reservation with the reported
// usage and sets the x-ratelimit-* headers.
func BenchmarkWasmPhases(b *testing.B) {
	const limits = `"on_backend_error":"allow","limits":[{"name":"per-key","by":"key","requests":1000000000,"tokens":1000000000000,"window":"1m"}]`
	for _, c := range []struct{ name, cfg string }{
		{"limits", `{` + limits + `}`},
		{"anomaly", `{` + limits + `,"anomaly":{"short":"1m","baseline":"1h","multiple":10,"min_requests":30}}`},
	} {
		st := newState(newClock())
		g := newWasmGuard(b, st, c.cfg)
		in := abi.AppendExchange(nil, request(nil))
		var v abi.Verdict
		b.Run(c.name+"/request", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out, err := g.Call("ward_request", in)
				if err != nil {
					b.Fatal(err)
				}
				if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow {
					b.Fatalf("verdict %+v, %v", v, err)
				}
			}
		})
		out, err := g.Call("ward_request", in)
		if err != nil {
			b.Fatal(err)
		}
		var rv abi.Verdict
		if err := abi.DecodeVerdict(out, &rv); err != nil {
			b.Fatal(err)
		}
		rin := abi.AppendExchange(nil, response(request(nil), rv, 200, 50, 100))
		b.Run(c.name+"/response", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out, err := g.Call("ward_response", rin)
				if err != nil {
					b.Fatal(err)
				}
				if err := abi.DecodeVerdict(out, &v); err != nil || len(v.SetHeaders) != 6 {
					b.Fatalf("verdict %+v, %v", v, err)
				}
			}
		})
	}
}
