package state

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"
)

// harness is one backend under the conformance test.
type harness struct {
	store Store
	// wait lets d pass on the store's clock (a fake clock for Memory, a
	// real sleep for Redis).
	wait func(d time.Duration)
	// ttlSlack is how much less than expected a reported TTL may be:
	// round-trip latency and sleep overshoot for Redis, 0 for Memory.
	ttlSlack time.Duration
	// realClock: the store runs on the wall clock, so a case that took
	// longer than its waits (a loaded machine) sees TTLs that much lower;
	// the overrun is added to ttlSlack.
	realClock bool
}

// step is one call in a conformance case. For "wait", ttl is the time to
// let pass.
type step struct {
	do      string // incr, get, wait, batch
	key     string
	delta   int64
	ttl     time.Duration
	want    Entry
	wantErr error
	// batch: the ops (keys relative to the case), each with its expected
	// Result (ignored when wantErr is set).
	ops []Op
}

func incr(key string, delta int64, ttl time.Duration, want Entry) step {
	return step{do: "incr", key: key, delta: delta, ttl: ttl, want: want}
}
func incrErr(key string, delta int64, ttl time.Duration, err error) step {
	return step{do: "incr", key: key, delta: delta, ttl: ttl, wantErr: err}
}
func get(key string, want Entry) step { return step{do: "get", key: key, want: want} }
func wait(d time.Duration) step       { return step{do: "wait", ttl: d} }

// batch is a Batch step; bIncr and bGet are its ops with their expected
// results.
func batch(ops ...Op) step { return step{do: "batch", ops: ops} }
func batchErr(err error, ops ...Op) step {
	return step{do: "batch", ops: ops, wantErr: err}
}
func bIncr(key string, delta int64, ttl time.Duration, want Entry) Op {
	return Op{Key: key, Delta: delta, TTL: ttl, Result: want}
}
func bGet(key string, want Entry) Op { return Op{Key: key, Get: true, Result: want} }

