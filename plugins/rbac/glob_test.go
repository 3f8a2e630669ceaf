package rbac

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// refMatch is an obviously correct (exponential) matcher over runes, used
// as the oracle for glob.Match on small inputs.
func refMatch(p []globTok, s string) bool {
	if len(p) == 0 {
		return s == ""
	}
	switch t := p[0]; t.kind {
	case '*':
		for i := 0; ; {
			if refMatch(p[1:], s[i:]) {
				return true
			}
			if i == len(s) {
				return false
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	case '?':
		if s == "" {
			return false
		}
		_, n := utf8.DecodeRuneInString(s)
		return refMatch(p[1:], s[n:])
	default:
		return strings.HasPrefix(s, t.lit) && refMatch(p[1:], s[len(t.lit):])
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"gpt-4o", "gpt-4o", true},
		{"gpt-4o", "gpt-4o-mini", false},
		{"gpt-4o*", "gpt-4o-mini", true},
		{"gpt-4o*", "gpt-4o", true},
		{"gpt-4o*", "gpt-4", false},
		{"GPT-4o*", "gpt-4o", false}, // case-sensitive
		{"claude-*-haiku*", "claude-3-5-haiku-20241022", true},
		{"claude-*-haiku*", "claude-3-haiku", true},
		{"claude-*-haiku*", "claude-haiku", false},
		{"claude-*-haiku*", "claude-3-opus", false},
		{"*", "", true},
		{"*", "anything/at all", true},
		{"**", "x", true},
		{"?", "", false},
		{"?", "é", true}, // one rune, two bytes
		{"??", "é", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"models/*", "models/a/b", true}, // '/' is not special
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`a\?`, "a?", true},
		{`a\\`, `a\`, true},
		{"*a*a*a*b", strings.Repeat("a", 200), false},
		{"*a*a*a*b", strings.Repeat("a", 200) + "b", true},
		{"get_*", "get_weather", true},
		{"get_*", "set_weather", false},
		{"[abc]", "[abc]", true}, // no classes: brackets are literal
		{"*x", "", false},
		{"x*y*z", "xyz", true},
		{"x*y*z", "xyzz", true},
		{"x*y*z", "xzy", false},
	}
	for _, tt := range tests {
		g, err := compileGlob(tt.pattern)
		if err != nil {
			t.Fatalf("compileGlob(%q): %v", tt.pattern, err)
		}
		if got := g.Match(tt.s); got != tt.want {
			t.Errorf("%q.Match(%q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
		if got := refMatch(g.toks, tt.s); got != tt.want {
			t.Errorf("reference %q.Match(%q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestCompileGlobErrors(t *testing.T) {
	tests := []struct {
		pattern string
		want    error
	}{
		{"", errEmptyGlob},
		{`abc\`, errTrailingEsc},
		{"a\xffb", errInvalidUTF8},
		{strings.Repeat("a", maxGlobLen+1), errGlobTooLarge},
	}
	for _, tt := range tests {
		if _, err := compileGlob(tt.pattern); err != tt.want {
			t.Errorf("compileGlob(%q) = %v, want %v", tt.pattern, err, tt.want)
		}
	}
	if _, err := compileGlob(strings.Repeat("a", maxGlobLen)); err != nil {
		t.Errorf("pattern of maxGlobLen: %v", err)
	}
}

func TestGlobMatchDoesNotAllocate(t *testing.T) {
	g, _ := compileGlob("claude-*-haiku*")
	if n := testing.AllocsPerRun(100, func() { g.Match("claude-3-5-haiku-20241022") }); n != 0 {
		t.Fatalf("Match allocates %v times", n)
	}
}

// FuzzGlob checks Match against the reference matcher and that it never
// panics, on any pattern and name.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"gpt-4o*", "gpt-4o-mini"}, {"claude-*-haiku*", "claude-3-5-haiku"}, {"a?c", "abc"},
		{`a\*`, "a*"}, {"*a*a*b", "aaaaaaaab"}, {"?", "é"}, {"*", ""}, {"x\xff*", "x\xff\xfe"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		g, err := compileGlob(pattern)
		if err != nil {
			if pattern != "" && len(pattern) <= maxGlobLen && utf8.ValidString(pattern) && !strings.HasSuffix(pattern, `\`) {
				t.Fatalf("compileGlob(%q) = %v", pattern, err)
			}
			return
		}
		got := g.Match(s)
		// The reference is exponential in the number of stars: keep it small.
		if stars := strings.Count(pattern, "*"); stars <= 4 && len(s) <= 64 {
			if want := refMatch(g.toks, s); got != want {
				t.Fatalf("%q.Match(%q) = %v, reference %v", pattern, s, got, want)
			}
		}
		if !strings.ContainsAny(pattern, `*?\`) && got != (pattern == s) {
			t.Fatalf("literal %q.Match(%q) = %v", pattern, s, got)
		}
	})
}
