package extismguard

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/wardgate/ward/engine/internal/fuel"
	"github.com/wardgate/ward/engine/internal/fuel/meter"
	"github.com/wardgate/ward/sdk/abi"
)

// loadFuel loads an instrumented guard and closes it at the end of the test.
func loadFuel(t testing.TB, o Options) *Guard {
	t.Helper()
	o.CacheDir = testCache
	if o.Name == "" {
		o.Name = "fuel"
	}
	g, err := Load(context.Background(), o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Cleanup(func() {
		if err := g.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return g
}

// TestFuelStopsLoops runs guests that loop forever under fuel alone, under
// the watchdog (fuel that lasts far longer than the wall limit) and under
// both as wasmhost sets them (wall limit = 2x the fuel's time): each call
// must end with guard_timeout, soon, for the expected reason, and the pool
// must recover (the replacement instance is configured).
func TestFuelStopsLoops(t *testing.T) {
	const kw = `{"keywords":["secret"]}`
	tests := []struct {
		name    string
		o       Options
		loop    *abi.Exchange
		reason  string
		min     time.Duration // the call must not be stopped earlier
		after   *abi.Exchange // a call that must work after the timeout
		wantErr string        // its error code ("" = none)
	}{
		{
			name: "misbehave fuel", o: Options{Wasm: misbehaveFuelWasm, Fuel: 20_000_000},
			loop: &abi.Exchange{Phase: abi.PhaseRequest}, reason: "fuel budget of 20000000 units exhausted",
			after: &abi.Exchange{Phase: abi.PhaseResponse}, wantErr: CodeVerdict,
		},
		{
			// The fuel would last ~1 s; after 50 ms the loop has burnt
			// more than 1% of it, so the watchdog stops it first.
			name: "misbehave watchdog", o: Options{Wasm: misbehaveFuelWasm, Fuel: 1_000_000_000, WallLimit: 50 * time.Millisecond},
			loop: &abi.Exchange{Phase: abi.PhaseRequest}, reason: "stopped after 50ms of wall time", min: 50 * time.Millisecond,
			after: &abi.Exchange{Phase: abi.PhaseResponse}, wantErr: CodeVerdict,
		},
		{
			name: "go guest fuel", o: Options{Wasm: exampleFuelWasm, ConfigJSON: []byte(kw), Fuel: 50_000_000},
			loop: userExchange("spin-now"), reason: "fuel budget of 50000000 units exhausted",
			after: userExchange("the secret"),
		},
		{
			name: "go guest watchdog", o: Options{Wasm: exampleFuelWasm, ConfigJSON: []byte(kw), Fuel: 1_000_000_000, WallLimit: 50 * time.Millisecond},
			loop: userExchange("spin-now"), reason: "stopped after 50ms of wall time", min: 50 * time.Millisecond,
			after: userExchange("the secret"),
		},
		{
			name: "go guest fuel and watchdog", o: Options{Wasm: exampleFuelWasm, ConfigJSON: []byte(kw), Fuel: 50_000_000, WallLimit: 100 * time.Millisecond},
			loop: userExchange("spin-now"), reason: "", // either may win on a loaded machine
			after: userExchange("the secret"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.PoolSize = 1
			g := loadFuel(t, tc.o)
			for i := 0; i < 2; i++ {
				// A garbage collection that starts while a guest runs waits
				// for the call to return (compiled guest code cannot be
				// preempted), and stops the watchdog goroutine with the rest
				// of the program: then only fuel ends the call. Collect now
				// so that none is due during the loop.
				runtime.GC()
				var v abi.Verdict
				start := time.Now()
				err := g.Check(context.Background(), tc.loop, &v)
				d := time.Since(start)
				if codeOf(err) != CodeTimeout {
					t.Fatalf("loop %d: err = %v, want %s", i, err, CodeTimeout)
				}
				if !strings.Contains(err.Error(), tc.reason) {
					t.Errorf("loop %d: err = %v, want reason %q", i, err, tc.reason)
				}
				if d < tc.min || d > 3*time.Second {
					t.Errorf("loop %d: stopped after %v, want between %v and 3s", i, d, tc.min)
				}
				if !v.IsPlainAllow() {
					t.Errorf("verdict after timeout = %+v, want reset", v)
				}
				// The only instance was discarded; Check waits for its replacement.
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err = g.Check(ctx, tc.after, &v)
				cancel()
				if codeOf(err) != tc.wantErr {
					t.Fatalf("after timeout %d: err = %v, want %q", i, err, tc.wantErr)
				}
				if tc.wantErr == "" && v.Decision != abi.Deny {
					t.Fatalf("after timeout %d: verdict %+v, want deny (replacement must be configured)", i, v)
				}
			}
		})
	}
}

// TestFuelCallerContext: under fuel the caller's context does not stop a
// running guest (as for native guards), but fuel does.
func TestFuelCallerContext(t *testing.T) {
	g := loadFuel(t, Options{Wasm: misbehaveFuelWasm, PoolSize: 1, Fuel: 50_000_000})
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	var v abi.Verdict
	err := g.Check(ctx, &abi.Exchange{Phase: abi.PhaseRequest}, &v)
	if codeOf(err) != CodeTimeout || !strings.Contains(err.Error(), "fuel budget") {
		t.Fatalf("err = %v, want a fuel %s", err, CodeTimeout)
	}
}

func TestFuelLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"not instrumented", Options{Wasm: misbehaveWasm, Fuel: 1000}, "not instrumented"},
		{"negative fuel", Options{Wasm: misbehaveFuelWasm, Fuel: -1}, "negative"},
		{"negative wall limit", Options{Wasm: misbehaveFuelWasm, Fuel: 1, WallLimit: -time.Second}, "negative"},
		// describe's copy loop needs more than 10 units.
		{"describe out of fuel", Options{Wasm: misbehaveFuelWasm, Fuel: 1000, StartupFuel: 10}, "fuel budget of 10 units exhausted"},
		// the Go runtime's initialiser needs far more than 1000 units.
		{"initialise out of fuel", Options{Wasm: exampleFuelWasm, ConfigJSON: []byte(`{"keywords":["a"]}`), Fuel: 1000, StartupFuel: 1000}, "_initialize: out of fuel (1000 units)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.CacheDir, tc.o.Name, tc.o.PoolSize = testCache, "x", 1
			g, err := Load(context.Background(), tc.o)
			if err == nil {
				g.Close(context.Background())
				t.Fatal("Load succeeded")
			}
			if codeOf(err) != CodeLoad || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %s containing %q", err, CodeLoad, tc.want)
			}
		})
	}
	// A module instrumented for fuel also runs without it (the global is
	// then ignored; its initial value bounds nothing that matters here).
	g := loadFuel(t, Options{Wasm: misbehaveFuelWasm, PoolSize: 1})
	var v abi.Verdict
	if err := g.Check(context.Background(), &abi.Exchange{Phase: abi.PhaseResponse}, &v); codeOf(err) != CodeVerdict {
		t.Fatalf("err = %v, want %s", err, CodeVerdict)
	}
}

