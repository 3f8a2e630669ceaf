package config

import (
	"errors"
	"strconv"
	"strings"
)

// Error is one problem found in a configuration file, positioned at the line
// of the offending key. Parse and Load return every problem they find, as an
// errors.Join of *Error values; use Errors to get them back as a slice.
type Error struct {
	File string // name given to Parse / path given to Load
	Line int    // 1-based; 0 when unknown (e.g. a missing top-level table)
	Key  string // dotted key path, e.g. "routes[1].prefix"; "" for syntax errors
	Msg  string
	// Code classifies the error with a stable value (CodeSyntax, ...), for
	// callers and tests that must tell errors apart without reading Msg.
	Code string
}

// Stable error codes.
const (
	CodeSyntax     = "syntax"      // the file is not valid TOML
	CodeUnknownKey = "unknown_key" // a key the schema does not have
	CodeType       = "type"        // a value of the wrong TOML type
	CodeValue      = "value"       // a value of the right type but invalid
	CodeMissing    = "missing"     // a required key is absent
	CodeDuplicate  = "duplicate"   // a name or prefix used twice
	CodeReference  = "reference"   // a name that refers to nothing
	CodeGuard      = "guard"       // reported by a guard about its own config (via Errorf)
	CodeFile       = "file"        // a config_file or config_text file cannot be read or is unfit
)

// Error formats the error as "file:line: key: msg"; the line is omitted when
// 0 and the key when empty.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors returns the *Error values contained in err (a single *Error or an
// errors.Join of them, possibly wrapped). It returns nil when err holds none.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *Error:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		default:
			walk(errors.Unwrap(err))
		}
	}
	walk(err)
	return out
}

// FormatKey renders a key path for humans and for Error.Key: elements are
// joined with dots, index elements ("[2]") are attached to the element before
// them, and elements that are not bare TOML keys are quoted. Elements such as
// "phrases[2]" are accepted as well.
func FormatKey(key ...string) string {
	var b strings.Builder
	for i, e := range splitIndexes(key) {
		if isIndex(e) {
			b.WriteString(e)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		if isBareKey(e) {
			b.WriteString(e)
		} else {
			b.WriteString(strconv.Quote(e))
		}
	}
	return b.String()
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBareKeyChar(s[i]) {
			return false
		}
	}
	return true
}

// SplitKey splits a dotted key path as a guard may report it
// ("rules[3].pattern", `headers."x-y"`) into elements for Line and Errorf:
// "rules", "[3]", "pattern". Double-quoted elements may contain dots; a
// malformed quote ends the path at the end of the string.
func SplitKey(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '.':
			flush()
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				cur.WriteString(s[i+1:])
				i = len(s)
				break
			}
			if u, err := strconv.Unquote(s[i : j+1]); err == nil {
				cur.WriteString(u)
			} else {
				cur.WriteString(s[i+1 : j])
			}
			i = j
		case '[':
			j := strings.IndexByte(s[i:], ']')
			if j > 0 && isIndex(s[i:i+j+1]) {
				flush()
				out = append(out, s[i:i+j+1])
				i += j
				break
			}
			cur.WriteByte(c)
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}
