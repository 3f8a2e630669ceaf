package state

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMemoryMaxKeys(t *testing.T) {
	ctx := context.Background()
	m, clk := newFakeMemory(t, MemoryOptions{MaxKeys: 4})
	// Four keys: two short-lived, two long-lived.
	for i, ttl := range []time.Duration{time.Second, time.Second, time.Hour, time.Hour} {
		if _, err := m.Incr(ctx, fmt.Sprint("k", i), 1, ttl); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}

	steps := []struct {
		name    string
		advance time.Duration
		key     string
		wantErr error
		wantLen int
	}{
		{"full: a new key is refused", 0, "new1", ErrUnavailable, 4},
		{"full: an existing key still counts", 0, "k2", nil, 4},
		// The new key's shard drops its own expired keys first and sweeps
		// the others only when that frees nothing, so 3 or 4 keys are held
		// here depending on where the (randomly seeded) shard hash put k0
		// and k1; either way both expired keys make room.
		{"full but two expired: the key gets room", 2 * time.Second, "new1", nil, -1},
		{"room left by the second", 0, "new2", nil, 4},
		{"full again", 0, "new3", ErrUnavailable, 4},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		_, err := m.Incr(ctx, s.key, 1, time.Hour)
		if !errors.Is(err, s.wantErr) || (s.wantErr == nil) != (err == nil) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.wantErr)
		}
		if s.wantLen >= 0 && m.len() != s.wantLen {
			t.Fatalf("%s: %d keys held, want %d", s.name, m.len(), s.wantLen)
		}
		if m.len() > 4 {
			t.Fatalf("%s: %d keys held, MaxKeys is 4", s.name, m.len())
		}
	}
}

