package wasmhost

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

func TestGoGuestVerdicts(t *testing.T) {
	h, _ := newHost(t)
	// A generous budget: large exchanges make the guest grow its memory,
	// which is slow on a loaded machine.
	g := load(t, h, Spec{Name: "go", Wasm: goGuest, PoolSize: 1, CPUBudget: time.Second})
	tests := []struct {
		name  string
		phase abi.Phase
		texts []string
		want  abi.Verdict
	}{
		{"allow", abi.PhaseRequest, []string{"hello", "world"}, abi.Verdict{}},
		{"deny", abi.PhaseRequest, []string{"hello", "please deny-me now"}, abi.Verdict{
			Decision: abi.Deny, Status: 403, Code: "denied", Message: "message 1 contains a denied word", Reasons: []string{"deny word"}}},
		{"rewrite", abi.PhaseRequest, []string{"a", "b", "@rewrite"}, abi.Verdict{
			Rewrites: []abi.Rewrite{{Index: 2, Text: "[rewritten]"}}}},
		{"decorate", abi.PhaseRequest, []string{"@decorate"}, abi.Verdict{
			Reasons:     []string{"decorated"},
			SetHeaders:  []abi.KV{{Key: "x-guard", Value: "goguest"}},
			Annotations: []abi.KV{{Key: "goguest.seen", Value: "1"}},
			Scores:      []abi.Score{{Name: "goguest.score", Value: 0.25}}}},
		{"response deny", abi.PhaseResponse, []string{"deny-me"}, abi.Verdict{
			Decision: abi.Deny, Status: 403, Code: "denied", Message: "message 0 contains a denied word", Reasons: []string{"deny word"}}},
		{"response rewrite", abi.PhaseResponse, []string{"x", "@rewrite"}, abi.Verdict{
			Rewrites: []abi.Rewrite{{Index: 1, Text: "[rewritten]"}}}},
		{"phase not handled", abi.PhaseResponseChunk, []string{"deny-me"}, abi.Verdict{}},
		{"large allow", abi.PhaseRequest, []string{strings.Repeat("x", 200_000)}, abi.Verdict{}},
		{"large deny after large", abi.PhaseRequest, []string{strings.Repeat("y", 300_000), "deny-me"}, abi.Verdict{
			Decision: abi.Deny, Status: 403, Code: "denied", Message: "message 1 contains a denied word", Reasons: []string{"deny word"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := exchange(tt.texts...)
			x.Phase = tt.phase
			v := abi.Verdict{Code: "stale", Reasons: []string{"stale"}}
			if err := g.Check(context.Background(), x, &v); err != nil {
				t.Fatalf("Check: %v", err)
			}
			v, tt.want = guesttest.NormalizeVerdict(v), guesttest.NormalizeVerdict(tt.want)
			if !reflect.DeepEqual(v, tt.want) {
				t.Errorf("verdict\n got %+v\nwant %+v", v, tt.want)
			}
		})
	}
	if s := g.Stats(); s.Errors != 0 || s.Calls != uint64(len(tests)-1) {
		t.Errorf("stats %+v: want %d calls, 0 errors", s, len(tests)-1)
	}
}

func TestGuardMetadata(t *testing.T) {
	h, _ := newHost(t)
	tests := []struct {
		spec     Spec
		name     string
		version  string
		handles  [4]bool
		describe abi.Description
	}{
		{Spec{Wasm: goGuest, PoolSize: 1}, "goguest", "1.2.3", [4]bool{false, true, true, false},
			abi.Description{Name: "goguest", Version: "1.2.3", ABI: "ward/v1", Phases: []string{"request", "response"},
				ConfigSchema: map[string]string{"deny_word": "string: a message containing it is denied (default deny-me)"}}},
		{Spec{Name: "strict", Wasm: goGuest, PoolSize: 1}, "strict", "1.2.3", [4]bool{false, true, true, false}, abi.Description{}},
		{Spec{Wasm: fixture(t, "trap"), PoolSize: 1}, "trap", "0.1.0", [4]bool{false, true, true, false},
			abi.Description{Name: "trap", Version: "0.1.0", ABI: "ward/v1", Phases: []string{"request", "response"}}},
	}
	for _, tt := range tests {
		g := load(t, h, tt.spec)
		if g.Name() != tt.name || g.Version() != tt.version || g.ABI() != ABINative {
			t.Errorf("name %q version %q abi %q, want %q %q %q", g.Name(), g.Version(), g.ABI(), tt.name, tt.version, ABINative)
		}
		for p := abi.Phase(0); p < 5; p++ {
			want := int(p) < 4 && tt.handles[p]
			if g.Handles(p) != want {
				t.Errorf("%s: Handles(%v) = %v", tt.name, p, !want)
			}
		}
		if tt.describe.Name != "" && !reflect.DeepEqual(g.Description(), tt.describe) {
			t.Errorf("description %+v, want %+v", g.Description(), tt.describe)
		}
		if len(g.SHA256()) != 64 {
			t.Errorf("sha256 %q", g.SHA256())
		}
		if s := g.Stats(); s.PoolSize != 1 || s.Idle != 1 || s.InUse != 0 {
			t.Errorf("stats %+v", s)
		}
	}
}

func TestConfig(t *testing.T) {
	h, _ := newHost(t)
	tests := []struct {
		name    string
		wasm    []byte
		config  string
		wantKey string
		wantMsg string
		deny    string // with a good config: a text the guard must deny
	}{
		{"default", goGuest, "", "", "", "deny-me"},
		{"empty object", goGuest, "{}", "", "", "deny-me"},
		{"custom word", goGuest, `{"deny_word":"zap"}`, "", "", "please zap it"},
		{"empty word", goGuest, `{"deny_word":""}`, "deny_word", "must not be empty", ""},
		{"wrong type", goGuest, `{"deny_word":3}`, "deny_word", "must be a string", ""},
		{"unknown key", goGuest, `{"deny_wrod":"x"}`, "deny_wrod", "unknown key", ""},
		{"not an object", goGuest, `[1]`, "", "config is not a JSON object", ""},
		{"no configure export, empty", fixture(t, "trap"), "{}", "", "", ""},
		{"no configure export, config", fixture(t, "trap"), `{"a":1}`, "", "the guard takes no configuration", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := h.Load(context.Background(), Spec{Name: "cfg", Wasm: tt.wasm, ConfigJSON: []byte(tt.config), PoolSize: 2})
			if tt.wantMsg != "" {
				var ce *ConfigError
				if ErrorCode(err) != CodeConfig || !errors.As(err, &ce) {
					t.Fatalf("err %v, want guard_config with a ConfigError", err)
				}
				if ce.Key != tt.wantKey || !strings.Contains(ce.Msg, tt.wantMsg) {
					t.Fatalf("config error key %q msg %q, want %q %q", ce.Key, ce.Msg, tt.wantKey, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close(context.Background())
			if tt.deny == "" {
				return
			}
			// Every instance of the pool must be configured: run more
			// calls than instances, concurrently.
			errs := make(chan error, 8)
			for range 8 {
				go func() {
					var v abi.Verdict
					err := g.Check(context.Background(), exchange(tt.deny), &v)
					if err == nil && v.Decision != abi.Deny {
						err = errors.New("not denied")
					}
					errs <- err
				}()
			}
			for range 8 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	h, _ := newHost(t)
	tests := []struct {
		name string
		spec Spec
		want string // substring of the error
		max  time.Duration
	}{
		{"not wasm", Spec{Wasm: []byte("hello")}, "guard_load", time.Second},
		{"no ward_alloc", Spec{Wasm: []byte("\x00asm\x01\x00\x00\x00")}, `no "ward_alloc" export`, time.Second},
		{"described phase not exported", Spec{Wasm: fixture(t, "badphases")}, `phase "response_chunk" is described but "ward_response_chunk" is not exported`, time.Second},
		{"_initialize never returns", Spec{Wasm: fixture(t, "initloop"), CPUBudget: 5 * time.Millisecond}, "out of fuel", 3 * time.Second},
		{"memory limit below the module minimum", Spec{Wasm: goGuest, MemoryLimit: 1 << 20}, "guard_load", 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			tt.spec.PoolSize = 1
			g, err := h.Load(context.Background(), tt.spec)
			if err == nil {
				g.Close(context.Background())
				t.Fatal("loaded")
			}
			if ErrorCode(err) != CodeLoad || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want guard_load containing %q", err, tt.want)
			}
			if d := time.Since(start); d > tt.max {
				t.Errorf("took %v, want < %v", d, tt.max)
			}
		})
	}
}

// TestUndescribedExportIgnored: a handler exported for a phase the guard
// does not describe (sdk/go exports all of them) is never called.
func TestUndescribedExportIgnored(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Name: "extra", Wasm: fixture(t, "extraexport")})
	if !g.Handles(abi.PhaseRequest) || g.Handles(abi.PhaseResponse) {
		t.Fatalf("handles request=%v response=%v", g.Handles(abi.PhaseRequest), g.Handles(abi.PhaseResponse))
	}
}

// TestHostile runs misbehaving guests. Each must fail with the right code
// within its budget, after which the pool is replenished and the guard's
// good path (phase response of the fixtures, a benign text for the Go
// guest) works again.
func TestHostile(t *testing.T) {
	h, _ := newHost(t)
	big := strings.Repeat("z", 2<<20)
	tests := []struct {
		name     string
		wasm     []byte
		memLimit int64
		budget   time.Duration
		x        *abi.Exchange
		code     string
		msg      string
		poisoned bool
	}{
		// Out of fuel ("cpu budget 20ms exceeded") or, when the machine
		// is loaded, stopped by the watchdog ("stopped after 40ms of wall
		// time (cpu budget 20ms)"): either way a guard_timeout.
		{"infinite loop", fixture(t, "loop"), 0, 20 * time.Millisecond, exchange("hi"), CodeTimeout, "cpu budget 20ms", true},
		{"unreachable", fixture(t, "trap"), 0, 0, exchange("hi"), CodeTrap, "ward_request: wasm error: unreachable", true},
		{"memory.grow until failure", fixture(t, "membomb"), 1 << 20, 0, exchange("hi"), CodeOOM, "memory limit of 1048576 bytes reached", true},
		{"ward_alloc returns 0", fixture(t, "membomb"), 1 << 20, 0, exchange(big), CodeOOM, "ward_alloc(4194", false},
		{"bad magic", fixture(t, "verdicts"), 0, 0, selector(0), CodeBadVerdict, "malformed", false},
		{"range past memory", fixture(t, "verdicts"), 0, 0, selector(1), CodeBadVerdict, "outside guest memory", false},
		{"100 MB verdict", fixture(t, "verdicts"), 0, 0, selector(2), CodeBadVerdict, "verdict of 100000000 bytes exceeds the limit of 1048576", false},
		{"truncated verdict", fixture(t, "verdicts"), 0, 0, selector(3), CodeBadVerdict, "malformed", false},
		{"rewrite index out of range", fixture(t, "verdicts"), 0, 0, selector(5), CodeBadVerdict, "message index 7 out of range", false},
		{"deny with status 200", fixture(t, "verdicts"), 0, 0, selector(6), CodeBadVerdict, "status 200", false},
		{"pointer near 4 GiB", fixture(t, "verdicts"), 0, 0, selector(7), CodeBadVerdict, "outside guest memory", false},
		{"go: tight loop", goGuest, 0, 20 * time.Millisecond, exchange("@spin-tight"), CodeTimeout, "", true},
		{"go: allocating loop", goGuest, 0, 20 * time.Millisecond, exchange("@spin-alloc"), CodeTimeout, "", true},
		{"go: panic", goGuest, 0, 0, exchange("@panic"), CodeTrap, "ward_request: wasm error: unreachable", true},
		{"go: out of memory", goGuest, 16 << 20, time.Second, exchange("@oom"), CodeOOM, "memory limit of 16777216 bytes reached", true},
		{"go: bad rewrite index", goGuest, 0, 0, exchange("@bad-index"), CodeBadVerdict, "message index 6 out of range (1 messages in phase request)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := tt.budget
			if budget == 0 {
				budget = 100 * time.Millisecond
			}
			g := load(t, h, Spec{Name: "hostile", Wasm: tt.wasm, PoolSize: 1, MemoryLimit: tt.memLimit, CPUBudget: budget})
			defer g.Close(context.Background())
			var v abi.Verdict
			start := time.Now()
			err := g.Check(context.Background(), tt.x, &v)
			took := time.Since(start)
			if ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err %v, want %s containing %q", err, tt.code, tt.msg)
			}
			if !v.IsPlainAllow() || v.Code != "" {
				t.Errorf("verdict after error %+v, want reset", v)
			}
			// Stopping takes the budget (in fuel; up to 2x in wall time
			// through the watchdog) plus generous slack for a loaded
			// machine (CI shares two cores with the race detector and
			// fuzzing): without the bound the call would never return.
			if limit := 2*budget + 10*time.Second; took > limit {
				t.Errorf("took %v, want < %v", took, limit)
			}
			s := g.Stats()
			if s.Errors != 1 || (s.Replaced == 1) != tt.poisoned {
				t.Errorf("stats %+v: want 1 error, replaced=%v", s, tt.poisoned)
			}
			// The good path works afterwards, on a fresh instance when
			// the old one was discarded.
			good := exchange("fine")
			good.Phase = abi.PhaseResponse
			if err := g.Check(context.Background(), good, &v); err != nil || !v.IsPlainAllow() {
				t.Fatalf("good call after failure: %v %+v", err, v)
			}
			waitIdle(t, g)
		})
	}
}

