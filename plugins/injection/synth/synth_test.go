package synth

import (
	"strings"
	"testing"
)

// unfilled returns the first "{name}" left in t (a slot name is lower
// case letters).
func unfilled(t string) string {
	for i := strings.IndexByte(t, '{'); i >= 0; i = strings.IndexByte(t, '{') {
		t = t[i+1:]
		j := 0
		for j < len(t) && t[j] >= 'a' && t[j] <= 'z' {
			j++
		}
		if j > 0 && j < len(t) && t[j] == '}' {
			return "{" + t[:j+1]
		}
	}
	return ""
}

// TestEveryLanguage checks that each part draws on every language.
func TestEveryLanguage(t *testing.T) {
	for _, s := range Sources {
		ex := s.Generate()
		scripts := map[string]bool{}
		for _, e := range ex {
			for _, r := range e.Text {
				switch {
				case r >= 0x0400 && r <= 0x04FF:
					scripts["cyrillic"] = true
				case r >= 0x0600 && r <= 0x06FF:
					scripts["arabic"] = true
				case r >= 0x0900 && r <= 0x097F:
					scripts["devanagari"] = true
				case r >= 0x3040 && r <= 0x30FF:
					scripts["kana"] = true
				case r >= 0xAC00 && r <= 0xD7AF:
					scripts["hangul"] = true
				case r >= 0x4E00 && r <= 0x9FFF:
					scripts["han"] = true
				}
			}
		}
		if len(scripts) != 6 {
			t.Errorf("%s: scripts %v, want all six non-Latin ones", s.Name, scripts)
		}
	}
}

// TestGenerate checks that every part is deterministic, of distinct,
// fully filled texts, labelled as its part says.
func TestGenerate(t *testing.T) {
	for _, s := range Sources {
		a, b := s.Generate(), s.Generate()
		if len(a) != s.n {
			t.Errorf("%s: %d examples, want %d", s.Name, len(a), s.n)
		}
		seen := map[string]bool{}
		for i, e := range a {
			if e != b[i] {
				t.Fatalf("%s: example %d differs between two runs", s.Name, i)
			}
			if e.Attack != s.Attack {
				t.Fatalf("%s: example %d labelled %v", s.Name, i, e.Attack)
			}
			if seen[e.Text] {
				t.Fatalf("%s: duplicate %q", s.Name, e.Text)
			}
			seen[e.Text] = true
			if slot := unfilled(e.Text); slot != "" {
				t.Errorf("%s: unfilled slot %s in %q", s.Name, slot, e.Text)
			}
		}
	}
}
