//go:build !race

package proxy

import (
	"testing"
	"time"
)

// TestLimiterAllocs: admission, refusal and a queue wait that times out
// allocate nothing (the timer is pooled).
func TestLimiterAllocs(t *testing.T) {
	l := newLimiter(1, 1, 50*time.Microsecond)
	if n := testing.AllocsPerRun(1000, func() {
		if !l.acquire() {
			t.Fatal("refused")
		}
		l.release()
	}); n != 0 {
		t.Errorf("admission: %v allocs", n)
	}
	l.acquire()
	defer l.release()
	if n := testing.AllocsPerRun(200, func() {
		if l.acquire() {
			t.Fatal("admitted beyond the limit")
		}
	}); n != 0 {
		t.Errorf("queue wait and refusal: %v allocs", n)
	}
	full := newLimiter(1, 0, time.Second)
	full.acquire()
	if n := testing.AllocsPerRun(1000, func() { full.acquire() }); n != 0 {
		t.Errorf("refusal: %v allocs", n)
	}
}

func BenchmarkLimiter(b *testing.B) {
	l := newLimiter(1<<20, 0, time.Second)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.acquire()
			l.release()
		}
	})
}
