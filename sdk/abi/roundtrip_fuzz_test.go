package abi

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

// The decode-first targets (FuzzDecodeVerdict, FuzzDecodeExchange) check
// encode(decode(b)) == b for buffers a guest or the host might send; the
// targets here go the other way: any value a guard or the host can build
// encodes to a buffer that decodes to the same value, whatever was in the
// value decoded into before (slices are reused).

// fuzzSource turns fuzz bytes into the fields of a value. Once the bytes
// run out every read returns zero, so every input builds some value.
type fuzzSource struct{ b []byte }

func (s *fuzzSource) u8() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *fuzzSource) u16() uint16 { return uint16(s.u8()) | uint16(s.u8())<<8 }
func (s *fuzzSource) u32() uint32 { return uint32(s.u16()) | uint32(s.u16())<<16 }
func (s *fuzzSource) u64() uint64 { return uint64(s.u32()) | uint64(s.u32())<<32 }

// str reads a length byte and that many bytes (arbitrary, not UTF-8).
func (s *fuzzSource) str() string {
	n := min(int(s.u8()), len(s.b))
	v := string(s.b[:n])
	s.b = s.b[n:]
	return v
}

// count reads a small list length.
func (s *fuzzSource) count() int { return int(s.u8() % 5) }

func (s *fuzzSource) kvs() []KV {
	var kvs []KV
	for range s.count() {
		kvs = append(kvs, KV{Key: s.str(), Value: s.str()})
	}
	return kvs
}

func (s *fuzzSource) messages() []Message {
	var ms []Message
	for range s.count() {
		ms = append(ms, Message{Turn: s.u32(), Kind: Kind(s.u8()), Role: s.str(), Name: s.str(), Text: s.str()})
	}
	return ms
}

func (s *fuzzSource) exchange() *Exchange {
	x := &Exchange{Phase: Phase(s.u8()), API: API(s.u8())}
	flags := s.u8()
	x.Stream, x.Chunk.Final = flags&1 != 0, flags&2 != 0
	x.MaxTokens = s.u32()
	x.RequestID, x.Route, x.Path, x.Model = s.str(), s.str(), s.str(), s.str()
	x.Headers, x.Annotations, x.Messages = s.kvs(), s.kvs(), s.messages()
	for range s.count() {
		x.Tools = append(x.Tools, Tool{Name: s.str(), Description: s.str()})
	}
	x.Response.Status, x.Response.FinishReason = s.u16(), s.str()
	x.Response.PromptTokens, x.Response.CompletionTokens = s.u32(), s.u32()
	x.Response.Messages = s.messages()
	x.Chunk.Delta, x.Chunk.Window = s.str(), s.str()
	return x
}

func (s *fuzzSource) verdict() *Verdict {
	v := &Verdict{Decision: Decision(s.u8() % 3), Status: s.u16(), Code: s.str(), Message: s.str()}
	for range s.count() {
		v.Reasons = append(v.Reasons, s.str())
	}
	for range s.count() {
		v.Rewrites = append(v.Rewrites, Rewrite{Index: s.u32(), Text: s.str()})
	}
	v.SetHeaders, v.Annotations = s.kvs(), s.kvs()
	for range s.count() {
		v.Scores = append(v.Scores, Score{Name: s.str(), Value: math.Float64frombits(s.u64())})
	}
	return v
}

// normVerdict makes nil and empty slices alike and scores comparable
// bit for bit (NaN != NaN).
func normVerdict(v *Verdict) any {
	type score struct {
		Name string
		Bits uint64
	}
	var scores []score
	for _, s := range v.Scores {
		scores = append(scores, score{s.Name, math.Float64bits(s.Value)})
	}
	return []any{v.Decision, v.Status, v.Code, v.Message, nonNil(v.Reasons), nonNil(v.Rewrites),
		nonNil(v.SetHeaders), nonNil(v.Annotations), nonNil(scores)}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func normExchange(x *Exchange) Exchange {
	y := *x
	y.Headers, y.Annotations, y.Messages, y.Tools = nonNil(y.Headers), nonNil(y.Annotations), nonNil(y.Messages), nonNil(y.Tools)
	y.Response.Messages = nonNil(y.Response.Messages)
	return y
}

// FuzzVerdictRoundTrip: a verdict with a known decision decodes back to
// itself from AppendVerdict's bytes (into a verdict that held another
// value), and a verdict with an unknown decision is refused, never read as
// an allow or a deny.
func FuzzVerdictRoundTrip(f *testing.F) {
	f.Add(AppendVerdict(nil, sampleVerdict()))
	f.Add([]byte{1, 0x93, 1, 4, 'c', 'o', 'd', 'e', 0, 2, 1, 'a', 1, 'b'})
	f.Add([]byte{2})
	f.Fuzz(func(t *testing.T, in []byte) {
		s := fuzzSource{in}
		v := s.verdict()
		b := AppendVerdict(nil, v)
		got := sampleVerdict()
		err := DecodeVerdict(b, got)
		if v.Decision > Deny {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("decision %d decoded (err %v) as %+v", v.Decision, err, got)
			}
			return
		}
		if err != nil {
			t.Fatalf("decode of an encoded verdict: %v\n%+v", err, v)
		}
		if !reflect.DeepEqual(normVerdict(got), normVerdict(v)) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, v)
		}
		// The encoding is canonical: one value, one buffer.
		if again := AppendVerdict(nil, got); !bytes.Equal(again, b) {
			t.Fatalf("re-encode differs:\n%x\n%x", b, again)
		}
		// A cut buffer is malformed (never a shorter valid verdict).
		if cut := b[:len(b)-1-int(s.u8())%len(b)]; len(cut) > 0 {
			if err := DecodeVerdict(cut, got); !errors.Is(err, ErrMalformed) {
				t.Fatalf("verdict cut to %d of %d bytes decoded: %v", len(cut), len(b), err)
			}
		}
	})
}

// FuzzExchangeRoundTrip: every exchange decodes back to itself from
// AppendExchange's bytes, copied and aliased, into an exchange that held
// another value; ExchangeSize is the exact encoded size.
func FuzzExchangeRoundTrip(f *testing.F) {
	f.Add(AppendExchange(nil, sampleExchange()))
	f.Add([]byte{2, 4, 3, 0, 0, 0, 1, 2, 'i', 'd', 1, 'r', 1, '/', 1, 'm'})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		s := fuzzSource{in}
		x := s.exchange()
		b := AppendExchange(nil, x)
		if n := ExchangeSize(x); n != len(b) {
			t.Fatalf("ExchangeSize %d, encoded %d bytes", n, len(b))
		}
		for _, alias := range []bool{false, true} {
			got := sampleExchange()
			decode := DecodeExchange
			if alias {
				decode = DecodeExchangeAlias
			}
			if err := decode(b, got); err != nil {
				t.Fatalf("alias=%v: decode of an encoded exchange: %v\n%+v", alias, err, x)
			}
			if !reflect.DeepEqual(normExchange(got), normExchange(x)) {
				t.Fatalf("alias=%v: round trip:\n got %+v\nwant %+v", alias, got, x)
			}
		}
		if cut := b[:len(b)-1-int(s.u8())%len(b)]; len(cut) > 0 {
			var y Exchange
			if err := DecodeExchange(cut, &y); !errors.Is(err, ErrMalformed) {
				t.Fatalf("exchange cut to %d of %d bytes decoded: %v", len(cut), len(b), err)
			}
		}
	})
}
