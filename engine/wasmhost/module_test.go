package wasmhost

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/wardgate/ward/engine/internal/fuel/meter"
	"github.com/wardgate/ward/sdk/abi"
)

// withCustomSection returns a copy of wasm with a custom section appended:
// the same code under another SHA-256.
func withCustomSection(wasm []byte, payload string) []byte {
	name := "ward-test"
	body := append([]byte{byte(len(name))}, name...)
	body = append(body, payload...)
	out := append([]byte(nil), wasm...)
	out = append(out, 0)
	for n := uint32(len(body)); ; {
		b := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			out = append(out, b)
			break
		}
		out = append(out, b|0x80)
	}
	return append(out, body...)
}

// modules returns how many compiled modules h holds and how many of them
// are idle.
func modules(h *Host) (held, idle int) {
	h.modMu.Lock()
	defer h.modMu.Unlock()
	return len(h.mods), len(h.idle)
}

func refs(h *Host, m *module) int {
	h.modMu.Lock()
	defer h.modMu.Unlock()
	return m.refs
}

// moduleClosed reports whether m's runtime was closed.
func moduleClosed(m *module) bool {
	probe, err := m.rt.InstantiateModule(context.Background(), m.cm, wazero.NewModuleConfig().WithName(""))
	if err == nil {
		_ = probe.Close(context.Background())
	}
	return err != nil && strings.Contains(err.Error(), "closed")
}

func allowCheck(t *testing.T, g *Guard) {
	t.Helper()
	var v abi.Verdict
	if err := g.Check(context.Background(), exchange("hello"), &v); err != nil {
		t.Fatalf("%s: check: %v", g.Name(), err)
	}
}

// TestModuleReuse: a module loaded again (same bytes, memory limit and CPU
// bound) reuses the compiled module; other bytes, another memory limit or
// no CPU bound compile another.
func TestModuleReuse(t *testing.T) {
	h, _ := newHost(t)
	wasm := fixture(t, "extraexport")
	a := load(t, h, Spec{Name: "a", Wasm: wasm, PoolSize: 1})
	b := load(t, h, Spec{Name: "b", Wasm: wasm, PoolSize: 2, ConfigJSON: []byte(`{}`)})
	if a.compiled != b.compiled {
		t.Fatal("same module compiled twice")
	}
	if n := refs(h, a.compiled); n != 2 {
		t.Fatalf("refs = %d, want 2", n)
	}
	// The caller's SHA-256 is used as given (it keys the module).
	sum := sha256.Sum256(wasm)
	c := load(t, h, Spec{Name: "c", Wasm: wasm, SHA256: sum, PoolSize: 1})
	if c.compiled != a.compiled {
		t.Fatal("module with the caller's SHA-256 compiled again")
	}
	for _, tc := range []struct {
		name string
		s    Spec
	}{
		{"other bytes", Spec{Wasm: withCustomSection(wasm, "v2")}},
		{"other memory limit", Spec{Wasm: wasm, MemoryLimit: 32 << 20}},
		{"no cpu bound", Spec{Wasm: wasm, NoCPUBound: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.s.Name, tc.s.PoolSize = "d", 1
			d := load(t, h, tc.s)
			defer d.Close(context.Background())
			if d.compiled == a.compiled {
				t.Fatal("reused a module compiled from other bytes or settings")
			}
			allowCheck(t, d)
		})
	}
	for _, g := range []*Guard{a, b, c} {
		allowCheck(t, g)
	}
}

