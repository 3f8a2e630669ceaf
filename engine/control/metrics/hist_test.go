package metrics

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	prev := uint64(0)
	for i := 0; i < histBuckets; i++ {
		u := upper(i)
		if i > 0 && u <= prev {
			t.Fatalf("bucket %d upper %d <= previous %d", i, u, prev)
		}
		if bucket(u) != i {
			t.Fatalf("bucket(upper(%d)=%d) = %d", i, u, bucket(u))
		}
		if i > 0 && bucket(prev+1) != i {
			t.Fatalf("bucket(%d) = %d, want %d", prev+1, bucket(prev+1), i)
		}
		prev = u
	}
	if upper(histBuckets-1) != ^uint64(0) {
		t.Fatalf("last bucket ends at %d", upper(histBuckets-1))
	}
}

func TestQuantileAccuracy(t *testing.T) {
	var h Hist
	r := rand.New(rand.NewPCG(1, 2))
	var vals []time.Duration
	for range 20000 {
		d := time.Duration(r.ExpFloat64() * float64(200*time.Microsecond))
		vals = append(vals, d)
		h.Observe(d)
	}
	slices.Sort(vals)
	s := h.Snapshot()
	if s.Count != 20000 {
		t.Fatalf("count %d", s.Count)
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		exact := vals[int(q*float64(len(vals)))-1]
		got := s.Quantile(q)
		if got < exact || float64(got) > float64(exact)*1.07+1 {
			t.Errorf("q%.2f = %v, exact %v", q, got, exact)
		}
	}
	cum := s.Cumulative([]float64{0.0001, 0.001, 1})
	if cum[1] != 20000 {
		t.Errorf("le=1s: %d", cum[1])
	}
	n := 0
	for _, v := range vals {
		if v <= 100*time.Microsecond {
			n++
		}
	}
	if c := cum[0.0001]; c > uint64(n) || float64(c) < float64(n)*0.9 {
		t.Errorf("le=100us: %d, exact %d", c, n)
	}
}

func TestHistObserveAllocs(t *testing.T) {
	var h Hist
	if n := testing.AllocsPerRun(1000, func() { h.Observe(123 * time.Microsecond) }); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}
