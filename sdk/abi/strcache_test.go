package abi

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
	"unsafe"
)

func TestStringCache(t *testing.T) {
	c := NewStringCache(0)
	if len(c.slots) != DefaultStringCacheSlots {
		t.Fatalf("%d slots, want %d", len(c.slots), DefaultStringCacheSlots)
	}
	if n := len(NewStringCache(100).slots); n != 128 {
		t.Fatalf("NewStringCache(100): %d slots, want 128", n)
	}
	b := []byte("identity.subject")
	s1 := c.String(b)
	s2 := c.String(append([]byte(nil), b...))
	if s1 != "identity.subject" || s2 != s1 || unsafe.StringData(s1) != unsafe.StringData(s2) {
		t.Fatalf("a repeated string is not shared: %q %q", s1, s2)
	}
	// The string is a copy: changing the bytes afterwards changes nothing.
	b[0] = 'X'
	if s1 != "identity.subject" {
		t.Fatalf("cached string aliases its source: %q", s1)
	}
	if s := c.String(b); s != "Xdentity.subject" {
		t.Fatalf("changed bytes gave %q", s)
	}
	long := bytes.Repeat([]byte{'a'}, MaxCachedString+1)
	l1, l2 := c.String(long), c.String(long)
	if l1 != string(long) || unsafe.StringData(l1) == unsafe.StringData(l2) {
		t.Fatal("a string longer than MaxCachedString was cached")
	}
	if c.String(nil) != "" || c.String([]byte{}) != "" {
		t.Fatal("empty")
	}
	var nilCache *StringCache
	if nilCache.String([]byte("x")) != "x" {
		t.Fatal("nil cache")
	}
	// One slot: two strings take turns, each still correct.
	one := NewStringCache(1)
	for i := range 10 {
		want := []string{"a", "bb"}[i%2]
		if got := one.String([]byte(want)); got != want {
			t.Fatalf("one slot, call %d: %q, want %q", i, got, want)
		}
	}
}

// realisticVerdict is what a guard returns on most calls: an allow with
// the labels and annotations it adds every time.
func realisticVerdict() *Verdict {
	return &Verdict{
		Decision: Allow, Code: "injection.none", Message: "no injection found",
		Reasons:     []string{"score below threshold"},
		Rewrites:    []Rewrite{{Index: 0, Text: "You are a helpful assistant.\n\nward-canary-7f3a9c"}},
		SetHeaders:  []KV{{"x-ward-guard", "injection"}},
		Annotations: []KV{{"identity.subject", "alice"}, {"identity.roles", "analyst"}, {"identity.key_id", "demo-analyst"}},
		Scores:      []Score{{Name: "injection", Value: 0.125}},
	}
}

func TestDecodeVerdictCachedNoAlloc(t *testing.T) {
	c := NewStringCache(0)
	for _, in := range []*Verdict{realisticVerdict(), sampleVerdict(), {Code: CodeDone}} {
		b := AppendVerdict(nil, in)
		var v Verdict
		if err := DecodeVerdictCached(b, &v, c); err != nil || !reflect.DeepEqual(&v, in) {
			t.Fatalf("decoded %+v %v, want %+v", v, err, in)
		}
		if n := testing.AllocsPerRun(100, func() { _ = DecodeVerdictCached(b, &v, c) }); n != 0 {
			t.Errorf("%+v: %v allocs per decode, want 0", in, n)
		}
	}
}

// FuzzDecodeVerdictCached is a differential test: decoding any buffer with
// a cache gives what DecodeVerdict gives (the same error or an equal
// verdict), whatever the cache holds from earlier buffers, and the
// verdict does not change when the buffer is overwritten afterwards. The
// cache has few slots so that strings evict each other. raw selects
// whether data is the buffer itself or a verdict built from it (so that
// most inputs decode).
func FuzzDecodeVerdictCached(f *testing.F) {
	f.Add(AppendVerdict(nil, sampleVerdict()), true)
	f.Add(AppendVerdict(nil, realisticVerdict()), true)
	f.Add(AppendVerdict(nil, &Verdict{Code: CodeDone}), true)
	f.Add([]byte{}, true)
	f.Add(AppendVerdict(nil, &Verdict{Scores: []Score{{Name: "injection", Value: math.NaN()}}}), true)
	f.Add([]byte{1, 0x93, 1, 4, 'c', 'o', 'd', 'e', 0, 2, 1, 'a', 1, 'b'}, false)
	f.Add([]byte{2, 0, 0, 1, 'x', 1, 'x', 3, 1, 'x', 1, 'y', 1, 'x'}, false)
	c := NewStringCache(4)
	var reused Verdict
	f.Fuzz(func(t *testing.T, data []byte, raw bool) {
		b := data
		if !raw {
			s := fuzzSource{b: data}
			b = AppendVerdict(nil, s.verdict())
		}
		var want, got Verdict
		errWant := DecodeVerdict(b, &want)
		// Twice, with the strings of the first decode in the cache, and
		// into a verdict whose slices hold an earlier decode's.
		for range 2 {
			bb := append([]byte(nil), b...)
			errGot := DecodeVerdictCached(bb, &got, c)
			errReused := DecodeVerdictCached(bb, &reused, c)
			for i := range bb {
				bb[i] = 0xA5
			}
			if (errWant == nil) != (errGot == nil) || (errWant == nil) != (errReused == nil) ||
				errWant != nil && (!errors.Is(errGot, ErrMalformed) || !errors.Is(errReused, ErrMalformed)) {
				t.Fatalf("errors: uncached %v, cached %v, reused %v", errWant, errGot, errReused)
			}
			if errWant != nil {
				return
			}
			if !reflect.DeepEqual(normVerdict(&got), normVerdict(&want)) { // NaN scores compare by bits
				t.Fatalf("cached decode differs:\n%+v\n%+v", got, want)
			}
			if !bytes.Equal(AppendVerdict(nil, &reused), AppendVerdict(nil, &want)) {
				t.Fatalf("decode into a reused verdict differs:\n%+v\n%+v", reused, want)
			}
		}
	})
}

func BenchmarkDecodeVerdict(b *testing.B) {
	buf := AppendVerdict(nil, realisticVerdict())
	for _, cached := range []bool{false, true} {
		name := "copy"
		var c *StringCache
		if cached {
			name, c = "cached", NewStringCache(0)
		}
		b.Run(name, func(b *testing.B) {
			var v Verdict
			b.ReportAllocs()
			for b.Loop() {
				if err := DecodeVerdictCached(buf, &v, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
