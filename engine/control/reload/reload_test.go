package reload_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/internal/ctltest"
	"github.com/wardgate/ward/engine/control/reload"
	"github.com/wardgate/ward/engine/wasmhost"
)

const swapGuard = `[guards.swap]
path = "swap.wasm"
pool_size = 2
cpu_budget = "20ms"
`

func swapConfig() []byte {
	return []byte(ctltest.Config("{{UPSTREAM}}", swapGuard, `"swap"`))
}

func startSwap(t *testing.T) *ctltest.Env {
	return ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"ward.toml": swapConfig(),
	}, nil)
}

func status(t *testing.T, e *ctltest.Env, text string) int {
	t.Helper()
	st, body, err := e.Chat(text)
	if err != nil {
		t.Fatal(err)
	}
	if st != 200 && st != 403 {
		t.Fatalf("status %d: %s", st, body)
	}
	return st
}

// TestSwapFailuresRollback: a new module is published by a reload; a
// broken module, a module that loops in its self-test, a pin mismatch and
// a config error are refused while the running pipeline keeps serving;
// rollback returns to the previous pipeline, twice rolls forward.
func TestSwapFailuresRollback(t *testing.T) {
	e := startSwap(t)
	ctx := context.Background()
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("v1: %d", st)
	}
	e.Write("swap.wasm", ctltest.Fixture(t, "swap_v2"))
	res, err := e.Reloader.Reload(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Generation != 2 || len(res.Loaded) != 1 || res.Loaded[0] != "swap@2.0.0" {
		t.Fatalf("result %+v", res)
	}
	if st := status(t, e, "hi"); st != 403 {
		t.Fatalf("v2 should deny: %d", st)
	}

	v1 := ctltest.Fixture(t, "swap_v1")
	sum := sha256.Sum256(v1)
	for _, c := range []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"broken module", map[string][]byte{"swap.wasm": []byte("\x00asm\x01\x00\x00\x00garbage")}, "guards.swap"},
		{"looping module", map[string][]byte{"swap.wasm": ctltest.Fixture(t, "swap_loop")}, "guard_timeout"},
		{"pin mismatch", map[string][]byte{"swap.wasm": v1, "ward.toml": []byte(ctltest.Config("{{UPSTREAM}}",
			swapGuard+`sha256 = "`+strings.Repeat("0", 64)+`"`, `"swap"`))}, "config pins"},
		{"config error", map[string][]byte{"ward.toml": []byte("[server]\nlisten = 1\n")}, "server.listen"},
		{"missing module", map[string][]byte{"ward.toml": []byte(strings.Replace(string(swapConfig()), "swap.wasm", "nope.wasm", 1))}, "nope.wasm"},
	} {
		for name, b := range c.files {
			e.Write(name, b)
		}
		start := time.Now()
		res, err := e.Reloader.Reload(ctx, "test")
		if err == nil || res.OK || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: reload err %v, result %+v", c.name, err, res)
		}
		// The self-test stops the loop (40 ms of wall time for its 20 ms
		// budget); the bound, lax for a loaded machine under the race
		// detector, says only that the reload did not hang on it.
		if c.name == "looping module" && time.Since(start) > 20*time.Second {
			t.Errorf("looping module took %v to refuse", time.Since(start))
		}
		if st := status(t, e, "hi"); st != 403 {
			t.Fatalf("%s: the running pipeline (v2) must keep serving: %d", c.name, st)
		}
		s := e.Reloader.Status()
		if s.Generation != 2 || s.LastFailure == nil || s.LastFailure.Error != err.Error() {
			t.Fatalf("%s: status %+v", c.name, s)
		}
		// Restore a valid config for the next case.
		e.Write("ward.toml", swapConfig())
	}
	if ok, failed := e.Metrics.Reloads(); ok != 2 || failed != 5 {
		t.Errorf("metrics: %d ok, %d failed", ok, failed)
	}

	// The pinned v1 loads.
	e.Write("swap.wasm", v1)
	e.Write("ward.toml", []byte(ctltest.Config("{{UPSTREAM}}", swapGuard+`sha256 = "`+hex.EncodeToString(sum[:])+`"`, `"swap"`)))
	if _, err := e.Reloader.Reload(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("pinned v1: %d", st)
	}
	// Rollback to v2 (from memory: the file on disk is v1), and forward.
	e.Write("swap.wasm", []byte("corrupt on disk"))
	res, err = e.Reloader.Rollback(ctx)
	if err != nil || !res.OK || res.Loaded[0] != "swap@2.0.0" {
		t.Fatalf("rollback: %v %+v", err, res)
	}
	if st := status(t, e, "hi"); st != 403 {
		t.Fatalf("after rollback: %d", st)
	}
	if _, err := e.Reloader.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("after roll forward: %d", st)
	}
}

