package audit

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/sdk/abi"
)

// appendStringRef is appendString as first written, a byte at a time: the
// reference the copying version must agree with.
func appendStringRef(dst []byte, s string, max int) []byte {
	cut := false
	if len(s) > max {
		s = s[:max]
		for len(s) > 0 && !utf8.RuneStart(s[len(s)-1]) {
			s = s[:len(s)-1]
		}
		if len(s) > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s); r == utf8.RuneError {
				s = s[:len(s)-1]
			}
		}
		cut = true
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			case c == '<' || c == '>' || c == '&':
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xf])
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	if cut {
		dst = append(dst, "…"...)
	}
	return append(dst, '"')
}

// FuzzAppendString: appendString gives what the byte-at-a-time reference
// gives, after any prefix, for any bytes and cut.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "abc", "a\"b\\c", "a\x00b\tc\x7f", "<a&b>", "aé\u2028\u2029z", "\xff\xfe", "日本語\xe6\x97", "x\u2029"} {
		f.Add(s, 300)
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 {
			max = -max
		}
		max %= 512
		got := appendString([]byte("{"), s, max)
		want := appendStringRef([]byte("{"), s, max)
		if !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q, %d) = %s, reference %s", s, max, got, want)
		}
	})
}

func TestAppendStringAgrees(t *testing.T) {
	// Every byte value at the start, middle and end of a run, and every
	// escape next to another.
	var b strings.Builder
	for c := 0; c < 256; c++ {
		b.Reset()
		b.WriteByte(byte(c))
		b.WriteString("mid")
		b.WriteByte(byte(c))
		b.WriteByte(byte(c))
		b.WriteString("\u2028é")
		b.WriteByte(byte(c))
		s := b.String()
		for _, max := range []int{len(s), 4, 1} {
			if got, want := appendString(nil, s, max), appendStringRef(nil, s, max); !bytes.Equal(got, want) {
				t.Fatalf("byte %#x, max %d: %s, reference %s", c, max, got, want)
			}
		}
	}
}

// BenchmarkAppend encodes the record of one request of loadbench's core
// pipeline (the console keeps one for every request a guard rewrote: the
// output guard's canary rewrites each).
//
//	go test -run '^$' -bench Append -benchtime 200000x ./engine/control/audit
func BenchmarkAppend(b *testing.B) {
	g := func(name string, phase abi.Phase, rewrites int, lat time.Duration) pipeline.Record {
		return pipeline.Record{Guard: name, Version: "1.0.0", Phase: phase, Outcome: pipeline.OutcomeAllow, Rewrites: rewrites, Latency: lat}
	}
	r := &proxy.Record{
		Start: time.Date(2026, 11, 27, 21, 30, 5, 123456789, time.UTC), Duration: 410 * time.Microsecond,
		RequestID: "0f9a1c2b3d4e5f60718293a4b5c6d7e8", Route: "openai", API: abi.APIOpenAIChat, Model: "gpt-4o-mini", Status: 200,
		Annotations: []abi.KV{{Key: "client.ip", Value: "127.0.0.1"}, {Key: "identity.subject", Value: "alice"},
			{Key: "identity.key_id", Value: "demo-analyst"}, {Key: "identity.roles", Value: "analyst"}},
		Guards: []pipeline.Record{g("auth", abi.PhaseRequest, 0, 6*time.Microsecond), g("injection", abi.PhaseRequest, 0, 14*time.Microsecond),
			g("output", abi.PhaseRequest, 1, 5*time.Microsecond), g("pii", abi.PhaseRequest, 0, 9*time.Microsecond), g("output", abi.PhaseResponse, 0, 8*time.Microsecond)},
		Upstream: 180 * time.Microsecond, PromptTokens: 34, CompletionTokens: 17,
	}
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		buf = Append(buf[:0], r)
	}
	b.SetBytes(int64(len(buf)))
}
