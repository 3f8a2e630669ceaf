package metrics

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Hist is a latency histogram of fixed log-linear buckets: 16 per power of
// two of nanoseconds, so any quantile read from it is within 6.25% of the
// true value. Observe is one atomic add per bucket and count, with no
// allocation and no lock; Hist is safe for concurrent use. The zero value
// is ready.
type Hist struct {
	counts [histBuckets]atomic.Uint64
	sum    atomic.Uint64 // ns
	n      atomic.Uint64
}

const (
	subBits     = 4
	subBuckets  = 1 << subBits
	histBuckets = (64 - subBits + 1) * subBuckets
)

// bucket returns the index of the bucket holding v ns.
func bucket(v uint64) int {
	if v < subBuckets {
		return int(v)
	}
	e := bits.Len64(v) - subBits - 1 // v >> e has subBits+1 significant bits
	return (e+1)*subBuckets + int((v>>e)&(subBuckets-1))
}

// upper returns the largest value (ns) bucket i holds.
func upper(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	e := i/subBuckets - 1
	m := uint64(i%subBuckets) | subBuckets
	return (m+1)<<e - 1
}

// Observe records d (negative durations count as 0).
func (h *Hist) Observe(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[bucket(v)].Add(1)
	h.sum.Add(v)
	h.n.Add(1)
}

// HistSnapshot is a consistent-enough copy of a Hist (each counter is read
// atomically; observations racing with the copy may be half counted).
type HistSnapshot struct {
	Counts [histBuckets]uint64
	Sum    time.Duration
	Count  uint64
}

// Snapshot copies h.
func (h *Hist) Snapshot() *HistSnapshot {
	s := &HistSnapshot{Sum: time.Duration(h.sum.Load())}
	for i := range h.counts {
		c := h.counts[i].Load()
		s.Counts[i] = c
		s.Count += c
	}
	return s
}

// Quantile returns the q-quantile (0 < q <= 1) as the upper bound of the
// bucket it falls in; 0 when nothing was observed.
func (s *HistSnapshot) Quantile(q float64) time.Duration {
	if s.Count == 0 {
		return 0
	}
	rank := uint64(q*float64(s.Count) + 0.5)
	rank = min(max(rank, 1), s.Count)
	var cum uint64
	for i, c := range s.Counts {
		cum += c
		if cum >= rank {
			return time.Duration(upper(i))
		}
	}
	return time.Duration(upper(histBuckets - 1))
}

// Cumulative returns the number of observations at or below each bound,
// for a Prometheus histogram. A bucket straddling a bound counts above it,
// so the counts are within one fine bucket (6.25%) of exact.
func (s *HistSnapshot) Cumulative(bounds []float64) map[float64]uint64 {
	out := make(map[float64]uint64, len(bounds))
	i := 0
	var cum uint64
	for _, b := range bounds {
		ns := uint64(b * 1e9)
		for i < histBuckets && upper(i) <= ns {
			cum += s.Counts[i]
			i++
		}
		out[b] = cum
	}
	return out
}
