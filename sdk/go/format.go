package ward

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// sprintf is the small formatter of Config.Errorf. It understands the verbs
// config messages use - %v, %s, %q, %d, %x and %% - for strings, errors,
// Stringers (time.Duration included), booleans, integers and floats, and
// writes them as fmt.Sprintf does (format_test.go compares the two). It
// has no flags, widths or precisions; any other verb, or a verb that does
// not fit its argument, is written "%!c(unsupported)". fmt itself is not
// used because linking it, and the reflection it drives, costs every guard
// module about 0.25 MB of WebAssembly code.
func sprintf(format string, args []any) string {
	b := make([]byte, 0, len(format)+16*len(args))
	argi := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		i++
		if i >= len(format) {
			b = append(b, "%!(NOVERB)"...)
			break
		}
		verb, size := utf8.DecodeRuneInString(format[i:])
		i += size - 1
		if verb == '%' {
			b = append(b, '%')
			continue
		}
		if argi >= len(args) {
			b = append(b, '%', '!')
			b = utf8.AppendRune(b, verb)
			b = append(b, "(MISSING)"...)
			continue
		}
		b = appendArg(b, verb, args[argi])
		argi++
	}
	if argi < len(args) {
		b = append(b, "%!(EXTRA "...)
		for j, a := range args[argi:] {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = appendArg(b, 'v', a)
		}
		b = append(b, ')')
	}
	return string(b)
}

type stringer interface{ String() string }

func appendArg(b []byte, verb rune, arg any) []byte {
	switch a := arg.(type) {
	case nil:
		if verb == 'v' {
			return append(b, "<nil>"...)
		}
		b = append(b, '%', '!')
		b = utf8.AppendRune(b, verb)
		return append(b, "(<nil>)"...)
	case string:
		return appendString(b, verb, a)
	case bool:
		if verb == 'v' || verb == 't' {
			return strconv.AppendBool(b, a)
		}
	case error:
		return appendString(b, verb, a.Error())
	case time.Duration:
		if verb == 'd' { // a Stringer, but %d prints the number
			return appendInt(b, verb, int64(a))
		}
		return appendString(b, verb, a.String())
	case stringer:
		return appendString(b, verb, a.String())
	case int:
		return appendInt(b, verb, int64(a))
	case int8:
		return appendInt(b, verb, int64(a))
	case int16:
		return appendInt(b, verb, int64(a))
	case int32:
		return appendInt(b, verb, int64(a))
	case int64:
		return appendInt(b, verb, a)
	case uint:
		return appendUint(b, verb, uint64(a))
	case uint8:
		return appendUint(b, verb, uint64(a))
	case uint16:
		return appendUint(b, verb, uint64(a))
	case uint32:
		return appendUint(b, verb, uint64(a))
	case uint64:
		return appendUint(b, verb, a)
	case float64:
		if verb == 'v' {
			return strconv.AppendFloat(b, a, 'g', -1, 64)
		}
	case float32:
		if verb == 'v' {
			return strconv.AppendFloat(b, float64(a), 'g', -1, 32)
		}
	}
	return badVerb(b, verb)
}

func badVerb(b []byte, verb rune) []byte {
	b = append(b, '%', '!')
	b = utf8.AppendRune(b, verb)
	return append(b, "(unsupported)"...)
}

func appendString(b []byte, verb rune, s string) []byte {
	switch verb {
	case 'v', 's':
		return append(b, s...)
	case 'q':
		return strconv.AppendQuote(b, s)
	case 'x':
		for i := 0; i < len(s); i++ {
			b = append(b, hexDigits[s[i]>>4], hexDigits[s[i]&0xf])
		}
		return b
	}
	return badVerb(b, verb)
}

func appendInt(b []byte, verb rune, n int64) []byte {
	switch verb {
	case 'v', 'd':
		return strconv.AppendInt(b, n, 10)
	case 'x':
		return strconv.AppendInt(b, n, 16)
	case 'q':
		return appendUint(b, verb, uint64(n))
	}
	return badVerb(b, verb)
}

func appendUint(b []byte, verb rune, n uint64) []byte {
	switch verb {
	case 'v', 'd':
		return strconv.AppendUint(b, n, 10)
	case 'x':
		return strconv.AppendUint(b, n, 16)
	case 'q':
		if n > utf8.MaxRune {
			n = utf8.RuneError
		}
		return strconv.AppendQuoteRune(b, rune(n))
	}
	return badVerb(b, verb)
}