// TestMemoryMaxKeysConcurrent checks that the bound holds when many
// goroutines race to create keys.
func TestMemoryMaxKeysConcurrent(t *testing.T) {
	const maxKeys = 100
	m, _ := newFakeMemory(t, MemoryOptions{MaxKeys: maxKeys})
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
	)
	for g := range 8 {
		wg.Go(func() {
			n := 0
			for i := range 100 {
				if _, err := m.Incr(context.Background(), fmt.Sprint(g, "/", i), 1, time.Hour); err == nil {
					n++
				} else if !errors.Is(err, ErrUnavailable) {
					t.Error(err)
				}
			}
			mu.Lock()
			created += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if created != maxKeys || m.len() != maxKeys {
		t.Fatalf("created %d keys, holding %d, want exactly %d", created, m.len(), maxKeys)
	}
}

func TestMemorySweep(t *testing.T) {
	ctx := context.Background()
	m, clk := newFakeMemory(t, MemoryOptions{})
	for i := range 1000 {
		ttl := time.Second
		if i%4 == 0 {
			ttl = time.Hour
		}
		if _, err := m.Incr(ctx, fmt.Sprint(i), 1, ttl); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.sweep(); n != 0 {
		t.Fatalf("swept %d keys before any expired", n)
	}
	clk.Advance(time.Second)
	if n := m.sweep(); n != 750 {
		t.Fatalf("swept %d keys, want 750", n)
	}
	if m.len() != 250 {
		t.Fatalf("%d keys left, want 250", m.len())
	}
	for i := range 1000 {
		e, err := m.Get(ctx, fmt.Sprint(i))
		if err != nil {
			t.Fatal(err)
		}
		if live := i%4 == 0; live != (e.Value == 1) {
			t.Fatalf("key %d: %+v after sweep (live: %v)", i, e, live)
		}
	}
}

// TestMemorySweeperRuns checks that the background goroutine sweeps on
// its own.
func TestMemorySweeperRuns(t *testing.T) {
	m, clk := newFakeMemory(t, MemoryOptions{SweepInterval: 5 * time.Millisecond})
	for i := range 100 {
		if _, err := m.Incr(context.Background(), fmt.Sprint(i), 1, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(2 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for m.len() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("sweeper left %d expired keys after 5s", m.len())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMemoryConcurrentIncr(t *testing.T) {
	const goroutines, n = 16, 2000
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range n {
				// One shared key, plus each goroutine's own key, so that
				// creation races with updates in other shards.
				if _, err := m.Incr(ctx, "shared", 1, time.Minute); err != nil {
					t.Error(err)
					return
				}
				if _, err := m.Incr(ctx, fmt.Sprint("own", g), -1, time.Minute); err != nil {
					t.Error(err)
					return
				}
				if i%100 == 0 {
					if _, err := m.Get(ctx, "shared"); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	e, _ := m.Get(ctx, "shared")
	if e.Value != goroutines*n {
		t.Fatalf("shared = %d, want %d", e.Value, goroutines*n)
	}
	for g := range goroutines {
		if e, _ := m.Get(ctx, fmt.Sprint("own", g)); e.Value != -n {
			t.Fatalf("own%d = %d, want %d", g, e.Value, -n)
		}
	}
}

// TestMemoryBatchFull: a batch that would create a key in a full store
// creates none of its keys and changes none of its counters, after
// dropping expired keys (as Incr does).
func TestMemoryBatchFull(t *testing.T) {
	ctx := context.Background()
	m, clk := newFakeMemory(t, MemoryOptions{MaxKeys: 3})
	for i, ttl := range []time.Duration{time.Second, time.Hour} {
		if _, err := m.Incr(ctx, fmt.Sprint("k", i), 1, ttl); err != nil {
			t.Fatal(err)
		}
	}
	ops := func(keys ...string) []Op {
		o := make([]Op, len(keys))
		for i, k := range keys {
			o[i] = Op{Key: k, Delta: 5, TTL: time.Hour}
		}
		return o
	}
	steps := []struct {
		name    string
		advance time.Duration
		ops     []Op
		wantErr error
		want    map[string]int64 // counters after the step
	}{
		{"one new key fits", 0, ops("k1", "a"), nil, map[string]int64{"k0": 1, "k1": 6, "a": 5}},
		{"full: nothing applied", 0, ops("k1", "a", "b", "a"), ErrUnavailable, map[string]int64{"k0": 1, "k1": 6, "a": 5, "b": 0}},
		{"an expired key makes room", 2 * time.Second, ops("k1", "b", "b"), nil, map[string]int64{"k0": 0, "k1": 11, "a": 5, "b": 10}},
		{"full again, expired entry reused then undone", 0, ops("k0", "c"), ErrUnavailable, map[string]int64{"k0": 0, "k1": 11, "c": 0}},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		err := m.Batch(ctx, s.ops)
		if !errors.Is(err, s.wantErr) || (s.wantErr == nil) != (err == nil) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.wantErr)
		}
		for k, want := range s.want {
			if e, _ := m.Get(ctx, k); e.Value != want {
				t.Fatalf("%s: %s = %d, want %d", s.name, k, e.Value, want)
			}
		}
		if m.len() > 3 {
			t.Fatalf("%s: %d keys held, MaxKeys is 3", s.name, m.len())
		}
	}
}

// TestMemoryConcurrentBatch runs overlapping batches (keys in several
// shards, one key twice) from many goroutines: totals are exact and each
// batch sees its own ops applied together.
func TestMemoryConcurrentBatch(t *testing.T) {
	const goroutines, n = 8, 1000
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			ops := make([]Op, 5)
			for range n {
				ops[0] = Op{Key: "shared", Delta: 1, TTL: time.Minute}
				ops[1] = Op{Key: fmt.Sprint("own", g), Delta: 2, TTL: time.Minute}
				ops[2] = Op{Key: "other", Delta: 3, TTL: time.Minute}
				ops[3] = Op{Key: "shared", Delta: 1, TTL: time.Minute}
				ops[4] = Op{Key: "shared", Get: true}
				if err := m.Batch(ctx, ops); err != nil {
					t.Error(err)
					return
				}
				if ops[3].Result.Value != ops[0].Result.Value+1 || ops[4].Result.Value != ops[3].Result.Value {
					t.Errorf("batch interleaved with another: %+v", ops)
					return
				}
			}
		})
	}
	wg.Wait()
	for k, want := range map[string]int64{"shared": 2 * goroutines * n, "other": 3 * goroutines * n, "own3": 2 * n} {
		if e, _ := m.Get(ctx, k); e.Value != want {
			t.Errorf("%s = %d, want %d", k, e.Value, want)
		}
	}
}

func TestMemoryClose(t *testing.T) {
	m := NewMemory(MemoryOptions{SweepInterval: time.Millisecond})
	if _, err := m.Incr(context.Background(), "k", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := m.Incr(context.Background(), "k", 1, time.Minute); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Incr after Close: err = %v, want ErrUnavailable", err)
	}
	if _, err := m.Get(context.Background(), "k"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get after Close: err = %v, want ErrUnavailable", err)
	}
	if err := m.Batch(context.Background(), []Op{{Key: "k", Get: true}}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Batch after Close: err = %v, want ErrUnavailable", err)
	}
	if m.len() != 0 {
		t.Fatalf("%d keys held after Close", m.len())
	}
}

// TestMemoryKeyNotRetained checks that the store copies a new key: the
// caller may reuse the bytes behind the string it passed.
func TestMemoryKeyNotRetained(t *testing.T) {
	m, _ := newFakeMemory(t, MemoryOptions{})
	buf := []byte("key-one")
	key := unsafeString(buf)
	if _, err := m.Incr(context.Background(), key, 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Incr(context.Background(), key, 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	copy(buf, "key-two")
	if e, _ := m.Get(context.Background(), "key-one"); e.Value != 2 {
		t.Fatalf("key-one = %+v after the caller reused its buffer, want 2", e)
	}
	if e, _ := m.Get(context.Background(), "key-two"); e.Value != 0 {
		t.Fatalf("key-two = %+v, want missing", e)
	}
}

func TestMemoryMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m, _ := newFakeMemory(t, MemoryOptions{MaxKeys: 1, Registerer: reg})
	// A second store on the same registry shares the family.
	m2, _ := newFakeMemory(t, MemoryOptions{Registerer: reg})
	ctx := context.Background()
	m.Incr(ctx, "a", 1, time.Minute)
	m.Incr(ctx, "a", 1, time.Minute)
	m.Incr(ctx, "b", 1, time.Minute) // full
	m.Get(ctx, "a")
	m2.Get(ctx, "a")
	m.Batch(ctx, []Op{{Key: "a", Delta: 1, TTL: time.Minute}, {Key: "a", Get: true}})
	m.Batch(ctx, []Op{{Key: "c", Delta: 1, TTL: time.Minute}}) // full
	want := map[[2]string]float64{
		{"incr", "ok"}: 2, {"incr", "error"}: 1, {"get", "ok"}: 2,
		{"batch", "ok"}: 1, {"batch", "error"}: 1,
	}
	for o := range numOps {
		for r := range numResults {
			got := testutil.ToFloat64(m.ops.c[o][r])
			if w := want[[2]string{opNames[o], resultNames[r]}]; got != w {
				t.Errorf("%s/%s = %v, want %v", opNames[o], resultNames[r], got, w)
			}
		}
	}
	if n, err := testutil.GatherAndCount(reg, "ward_state_operations_total"); err != nil || n != int(numOps)*int(numResults) {
		t.Fatalf("gathered %d series (%v), want %d", n, err, int(numOps)*int(numResults))
	}
}

func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("tenant-%d:requests", i)
	}
	return keys
}

// BenchmarkMemoryIncr increments existing keys from all Ps: 1024 keys
// (spread over the shards) and one hot key.
func BenchmarkMemoryIncr(b *testing.B) {
	for _, n := range []int{1024, 1} {
		b.Run(fmt.Sprint("keys=", n), func(b *testing.B) {
			m := NewMemory(MemoryOptions{})
			defer m.Close()
			ctx := context.Background()
			keys := benchKeys(n)
			for _, k := range keys {
				m.Incr(ctx, k, 1, time.Hour)
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := m.Incr(ctx, keys[i%n], 1, time.Hour); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}

// BenchmarkMemoryBatch: the ratelimit guard's request batch in loadbench
// (a key's requests and tokens counters, the anomaly detector's short and
// baseline slots), every request the same key, from parallel goroutines.
func BenchmarkMemoryBatch(b *testing.B) {
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	ctx := context.Background()
	keys := []string{"ratelimit/per-key:r:k1", "ratelimit/per-key:t:k1", "ratelimit/@a:r:s0:s:alice", "ratelimit/@a:r:b0:s:alice"}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var ops [4]Op
		for pb.Next() {
			for i, k := range keys {
				ops[i] = Op{Key: k, Delta: 1, TTL: time.Hour}
			}
			if err := m.Batch(ctx, ops[:]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
