package wasmhost

import (
	"encoding/binary"
	"slices"
	"sort"
)

// maxDataGap is the largest run of zero bytes mergeData copies to join two
// data segments.
const maxDataGap = 1 << 10

// mergeData returns wasm with runs of its active data segments merged:
// consecutive segments of memory 0 at constant, ascending,
// non-overlapping offsets less than maxDataGap bytes apart become one
// segment, the gaps filled with zeros. Go guests carry tens of thousands of
// small segments (the denylist guard: 51k for 1.4 MB), and instantiation
// evaluates each one's offset and copies it separately, with an
// allocation each: most of an instance's setup. The memory an instance
// starts with is the same byte for byte: a gap lies between two segments
// applied in ascending order, above everything the segments before them
// wrote (a run that starts lower, or follows an active segment at a
// computed offset, is not merged), so nothing was written there, and
// fresh memory is zero. A module with a data count section (bulk memory:
// memory.init and data.drop name segments by index) or a data section it
// cannot read is returned as it is, as is one with nothing to merge; the
// input is never modified.
func mergeData(wasm []byte) []byte {
	dataStart, dataContent, dataEnd, ok := dataSection(wasm)
	if !ok {
		return wasm
	}
	merged, ok := mergeSegments(wasm[dataContent:dataEnd])
	if !ok {
		return wasm
	}
	out := make([]byte, 0, len(wasm))
	out = append(out, wasm[:dataStart]...)
	out = append(out, 11)
	out = binary.AppendUvarint(out, uint64(len(merged)))
	out = append(out, merged...)
	return append(out, wasm[dataEnd:]...)
}

// dataSection finds the data section of wasm: the offsets of its id byte,
// its content and its end. ok is false when there is none, when the module
// has a data count section (see mergeData) or when its sections cannot be
// read.
func dataSection(wasm []byte) (start, content, end int, ok bool) {
	if len(wasm) < 8 {
		return 0, 0, 0, false
	}
	off := 8
	found := false
	for off < len(wasm) {
		s := off
		id := wasm[off]
		size, n := binary.Uvarint(wasm[off+1:])
		if n <= 0 || size > uint64(len(wasm)) {
			return 0, 0, 0, false
		}
		c := off + 1 + n
		e := c + int(size)
		if e > len(wasm) {
			return 0, 0, 0, false
		}
		switch id {
		case 12: // data count
			return 0, 0, 0, false
		case 11:
			start, content, end, found = s, c, e, true
		}
		off = e
	}
	return start, content, end, found
}

// dataExtent returns the end of the highest active data segment of memory
// 0 at a constant offset: instantiation writes the module's data below it
// and nothing above. It is 0 when the module has no such segment or its
// data section cannot be read (see dataSection).
func dataExtent(wasm []byte) uint64 {
	_, content, end, ok := dataSection(wasm)
	if !ok {
		return 0
	}
	segs, ok := parseSegments(wasm[content:end])
	if !ok {
		return 0
	}
	var top uint64
	for _, s := range segs {
		if s.constant {
			top = max(top, uint64(s.offset)+uint64(len(s.init)))
		}
	}
	return top
}

// dataSegment is one segment of a data section: an active one of memory 0
// at a constant offset (constant), or any other kept as its raw bytes.
type dataSegment struct {
	constant bool
	passive  bool // written by memory.init only, never at instantiation
	offset   uint32
	init     []byte // constant: the bytes; otherwise the whole raw segment
}

// parseSegments reads the content of a data section; ok is false when it
// cannot be read.
func parseSegments(b []byte) (_ []dataSegment, ok bool) {
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return nil, false
	}
	off := n
	segs := make([]dataSegment, 0, count)
	for range count {
		start := off
		if off >= len(b) {
			return nil, false
		}
		flag, n := binary.Uvarint(b[off:])
		if n <= 0 {
			return nil, false
		}
		off += n
		seg := dataSegment{}
		switch flag {
		case 0:
			// i32.const <sleb128> end
			if off >= len(b) || b[off] != 0x41 {
				if off = skipExpr(b, off); off < 0 {
					return nil, false
				}
				break
			}
			v, n := sleb(b[off+1:])
			if n <= 0 || off+1+n >= len(b) || b[off+1+n] != 0x0b || v < -1<<31 || v >= 1<<31 {
				if off = skipExpr(b, off); off < 0 {
					return nil, false
				}
				break
			}
			off += 1 + n + 1
			seg.constant, seg.offset = true, uint32(int32(v))
		case 1:
			seg.passive = true
		case 2:
			_, n := binary.Uvarint(b[off:])
			if n <= 0 {
				return nil, false
			}
			if off = skipExpr(b, off+n); off < 0 {
				return nil, false
			}
		default:
			return nil, false
		}
		size, n := binary.Uvarint(b[off:])
		if n <= 0 || size > uint64(len(b)-off-n) {
			return nil, false
		}
		off += n
		if seg.constant {
			seg.init = b[off : off+int(size)]
		}
		off += int(size)
		if !seg.constant {
			seg.init = b[start:off]
		}
		segs = append(segs, seg)
	}
	if off != len(b) {
		return nil, false
	}
	return segs, true
}