// selector returns an exchange for testdata/fixtures/verdicts.wat, which
// picks its answer by max_tokens.
func selector(n uint32) *abi.Exchange {
	x := exchange("hi")
	x.MaxTokens = n
	return x
}

func TestValidVerdictFromFixture(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Wasm: fixture(t, "verdicts"), PoolSize: 1})
	var v abi.Verdict
	if err := g.Check(context.Background(), selector(4), &v); err != nil {
		t.Fatal(err)
	}
	if v.Decision != abi.Deny || v.Status != 403 || v.Code != "nope" || v.Message != "no way" {
		t.Fatalf("verdict %+v", v)
	}
}

func TestNoAmbientAuthority(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Wasm: fixture(t, "pathopen"), PoolSize: 1})
	var v abi.Verdict
	if err := g.Check(context.Background(), exchange("open sesame"), &v); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range v.Annotations {
		got[a.Key] = a.Value
	}
	// WASI errno 8 is EBADF: fd 3 is not a preopened directory because
	// there are none.
	want := map[string]string{"open": "08", "prestat": "08", "envc": "0", "argc": "0"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("guest saw %v, want %v", got, want)
	}
}

func TestOutputCapped(t *testing.T) {
	tests := []struct {
		name     string
		wasm     []byte
		x        *abi.Exchange
		maxLog   int
		minLines int
	}{
		{"wat 640 KB", fixture(t, "chatty"), exchange("hi"), 0, 10},
		{"go 1000 lines", goGuest, exchange("@print"), 2048, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, sink := newHost(t)
			g := load(t, h, Spec{Name: "chatty", Wasm: tt.wasm, PoolSize: 1, MaxLogBytes: tt.maxLog})
			limit := tt.maxLog
			if limit == 0 {
				limit = DefaultMaxLogBytes
			}
			for call := 1; call <= 2; call++ {
				var v abi.Verdict
				if err := g.Check(context.Background(), tt.x, &v); err != nil {
					t.Fatal(err)
				}
				lines := sink.records("guard output")
				total := 0
				for _, l := range lines {
					if l["guard"] != "chatty" || (l["stream"] != "stdout" && l["stream"] != "stderr") {
						t.Fatalf("line attrs %v", l)
					}
					total += len(l["line"]) + 1
				}
				if len(lines) < tt.minLines*call || total > limit*call+call {
					t.Fatalf("call %d: %d lines, %d bytes forwarded, want >= %d lines and <= %d bytes", call, len(lines), total, tt.minLines*call, limit*call)
				}
				if tr := sink.records("guard output truncated"); len(tr) != call || tr[call-1]["dropped_bytes"] == "0" {
					t.Fatalf("call %d: truncation records %v", call, tr)
				}
			}
		})
	}
}

