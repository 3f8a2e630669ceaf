package wasmhost

import (
	"context"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// TestShrink: a pool grown to three instances by a burst shrinks back to
// one once no call has found it empty for shrinkIdle, one instance a
// tick, never below one and never while calls contend; calls go on
// before, during and after.
func TestShrink(t *testing.T) {
	oldIdle, oldTick := shrinkIdle, shrinkTick
	shrinkIdle, shrinkTick = time.Hour, 5*time.Millisecond
	t.Cleanup(func() { shrinkIdle, shrinkTick = oldIdle, oldTick })

	h, _ := newHost(t)
	g := load(t, h, Spec{Wasm: goGuest, PoolSize: 3})
	g.growAt = 0 // grow on any contention
	ctx := context.Background()
	check := func() {
		t.Helper()
		var v abi.Verdict
		if err := g.Check(ctx, exchange("hello"), &v); err != nil || !v.IsPlainAllow() {
			t.Fatalf("check: %v %+v", err, v)
		}
	}
	waitFor := func(what string, ok func(Stats) bool) Stats {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := g.Stats()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %+v", what, s)
			}
			time.Sleep(time.Millisecond)
		}
	}

	// A burst: hold every instance, so that calls find the pool empty and
	// grow it to three.
	held := []*instance{<-g.pool}
	done := make(chan struct{})
	for range 2 {
		go func() {
			check()
			done <- struct{}{}
		}()
		waitFor("grow", func(s Stats) bool { return s.Idle > 0 })
		held = append(held, <-g.pool)
	}
	for _, in := range held {
		g.pool <- in
	}
	<-done
	<-done
	s := waitFor("three idle instances", func(s Stats) bool { return s.Instances == 3 && s.Idle == 3 })
	if s.Shrunk != 0 {
		t.Fatalf("shrunk while calls were contending: %+v", s)
	}

	// The contention was just now and shrinkIdle is an hour: nothing goes.
	time.Sleep(50 * time.Millisecond)
	if s := g.Stats(); s.Instances != 3 || s.Shrunk != 0 {
		t.Fatalf("shrunk within shrinkIdle: %+v", s)
	}

	// Long enough ago: the pool goes back to one instance, and no lower.
	g.lastBusy.Store(time.Now().Add(-2 * time.Hour).UnixNano())
	check()
	waitFor("one instance", func(s Stats) bool { return s.Instances == 1 && s.Shrunk == 2 })
	time.Sleep(50 * time.Millisecond)
	if s := g.Stats(); s.Instances != 1 || s.Idle != 1 || s.Shrunk != 2 {
		t.Fatalf("after shrinking: %+v", s)
	}
	check()

	// It grows again on the next burst.
	in := <-g.pool
	go func() {
		check()
		done <- struct{}{}
	}()
	waitFor("grow again", func(s Stats) bool { return s.Instances == 2 })
	g.pool <- in
	<-done
	if err := g.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