// TestModuleRefcount: closing the guard of a retired pipeline leaves the
// compiled module usable by the guard that replaced it; the last guard's
// Close makes it idle (kept), and a later load takes it back.
func TestModuleRefcount(t *testing.T) {
	h, _ := newHost(t)
	wasm := goGuest
	old := load(t, h, Spec{Name: "g", Wasm: wasm, PoolSize: 2})
	next := load(t, h, Spec{Name: "g", Wasm: wasm, PoolSize: 2})
	m := old.compiled
	if next.compiled != m {
		t.Fatal("not shared")
	}
	if err := old.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := refs(h, m); n != 1 {
		t.Fatalf("refs = %d after closing one of two guards", n)
	}
	// The new guard runs, replaces instances and instantiates from the
	// shared module after the old one's instances are gone.
	for range 3 {
		allowCheck(t, next)
	}
	in, err := next.newInstance(context.Background())
	if err != nil {
		t.Fatalf("instantiate after the other guard closed: %v", err)
	}
	next.discard(in)
	old.compiled.owners.Range(func(_, g any) bool {
		if g == old {
			t.Error("closed guard still owns an instance")
		}
		return true
	})
	if err := next.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if held, idle := modules(h); held != 1 || idle != 1 || moduleClosed(m) {
		t.Fatalf("after the last close: held %d idle %d closed %v, want the module kept idle", held, idle, moduleClosed(m))
	}
	again := load(t, h, Spec{Name: "g", Wasm: wasm, PoolSize: 1})
	defer again.Close(context.Background())
	if again.compiled != m {
		t.Fatal("idle module not reused")
	}
	if _, idle := modules(h); idle != 0 {
		t.Fatalf("idle = %d, want the reused module taken out", idle)
	}
	allowCheck(t, again)
}