// TestBusy: a caller whose context ends while the only instance is busy
// gets guard_busy, without waiting for the busy call. The looping call's
// budget (1 s of CPU, 2 s of wall time) is far beyond the waiting caller's
// 20 ms deadline, so that a loaded machine cannot end it first.
func TestBusy(t *testing.T) {
	noGC(t)
	h, _ := newHost(t)
	const budget = time.Second
	g := load(t, h, Spec{Wasm: fixture(t, "loop"), PoolSize: 1, CPUBudget: budget})
	done := make(chan error, 1)
	go func() {
		var v abi.Verdict
		done <- g.Check(context.Background(), exchange("x"), &v)
	}()
	for g.Stats().InUse == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	var v abi.Verdict
	err := g.Check(ctx, exchange("x"), &v)
	if ErrorCode(err) != CodeBusy || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want guard_busy wrapping the deadline", err)
	}
	// guard_busy came while the looping call still held the instance,
	// not after waiting for it.
	select {
	case err := <-done:
		t.Fatalf("guard_busy only after the looping call ended (%v)", err)
	default:
	}
	if err := <-done; ErrorCode(err) != CodeTimeout {
		t.Fatalf("looping call: %v", err)
	}
	if s := g.Stats(); s.Busy != 1 || s.Timeouts != 1 {
		t.Errorf("stats %+v", s)
	}
}

