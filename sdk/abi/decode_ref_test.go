package abi

import (
	"reflect"
	"testing"
	"unsafe"
)

// refDecodeExchange is the exchange decoder as first written, on the
// general reader (the one DecodeVerdict uses): obviously right, slower in
// a guest. The fast decoder must accept exactly what it accepts and
// decode it to the same value.
func refDecodeExchange(b []byte, x *Exchange) error {
	r := reader{b: b}
	if !r.magic(exchangeMagic) {
		return ErrMalformed
	}
	x.Phase = Phase(r.u8())
	x.API = API(r.u8())
	flags := r.u8()
	x.Stream = flags&1 != 0
	x.Chunk.Final = flags&2 != 0
	if flags&^3 != 0 || r.u8() != 0 {
		r.err = true
	}
	x.MaxTokens = r.u32()
	x.RequestID = r.str()
	x.Route = r.str()
	x.Path = r.str()
	x.Model = r.str()
	x.Headers = r.kvs(x.Headers)
	x.Annotations = r.kvs(x.Annotations)
	x.Messages = r.messages(x.Messages)
	n := r.count(8)
	x.Tools = x.Tools[:0]
	for i := 0; i < n && !r.err; i++ {
		name := r.str()
		desc := r.str()
		x.Tools = append(x.Tools, Tool{Name: name, Description: desc})
	}
	x.Response.Status = r.u16()
	if r.u16() != 0 {
		r.err = true
	}
	x.Response.FinishReason = r.str()
	x.Response.PromptTokens = r.u32()
	x.Response.CompletionTokens = r.u32()
	x.Response.Messages = r.messages(x.Response.Messages)
	x.Chunk.Delta = r.str()
	x.Chunk.Window = r.str()
	if r.err || r.off != len(b) {
		return ErrMalformed
	}
	return nil
}

// sameDecode checks that the fast decoders and the reference agree on b.
func sameDecode(t *testing.T, b []byte) {
	t.Helper()
	var want Exchange
	wantErr := refDecodeExchange(b, &want)
	for _, dec := range []struct {
		name string
		fn   func([]byte, *Exchange) error
	}{{"DecodeExchange", DecodeExchange}, {"DecodeExchangeAlias", DecodeExchangeAlias}} {
		got := sampleExchange() // holds other values: slices are reused
		err := dec.fn(b, got)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%s(%x) = %v, reference %v", dec.name, b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(normExchange(got), normExchange(&want)) {
			t.Fatalf("%s(%x):\n got %+v\nwant %+v", dec.name, b, got, &want)
		}
	}
	for _, p := range []Parts{ReadHeaders, ReadMessages | ReadResponse | ReadChunk, ReadAnnotations | ReadTools} {
		sameDecodeParts(t, b, p)
	}
	var x Exchange
	if DecodeExchangeAlias(b, &x) == nil {
		stringsInside(t, b, &x)
	}
}

// stringsInside checks that every string of x that DecodeExchangeAlias
// made from b lies inside b, an empty one too (or is nil): a pointer past
// the end of b's array must not be kept.
func stringsInside(t *testing.T, b []byte, x *Exchange) {
	t.Helper()
	all := []string{x.RequestID, x.Route, x.Path, x.Model, x.Response.FinishReason, x.Chunk.Delta, x.Chunk.Window}
	for _, kv := range append(x.Headers, x.Annotations...) {
		all = append(all, kv.Key, kv.Value)
	}
	for _, m := range append(x.Messages, x.Response.Messages...) {
		all = append(all, m.Role, m.Name, m.Text)
	}
	for _, tool := range x.Tools {
		all = append(all, tool.Name, tool.Description)
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	for _, s := range all {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		if p == 0 && s == "" {
			continue
		}
		if p < lo || p >= lo+uintptr(len(b)) || p+uintptr(len(s)) > lo+uintptr(len(b)) {
			t.Fatalf("string %q at %#x is not inside the buffer [%#x, %#x)", s, p, lo, lo+uintptr(len(b)))
		}
	}
}

// sameDecodeParts checks DecodeExchangeAliasParts(b, p) against the
// reference decoder followed by p.Keep.
func sameDecodeParts(t *testing.T, b []byte, p Parts) {
	t.Helper()
	var want Exchange
	wantErr := refDecodeExchange(b, &want)
	p.Keep(&want)
	got := sampleExchange()
	err := DecodeExchangeAliasParts(b, got, p)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("DecodeExchangeAliasParts(%x, %b) = %v, reference %v", b, p, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(normExchange(got), normExchange(&want)) {
		t.Fatalf("DecodeExchangeAliasParts(%x, %b):\n got %+v\nwant %+v", b, p, got, &want)
	}
}

// TestDecodeExchangeAliasPartsKeeps: for every set of parts (with a bit
// outside ReadAll, and none: every part), the one-pass decoder gives what
// decoding and then Parts.Keep give.
func TestDecodeExchangeAliasPartsKeeps(t *testing.T) {
	for _, x := range []*Exchange{sampleExchange(), {}, {Phase: PhaseResponseChunk, Chunk: Chunk{Delta: "abc", Window: "w"}}} {
		b := AppendExchange(nil, x)
		for p := range Parts(128) {
			sameDecodeParts(t, b, p)
		}
	}
}

// TestDecodeExchangeMatchesReference runs every truncation of some
// encoded exchanges and every one-byte change to them (to 0, 1, 0xff, and
// one up and down) through both decoders: lengths and counts that run past
// the end or leave bytes over, reserved bits, a bad magic.
func TestDecodeExchangeMatchesReference(t *testing.T) {
	big := sampleExchange()
	big.Messages = append(big.Messages, big.Messages...)
	for _, x := range []*Exchange{sampleExchange(), {}, big, {Phase: PhaseResponseChunk, Chunk: Chunk{Delta: "abc"}}} {
		b := AppendExchange(nil, x)
		sameDecode(t, b)
		for n := range len(b) {
			sameDecode(t, b[:n])
		}
		c := make([]byte, len(b))
		for i := range b {
			for _, v := range []byte{0, 1, 0xff, b[i] + 1, b[i] - 1} {
				copy(c, b)
				c[i] = v
				sameDecode(t, c)
			}
		}
		sameDecode(t, append(b, 0))
	}
}

// FuzzDecodeExchangeReference: arbitrary bytes decode alike, or fail alike,
// with the fast decoder and the reference.
func FuzzDecodeExchangeReference(f *testing.F) {
	f.Add(AppendExchange(nil, sampleExchange()))
	f.Add(AppendExchange(nil, &Exchange{}))
	f.Fuzz(func(t *testing.T, b []byte) { sameDecode(t, b) })
}

// messages is the reference decoder's list of messages.
func (r *reader) messages(dst []Message) []Message {
	n := r.count(17)
	dst = dst[:0]
	for i := 0; i < n && !r.err; i++ {
		var m Message
		m.Turn = r.u32()
		m.Kind = Kind(r.u8())
		m.Role = r.str()
		m.Name = r.str()
		m.Text = r.str()
		dst = append(dst, m)
	}
	return dst
}