// TestModuleEviction: beyond DefaultIdleModules unused modules the least recently
// released is closed; modules in use are never evicted.
func TestModuleEviction(t *testing.T) {
	h, _ := newHost(t)
	wasm := fixture(t, "extraexport")
	live := load(t, h, Spec{Name: "live", Wasm: wasm, PoolSize: 1})
	var released []*module
	for i := range DefaultIdleModules + 2 {
		g := load(t, h, Spec{Name: "v", Wasm: withCustomSection(wasm, strings.Repeat("x", i+1)), PoolSize: 1})
		released = append(released, g.compiled)
		if err := g.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	held, idle := modules(h)
	if idle != DefaultIdleModules || held != DefaultIdleModules+1 {
		t.Fatalf("held %d idle %d, want %d idle and the live one", held, idle, DefaultIdleModules)
	}
	for i, m := range released {
		if evicted := i < 2; moduleClosed(m) != evicted {
			t.Errorf("module %d: closed %v, want %v", i, moduleClosed(m), evicted)
		}
	}
	if moduleClosed(live.compiled) {
		t.Fatal("module in use closed")
	}
	allowCheck(t, live)
	// An evicted module loads again (compiled anew).
	g := load(t, h, Spec{Name: "v", Wasm: withCustomSection(wasm, "x"), PoolSize: 1})
	defer g.Close(context.Background())
	if g.compiled == released[0] {
		t.Fatal("evicted module reused")
	}
	allowCheck(t, g)
}

// TestModuleIdleLimit: Options.IdleModules bounds the modules kept unused;
// negative keeps none (a released module is closed at once).
func TestModuleIdleLimit(t *testing.T) {
	wasm := fixture(t, "extraexport")
	for _, tc := range []struct{ opt, want int }{{-1, 0}, {1, 1}, {2, 2}} {
		t.Run(fmt.Sprint(tc.opt), func(t *testing.T) {
			h, err := New(context.Background(), Options{IdleModules: tc.opt})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close(context.Background())
			var released []*module
			for i := range 3 {
				g := load(t, h, Spec{Name: "v", Wasm: withCustomSection(wasm, strings.Repeat("y", i+1)), PoolSize: 1})
				released = append(released, g.compiled)
				if err := g.Close(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if held, idle := modules(h); held != tc.want || idle != tc.want {
				t.Fatalf("held %d idle %d, want %d", held, idle, tc.want)
			}
			for i, m := range released {
				if evicted := i < 3-tc.want; moduleClosed(m) != evicted {
					t.Errorf("module %d: closed %v, want %v", i, moduleClosed(m), evicted)
				}
			}
		})
	}
}

// TestModuleFailedLoadReleases: a guard that fails after its module
// compiled (its config is refused) leaves no instance and no reference;
// a module that does not compile is not kept.
func TestModuleFailedLoadReleases(t *testing.T) {
	h, _ := newHost(t)
	_, err := h.Load(context.Background(), Spec{Name: "g", Wasm: goGuest, PoolSize: 2, ConfigJSON: []byte(`{"unknown_key":1}`)})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeConfig {
		t.Fatalf("err = %v, want %s", err, CodeConfig)
	}
	h.modMu.Lock()
	var m *module
	for _, x := range h.mods {
		m = x
	}
	h.modMu.Unlock()
	if m == nil || refs(h, m) != 0 {
		t.Fatalf("module after a failed load: %+v", m)
	}
	m.owners.Range(func(k, _ any) bool {
		t.Errorf("instance %v left open", k)
		return true
	})
	broken := goGuest[:len(goGuest)/2]
	if _, err := h.Load(context.Background(), Spec{Name: "b", Wasm: broken, PoolSize: 1}); err == nil {
		t.Fatal("broken module loaded")
	}
	if held, _ := modules(h); held != 1 {
		t.Fatalf("held %d modules, want only the one that compiled", held)
	}
}

// TestModuleGrantsPerGuard: the host imports a shared module may call are
// checked per guard, and each guard's host calls act under its own name.
func TestModuleGrantsPerGuard(t *testing.T) {
	h, _ := newHost(t)
	st := &mapStore{}
	wasm := fixture(t, "state")
	a := load(t, h, Spec{Name: "a", Wasm: wasm, PoolSize: 1, State: st})
	if _, err := h.Load(context.Background(), Spec{Name: "x", Wasm: wasm, PoolSize: 1}); err == nil ||
		!strings.Contains(err.Error(), `not granted "state"`) {
		t.Fatalf("ungranted guard of a shared module: err = %v", err)
	}
	b := load(t, h, Spec{Name: "b", Wasm: wasm, PoolSize: 1, State: st})
	if a.compiled != b.compiled {
		t.Fatal("not shared")
	}
	stateCheck(t, a, 0)
	stateCheck(t, b, 0)
	stateCheck(t, b, 0)
	if st.m["a/hits"] != 1 || st.m["b/hits"] != 2 {
		t.Fatalf("store = %v, want a/hits 1, b/hits 2", st.m)
	}
}

// TestModuleConcurrentLoads: guards of one module loaded and closed from
// several goroutines (run with -race) wait for one compilation and share
// its module, left idle at the end; concurrent loads of a module that
// does not compile all fail and leave nothing behind.
func TestModuleConcurrentLoads(t *testing.T) {
	h, _ := newHost(t)
	wasm := withCustomSection(fixture(t, "extraexport"), "concurrent")
	broken := wasm[:len(wasm)-40]
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[*module]bool{}
	errs := make(chan error, 16)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%3 == 2 {
				_, err := h.Load(context.Background(), Spec{Name: "b", Wasm: broken, PoolSize: 1})
				var e *Error
				if !errors.As(err, &e) || e.Code != CodeLoad || e.Guard != "b" {
					errs <- fmt.Errorf("broken module: err = %v, want %s", err, CodeLoad)
				}
				return
			}
			g, err := h.Load(context.Background(), Spec{Name: "c", Wasm: wasm, PoolSize: 2})
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			seen[g.compiled] = true
			mu.Unlock()
			var v abi.Verdict
			if err := g.Check(context.Background(), exchange("hi"), &v); err != nil {
				errs <- err
			}
			errs <- g.Close(context.Background())
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 1 {
		t.Fatalf("%d compiled modules for one module", len(seen))
	}
	if held, idle := modules(h); held != 1 || idle != 1 {
		t.Fatalf("held %d idle %d, want one idle module", held, idle)
	}
}

// TestModuleHostClose: Host.Close closes the modules in use and the idle
// ones; Load fails afterwards.
func TestModuleHostClose(t *testing.T) {
	h, err := New(context.Background(), Options{CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	wasm := fixture(t, "extraexport")
	a := load(t, h, Spec{Name: "a", Wasm: wasm, PoolSize: 1})
	b := load(t, h, Spec{Name: "b", Wasm: withCustomSection(wasm, "b"), PoolSize: 1})
	ma, mb := a.compiled, b.compiled
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !moduleClosed(ma) || !moduleClosed(mb) {
		t.Fatalf("closed: in use %v, idle %v", moduleClosed(ma), moduleClosed(mb))
	}
	if held, _ := modules(h); held != 0 {
		t.Fatalf("held %d after close", held)
	}
	if _, err := h.Load(context.Background(), Spec{Name: "c", Wasm: wasm}); err == nil {
		t.Fatal("load after close")
	}
}

// TestPoolGrowsWhenBusy: a call that finds every instance busy grows the
// pool only when the instances were busy at least growUtil of the time
// (the current window once it has run minUtilSample); otherwise it waits
// for the instance.
func TestPoolGrowsWhenBusy(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Name: "g", Wasm: goGuest, PoolSize: 2})
	if g.growAt != growUtil {
		t.Fatalf("growAt %v, want %v", g.growAt, growUtil)
	}
	check := func() {
		t.Helper()
		var v abi.Verdict
		if err := g.Check(context.Background(), exchange("hello"), &v); err != nil {
			t.Fatal(err)
		}
	}
	contend := func(util float64) {
		t.Helper()
		// A window of 200 ms in which the one instance was busy util of
		// the time.
		now := meter.Now()
		g.winStart.Store(now - int64(200*time.Millisecond))
		g.winBusy.Store(g.busyNs.Load() - int64(util*float64(200*time.Millisecond)))
		in := <-g.pool
		done := make(chan struct{})
		go func() { check(); close(done) }()
		for g.Stats().Idle == 0 && g.lastBusy.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond) // the call is waiting (or growing)
		g.pool <- in
		<-done
		waitIdle(t, g)
	}
	contend(0.2)
	if s := g.Stats(); s.Instances != 1 {
		t.Fatalf("grew at 20%% busy: %+v", s)
	}
	// The call waited for the held instance (20 ms or more) and says so.
	if s := g.Stats(); s.Waits != 1 || s.WaitTime < 10*time.Millisecond {
		t.Fatalf("after one wait of >= 20 ms: waits %d, wait time %v", s.Waits, s.WaitTime)
	}
	g.lastBusy.Store(0)
	contend(0.9)
	if s := g.Stats(); s.Instances != 2 {
		t.Fatalf("did not grow at 90%% busy: %+v", s)
	}
	// Calls are accounted: busy time grows with them.
	before := g.busyNs.Load()
	check()
	if g.busyNs.Load() <= before {
		t.Fatal("a call added no busy time")
	}
	// Calls that found an instance free did not wait.
	if s := g.Stats(); s.Waits != 2 {
		t.Fatalf("waits %d, want 2 (one per contended call)", s.Waits)
	}
}

// TestPoolGrowsOnContention: Load returns with one instance; a call that
// finds every instance busy adds one in the background (and waits, rather
// than fail) until PoolSize are made, never more; a guard closed while it
// grows leaves no instance.
func TestPoolGrowsOnContention(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Name: "g", Wasm: goGuest, PoolSize: 3})
	g.growAt = 0 // grow on any contention (TestPoolGrowsWhenBusy tests the gate)
	time.Sleep(20 * time.Millisecond)
	if s := g.Stats(); s.Instances != 1 || s.Idle != 1 {
		t.Fatalf("after load: %+v", s)
	}
	check := func(ctx context.Context) error {
		var v abi.Verdict
		return g.Check(ctx, exchange("hello"), &v)
	}
	// Uncontended calls do not grow the pool.
	for range 20 {
		if err := check(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if s := g.Stats(); s.Instances != 1 {
		t.Fatalf("uncontended: %+v", s)
	}
	// Every instance busy (held here): a call makes the next one and runs
	// on it.
	var held []*instance
	for want := 2; want <= 3; want++ {
		held = append(held, <-g.pool)
		if err := check(context.Background()); err != nil {
			t.Fatalf("call while growing to %d: %v", want, err)
		}
		if s := g.Stats(); s.Instances != want || s.ReplaceFailures != 0 {
			t.Fatalf("grown to %+v, want %d instances", s, want)
		}
	}
	// At PoolSize a call waits; here until its context ends.
	held = append(held, <-g.pool)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	err := check(ctx)
	cancel()
	if e := (*Error)(nil); !errors.As(err, &e) || e.Code != CodeBusy {
		t.Fatalf("full pool: %v, want %s", err, CodeBusy)
	}
	// The two calls that waited for a new instance count as waits; the
	// one whose context ended first counts as busy, not as a wait.
	if s := g.Stats(); s.Waits != 2 || s.Busy != 1 {
		t.Fatalf("waits %d, busy %d, want 2 and 1", s.Waits, s.Busy)
	}
	if s := g.Stats(); s.Instances != 3 {
		t.Fatalf("grew beyond PoolSize: %+v", s)
	}
	for _, in := range held {
		g.pool <- in
	}
	waitIdle(t, g)
	owned := func(of *Guard) (n int) {
		of.compiled.owners.Range(func(_, o any) bool {
			if o == of {
				n++
			}
			return true
		})
		return n
	}
	if n := owned(g); n != 3 {
		t.Fatalf("%d instances registered, want 3", n)
	}
	// Closed while it grows: the waiting call ends with guard_closed and
	// the instance being made is discarded.
	c := load(t, h, Spec{Name: "c", Wasm: goGuest, PoolSize: 4})
	c.growAt = 0
	<-c.pool
	done := make(chan error, 1)
	go func() {
		var v abi.Verdict
		done <- c.Check(context.Background(), exchange("hello"), &v)
	}()
	for c.Stats().Instances != 2 {
		time.Sleep(time.Millisecond)
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-done
	if n := owned(c); n != 0 {
		t.Fatalf("%d instances left open by a guard closed while growing", n)
	}
}

// TestUtilisationWindow checks the figures the growth gate reads without
// a guest: busy time per instance, a window that rolls over once it is
// utilWindow old, and, in a window's first minUtilSample, the last
// complete window's figure instead of the young one's.
func TestUtilisationWindow(t *testing.T) {
	ms := int64(time.Millisecond)
	var g Guard
	g.growAt = growUtil
	g.made.Store(1)
	if u := g.utilisation(300*ms, 1000*ms); u != 0.3 {
		t.Fatalf("utilisation one instance: %v, want 0.3", u)
	}
	g.made.Store(2)
	if u := g.utilisation(300*ms, 1000*ms); u != 0.15 {
		t.Fatalf("utilisation two instances: %v, want 0.15", u)
	}
	g.made.Store(1)

	// A window started 1.2 s ago; calls since then: 900 ms busy. The
	// next call's account closes it (0.9 + its own 0.1 s over 1.2 s) and
	// opens a new one.
	now := meter.Now()
	g.winStart.Store(now - 1200*ms)
	g.winBusy.Store(5000 * ms)
	g.busyNs.Store(5900 * ms)
	g.account(meter.Now() - 100*ms)
	last := math.Float64frombits(g.lastUtil.Load())
	if last < 0.4 || last > 0.84 { // 1.0 s / 1.2 s, less if this goroutine was held up
		t.Fatalf("closed window's utilisation %v, want ~1.0 s / 1.2 s", last)
	}
	if ws := g.winStart.Load(); ws < now {
		t.Fatalf("no new window: start %d, before %d", ws, now)
	}
	if wb, b := g.winBusy.Load(), g.busyNs.Load(); wb != b {
		t.Fatalf("new window's busy base %d, want %d", wb, b)
	}
	// A call inside the window only adds busy time.
	ws := meter.Now()
	g.winStart.Store(ws)
	g.account(meter.Now() - ms)
	if g.winStart.Load() != ws {
		t.Fatal("a young window rolled over")
	}

	// In the first minUtilSample of a window the last window decides.
	// (The window starts in the future, so that it stays young however
	// slowly this test runs.)
	g.winStart.Store(meter.Now() + int64(time.Hour))
	g.lastUtil.Store(math.Float64bits(0.8))
	g.winBusy.Store(g.busyNs.Load())
	if !g.busyEnough() {
		t.Fatal("young window: the last window's 0.8 did not count")
	}
	g.lastUtil.Store(math.Float64bits(0.1))
	g.winBusy.Store(g.busyNs.Load() - 50*ms) // 50 ms of calls in a young window
	if g.busyEnough() {
		t.Fatal("young window: its own figure counted instead of the last window's 0.1")
	}
	// ... after it, the window's own figure.
	g.winStart.Store(meter.Now() - 2000*ms)
	g.winBusy.Store(g.busyNs.Load() - 1500*ms) // 75%
	if !g.busyEnough() {
		t.Fatal("window at 75% busy not busy enough")
	}
	g.winBusy.Store(g.busyNs.Load() - 200*ms) // 10%
	if g.busyEnough() {
		t.Fatal("window at 10% busy counted as busy")
	}
	g.growAt = 0
	if !g.busyEnough() {
		t.Fatal("growAt 0 must grow on any contention")
	}
}