// TestIsolation: a guard stuck in loops does not hold up another guard.
// The good guard is called until the looping one has timed out twice (each
// call of it runs for at least its 100 ms budget): had the good calls to wait
// for the looping guard, only a handful would fit; free, hundreds do even on
// a loaded machine.
func TestIsolation(t *testing.T) {
	h, _ := newHost(t)
	bad := load(t, h, Spec{Name: "bad", Wasm: fixture(t, "loop"), PoolSize: 1, CPUBudget: 100 * time.Millisecond})
	good := load(t, h, Spec{Name: "good", Wasm: goGuest, PoolSize: 1})
	stop := make(chan struct{})
	badDone := make(chan struct{})
	var timeouts atomic.Int32
	go func() {
		defer close(badDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var v abi.Verdict
			if err := bad.Check(context.Background(), exchange("x"), &v); ErrorCode(err) == CodeTimeout {
				timeouts.Add(1)
			}
		}
	}()
	x := exchange("hello")
	var v abi.Verdict
	deadline := time.Now().Add(30 * time.Second)
	calls := 0
	for timeouts.Load() < 2 && time.Now().Before(deadline) {
		if err := good.Check(context.Background(), x, &v); err != nil {
			t.Fatal(err)
		}
		calls++
	}
	close(stop)
	<-badDone
	n := timeouts.Load()
	if n < 2 || calls < 100 {
		t.Fatalf("%d good calls during %d timeouts of the looping guard", calls, n)
	}
	t.Logf("%d good calls during %d timeouts of the looping guard", calls, n)
}

