package memo

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// result stands for what a guard stores: a score and reason bits.
type result struct {
	score   float64
	reasons uint32
}

// TestRandom drives a Memo with random stores and lookups of texts
// of every size around its limits, against a reference map: a lookup may
// miss, but what it returns must be what was stored for that very text
// and flag, whatever the ring overwrote in between. Texts differ by
// one byte, so a compare that stopped short would show.
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := strings.Repeat("abcdefghij", Arena/10+1)
	type key struct {
		text string
		data bool
	}
	var texts []string
	for i := 0; i < 300; i++ {
		var n int
		switch rng.IntN(4) {
		case 0:
			n = MinText - 1 + rng.IntN(3)
		case 1:
			n = MaxText - 1 + rng.IntN(3)
		default:
			n = MinText + rng.IntN(MaxText)
		}
		b := []byte(base[:n])
		b[rng.IntN(n)] = byte('A' + i%26)
		b[n-1] = byte('0' + i%10)
		texts = append(texts, string(b))
	}
	ref := map[key]result{}
	var m Memo[result]
	hits := 0
	for step := 0; step < 20000; step++ {
		k := key{texts[rng.IntN(len(texts))], rng.IntN(2) == 0}
		if r, ok := m.Lookup(k.text, k.data); ok {
			want, known := ref[k]
			if !known || r != want {
				t.Fatalf("step %d: lookup of a %d-byte text returned %+v, stored %+v (known %v)", step, len(k.text), r, want, known)
			}
			hits++
			continue
		}
		r := result{score: rng.Float64(), reasons: rng.Uint32()}
		ref[k] = r
		m.Store(k.text, k.data, r)
		if len(k.text) >= MinText && len(k.text) <= MaxText {
			if got, ok := m.Lookup(k.text, k.data); !ok || got != r {
				t.Fatalf("step %d: a text just stored is not found (%v)", step, ok)
			}
		} else if _, ok := m.Lookup(k.text, k.data); ok {
			t.Fatalf("step %d: a %d-byte text was remembered", step, len(k.text))
		}
	}
	if hits == 0 {
		t.Fatal("no lookup hit: the test does not exercise hits")
	}
}

// TestSameBytes checks sameBytes against a plain compare: every length to
// 100 and a difference at every position.
func TestSameBytes(t *testing.T) {
	for n := 0; n <= 100; n++ {
		a := make([]byte, n)
		for i := range a {
			a[i] = byte(i*7 + n)
		}
		if !sameBytes(a, string(a)) {
			t.Fatalf("len %d: equal texts differ", n)
		}
		if n > 0 && sameBytes(a, string(a[:n-1])) {
			t.Fatalf("len %d: texts of other lengths are the same", n)
		}
		for i := 0; i < n; i++ {
			b := []byte(string(a))
			b[i] ^= 0x80
			if sameBytes(a, string(b)) {
				t.Fatalf("len %d: a difference at %d is not seen", n, i)
			}
		}
	}
}
