package wasmhost

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// TestRecycleGrownInstance checks that an instance whose memory a large
// exchange grew is replaced by a fresh one after its call, that verdicts
// go on, and that a guard recycles at most once per interval.
func TestRecycleGrownInstance(t *testing.T) {
	h, _ := newHost(t)
	// A budget far above what copying the large exchange takes, so that a
	// busy machine cannot turn the test into a timeout.
	g := load(t, h, Spec{Wasm: goGuest, PoolSize: 1, CPUBudget: time.Minute})
	g.recycleEvery = -1 // recycle whenever grown
	ctx := context.Background()
	small, large := exchange("hello"), exchange(strings.Repeat("a", 24<<20))
	check := func(what string, x *abi.Exchange) {
		t.Helper()
		var v abi.Verdict
		if err := g.Check(ctx, x, &v); err != nil || !v.IsPlainAllow() {
			t.Fatalf("%s: %v %+v", what, err, v)
		}
	}
	for range 3 {
		check("small", small)
	}
	if s := g.Stats(); s.Recycled != 0 {
		t.Fatalf("small exchanges recycled %d instances", s.Recycled)
	}
	in := <-g.pool
	base := in.mem.Size()
	g.pool <- in
	check("large", large)
	t.Logf("memory %d bytes before the large exchange", base)
	if s := g.Stats(); s.Recycled != 1 || s.Errors != 0 {
		t.Fatalf("after a large exchange (memory was %d bytes): %+v", base, s)
	}
	check("small after recycling", small) // waits for the fresh instance
	in = <-g.pool
	if in.grown() || in.mem.Size() >= recycleMinBytes {
		t.Errorf("fresh instance: memory %d bytes, %d when made", in.mem.Size(), in.baseMem)
	}
	g.pool <- in

	// Within the interval of the last recycling a grown instance is kept.
	g.recycleEvery = time.Hour
	check("large again", large)
	check("small", small)
	if s := g.Stats(); s.Recycled != 1 {
		t.Fatalf("recycled %d within the interval, want 1", s.Recycled)
	}
	in = <-g.pool
	t.Logf("kept after a large exchange: %d bytes (%d when made)", in.mem.Size(), in.baseMem)
	if !in.grown() {
		t.Errorf("kept instance: memory %d bytes, %d when made: not grown", in.mem.Size(), in.baseMem)
	}
	g.pool <- in
}

// TestRecycleConcurrent recycles instances while other calls run and the
// guard then closes: every call gets its verdict, and Close waits for the
// replacements (run with -race).
func TestRecycleConcurrent(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Wasm: goGuest, PoolSize: 2, CPUBudget: time.Minute})
	g.recycleEvery = -1
	large := exchange(strings.Repeat("a", recycleMinBytes)) // its input buffer alone fills the minimum
	ctx := context.Background()
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			var v abi.Verdict
			for range 3 {
				if err := g.Check(ctx, large, &v); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if s := g.Stats(); s.Recycled == 0 || s.Errors != 0 {
		t.Errorf("stats %+v, want some recycled and no errors", s)
	}
	if err := g.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