// TestWatchdog: a call that burns its fuel too slowly to run out is stopped
// by the wall-clock watchdog once it has run for twice its budget, never
// before. How long after is up to the machine's load (the watchdog's
// goroutine must be scheduled), so the upper bound only says that the call
// was stopped at all: without the watchdog the loop would run until its
// fuel, ~10x the budget in CPU time, is gone, and the error would not name
// the wall time.
func TestWatchdog(t *testing.T) {
	noGC(t)
	h, _ := newHost(t)
	const budget = 20 * time.Millisecond
	g := load(t, h, Spec{Wasm: goGuest, PoolSize: 1, CPUBudget: budget})
	// An allocating Go loop burns fuel ~10x slower than a tight loop, so
	// the wall-clock watchdog (2x the budget) stops it first.
	var v abi.Verdict
	start := time.Now()
	err := g.Check(context.Background(), exchange("@spin-alloc"), &v)
	took := time.Since(start)
	if ErrorCode(err) != CodeTimeout {
		t.Fatalf("err %v", err)
	}
	t.Logf("stopped after %v: %v", took, err)
	if !strings.Contains(err.Error(), "wall time") {
		// Only a machine that burns 10x the budget's fuel in less than
		// twice the budget's wall time excuses the watchdog.
		if took < 2*budget {
			t.Skipf("fuel ran out after %v, before the watchdog was due; machine too fast for this check", took)
		}
		t.Fatalf("the watchdog did not stop the call after %v (due at %v): %v", took, 2*budget, err)
	}
	if took < 2*budget {
		t.Errorf("stopped after %v, before the watchdog was due (%v)", took, 2*budget)
	}
	if limit := 2*budget + 10*time.Second; took > limit {
		t.Errorf("stopped after %v, want < %v", took, limit)
	}
	if s := g.Stats(); s.Timeouts != 1 {
		t.Errorf("stats %+v: want 1 timeout", s)
	}
}

