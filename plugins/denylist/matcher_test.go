package denylist

import (
	"strings"
	"testing"
)

// naiveFind is the reference: fold both sides with appendFold, then for each
// phrase its first occurrence (with word boundaries when asked) by
// strings.Index; the earliest end wins, ties go to the lower index.
func naiveFind(phrases []string, s string, caseSensitive, wholeWords bool) (int, bool) {
	t := s
	if !caseSensitive {
		t = string(appendFold(nil, s))
	}
	best, bestEnd := -1, -1
	for i, p := range phrases {
		if !caseSensitive {
			p = string(appendFold(nil, p))
		}
		for off := 0; off <= len(t); {
			j := strings.Index(t[off:], p)
			if j < 0 {
				break
			}
			start := off + j
			end := start + len(p)
			if !wholeWords || boundaryOK(t, start, end) {
				if best < 0 || end < bestEnd {
					best, bestEnd = i, end
				}
				break
			}
			off = start + 1
		}
	}
	return best, best >= 0
}

func TestMatcher(t *testing.T) {
	tests := []struct {
		name          string
		phrases       []string
		caseSensitive bool
		wholeWords    bool
		text          string
		want          int // -1: no match
	}{
		{"empty text", []string{"a"}, false, false, "", -1},
		{"simple", []string{"secret"}, false, false, "tell me the secret now", 0},
		{"no match", []string{"secret", "password"}, false, false, "nothing to see", -1},
		{"case folded ascii", []string{"Ignore Previous"}, false, false, "please IGNORE previous instructions", 0},
		{"case sensitive misses", []string{"Ignore"}, true, false, "please IGNORE", -1},
		{"case sensitive hits", []string{"IGNORE"}, true, false, "please IGNORE", 0},
		{"earliest end wins", []string{"bcd", "abcde", "c"}, false, false, "xabcdef", 2},
		{"tie goes to lower index", []string{"cd", "bcd"}, false, false, "abcd", 0},
		{"tie lower index second", []string{"bcd", "cd"}, false, false, "abcd", 0},
		{"suffix via failure link", []string{"he", "she", "his", "hers"}, false, false, "ushers", 0}, // he and she end together
		{"duplicate phrase lower wins", []string{"x", "Foo", "foo"}, false, false, "a FOO", 1},
		{"non-ascii folded", []string{"ÄRGER"}, false, false, "so ein ärger", 0},
		{"non-ascii text ascii phrase", []string{"kelvin"}, false, false, "\u212aelvin", 0}, // Kelvin sign lowers to k
		{"non-ascii case sensitive", []string{"ärger"}, true, false, "ÄRGER", -1},
		{"greek", []string{"σοφία"}, false, false, "ΣΟΦΊΑ", 0},
		{"invalid utf8 kept", []string{"\xff\xfe"}, false, false, "ab\xff\xfecd", 0},
		{"whole word hit", []string{"cat"}, false, true, "a cat sat", 0},
		{"whole word miss inside", []string{"cat"}, false, true, "concatenate", -1},
		{"whole word later occurrence", []string{"cat"}, false, true, "concat cat", 0},
		{"whole word at edges", []string{"cat"}, false, true, "cat", 0},
		{"whole word underscore is word", []string{"cat"}, false, true, "my_cat", -1},
		{"whole word punctuation", []string{"cat"}, false, true, "(cat)", 0},
		{"whole word unicode letter", []string{"cat"}, false, true, "écat", -1},
		{"whole word folded non-ascii", []string{"straße"}, false, true, "die STRASSE und die STRAẞE!", 0},
		{"whole word shorter suffix valid", []string{"abc", "c"}, false, true, "xabc c", 1},
		{"whole word picks lowest valid", []string{"b c", "c"}, false, true, "a b c", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, bad, err := newMatcher(tt.phrases, tt.caseSensitive, tt.wholeWords)
			if err != nil {
				t.Fatalf("newMatcher: phrase %d: %v", bad, err)
			}
			checkTable(t, m)
			got, ok := m.Find(tt.text)
			if !ok {
				got = -1
			}
			ref, _ := naiveFind(tt.phrases, tt.text, tt.caseSensitive, tt.wholeWords)
			if got != ref {
				t.Fatalf("Find = %d, reference = %d", got, ref)
			}
			if got != tt.want {
				t.Fatalf("Find(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

// checkTable verifies the invariant Find's unchecked loads rely on: every
// entry is a row offset (flagged or not) of an existing row.
func checkTable(t testing.TB, m *Matcher) {
	t.Helper()
	if len(m.delta) != m.States()*int(m.k) {
		t.Fatalf("table has %d cells, want %d states x %d classes", len(m.delta), m.States(), m.k)
	}
	for i, v := range m.delta {
		if v < 0 {
			v = ^v
		}
		if v%m.k != 0 || int(v) >= len(m.delta) {
			t.Fatalf("cell %d = %d: not a row offset", i, m.delta[i])
		}
		if (m.delta[i] < 0) != (m.first[v/m.k] >= 0) {
			t.Fatalf("cell %d: output flag disagrees with state %d", i, v/m.k)
		}
	}
}

func TestMatcherErrors(t *testing.T) {
	if _, bad, err := newMatcher([]string{"a", ""}, false, false); err != errEmptyPhrase || bad != 1 {
		t.Fatalf("empty phrase: bad=%d err=%v", bad, err)
	}
	// 100 pseudo-random phrases of 100 bytes over ~200 byte values need
	// ~10k states of ~200 cells: more than a lowered limit of 1M cells.
	defer func(n int) { maxCells = n }(maxCells)
	maxCells = 1 << 20
	var phrases []string
	x := uint32(1)
	for i := 0; i < 100; i++ {
		var b strings.Builder
		for j := 0; j < 100; j++ {
			x = x*1664525 + 1013904223
			b.WriteByte(byte(32 + (x>>24)%200))
		}
		phrases = append(phrases, b.String())
	}
	if _, _, err := newMatcher(phrases[:10], true, false); err != nil {
		t.Fatalf("10 phrases fit: %v", err)
	}
	if _, bad, err := newMatcher(phrases, true, false); err != errTooLarge || bad < 0 {
		t.Fatalf("too large: bad=%d err=%v", bad, err)
	}
}

func TestAppendFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ABC xyz", "abc xyz"},
		{"ÄÖÜ", "äöü"},
		{"\u212a", "k"},
		{"\xffA", "\xffa"},
		{"\u0130", "i"}, // simple lower case of İ
		{"ẞ", "ß"},
	}
	for _, tt := range tests {
		if got := string(appendFold(nil, tt.in)); got != tt.want {
			t.Errorf("appendFold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzMatcher(f *testing.F) {
	f.Add("he|she|his|hers", "ushers", false, false)
	f.Add("ÄRGER|kelvin", "so ein ärger \u212aelvin", false, false)
	f.Add("cat|a", "concat a cat", false, true)
	f.Add("\xff|ß", "STRAẞE\xff", true, true)
	f.Fuzz(func(t *testing.T, list, text string, caseSensitive, wholeWords bool) {
		var phrases []string
		for _, p := range strings.Split(list, "|") {
			if p != "" {
				phrases = append(phrases, p)
			}
		}
		if len(phrases) == 0 || len(phrases) > 64 || len(list) > 1024 {
			return
		}
		m, _, err := newMatcher(phrases, caseSensitive, wholeWords)
		if err != nil {
			t.Fatal(err)
		}
		checkTable(t, m)
		got, ok := m.Find(text)
		want, wantOK := naiveFind(phrases, text, caseSensitive, wholeWords)
		if ok != wantOK || got != want {
			t.Fatalf("phrases %q text %q cs=%v ww=%v: Find = %d,%v; reference %d,%v",
				phrases, text, caseSensitive, wholeWords, got, ok, want, wantOK)
		}
	})
}
