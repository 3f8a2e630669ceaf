package abi

import (
	"encoding/binary"
	"unsafe"
)

// The exchange decoder. A guest decodes the whole exchange on every call,
// so this is the SDK's hot path, and it runs as Go compiled to WebAssembly,
// where a function call costs tens of instructions: every helper below is
// small enough to be inlined, lists are filled in place in the reused
// slices, and the decoder keeps its position in a local.
//
// Stores of strings go to the stack, not the heap: a pointer stored in
// the heap is preceded by the write barrier's test, whose common side (no
// collection running) is, in Go's Wasm, a jump through the function's
// dispatch loop (a spill of the live values and an indirect jump under
// wazero). So the decoder fills a copy of the exchange on the stack and
// stores it back whole (one test), and builds each list element in a local
// and stores it whole (one test per element, not per string).
//
// The position off starts after the fixed header and is at most len(b)
// while the buffer is well-formed (never negative). A read past the end
// sets it to len(b)+1 ("broken"), after which every read yields zero values
// and keeps it broken, so the decoder checks once, at the end (off must
// then be exactly len(b): no trailing bytes). On little-endian 64-bit
// machines (decode_fast.go) the steps that read a length, a count or a
// message's turn and kind are branch-free, chosen by masks; elsewhere
// (decode_other.go) they test, and compare lengths as unsigned numbers, so
// that one of 2 GiB or more cannot turn negative on a 32-bit host.

// broken is the position of a buffer found too short.
func broken(b []byte) int { return len(b) + 1 }

// resize returns s with length n, reusing its array when it is large
// enough. The elements are overwritten by the caller.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func ldkvs(b []byte, off int, dst []KV) ([]KV, int) {
	sb := unsafe.Pointer(unsafe.SliceData(b))
	n, off := ldcount(sb, len(b), off, 8)
	dst = resize(dst, n)
	for i := range dst {
		var kv KV
		kv.Key, off = ldstr(sb, len(b), off)
		kv.Value, off = ldstr(sb, len(b), off)
		dst[i] = kv
	}
	return dst, off
}

func ldmessages(b []byte, off int, dst []Message) ([]Message, int) {
	sb := unsafe.Pointer(unsafe.SliceData(b))
	n, off := ldcount(sb, len(b), off, 17)
	dst = resize(dst, n)
	for i := range dst {
		var m Message
		m.Turn, m.Kind, off = ldturn(sb, len(b), off)
		m.Role, off = ldstr(sb, len(b), off)
		m.Name, off = ldstr(sb, len(b), off)
		m.Text, off = ldstr(sb, len(b), off)
		dst[i] = m
	}
	return dst, off
}

func ldtools(b []byte, off int, dst []Tool) ([]Tool, int) {
	sb := unsafe.Pointer(unsafe.SliceData(b))
	n, off := ldcount(sb, len(b), off, 8)
	dst = resize(dst, n)
	for i := range dst {
		var t Tool
		t.Name, off = ldstr(sb, len(b), off)
		t.Description, off = ldstr(sb, len(b), off)
		dst[i] = t
	}
	return dst, off
}

// empty reports whether the list at off is empty (a count of 0) and
// returns the position after it. Most lists a guard is sent are: the
// parts it does not read come empty (Parts), and so do the response's
// messages in the request phase. The decoder tests this inline and calls
// a list's decoder, which costs a call in Wasm, only for a list with
// elements.
func empty(b []byte, off int) (int, bool) {
	if off > len(b)-4 || le32(b, off) != 0 {
		return off, false
	}
	return off + 4, true
}

// exchangeHeader is the fixed part of an exchange: magic, phase, api,
// flags, a reserved byte and max_tokens.
const exchangeHeader = 12

func decodeExchangeAlias(b []byte, dst *Exchange, p Parts) error {
	if len(b) < exchangeHeader || [4]byte(b[:4]) != exchangeMagic {
		return ErrMalformed
	}
	t := *dst // stored back whole: see the top of the file
	x := &t
	sb := unsafe.Pointer(unsafe.SliceData(b))
	x.Phase = Phase(b[4])
	x.API = API(b[5])
	flags := b[6]
	x.Stream = flags&1 != 0
	x.Chunk.Final = flags&2 != 0
	if flags&^3 != 0 || b[7] != 0 { // reserved bits and bytes must be zero
		return ErrMalformed
	}
	x.MaxTokens = binary.LittleEndian.Uint32(b[8:12])
	off := exchangeHeader
	x.RequestID, off = ldstr(sb, len(b), off)
	x.Route, off = ldstr(sb, len(b), off)
	x.Path, off = ldstr(sb, len(b), off)
	x.Model, off = ldstr(sb, len(b), off)
	var ok bool
	if off, ok = empty(b, off); ok {
		x.Headers = x.Headers[:0]
	} else {
		x.Headers, off = ldkvs(b, off, x.Headers)
	}
	if off, ok = empty(b, off); ok {
		x.Annotations = x.Annotations[:0]
	} else {
		x.Annotations, off = ldkvs(b, off, x.Annotations)
	}
	if off, ok = empty(b, off); ok {
		x.Messages = x.Messages[:0]
	} else {
		x.Messages, off = ldmessages(b, off, x.Messages)
	}
	if off, ok = empty(b, off); ok {
		x.Tools = x.Tools[:0]
	} else {
		x.Tools, off = ldtools(b, off, x.Tools)
	}
	var status uint32
	status, off = ld32(sb, len(b), off) // u16 status | u16 0
	x.Response.Status = uint16(status)
	x.Response.FinishReason, off = ldstr(sb, len(b), off)
	x.Response.PromptTokens, off = ld32(sb, len(b), off)
	x.Response.CompletionTokens, off = ld32(sb, len(b), off)
	if off, ok = empty(b, off); ok {
		x.Response.Messages = x.Response.Messages[:0]
	} else {
		x.Response.Messages, off = ldmessages(b, off, x.Response.Messages)
	}
	x.Chunk.Delta, off = ldstr(sb, len(b), off)
	x.Chunk.Window, off = ldstr(sb, len(b), off)
	if off != len(b) || status>>16 != 0 {
		return ErrMalformed
	}
	keepParts(x, p)
	*dst = t
	return nil
}

// keepParts is p.Keep(x) for the decoder's stack copy, without branches:
// a part not in p is cut to length 0 by a mask (-1 for a part read, 0 for
// one not read). A string so emptied keeps its pointer into the buffer.
func keepParts(x *Exchange, p Parts) {
	p = p.Effective()
	mask := func(part Parts) int { return -int(p / part & 1) }
	x.Headers = x.Headers[:len(x.Headers)&mask(ReadHeaders)]
	x.Annotations = x.Annotations[:len(x.Annotations)&mask(ReadAnnotations)]
	x.Messages = x.Messages[:len(x.Messages)&mask(ReadMessages)]
	x.Tools = x.Tools[:len(x.Tools)&mask(ReadTools)]
	r := mask(ReadResponse)
	x.Response.Messages = x.Response.Messages[:len(x.Response.Messages)&r]
	x.Response.FinishReason = x.Response.FinishReason[:len(x.Response.FinishReason)&r]
	c := mask(ReadChunk)
	x.Chunk.Delta = x.Chunk.Delta[:len(x.Chunk.Delta)&c]
	x.Chunk.Window = x.Chunk.Window[:len(x.Chunk.Window)&c]
}