func TestClose(t *testing.T) {
	noGC(t)
	h, _ := newHost(t)
	// The budget (20 s) is far above the bound on Close below, so only
	// Close's kill can stop the loop in time; the bound is loose because
	// the kill is best effort on a loaded machine (1.3 s seen in CI at
	// load ~6, against a 30 ms deadline).
	g := load(t, h, Spec{Wasm: fixture(t, "loop"), PoolSize: 1, CPUBudget: 20 * time.Second})
	done := make(chan error, 1)
	go func() {
		var v abi.Verdict
		done <- g.Check(context.Background(), exchange("x"), &v)
	}()
	for g.Stats().InUse == 0 {
		time.Sleep(time.Millisecond)
	}
	// A second caller waits for the instance and must be released by Close.
	waiting := make(chan error, 1)
	go func() {
		var v abi.Verdict
		waiting <- g.Check(context.Background(), exchange("x"), &v)
	}()
	time.Sleep(10 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := g.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("close: %v, want the deadline (a call had to be stopped)", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("close took %v", d)
	}
	if err := <-done; ErrorCode(err) != CodeTimeout || !strings.Contains(err.Error(), "closing") {
		t.Errorf("in-flight call: %v, want guard_timeout stopped by the close", err)
	}
	if err := <-waiting; ErrorCode(err) != CodeClosed {
		t.Errorf("waiting call: %v, want guard_closed", err)
	}
	var v abi.Verdict
	if err := g.Check(context.Background(), exchange("x"), &v); ErrorCode(err) != CodeClosed {
		t.Errorf("after close: %v", err)
	}
	if err := g.Close(context.Background()); err != nil {
		t.Errorf("second close: %v", err)
	}

	// Host.Close closes the guards it loaded; Load fails afterwards.
	g2 := load(t, h, Spec{Wasm: goGuest, PoolSize: 1})
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := g2.Check(context.Background(), exchange("x"), &v); ErrorCode(err) != CodeClosed {
		t.Errorf("guard after host close: %v", err)
	}
	if _, err := h.Load(context.Background(), Spec{Wasm: goGuest}); ErrorCode(err) != CodeClosed {
		t.Errorf("load after host close: %v", err)
	}
}

func TestValidateVerdict(t *testing.T) {
	x := exchange("a", "b")
	tests := []struct {
		name  string
		phase abi.Phase
		v     abi.Verdict
		want  string
	}{
		{"plain allow", abi.PhaseRequest, abi.Verdict{}, ""},
		{"deny 0", abi.PhaseRequest, abi.Verdict{Decision: abi.Deny}, ""},
		{"deny 429", abi.PhaseRequest, abi.Verdict{Decision: abi.Deny, Status: 429}, ""},
		{"deny 302", abi.PhaseRequest, abi.Verdict{Decision: abi.Deny, Status: 302}, "status 302"},
		{"deny 600", abi.PhaseRequest, abi.Verdict{Decision: abi.Deny, Status: 600}, "status 600"},
		{"rewrite last", abi.PhaseRequest, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 1}}}, ""},
		{"rewrite past", abi.PhaseRequest, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0}, {Index: 2}}}, "rewrites[1]"},
		{"rewrite response", abi.PhaseResponse, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 1}}}, ""},
		{"rewrite chunk 0", abi.PhaseResponseChunk, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0}}}, ""},
		{"chunk hold alone", abi.PhaseResponseChunk, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 1, Text: "ta"}}}, "none held without one sent"},
		{"chunk send and hold", abi.PhaseResponseChunk, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0, Text: "x"}, {Index: 1, Text: "ta"}}}, ""},
		{"chunk hold not a suffix", abi.PhaseResponseChunk, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0}, {Index: 1, Text: "de"}}}, "not a suffix"},
		{"chunk two sends", abi.PhaseResponseChunk, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0}, {Index: 0}}}, "at most one of each"},
		{"chunk index 2", abi.PhaseResponseChunk, abi.Verdict{Rewrites: []abi.Rewrite{{Index: 2}}}, "out of range"},
		{"score 1", abi.PhaseRequest, abi.Verdict{Scores: []abi.Score{{Name: "s", Value: 1}}}, ""},
		{"score negative", abi.PhaseRequest, abi.Verdict{Scores: []abi.Score{{Name: "s", Value: -0.1}}}, "outside [0,1]"},
		{"score NaN", abi.PhaseRequest, abi.Verdict{Scores: []abi.Score{{Name: "s", Value: nan()}}}, "outside [0,1]"},
		{"header ok", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "X-A_b.c~", Value: "v"}}}, ""},
		{"header remove", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x-a"}}}, ""},
		{"header empty name", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: ""}}}, "invalid header name"},
		{"header space", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x a"}}}, "invalid header name"},
		{"header CRLF", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x", Value: "a\r\nSet-Cookie: y"}}}, "control character 0xd at byte 1"},
		{"header bare LF", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x", Value: "a\nb"}}}, "control character 0xa"},
		{"header NUL", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x", Value: "a\x00"}}}, "control character 0x0"},
		{"header ESC", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x", Value: "\x1b[31m"}}}, "control character 0x1b"},
		{"header DEL", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x", Value: "a\x7f"}}}, "control character 0x7f"},
		{"header tab and UTF-8", abi.PhaseRequest, abi.Verdict{SetHeaders: []abi.KV{{Key: "x", Value: "a\tb é"}}}, ""},
		{"unknown decision", abi.PhaseRequest, abi.Verdict{Decision: 2}, "unknown decision"},
	}
	x.Chunk = abi.Chunk{Delta: "delta"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x.Phase = tt.phase
			err := abi.ValidateVerdict(x, &tt.v)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}

// noGC turns the Go GC off for a test that times a goroutine against a
// running guest: guest code is not preemptible, so a GC stop-the-world that
// starts while a guest loops waits for it, and every goroutine (the test's
// timers, the watchdog) with it, for up to the guest's budget.
func noGC(t *testing.T) {
	runtime.GC()
	old := debug.SetGCPercent(-1)
	t.Cleanup(func() { debug.SetGCPercent(old) })
}

func nan() float64 { var z float64; return z / z }

func TestErrorFormat(t *testing.T) {
	e := &Error{Code: CodeTimeout, Guard: "denylist", Version: "1.0.0", Err: errors.New("cpu budget 50ms exceeded")}
	if got, want := e.Error(), "wasmhost: guard denylist@1.0.0: guard_timeout: cpu budget 50ms exceeded"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	wrapped := errors.Join(errors.New("x"), e)
	if ErrorCode(wrapped) != CodeTimeout || !errors.Is(e, e.Err) {
		t.Errorf("code/unwrap")
	}
	ce := &Error{Code: CodeConfig, Guard: "g", Err: &ConfigError{Key: "a.b", Msg: "bad"}}
	if got := ce.Error(); got != "wasmhost: guard g: guard_config: a.b: bad" {
		t.Errorf("got %q", got)
	}
}

// TestWalltimeGrant: guests see a fixed fake wall clock unless granted the
// real one (config `grants = ["clock"]`).
func TestWalltimeGrant(t *testing.T) {
	h, _ := newHost(t)
	x := &abi.Exchange{Phase: abi.PhaseRequest}
	var v abi.Verdict
	fake := load(t, h, Spec{Name: "fakeclock", Wasm: fixture(t, "clock"), PoolSize: 1})
	if err := fake.Check(context.Background(), x, &v); ErrorCode(err) != CodeTrap {
		t.Fatalf("without the grant the guest saw a real clock: %v", err)
	}
	real := load(t, h, Spec{Name: "realclock", Wasm: fixture(t, "clock"), PoolSize: 1, Walltime: true})
	if err := real.Check(context.Background(), x, &v); err != nil || v.Decision != abi.Allow {
		t.Fatalf("with the grant: %v %+v", err, v)
	}
}

func TestValidateHoldBounds(t *testing.T) {
	long := strings.Repeat("a", abi.MaxHold+1)
	x := &abi.Exchange{Phase: abi.PhaseResponseChunk, Chunk: abi.Chunk{Delta: "b" + long}}
	v := abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0}, {Index: 1, Text: long}}}
	if err := abi.ValidateVerdict(x, &v); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("hold of %d bytes: %v", len(long), err)
	}
	x = &abi.Exchange{Phase: abi.PhaseResponseChunk, Chunk: abi.Chunk{Delta: "abc", Final: true}}
	v = abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0, Text: "a"}, {Index: 1, Text: "bc"}}}
	if err := abi.ValidateVerdict(x, &v); err == nil || !strings.Contains(err.Error(), "final") {
		t.Errorf("hold on the final chunk: %v", err)
	}
}

