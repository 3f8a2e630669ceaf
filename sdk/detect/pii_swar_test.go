package detect

import (
	"math/bits"
	"math/rand"
	"testing"
)

// TestSWAR checks the word-at-a-time byte tests against the byte classes
// on every byte value in every lane.
func TestSWAR(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var b [8]byte
	check := func() {
		x := load8(string(b[:]), 0)
		dig, let, eq := swarDigits(x), swarWordLetters(x), swarEq(x, ':')
		for k := 0; k < 8; k++ {
			bit := uint64(0x80) << (8 * k)
			if (dig&bit != 0) != isDigit(b[k]) || (let&bit != 0) != isWordLetter(b[k]) || (eq&bit != 0) != (b[k] == ':') {
				t.Fatalf("%q lane %d: digits %x letters %x eq %x", b[:], k, dig, let, eq)
			}
		}
	}
	for c := 0; c < 256; c++ {
		for k := range b {
			for j := range b {
				b[j] = byte(r.Intn(256))
			}
			b[k] = byte(c)
			check()
		}
	}
	for i := 0; i < 100000; i++ {
		for j := range b {
			b[j] = byte(r.Intn(256))
		}
		check()
	}
}

func TestNextWord(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	alpha := "ab Z9_'\xc3\xa9-.\x80\xff"
	for n := 0; n < 20000; n++ {
		b := make([]byte, r.Intn(40))
		for i := range b {
			b[i] = alpha[r.Intn(len(alpha))]
		}
		s := string(b)
		for i := 0; i <= len(s); i++ {
			ws := i
			for ws < len(s) && !isWordLetter(s[ws]) {
				ws++
			}
			we := ws
			for we < len(s) && (isWordLetter(s[we]) || s[we] == '\'' && we+1 < len(s) && isAlpha(s[we+1])) {
				we++
			}
			if gs, ge := nextWord(s, i); gs != ws || ge != we {
				t.Fatalf("nextWord(%q, %d) = %d, %d, want %d, %d", s, i, gs, ge, ws, we)
			}
		}
	}
}

func TestNetSeps(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{{"abcdefgh", 8}, {":bcdefgh", 0}, {"abc.efgh", 3}, {"abcdefg-", 7}, {"ab-d:fgh", 2}} {
		if got := bits.TrailingZeros64(netSeps(load8(c.s, 0))) / 8; got != c.want {
			t.Errorf("first of netSeps(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}
