package main

import (
	"math"
	"testing"
)

// TestWilson checks the interval against values computed by hand from the
// formula (and published tables: 0 of 10 gives [0, 0.278]).
func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{56, 97, 0.4779, 0.6705},
		{1, 107, 0.0017, 0.0511},
		{0, 0, 0, 1},
	} {
		lo, hi := wilson(c.k, c.n)
		if math.Abs(lo-c.lo) > 5e-4 || math.Abs(hi-c.hi) > 5e-4 {
			t.Errorf("wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
}
