package detector

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPlain8 checks the eight-byte test of Normalize's fast path against
// plainKind and lowerASCII, byte by byte.
func TestPlain8(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	check := func(b [8]byte) {
		var x uint64
		for q := 7; q >= 0; q-- {
			x = x<<8 | uint64(b[q])
		}
		var want, wsp, wbd uint64
		ok := true
		for q, c := range b {
			k := plainKind[c]
			if k == 0 || q > 0 && k == kSpace && plainKind[b[q-1]] == kSpace {
				ok = false
			}
			want |= uint64(lowerASCII[c]) << (8 * q)
			if k == kSpace {
				wsp |= 0x80 << (8 * q)
			}
			if k == kSpace || k == kPunct {
				wbd |= 0x80 << (8 * q)
			}
		}
		sp, got := plain8(x)
		lx, bd := lower8(x)
		if got != ok || ok && (lx != want || sp != wsp || bd != wbd) {
			t.Fatalf("%q: plain8 = %#x %#x %#x %v, want %#x %#x %#x %v", b[:], lx, sp, bd, got, want, wsp, wbd, ok)
		}
	}
	// Every byte value in every position, among plain neighbours.
	for c := 0; c < 256; c++ {
		for q := 0; q < 8; q++ {
			b := [8]byte{'a', 'B', ',', ' ', 'z', '.', 'Q', '['}
			b[q] = byte(c)
			check(b)
		}
	}
	for i := 0; i < 200000; i++ {
		var b [8]byte
		for q := range b {
			if r.IntN(4) == 0 {
				b[q] = byte(r.IntN(256))
			} else {
				b[q] = byte(0x20 + r.IntN(0x60))
			}
		}
		check(b)
	}
}

// TestNormalizeLatin1InRun checks that a Latin-1 letter inside a run of
// plain ASCII (which the fast path folds in place) normalises as its
// ASCII fold would, wherever it sits in a word, and that the words
// around it are still folded (leet, look-alikes) as before.
func TestNormalizeLatin1InRun(t *testing.T) {
	for r := rune(0xC0); r <= 0xFF; r++ {
		fold := latin1[r-0xC0]
		if fold == "" {
			continue
		}
		for _, tmpl := range []string{"abcdefgh ijk%slmnop qrs", "%sabcdefghij, klm", "Hello, w%srld. 1gn0r3 %s", "xy %s%s zz", "a.%s.b"} {
			var a, b []byte
			for _, part := range strings.SplitAfter(tmpl, "%s") {
				if p, ok := strings.CutSuffix(part, "%s"); ok {
					a = append(append(a, p...), string(r)...)
					b = append(append(b, p...), fold...)
				} else {
					a, b = append(a, part...), append(b, part...)
				}
			}
			var sa, sb Stats
			na, nb := Normalize(nil, string(a), &sa), Normalize(nil, string(b), &sb)
			if string(na) != string(nb) || sa.Leet != sb.Leet || sa.Homoglyphs != sb.Homoglyphs {
				t.Errorf("%q: %q (leet %d), %q: %q (leet %d)", a, na, sa.Leet, b, nb, sb.Leet)
			}
		}
	}
}