// TestKillIfOverdue checks the watchdog's rule on a real instance's fuel
// global: only overdue calls that burnt at least 1% of their budget are
// stopped by the watchdog; Close stops any call in flight.
func TestKillIfOverdue(t *testing.T) {
	const budget = 1_000_000
	g := loadFuel(t, Options{Wasm: misbehaveFuelWasm, PoolSize: 1, Fuel: budget})
	inst := <-g.pool
	defer func() { g.pool <- inst }()
	global := inst.mod.ExportedGlobal(fuel.GlobalExport).(api.MutableGlobal)
	tests := []struct {
		name    string
		elapsed int64 // ns since the call began; -1 = not in a call
		fuel    int64
		reason  int32
		kill    bool
	}{
		{"idle", -1, budget / 2, meter.KillWatchdog, false},
		{"not overdue", 50, budget / 2, meter.KillWatchdog, false},
		{"overdue, burnt 2%", 200, budget - budget/50, meter.KillWatchdog, true},
		{"overdue, burnt 0.5% (stalled)", 200, budget - budget/200, meter.KillWatchdog, false},
		{"overdue, burnt nothing (stalled)", 200, budget, meter.KillWatchdog, false},
		{"close, burnt nothing", 200, budget, meter.KillClose, true},
		{"close, idle", -1, budget, meter.KillClose, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inst.fuel.TakeKilled()
			now := meter.Now() + 10*int64(time.Second)
			if tc.elapsed >= 0 {
				inst.fuel.Begin(tc.fuel)
				now = inst.fuel.Started() + tc.elapsed
			} else {
				inst.fuel.Set(tc.fuel)
			}
			defer inst.fuel.End()
			got := inst.fuel.KillIfOverdue(now, 100, budget, tc.reason)
			if got != tc.kill {
				t.Fatalf("killed = %v, want %v", got, tc.kill)
			}
			f := int64(global.Get())
			if tc.kill && (f != -1 || inst.fuel.Killed() != tc.reason) {
				t.Fatalf("after kill: fuel %d reason %d", f, inst.fuel.Killed())
			}
			if !tc.kill && (f != tc.fuel || inst.fuel.Killed() != meter.KillNone) {
				t.Fatalf("not killed but fuel %d reason %d", f, inst.fuel.Killed())
			}
		})
	}
}