// conformanceCases is the behaviour every Store must show. Durations are
// short enough for Redis to run them with real sleeps.
var conformanceCases = []struct {
	name  string
	steps []step
}{
	{"new key starts at delta with the given ttl", []step{
		incr("a", 1, 10*time.Second, Entry{1, 10 * time.Second}),
	}},
	{"increments accumulate", []step{
		incr("a", 2, 10*time.Second, Entry{2, 10 * time.Second}),
		incr("a", 3, 10*time.Second, Entry{5, 10 * time.Second}),
		get("a", Entry{5, 10 * time.Second}),
	}},
	{"existing key keeps its expiry (fixed window)", []step{
		incr("a", 1, time.Second, Entry{1, time.Second}),
		wait(300 * time.Millisecond),
		incr("a", 1, time.Minute, Entry{2, 700 * time.Millisecond}),
		get("a", Entry{2, 700 * time.Millisecond}),
	}},
	{"expired key reads as missing, then starts over", []step{
		incr("a", 5, 150*time.Millisecond, Entry{5, 150 * time.Millisecond}),
		wait(200 * time.Millisecond),
		get("a", Entry{}),
		incr("a", 1, 10*time.Second, Entry{1, 10 * time.Second}),
	}},
	{"incr on an expired key opens a new window", []step{
		incr("a", 5, 150*time.Millisecond, Entry{5, 150 * time.Millisecond}),
		wait(200 * time.Millisecond),
		incr("a", 2, time.Second, Entry{2, time.Second}),
	}},
	{"negative deltas", []step{
		incr("a", -3, 10*time.Second, Entry{-3, 10 * time.Second}),
		incr("a", 5, 10*time.Second, Entry{2, 10 * time.Second}),
		incr("a", -2, 10*time.Second, Entry{0, 10 * time.Second}),
	}},
	{"zero delta creates the key", []step{
		incr("a", 0, 10*time.Second, Entry{0, 10 * time.Second}),
		get("a", Entry{0, 10 * time.Second}),
		incr("a", 0, time.Minute, Entry{0, 10 * time.Second}),
	}},
	{"get of a missing key", []step{
		get("missing", Entry{}),
	}},
	{"keys are independent", []step{
		incr("a", 1, 10*time.Second, Entry{1, 10 * time.Second}),
		incr("b", 7, 20*time.Second, Entry{7, 20 * time.Second}),
		get("a", Entry{1, 10 * time.Second}),
		get("b", Entry{7, 20 * time.Second}),
	}},
	{"overflow is refused and leaves the counter", []step{
		incr("a", math.MaxInt64, 10*time.Second, Entry{math.MaxInt64, 10 * time.Second}),
		incrErr("a", 1, 10*time.Second, ErrOverflow),
		get("a", Entry{math.MaxInt64, 10 * time.Second}),
		incr("a", -1, 10*time.Second, Entry{math.MaxInt64 - 1, 10 * time.Second}),
		incr("b", math.MinInt64, 10*time.Second, Entry{math.MinInt64, 10 * time.Second}),
		incrErr("b", -1, 10*time.Second, ErrOverflow),
		get("b", Entry{math.MinInt64, 10 * time.Second}),
	}},
	{"ttl must be positive", []step{
		incrErr("a", 1, 0, ErrInvalidTTL),
		incrErr("a", 1, -time.Second, ErrInvalidTTL),
		get("a", Entry{}),
	}},
	{"batch applies its ops in order", []step{
		incr("a", 1, 10*time.Second, Entry{1, 10 * time.Second}),
		batch(
			bIncr("a", 2, time.Minute, Entry{3, 10 * time.Second}),
			bGet("a", Entry{3, 10 * time.Second}),
			bIncr("b", 7, 20*time.Second, Entry{7, 20 * time.Second}),
			bIncr("b", -10, time.Minute, Entry{-3, 20 * time.Second}),
			bGet("missing", Entry{}),
			bIncr("c", 0, 5*time.Second, Entry{0, 5 * time.Second}),
		),
		get("a", Entry{3, 10 * time.Second}),
		get("b", Entry{-3, 20 * time.Second}),
		get("c", Entry{0, 5 * time.Second}),
	}},
	{"batch keeps fixed windows and sees expiry", []step{
		incr("a", 1, 3*time.Second, Entry{1, 3 * time.Second}),
		incr("old", 4, 150*time.Millisecond, Entry{4, 150 * time.Millisecond}),
		wait(300 * time.Millisecond),
		batch(
			bIncr("a", 1, time.Minute, Entry{2, 2700 * time.Millisecond}),
			bGet("old", Entry{}),
			bIncr("old", 1, time.Second, Entry{1, time.Second}),
		),
	}},
	{"empty batch", []step{
		batch(),
	}},
	{"batch overflow applies nothing", []step{
		incr("max", math.MaxInt64, 10*time.Second, Entry{math.MaxInt64, 10 * time.Second}),
		incr("c", 5, 10*time.Second, Entry{5, 10 * time.Second}),
		incr("exp", 9, 150*time.Millisecond, Entry{9, 150 * time.Millisecond}),
		wait(200 * time.Millisecond),
		batchErr(ErrOverflow,
			bIncr("new", 1, 10*time.Second, Entry{}),
			bIncr("c", 2, 10*time.Second, Entry{}),
			bIncr("c", 3, 10*time.Second, Entry{}),
			bIncr("exp", 1, 10*time.Second, Entry{}),
			bGet("c", Entry{}),
			bIncr("max", 1, 10*time.Second, Entry{}),
			bIncr("after", 1, 10*time.Second, Entry{}),
		),
		get("new", Entry{}),
		get("c", Entry{5, 9800 * time.Millisecond}),
		get("exp", Entry{}),
		get("max", Entry{math.MaxInt64, 9800 * time.Millisecond}),
		get("after", Entry{}),
	}},
	{"batch with a bad ttl applies nothing", []step{
		batchErr(ErrInvalidTTL,
			bIncr("a", 1, 10*time.Second, Entry{}),
			bGet("a", Entry{}),
			bIncr("b", 1, 0, Entry{}),
		),
		get("a", Entry{}),
	}},
}

