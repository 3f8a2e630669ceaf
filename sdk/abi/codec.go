package abi

import (
	"encoding/binary"
	"errors"
	"math"
)

// Binary layout (little-endian; str = u32 length + bytes; list = u32 count
// + elements). Normative text: ../ABI.md.
//
//	exchange: 'W' 'X' 1 0 | u8 phase | u8 api | u8 flags(bit0 stream, bit1 final chunk) | u8 0 |
//	          u32 max_tokens | str request_id | str route | str path | str model |
//	          list<kv> headers | list<kv> annotations | list<message> messages |
//	          list<tool> tools |
//	          u16 status | u16 0 | str finish_reason | u32 prompt_tokens |
//	          u32 completion_tokens | list<message> response_messages |
//	          str chunk_delta | str chunk_window
//	message:  u32 turn | u8 kind | str role | str name | str text
//	kv:       str key | str value
//	tool:     str name | str description
//
//	verdict:  'W' 'V' 1 0 | u8 decision | u8 0 | u16 status | str code |
//	          str message | list<str> reasons | list<u32 index, str text> rewrites |
//	          list<kv> set_headers | list<kv> annotations |
//	          list<str name, f64 value> scores
//
// An empty verdict buffer (length 0) means a plain Allow.

var (
	exchangeMagic = [4]byte{'W', 'X', 1, 0}
	verdictMagic  = [4]byte{'W', 'V', 1, 0}
)

// ErrMalformed is returned (wrapped) for any buffer that does not follow
// the layout: short, bad magic, lengths past the end, trailing bytes.
var ErrMalformed = errors.New("abi: malformed buffer")

func appendU16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func appendU32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func appendStr(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

func appendKVs(b []byte, kvs []KV) []byte {
	b = appendU32(b, uint32(len(kvs)))
	for i := range kvs {
		b = appendStr(b, kvs[i].Key)
		b = appendStr(b, kvs[i].Value)
	}
	return b
}

func appendMessages(b []byte, ms []Message) []byte {
	b = appendU32(b, uint32(len(ms)))
	for i := range ms {
		m := &ms[i]
		b = appendU32(b, m.Turn)
		b = append(b, byte(m.Kind))
		b = appendStr(b, m.Role)
		b = appendStr(b, m.Name)
		b = appendStr(b, m.Text)
	}
	return b
}

// ExchangeSize returns the exact number of bytes AppendExchange adds.
func ExchangeSize(x *Exchange) int {
	n := 4 + 4 + 4 + 4*4 + len(x.RequestID) + len(x.Route) + len(x.Path) + len(x.Model)
	n += kvsSize(x.Headers) + kvsSize(x.Annotations) + messagesSize(x.Messages)
	n += 4
	for i := range x.Tools {
		n += 8 + len(x.Tools[i].Name) + len(x.Tools[i].Description)
	}
	n += 4 + 4 + len(x.Response.FinishReason) + 4 + 4 + messagesSize(x.Response.Messages)
	n += 8 + len(x.Chunk.Delta) + len(x.Chunk.Window)
	return n
}

func kvsSize(kvs []KV) int {
	n := 4
	for i := range kvs {
		n += 8 + len(kvs[i].Key) + len(kvs[i].Value)
	}
	return n
}

func messagesSize(ms []Message) int {
	n := 4
	for i := range ms {
		n += 4 + 1 + 12 + len(ms[i].Role) + len(ms[i].Name) + len(ms[i].Text)
	}
	return n
}

// AppendExchange appends the binary encoding of x to b. It does not
// allocate when b has room for ExchangeSize(x) more bytes.
func AppendExchange(b []byte, x *Exchange) []byte { return AppendExchangeParts(b, x, ReadAll) }

// AppendExchangeParts is AppendExchange for a guard that reads only the
// parts p (see Parts; the zero value is every part): the others are
// encoded empty. x is not modified.
func AppendExchangeParts(b []byte, x *Exchange, p Parts) []byte {
	p = p.Effective()
	b = append(b, exchangeMagic[:]...)
	var flags byte
	if x.Stream {
		flags |= 1
	}
	if x.Chunk.Final {
		flags |= 2
	}
	b = append(b, byte(x.Phase), byte(x.API), flags, 0)
	b = appendU32(b, x.MaxTokens)
	b = appendStr(b, x.RequestID)
	b = appendStr(b, x.Route)
	b = appendStr(b, x.Path)
	b = appendStr(b, x.Model)
	b = appendKVs(b, partOf(p, ReadHeaders, x.Headers))
	b = appendKVs(b, partOf(p, ReadAnnotations, x.Annotations))
	b = appendMessages(b, partOf(p, ReadMessages, x.Messages))
	tools := partOf(p, ReadTools, x.Tools)
	b = appendU32(b, uint32(len(tools)))
	for i := range tools {
		b = appendStr(b, tools[i].Name)
		b = appendStr(b, tools[i].Description)
	}
	b = appendU16(b, x.Response.Status)
	b = appendU16(b, 0)
	if p&ReadResponse != 0 {
		b = appendStr(b, x.Response.FinishReason)
	} else {
		b = appendU32(b, 0)
	}
	b = appendU32(b, x.Response.PromptTokens)
	b = appendU32(b, x.Response.CompletionTokens)
	b = appendMessages(b, partOf(p, ReadResponse, x.Response.Messages))
	if p&ReadChunk != 0 {
		b = appendStr(b, x.Chunk.Delta)
		b = appendStr(b, x.Chunk.Window)
	} else {
		b = appendU32(b, 0)
		b = appendU32(b, 0)
	}
	return b
}

// partOf returns s when p has part, else nil.
func partOf[T any](p, part Parts, s []T) []T {
	if p&part == 0 {
		return nil
	}
	return s
}

// AppendVerdict appends the binary encoding of v to b. A plain Allow may
// instead be sent as an empty buffer.
func AppendVerdict(b []byte, v *Verdict) []byte {
	b = append(b, verdictMagic[:]...)
	b = append(b, byte(v.Decision), 0)
	b = appendU16(b, v.Status)
	b = appendStr(b, v.Code)
	b = appendStr(b, v.Message)
	b = appendU32(b, uint32(len(v.Reasons)))
	for _, r := range v.Reasons {
		b = appendStr(b, r)
	}
	b = appendU32(b, uint32(len(v.Rewrites)))
	for i := range v.Rewrites {
		b = appendU32(b, v.Rewrites[i].Index)
		b = appendStr(b, v.Rewrites[i].Text)
	}
	b = appendKVs(b, v.SetHeaders)
	b = appendKVs(b, v.Annotations)
	b = appendU32(b, uint32(len(v.Scores)))
	for i := range v.Scores {
		b = appendStr(b, v.Scores[i].Name)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Scores[i].Value))
	}
	return b
}