// TestFuelCloseStopsCalls: when Close's context ends, the call in flight is
// stopped (guard_timeout) and Close returns once it has returned. One
// looping call only: a guest running compiled code cannot be preempted, so
// as many loops as GOMAXPROCS would keep this test's goroutine from
// running; the fuel (~1 s of looping) bounds the test if that happens.
//
// A running guest also blocks the runtime's stop-the-world phases, so the
// collector is off while the guest loops; if the test's goroutine still did
// not run before the fuel ran out (the call ends by its own budget, not
// "closing", and Close finds it idle), the attempt says nothing about Close
// and is repeated.
func TestFuelCloseStopsCalls(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for attempt := 1; ; attempt++ {
		starved := fuelCloseAttempt(t)
		if !starved || t.Failed() {
			return
		}
		if attempt == 5 {
			t.Skip("the looping guest starved this test's goroutine in every attempt")
		}
		t.Logf("attempt %d: the call ran out of fuel before Close's deadline fired; again", attempt)
	}
}

func fuelCloseAttempt(t *testing.T) (starved bool) {
	g, err := Load(context.Background(), Options{CacheDir: testCache, Name: "mb", Wasm: misbehaveFuelWasm, PoolSize: 1, Fuel: 1_000_000_000})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var v abi.Verdict
		done <- g.Check(context.Background(), &abi.Exchange{Phase: abi.PhaseRequest}, &v)
	}()
	for g.inflight.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	closeErr := g.Close(ctx)
	closeTook := time.Since(start)
	var callErr error
	select {
	case callErr = <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("looping call did not return after Close")
	}
	if closeErr == nil && codeOf(callErr) == CodeTimeout && !strings.Contains(callErr.Error(), "closing") &&
		strings.Contains(callErr.Error(), "fuel budget") {
		return true
	}
	if codeOf(closeErr) != CodeTimeout {
		t.Errorf("Close = %v, want %s", closeErr, CodeTimeout)
	}
	if closeTook > 3*time.Second {
		t.Errorf("Close took %v", closeTook)
	}
	if codeOf(callErr) != CodeTimeout || !strings.Contains(callErr.Error(), "closing") {
		t.Errorf("looping call: %v, want %s (closing)", callErr, CodeTimeout)
	}
	return false
}

// TestFuelConcurrentChecks mixes allows, denies, panics and runaway loops
// from several goroutines on a small pool (run it with -race).
func TestFuelConcurrentChecks(t *testing.T) {
	g := loadFuel(t, Options{Wasm: exampleFuelWasm, ConfigJSON: []byte(`{"keywords":["secret"]}`), PoolSize: 2,
		Fuel: 20_000_000, WallLimit: 40 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var v abi.Verdict
			for i := 0; i < 12; i++ {
				text := fmt.Sprintf("worker %d message %d", w, i)
				want := ""
				deny := (w+i)%3 == 0
				switch {
				case i == 4 && w%2 == 0:
					text, want, deny = "spin-now", CodeTimeout, false
				case i == 7 && w == 1:
					text, want, deny = "panic-now", CodeTrap, false
				case deny:
					text += " secret"
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				err := g.Check(ctx, userExchange(text), &v)
				cancel()
				if codeOf(err) != want {
					errs <- fmt.Errorf("worker %d msg %d %q: err = %v, want %q", w, i, text, err, want)
					return
				}
				if err == nil && (v.Decision == abi.Deny) != deny {
					errs <- fmt.Errorf("worker %d msg %d: verdict %+v, want deny=%v", w, i, v, deny)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := g.watch.Len()
	if n > g.size {
		t.Errorf("%d live instances, pool of %d: discarded instances were not forgotten", n, g.size)
	}
}
