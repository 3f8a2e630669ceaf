package rbac

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// glob is a compiled name pattern: '*' matches any run of characters
// (including none), '?' exactly one character (a UTF-8 rune; an invalid
// byte counts as one), '\' makes the next character literal. Every other
// character matches itself, case-sensitively. Unlike path.Match, '/' is not
// special and there are no character classes, so model names such as
// "accounts/fireworks/models/*" and "gpt-4o*" behave as an operator expects.
//
// A glob is immutable after compileGlob and safe for concurrent use.
type glob struct {
	src     string
	literal bool   // no wildcard: compare with ==
	lit     string // the unescaped pattern when literal
	any     bool   // the pattern is "*" (or only stars)
	toks    []globTok
}

// globTok is a literal run, a '?' or a '*'.
type globTok struct {
	kind byte // 'l' literal, '?' one rune, '*' any run
	lit  string
}

// Errors of compileGlob.
var (
	errEmptyGlob    = errors.New("must not be empty")
	errTrailingEsc  = errors.New(`ends with an unpaired '\'`)
	errInvalidUTF8  = errors.New("is not valid UTF-8")
	errGlobTooLarge = errors.New("is longer than 256 bytes")
)

// maxGlobLen bounds a pattern; names (models, tools) are short.
const maxGlobLen = 256

// compileGlob parses pattern. It rejects an empty pattern, invalid UTF-8, a
// trailing unpaired '\' and patterns longer than maxGlobLen.
func compileGlob(pattern string) (*glob, error) {
	switch {
	case pattern == "":
		return nil, errEmptyGlob
	case len(pattern) > maxGlobLen:
		return nil, errGlobTooLarge
	case !utf8.ValidString(pattern):
		return nil, errInvalidUTF8
	}
	g := &glob{src: pattern}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			g.toks = append(g.toks, globTok{kind: 'l', lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '\\':
			if i+1 == len(pattern) {
				return nil, errTrailingEsc
			}
			i++
			lit.WriteByte(pattern[i])
		case '*':
			flush()
			if n := len(g.toks); n == 0 || g.toks[n-1].kind != '*' { // "**" is "*"
				g.toks = append(g.toks, globTok{kind: '*'})
			}
		case '?':
			flush()
			g.toks = append(g.toks, globTok{kind: '?'})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	switch {
	case len(g.toks) == 1 && g.toks[0].kind == 'l':
		g.literal, g.lit = true, g.toks[0].lit
	case len(g.toks) == 1 && g.toks[0].kind == '*':
		g.any = true
	}
	return g, nil
}

// Match reports whether the whole of s matches g. It allocates nothing and
// runs in O(len(pattern) * len(s)) at worst: on a mismatch after a '*' it
// retries from the last star only (a later star never needs an earlier one
// revisited), so patterns such as "*a*a*a*b" cannot blow up.
func (g *glob) Match(s string) bool {
	if g.any {
		return true
	}
	if g.literal {
		return s == g.lit
	}
	toks := g.toks
	ti, si := 0, 0
	starTi, starSi := -1, 0 // token after the last star, and where its match began
	for {
		if ti < len(toks) {
			t := toks[ti]
			switch t.kind {
			case '*':
				starTi, starSi = ti+1, si
				ti++
				continue
			case '?':
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			case 'l':
				if strings.HasPrefix(s[si:], t.lit) {
					si += len(t.lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last star swallow one more rune and retry.
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		ti, si = starTi, starSi
	}
}

// String returns the pattern as configured.
func (g *glob) String() string { return g.src }

// globSet is a list of patterns; a nil *globSet matches everything (the
// config key was absent) and an empty one nothing.
type globSet []*glob

// Match reports whether any pattern matches s.
func (gs globSet) Match(s string) bool {
	for _, g := range gs {
		if g.Match(s) {
			return true
		}
	}
	return false
}