// mergeSegments rewrites the content of a data section; ok is false when
// it cannot be read or nothing merges.
func mergeSegments(b []byte) (_ []byte, ok bool) {
	segs, ok := parseSegments(b)
	if !ok {
		return nil, false
	}
	out := make([]byte, 0, len(b))
	var merged []dataSegment
	// A run's gaps are filled with zeros, which must not overwrite what an
	// earlier segment wrote there: a gap is bridged only when no segment
	// before it wrote into it (written), and none at all after an active
	// segment whose offset is not a constant (blind: it may have written
	// anywhere).
	var written spans
	blind := false
	for i := 0; i < len(segs); {
		s := segs[i]
		if !s.constant {
			blind = blind || !s.passive
			merged = append(merged, s)
			i++
			continue
		}
		end := uint64(s.offset) + uint64(len(s.init))
		j := i + 1
		for !blind && j < len(segs) && segs[j].constant && uint64(segs[j].offset) >= end && uint64(segs[j].offset)-end <= maxDataGap &&
			!written.overlaps(end, uint64(segs[j].offset)) {
			end = uint64(segs[j].offset) + uint64(len(segs[j].init))
			j++
		}
		written.add(uint64(s.offset), end)
		if j > i+1 {
			buf := make([]byte, end-uint64(s.offset))
			for _, t := range segs[i:j] {
				copy(buf[t.offset-s.offset:], t.init)
			}
			s.init = buf
		}
		merged = append(merged, s)
		i = j
	}
	if len(merged) == len(segs) {
		return nil, false
	}
	out = binary.AppendUvarint(out, uint64(len(merged)))
	for _, s := range merged {
		if !s.constant {
			out = append(out, s.init...)
			continue
		}
		out = append(out, 0, 0x41)
		out = appendSleb(out, int64(int32(s.offset)))
		out = append(out, 0x0b)
		out = binary.AppendUvarint(out, uint64(len(s.init)))
		out = append(out, s.init...)
	}
	return out, true
}

// spans is a set of byte ranges [start, end), sorted and coalesced
// (ranges that touch are one). Go guests write their segments mostly in
// ascending runs, so it stays short.
type spans []span

type span struct{ start, end uint64 }

// overlaps reports whether [a, b) shares a byte with the set.
func (s spans) overlaps(a, b uint64) bool {
	if a >= b {
		return false
	}
	i := sort.Search(len(s), func(i int) bool { return s[i].end > a })
	return i < len(s) && s[i].start < b
}

// add puts [a, b) into the set.
func (s *spans) add(a, b uint64) {
	if a >= b {
		return
	}
	v := *s
	// The first range that ends at or after a, and the first that starts
	// after b: those between them touch [a, b) and join it.
	i := sort.Search(len(v), func(i int) bool { return v[i].end >= a })
	j := sort.Search(len(v), func(i int) bool { return v[i].start > b })
	if i < j {
		a, b = min(a, v[i].start), max(b, v[j-1].end)
	}
	*s = slices.Replace(v, i, j, span{a, b})
}

// skipExpr returns the offset after the constant expression at off (up to
// its end opcode), or -1. Only the opcodes of constant expressions are
// accepted.
func skipExpr(b []byte, off int) int {
	for off < len(b) {
		op := b[off]
		off++
		switch op {
		case 0x0b: // end
			return off
		case 0x41, 0x42: // i32.const, i64.const
			_, n := sleb(b[off:])
			if n <= 0 {
				return -1
			}
			off += n
		case 0x23, 0xd2: // global.get, ref.func
			_, n := binary.Uvarint(b[off:])
			if n <= 0 {
				return -1
			}
			off += n
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constant arithmetic
		default:
			return -1
		}
	}
	return -1
}

// sleb decodes a signed LEB128 number of at most 64 bits; n <= 0 when b
// does not hold one.
func sleb(b []byte) (v int64, n int) {
	var shift uint
	for i, c := range b {
		if i == 10 {
			return 0, -1
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, i + 1
		}
	}
	return 0, 0
}

// appendSleb appends v as signed LEB128.
func appendSleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