// TestReads: a guard whose description lists "reads" gets only those
// parts of the exchange, the others empty, in every phase; the scalars
// always come. A description with an unknown part fails to load.
func TestReads(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Name: "reads", Wasm: fixture(t, "reads"), PoolSize: 1})
	if g.Reads() != abi.ReadHeaders|abi.ReadResponse {
		t.Fatalf("Reads = %06b", g.Reads())
	}
	for _, phase := range []abi.Phase{abi.PhaseRequest, abi.PhaseResponse} {
		x := &abi.Exchange{Phase: phase, API: abi.APIOpenAIChat, Model: "m", RequestID: "id", Route: "r", Path: "/p",
			Headers: []abi.KV{{Key: "authorization", Value: "Bearer k"}}, Annotations: []abi.KV{{Key: "client.ip", Value: "::1"}},
			Messages: []abi.Message{{Role: "user", Text: "hello"}}, Tools: []abi.Tool{{Name: "t"}},
			Response: abi.Response{Status: 200, FinishReason: "stop", Messages: []abi.Message{{Role: "assistant", Text: "hi"}}},
			Chunk:    abi.Chunk{Delta: "d", Window: "w"}}
		var v abi.Verdict
		if err := g.Check(context.Background(), x, &v); err != nil {
			t.Fatal(err)
		}
		// What the guest was given: the input buffer in its memory.
		in := <-g.pool
		raw, ok := in.mem.Read(in.inPtr, uint32(len(in.buf)))
		g.pool <- in
		var seen abi.Exchange
		if !ok || abi.DecodeExchange(raw, &seen) != nil {
			t.Fatalf("%v: input not readable", phase)
		}
		want := *x
		want.Annotations, want.Messages, want.Tools, want.Chunk = nil, nil, nil, abi.Chunk{}
		if !reflect.DeepEqual(seen, want) {
			t.Fatalf("%v: the guest saw\n%+v\nwant\n%+v", phase, seen, want)
		}
		if len(x.Messages) != 1 || len(x.Annotations) != 1 {
			t.Fatalf("the exchange was modified: %+v", x)
		}
	}
	_, err := h.Load(context.Background(), Spec{Name: "badreads", Wasm: fixture(t, "badreads")})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeLoad || !strings.Contains(err.Error(), `unknown part "message"`) {
		t.Fatalf("bad reads: %v", err)
	}
}
