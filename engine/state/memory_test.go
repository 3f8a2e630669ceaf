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
		{"full but two expired: they are dropped", 2 * time.Second, "new1", nil, 3},
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
	want := map[[2]string]float64{
		{"incr", "ok"}: 2, {"incr", "error"}: 1, {"get", "ok"}: 2,
	}
	for o := range numOps {
		for r := range numResults {
			got := testutil.ToFloat64(m.ops.c[o][r])
			if w := want[[2]string{opNames[o], resultNames[r]}]; got != w {
				t.Errorf("%s/%s = %v, want %v", opNames[o], resultNames[r], got, w)
			}
		}
	}
	if n, err := testutil.GatherAndCount(reg, "ward_state_operations_total"); err != nil || n != 6 {
		t.Fatalf("gathered %d series (%v), want 6", n, err)
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