func TestRollbackWithoutPrevious(t *testing.T) {
	e := startSwap(t)
	if _, err := e.Reloader.Rollback(context.Background()); !errors.Is(err, reload.ErrNoRollback) {
		t.Fatalf("got %v", err)
	}
}

// TestReuseUnchangedGuards: a reload shares guards that did not change,
// and a change of mode alone reloads no module.
func TestReuseUnchangedGuards(t *testing.T) {
	two := swapGuard + "\n[guards.other]\npath = \"other.wasm\"\npool_size = 1\n"
	e := ctltest.Start(t, map[string][]byte{
		"swap.wasm":  ctltest.Fixture(t, "swap_v1"),
		"other.wasm": ctltest.Fixture(t, "swap_v1"),
		"ward.toml":  []byte(ctltest.Config("{{UPSTREAM}}", two, `"swap", "other"`)),
	}, nil)
	before := e.Reloader.Current().Entries()
	e.Write("swap.wasm", ctltest.Fixture(t, "swap_v2"))
	res, err := e.Reloader.Reload(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.Loaded, res.Reused) != "[swap@2.0.0] [other]" {
		t.Fatalf("loaded %v reused %v", res.Loaded, res.Reused)
	}
	after := e.Reloader.Current().Entries()
	if after[1].Guard != before[1].Guard || after[0].Guard == before[0].Guard {
		t.Fatal("unchanged guard not shared, or changed guard shared")
	}
	// Mode only: observe v2's denial instead of enforcing it.
	e.Write("ward.toml", []byte(ctltest.Config("{{UPSTREAM}}", swapGuard+"mode = \"observe\"\n\n[guards.other]\npath = \"other.wasm\"\npool_size = 1\n", `"swap", "other"`)))
	res, err = e.Reloader.Reload(context.Background(), "test")
	if err != nil || len(res.Loaded) != 0 {
		t.Fatalf("mode change: %v %+v", err, res)
	}
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("observe mode: %d", st)
	}
	// The shared "other" guard survives its first snapshot being closed.
	waitDrained(t, e)
	if s := after[1].Guard.Stats(); s.Idle != 1 {
		t.Fatalf("shared guard pool %+v", s)
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

// TestInFlightKeepsItsSnapshot: a request that started on v1 (request and
// response phases) finishes on v1 after v2 is published: its response
// phase runs on v1's guard, which is closed only once the request is done.
func TestInFlightKeepsItsSnapshot(t *testing.T) {
	e := startSwap(t)
	old := e.Reloader.Current()
	type answer struct {
		st   int
		body []byte
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		st, b, err := e.Chat("@hold")
		done <- answer{st, b, err}
	}()
	select {
	case <-e.Upstream.Held():
	case <-time.After(10 * time.Second):
		t.Fatal("request never reached the upstream")
	}
	e.Write("swap.wasm", ctltest.Fixture(t, "swap_v2"))
	if _, err := e.Reloader.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if st := status(t, e, "hi"); st != 403 {
		t.Fatalf("new requests: %d", st)
	}
	time.Sleep(50 * time.Millisecond)
	if old.Active() != 1 || e.Reloader.Status().Draining != 1 {
		t.Fatalf("old snapshot: %d active, %d draining", old.Active(), e.Reloader.Status().Draining)
	}
	if s := old.Entries()[0].Guard.Stats(); s.Idle == 0 || s.Idle != s.Instances {
		t.Fatalf("old guard closed early: %+v", s)
	}
	e.Upstream.Release()
	a := <-done
	if a.err != nil || a.st != 200 {
		t.Fatalf("in-flight request: %d %v %s", a.st, a.err, a.body)
	}
	waitDrained(t, e)
	if old.Active() != 0 {
		t.Fatal("old snapshot still active")
	}
}

// TestSwapUnderLoad: requests never fail while the guard is swapped, and
// broken or looping modules are refused, again and again.
func TestSwapUnderLoad(t *testing.T) {
	e := startSwap(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var ok, bad atomic.Int64
	var firstBad atomic.Value
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				st, body, err := e.Chat("hello")
				if err != nil || (st != 200 && st != 403) {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("%d %v %s", st, err, body))
					continue
				}
				ok.Add(1)
			}
		}()
	}
	mods := []string{"swap_v2", "broken", "swap_v1", "swap_loop", "swap_v2", "swap_v1", "broken", "swap_v2", "swap_v1"}
	for _, m := range mods {
		b := []byte("not wasm")
		if m != "broken" {
			b = ctltest.Fixture(t, m)
		}
		e.Write("swap.wasm", b)
		_, err := e.Reloader.Reload(ctx, "test")
		if (err != nil) != (m == "broken" || m == "swap_loop") {
			t.Errorf("%s: reload err %v", m, err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d failed requests of %d; first: %v", bad.Load(), ok.Load()+bad.Load(), firstBad.Load())
	}
	if ok.Load() < 50 {
		t.Fatalf("only %d requests", ok.Load())
	}
	waitDrained(t, e)
}

// TestWatch: a burst of writes to a guard module is one reload; a change
// of the config file reloads too; files outside the config are ignored.
func TestWatch(t *testing.T) {
	e := startSwap(t)
	// watch runs the watcher with the given debounce until the returned
	// stop is called, from the moment it watches the config's directories.
	watch := func(debounce time.Duration) (stop func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		watching := make(chan struct{})
		reload.OnWatching(e.Reloader, func() { close(watching) })
		done := make(chan error, 1)
		go func() { done <- e.Reloader.Watch(ctx, debounce) }()
		select {
		case <-watching:
		case err := <-done:
			t.Fatalf("watch: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("the watcher did not start")
		}
		var once sync.Once
		stop = func() { once.Do(func() { cancel(); <-done }) }
		t.Cleanup(stop)
		return stop
	}
	waitGen := func(gen int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for e.Reloader.Status().Generation < gen {
			if time.Now().After(deadline) {
				t.Fatalf("generation %d never came: %+v", gen, e.Reloader.Status())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// A burst of writes (an editor's or a deploy tool's steps) is one
	// reload; a file outside the config is ignored. The debounce is far
	// above the few ms the burst takes, so that a loaded machine (CI, the
	// race detector) does not split it.
	const debounce = 2 * time.Second
	stop := watch(debounce)
	e.Write("unrelated.txt", []byte("x"))
	burst := time.Now()
	for range 5 {
		e.Write("swap.wasm", ctltest.Fixture(t, "swap_v2"))
	}
	span := time.Since(burst)
	waitGen(2)
	// A second reload of the burst would come at most debounce after the
	// burst's last event.
	time.Sleep(debounce)
	stop()
	s := e.Reloader.Status()
	t.Logf("a burst of %v: %d reloads", span, s.Reloads)
	if s.Reloads != 1 || s.Generation != 2 || s.Last.Trigger != "file" {
		if span >= debounce/2 {
			t.Skipf("the burst took %v on this machine (debounce %v): %+v", span, debounce, s)
		}
		t.Fatalf("after a burst: %+v", s)
	}
	if st := status(t, e, "hi"); st != 403 {
		t.Fatalf("v2 not live: %d", st)
	}

	// A change of the config file reloads; a broken module is refused;
	// fixing it is picked up.
	watch(100 * time.Millisecond)
	e.Write("ward.toml", []byte(ctltest.Config("{{UPSTREAM}}", swapGuard+"mode = \"observe\"\n", `"swap"`)))
	waitGen(3)
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("observe mode not live: %d", st)
	}
	e.Write("swap.wasm", []byte("broken"))
	deadline := time.Now().Add(30 * time.Second)
	for e.Reloader.Status().LastFailure == nil {
		if time.Now().After(deadline) {
			t.Fatal("broken module not noticed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	gen := e.Reloader.Status().Generation
	e.Write("swap.wasm", ctltest.Fixture(t, "swap_v1"))
	waitGen(gen + 1)
}

// swapFiles writes the swap guard's module and a config naming it into a
// temporary directory and returns the config's path, the module's path and
// a host closed at the end of the test: what a Reloader built outside
// ctltest.Env needs.
func swapFiles(t *testing.T) (cfgPath, mod string, host *wasmhost.Host) {
	t.Helper()
	dir := t.TempDir()
	mod = filepath.Join(dir, "swap.wasm")
	if err := os.WriteFile(mod, ctltest.Fixture(t, "swap_v1"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "ward.toml")
	if err := os.WriteFile(cfgPath, []byte(ctltest.Config("127.0.0.1:1", swapGuard, `"swap"`)), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	host, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close(ctx) })
	return cfgPath, mod, host
}

// TestStatusDuringReload: the admin API's reads (Status, Current, Config)
// do not wait for a reload in progress.
func TestStatusDuringReload(t *testing.T) {
	cfgPath, _, host := swapFiles(t)
	ctx := context.Background()
	entered, release := make(chan struct{}), make(chan struct{})
	calls := 0
	rl, _, err := reload.New(ctx, reload.Options{
		Load: func() (*config.Config, error) {
			calls++
			if calls > 1 {
				close(entered)
				<-release
			}
			return config.Load(cfgPath)
		},
		Host: host, Resolve: os.ReadFile,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer rl.Current().Close(ctx)
	done := make(chan error, 1)
	go func() { _, err := rl.Reload(ctx, "test"); done <- err }()
	<-entered
	read := make(chan reload.Status, 1)
	go func() {
		_ = rl.Current()
		_ = rl.Config()
		read <- rl.Status()
	}()
	select {
	case s := <-read:
		if s.Generation != 1 {
			t.Fatalf("status %+v", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("status waited for the reload")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := rl.Status(); s.Generation != 2 {
		t.Fatalf("after: %+v", s)
	}
}

// TestBuiltHook: Options.Built runs after the first build and after every
// reload, failed or not, once the new pipeline is live (so that it does not
// delay a swap).
func TestBuiltHook(t *testing.T) {
	cfgPath, mod, host := swapFiles(t)
	ctx := context.Background()
	var rl *reload.Reloader
	var gens []int // the live generation at each call (0: before New returned)
	rl, _, err := reload.New(ctx, reload.Options{
		Load:    func() (*config.Config, error) { return config.Load(cfgPath) },
		Host:    host,
		Resolve: os.ReadFile,
		Built: func() {
			g := 0
			if rl != nil {
				g = rl.Status().Generation
			}
			gens = append(gens, g)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { rl.Current().Close(ctx) }()
	if _, err := rl.Reload(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mod, []byte("\x00asm broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := rl.Reload(ctx, "test"); err == nil {
		t.Fatal("a broken module was published")
	}
	if want := []int{0, 2, 2}; fmt.Sprint(gens) != fmt.Sprint(want) {
		t.Fatalf("Built saw generations %v, want %v", gens, want)
	}
}

// TestSettledHook: Options.Settled runs once reloads have been quiet for
// SettleDelay, not before any reload, and never while a reload is under way.
func TestSettledHook(t *testing.T) {
	cfgPath, _, host := swapFiles(t)
	ctx := context.Background()
	settled := make(chan struct{}, 16)
	newReloader := func(delay time.Duration, load func() (*config.Config, error)) *reload.Reloader {
		rl, _, err := reload.New(ctx, reload.Options{
			Load: load, Host: host, Resolve: os.ReadFile,
			Settled: func() { settled <- struct{}{} }, SettleDelay: delay,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rl.Close(ctx); rl.Current().Close(ctx) })
		return rl
	}
	load := func() (*config.Config, error) { return config.Load(cfgPath) }

	t.Run("timer", func(t *testing.T) {
		rl := newReloader(20*time.Millisecond, load)
		select {
		case <-settled:
			t.Fatal("Settled ran before any reload")
		case <-time.After(200 * time.Millisecond):
		}
		if _, err := rl.Reload(ctx, "test"); err != nil {
			t.Fatal(err)
		}
		select {
		case <-settled:
		case <-time.After(10 * time.Second):
			t.Fatal("Settled did not run after a reload")
		}
	})

	t.Run("held off by a reload", func(t *testing.T) {
		entered, release := make(chan struct{}), make(chan struct{})
		calls := 0
		rl := newReloader(time.Hour, func() (*config.Config, error) {
			calls++
			if calls == 2 {
				close(entered)
				<-release
			}
			return load()
		})
		done := make(chan error, 1)
		go func() { _, err := rl.Reload(ctx, "test"); done <- err }()
		<-entered
		reload.FireSettle(rl)
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		select {
		case <-settled:
			t.Fatal("Settled ran while a reload was under way")
		default:
		}
		waitIdle(t, rl)
		reload.FireSettle(rl)
		select {
		case <-settled:
		default:
			t.Fatal("Settled did not run once the reload and its drain were done")
		}
	})
}

// waitIdle waits until no retired pipeline of rl is draining.
func waitIdle(t *testing.T, rl *reload.Reloader) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for rl.Status().Draining > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the retired pipeline did not drain")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
