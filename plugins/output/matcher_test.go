package output

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// refHits finds every occurrence of keys (folded) in s the plain way: at
// every rune boundary, fold runes until the folded text is as long as the
// key, and compare.
func refHits(keys []string, s string) []hit {
	var out []hit
	for start := 0; start < len(s); {
		_, size := utf8.DecodeRuneInString(s[start:])
		for i := start; i < len(s); {
			_, sz := utf8.DecodeRuneInString(s[i:])
			i += sz
			f := string(appendFold(nil, s[start:i]))
			for k, key := range keys {
				if f == key {
					out = append(out, hit{key: int32(k), start: int32(start), end: int32(i)})
				}
			}
			if len(f) >= 64 {
				break
			}
		}
		start += size
	}
	// scan reports by end, then key.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].end < out[j-1].end || out[j].end == out[j-1].end && out[j].key < out[j-1].key); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestListMatcherReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "A", "B", "ab", " ", "é", "É", "ß", "İ", "i", "\u212a", "k", "K", "日", "-", "\xff"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for iter := range 3000 {
		var keys []string
		for range 1 + r.IntN(5) {
			k := string(appendFold(nil, word(1+r.IntN(4))))
			if utf8.ValidString(k) {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		m, err := newListMatcher(keys)
		if err != nil {
			t.Fatal(err)
		}
		s := word(r.IntN(30))
		got, _ := m.scan(s, nil)
		if want := refHits(keys, s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("iteration %d: keys %q in %q:\n got %v\nwant %v", iter, keys, s, got, want)
		}
	}
}

func TestListMatcherTail(t *testing.T) {
	m, err := newListMatcher([]string{"project falcon", "falco"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    string
		tail int
	}{{"the project fal", 11}, {"the FAL", 3}, {"none", 0}, {"project falcon", 14}, {"x projec", 6}} {
		if _, tail := m.scan(c.s, nil); tail != c.tail {
			t.Errorf("%q: tail %d, want %d", c.s, tail, c.tail)
		}
	}
}

func TestLists(t *testing.T) {
	l, key, msg := newLists(
		[]string{"Project Falcon", "日本", "naïve", "c++"},
		[]string{`INV-\d{4,6}`, `\w+.corp.internal`, `key-\x{8}`, `ID \a\a-\d+`, `ticket #\d\d`},
		[]string{"project falcon public"})
	if msg != "" {
		t.Fatal(key, msg)
	}
	for _, c := range []struct {
		text string
		want []string // matched texts, "+" before allowed ones
	}{
		{"project falcon and PROJECT  FALCON", []string{"project falcon"}},
		{"projectfalcon, project falconer, xproject falcon", nil},
		{"the Project Falcon public launch", []string{"Project Falcon", "+Project Falcon public"}}, // in order of end
		{"東京と日本語", []string{"日本"}},                                                                 // no word boundaries in Han
		{"NAÏVE naïveté", []string{"NAÏVE"}},                                                       // Unicode case; a longer word does not match
		{"c++ and c++x", []string{"c++", "c++"}},                                                   // '+' is not a word character: no boundary needed after it
		{"inv-1234 INV-123 inv-1234567 inv-12345.", []string{"inv-1234", "inv-12345"}},
		{"from db1.corp.internal and .corp.internal", []string{"db1.corp.internal"}},
		{"key-deadBEEF key-deadbee key-deadbeef0", []string{"key-deadBEEF"}},
		{"ID ab-12 ID abc-1 id XY-9", []string{"ID ab-12", "id XY-9"}},
		{"ticket #42, ticket #123", []string{"ticket #42"}},
	} {
		_, hits, _ := l.find(c.text, true, nil, nil)
		var got []string
		for _, h := range hits {
			s := c.text[h.start:h.end]
			if l.entries[h.entry].kind == entryAllow {
				s = "+" + s
			}
			got = append(got, s)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
	// Streaming: what could still become a match is held back.
	for _, c := range []struct {
		text string
		hold int
	}{
		{"see project falc", 12},       // a key's prefix
		{"see project falcon", 14},     // a whole key: "project falconer" would not match
		{"see project falcon!", 0},     // settled
		{"see project falcon.", 1},     // "." could begin ".corp.internal"
		{"ship INV-12", 6},             // the pattern needs more digits
		{"ship INV-1234", 8},           // \d{4,6} could take more
		{"ship INV-1234567 and", 0},    // no match, nothing pending
		{"host db1.corp.internal", 17}, // could continue as a longer name
	} {
		if _, _, hold := l.find(c.text, false, nil, nil); hold != c.hold {
			t.Errorf("hold(%q) = %d, want %d", c.text, hold, c.hold)
		}
	}
}