// reader decodes a buffer (verdicts; exchanges have their own decoder,
// decode.go). Strings are copied, through sc when it is set.
type reader struct {
	b   []byte
	off int
	err bool
	sc  *StringCache
}

func (r *reader) u8() byte {
	if r.off+1 > len(r.b) {
		r.err = true
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u16() uint16 {
	if r.off+2 > len(r.b) {
		r.err = true
		return 0
	}
	v := binary.LittleEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v
}

func (r *reader) u32() uint32 {
	if r.off+4 > len(r.b) {
		r.err = true
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *reader) u64() uint64 {
	if r.off+8 > len(r.b) {
		r.err = true
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b[r.off:])
	r.off += 8
	return v
}

func (r *reader) str() string {
	n := r.u32()
	if r.err || uint64(n) > uint64(len(r.b)-r.off) {
		r.err = true
		return ""
	}
	if n == 0 {
		return ""
	}
	p := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return r.sc.String(p)
}

// code is str for a verdict's code: CodeDone, which a guard may return on
// every call, is not copied.
func (r *reader) code() string {
	n := r.u32()
	if r.err || uint64(n) > uint64(len(r.b)-r.off) {
		r.err = true
		return ""
	}
	p := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	if string(p) == CodeDone {
		return CodeDone
	}
	return r.sc.String(p)
}

// count reads a list length and checks that the rest of the buffer can hold
// that many elements of at least min bytes each, so a hostile count cannot
// make the decoder allocate more than the buffer's size.
func (r *reader) count(min int) int {
	n := r.u32()
	if r.err || uint64(n)*uint64(min) > uint64(len(r.b)-r.off) {
		r.err = true
		return 0
	}
	return int(n)
}

func (r *reader) kvs(dst []KV) []KV {
	n := r.count(8)
	dst = dst[:0]
	for i := 0; i < n && !r.err; i++ {
		k := r.str()
		v := r.str()
		dst = append(dst, KV{Key: k, Value: v})
	}
	return dst
}

func (r *reader) magic(m [4]byte) bool {
	if len(r.b) < 4 || [4]byte(r.b[:4]) != m {
		r.err = true
		return false
	}
	r.off = 4
	return true
}

// DecodeExchange decodes b into x, reusing x's slices. Strings are copied
// (they share one private copy of b, allocated once), so b may be reused
// afterwards.
func DecodeExchange(b []byte, x *Exchange) error {
	return decodeExchangeAlias(append([]byte(nil), b...), x, ReadAll)
}

// DecodeExchangeAlias is DecodeExchange with strings that point into b.
// b must not be modified while x is in use. It allocates only to grow x's
// slices (not at all when they have room from an earlier decode).
func DecodeExchangeAlias(b []byte, x *Exchange) error { return decodeExchangeAlias(b, x, ReadAll) }

// DecodeExchangeAliasParts is DecodeExchangeAlias followed by p.Keep(x)
// (the parts not in p emptied, as a guest SDK does for a guard that
// declares what it reads), in one pass that costs a guest less than the
// two.
func DecodeExchangeAliasParts(b []byte, x *Exchange, p Parts) error {
	return decodeExchangeAlias(b, x, p)
}

// DecodeVerdict decodes b into v, reusing v's slices; an empty b is a plain
// Allow. Strings are copied, so b may be reused afterwards. Decoding a plain
// Allow does not allocate.
func DecodeVerdict(b []byte, v *Verdict) error { return decodeVerdict(b, v, nil) }

func decodeVerdict(b []byte, v *Verdict, sc *StringCache) error {
	v.Reset()
	if len(b) == 0 {
		return nil
	}
	r := reader{b: b, sc: sc}
	if !r.magic(verdictMagic) {
		return ErrMalformed
	}
	v.Decision = Decision(r.u8())
	reserved := r.u8()
	v.Status = r.u16()
	if v.Decision > Deny || reserved != 0 {
		return ErrMalformed
	}
	v.Code = r.code()
	v.Message = r.str()
	n := r.count(4)
	for i := 0; i < n && !r.err; i++ {
		v.Reasons = append(v.Reasons, r.str())
	}
	n = r.count(8)
	for i := 0; i < n && !r.err; i++ {
		idx := r.u32()
		v.Rewrites = append(v.Rewrites, Rewrite{Index: idx, Text: r.str()})
	}
	v.SetHeaders = r.kvs(v.SetHeaders)
	v.Annotations = r.kvs(v.Annotations)
	n = r.count(12)
	for i := 0; i < n && !r.err; i++ {
		name := r.str()
		v.Scores = append(v.Scores, Score{Name: name, Value: math.Float64frombits(r.u64())})
	}
	if r.err || r.off != len(b) {
		return ErrMalformed
	}
	return nil
}