// runConformance runs every conformance case against the store h makes.
// Each case gets its own keys (the case name is prepended).
func runConformance(t *testing.T, h harness) {
	t.Helper()
	ctx := context.Background()
	for _, tc := range conformanceCases {
		t.Run(tc.name, func(t *testing.T) {
			start, waited := time.Now(), time.Duration(0)
			overrun := func() time.Duration {
				if !h.realClock {
					return 0
				}
				return max(0, time.Since(start)-waited)
			}
			for i, s := range tc.steps {
				key := tc.name + "/" + s.key
				var (
					got Entry
					err error
				)
				switch s.do {
				case "wait":
					h.wait(s.ttl)
					waited += s.ttl
					continue
				case "incr":
					got, err = h.store.Incr(ctx, key, s.delta, s.ttl)
				case "get":
					got, err = h.store.Get(ctx, key)
				case "batch":
					runBatchStep(t, h, tc.name, i, s, overrun())
					continue
				}
				if s.wantErr != nil {
					if !errors.Is(err, s.wantErr) {
						t.Fatalf("step %d %s(%q): err = %v, want %v", i, s.do, s.key, err, s.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d %s(%q): %v", i, s.do, s.key, err)
				}
				if got.Value != s.want.Value {
					t.Errorf("step %d %s(%q): value = %d, want %d", i, s.do, s.key, got.Value, s.want.Value)
				}
				checkTTL(t, h, fmt.Sprintf("step %d %s(%q)", i, s.do, s.key), got.TTL, s.want.TTL, overrun())
			}
		})
	}
}

// checkTTL compares a reported ttl with the expected one, allowing for
// Redis' whole milliseconds (rounded up on PEXPIRE), h's slack and the
// case's overrun of its waits on a real clock.
func checkTTL(t *testing.T, h harness, what string, got, want, overrun time.Duration) {
	t.Helper()
	slack := h.ttlSlack + overrun
	if got > want+time.Millisecond || got < want-slack || (want == 0) != (got == 0) {
		t.Errorf("%s: ttl = %v, want %v (-%v)", what, got, want, slack)
	}
}

// runBatchStep runs step i, a batch, of case name.
func runBatchStep(t *testing.T, h harness, name string, i int, s step, overrun time.Duration) {
	t.Helper()
	ops := make([]Op, len(s.ops))
	for j, o := range s.ops {
		ops[j] = Op{Key: name + "/" + o.Key, Delta: o.Delta, TTL: o.TTL, Get: o.Get}
	}
	err := h.store.Batch(context.Background(), ops)
	if s.wantErr != nil {
		if !errors.Is(err, s.wantErr) {
			t.Fatalf("step %d batch: err = %v, want %v", i, err, s.wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("step %d batch: %v", i, err)
	}
	for j, o := range s.ops {
		got := ops[j].Result
		if got.Value != o.Result.Value {
			t.Errorf("step %d batch op %d (%q): value = %d, want %d", i, j, o.Key, got.Value, o.Result.Value)
		}
		checkTTL(t, h, fmt.Sprintf("step %d batch op %d (%q)", i, j, o.Key), got.TTL, o.Result.TTL, overrun)
	}
}

// fakeClock is a manually advanced monotonic clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Duration
}

func (c *fakeClock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now += d
	c.mu.Unlock()
}

func newFakeMemory(t testing.TB, opts MemoryOptions) (*Memory, *fakeClock) {
	t.Helper()
	clk := &fakeClock{now: time.Hour}
	m, err := newMemory(opts, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, clk
}

func TestConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		m, clk := newFakeMemory(t, MemoryOptions{})
		runConformance(t, harness{store: m, wait: clk.Advance})
	})
	t.Run("memory real clock", func(t *testing.T) {
		m := NewMemory(MemoryOptions{})
		t.Cleanup(func() { m.Close() })
		runConformance(t, harness{store: m, wait: time.Sleep, ttlSlack: 150 * time.Millisecond, realClock: true})
	})
	t.Run("redis", func(t *testing.T) {
		srv := startRedis(t, 0)
		r := newTestRedis(t, RedisOptions{URL: srv.url()})
		runConformance(t, harness{store: r, wait: time.Sleep, ttlSlack: 150 * time.Millisecond, realClock: true})
	})
}
