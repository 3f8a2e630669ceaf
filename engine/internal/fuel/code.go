package fuel

import (
	"fmt"
	"math"
)

// MaxLocals is the largest number of locals (not counting parameters) a
// function may declare; Instrument rejects larger declarations with
// CodeTooLarge. It is the limit of the WebAssembly JS API that browsers
// enforce. wazero v1.12.0 has no such limit and preallocates the declared
// count, so a 19-byte module declaring 2^32-1 locals kills the host process
// with a fatal out-of-memory error; running Instrument before compiling
// protects against that.
const MaxLocals = 50_000

// instrumentCode rewrites the code section whose content starts at
// in[start:] (in ends with the section) and appends the new content to out.
func instrumentCode(in []byte, start int, check, out []byte) ([]byte, error) {
	r := &reader{b: in, off: start}
	n := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	out = appendULEB(out, uint64(n))
	var body []byte // scratch, reused across functions
	for i := uint32(0); i < n; i++ {
		size := r.u32()
		bodyStart := r.off
		r.skip(uint64(size))
		if r.err != nil {
			return nil, r.err
		}
		var err *Error
		body, err = instrumentBody(in[bodyStart:r.off], bodyStart, check, body[:0])
		if err != nil {
			return nil, err
		}
		if uint64(len(body)) > math.MaxUint32 {
			return nil, &Error{Code: CodeTooLarge, Offset: bodyStart, Msg: "function body exceeds 4 GiB"}
		}
		out = appendULEB(out, uint64(len(body)))
		out = append(out, body...)
	}
	r.end("code")
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

// instrumentBody decodes one function body b (locals and expression; base is
// its offset in the module) and appends it to out with check inserted after
// the locals and after every loop's block type. Every instruction is decoded
// so that immediates are never mistaken for a loop opcode.
func instrumentBody(b []byte, base int, check, out []byte) ([]byte, *Error) {
	r := &reader{b: b, base: base}
	nLocals := r.u32()
	var total uint64
	for i := uint32(0); i < nLocals && r.err == nil; i++ {
		total += uint64(r.u32())
		r.valType()
		if total > MaxLocals && r.err == nil {
			return nil, &Error{Code: CodeTooLarge, Offset: base, Msg: fmt.Sprintf("function declares more than %d locals", MaxLocals)}
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	out = append(out, b[:r.off]...)
	out = append(out, check...)
	last := r.off // b[last:r.off] is decoded but not yet copied
	depth := 0    // open blocks, not counting the function's own
	for r.err == nil {
		if r.off >= len(b) {
			r.fail("function body not terminated by end")
			break
		}
		op := b[r.off]
		r.off++
		switch op {
		case 0x03: // loop
			r.blockType()
			depth++
			if r.err == nil {
				out = append(out, b[last:r.off]...)
				out = append(out, check...)
				last = r.off
			}
		case 0x0b: // end
			if depth == 0 {
				if r.off != len(b) {
					r.fail("%d bytes after the function's end", len(b)-r.off)
					break
				}
				return append(out, b[last:]...), nil
			}
			depth--
		case 0x02, 0x04, 0x06: // block, if, try (legacy exceptions)
			r.blockType()
			depth++
		case 0x1f: // try_table
			r.blockType()
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				switch kind := r.byte(); kind {
				case 0x00, 0x01: // catch, catch_ref: tag, label
					r.u32()
					r.u32()
				case 0x02, 0x03: // catch_all, catch_all_ref: label
					r.u32()
				default:
					r.fail("bad catch kind %#x", kind)
				}
			}
			depth++
		case 0x18: // delegate: ends a legacy try block
			r.u32()
			if depth == 0 {
				r.fail("delegate outside a try block")
			}
			depth--
		case 0x00, 0x01, 0x05, 0x0a, 0x0f, 0x19, 0x1a, 0x1b, 0xd1, 0xd3, 0xd4:
			// unreachable, nop, else, throw_ref, return, catch_all, drop,
			// select, ref.is_null, ref.eq, ref.as_non_null: no immediates
		case 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x14, 0x15,
			0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x3f, 0x40, 0xd2, 0xd5, 0xd6:
			// catch, throw, rethrow, br, br_if, call, return_call, call_ref,
			// return_call_ref, local.*, global.*, table.get/set,
			// memory.size/grow, ref.func, br_on_null, br_on_non_null: one index
			r.u32()
		case 0x0e: // br_table
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.u32()
			}
			r.u32()
		case 0x11, 0x13: // call_indirect, return_call_indirect: type, table
			r.u32()
			r.u32()
		case 0x1c: // select t*
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				r.valType()
			}
		case 0x41:
			r.s32()
		case 0x42:
			r.s64()
		case 0x43:
			r.skip(4)
		case 0x44:
			r.skip(8)
		case 0xd0: // ref.null
			r.heapType()
		case 0xfc:
			r.miscOp()
		case 0xfd:
			r.simdOp()
		case 0xfe:
			r.atomicOp()
		default:
			switch {
			case op >= 0x28 && op <= 0x3e: // loads and stores
				r.memarg()
			case op >= 0x45 && op <= 0xc4: // numeric, sign extension
			default:
				r.off--
				r.fail("unknown opcode %#x", op)
			}
		}
	}
	return nil, r.err
}

func (r *reader) memarg() {
	align := r.u32()
	if align&0x40 != 0 { // multi-memory: a memory index follows
		r.u32()
	}
	r.u64() // offset (u64 for memory64)
}

// valType skips a value type: a number, vector or reference type, including
// the typed-function-references forms (ref null? heaptype).
func (r *reader) valType() {
	switch c := r.byte(); {
	case r.err != nil:
	case c >= 0x7b && c <= 0x7f: // v128, f64, f32, i64, i32
	case c >= 0x69 && c <= 0x74: // abstract reference type shorthands
	case c == 0x63 || c == 0x64: // (ref null ht), (ref ht)
		r.heapType()
	default:
		r.off--
		r.fail("bad value type %#x", c)
	}
}

func (r *reader) heapType() {
	// Abstract heap types are the single-byte negative s33 values
	// 0x69..0x74; non-negative values are type indices.
	if v := r.s33(); r.err == nil && v < 0 && (v < 0x69-0x80 || v > 0x74-0x80) {
		r.fail("bad heap type %d", v)
	}
}

func (r *reader) blockType() {
	if r.err != nil {
		return
	}
	if r.off >= len(r.b) {
		r.fail("unexpected end")
		return
	}
	switch c := r.b[r.off]; {
	case c == 0x40: // empty
		r.off++
	case c >= 0x40 && c < 0x80: // single value type
		r.valType()
	default: // type index (s33, non-negative)
		if v := r.s33(); r.err == nil && v < 0 {
			r.fail("bad block type %d", v)
		}
	}
}

// miscOp skips the sub-opcode and immediates after the 0xfc prefix
// (saturating truncation, bulk memory, reference-type table operations).
func (r *reader) miscOp() {
	switch op := r.u32(); {
	case r.err != nil:
	case op <= 0x07: // trunc_sat
	case op == 0x08, op == 0x0a, op == 0x0c, op == 0x0e:
		// memory.init data mem, memory.copy mem mem, table.init elem table,
		// table.copy table table
		r.u32()
		r.u32()
	case op == 0x09, op == 0x0b, op == 0x0d, op >= 0x0f && op <= 0x11:
		// data.drop, memory.fill, elem.drop, table.grow/size/fill
		r.u32()
	default:
		r.fail("unknown 0xfc sub-opcode %#x", op)
	}
}

// simdOp skips the sub-opcode and immediates after the 0xfd prefix (fixed
// 128-bit SIMD and relaxed SIMD).
func (r *reader) simdOp() {
	switch op := r.u32(); {
	case r.err != nil:
	case op <= 0x0b, op == 0x5c, op == 0x5d: // v128 loads and stores
		r.memarg()
	case op == 0x0c, op == 0x0d: // v128.const, i8x16.shuffle
		r.skip(16)
	case op >= 0x15 && op <= 0x22: // extract_lane, replace_lane
		r.skip(1)
	case op >= 0x54 && op <= 0x5b: // load/store lane
		r.memarg()
		r.skip(1)
	case op <= 0xff && !unassignedSIMD[op]:
	case op >= 0x100 && op <= 0x113: // relaxed SIMD
	default:
		r.fail("unknown 0xfd sub-opcode %#x", op)
	}
}

// unassignedSIMD marks the holes in the 0xfd 0x00..0xff opcode space.
var unassignedSIMD = [256]bool{
	0x9a: true, 0xa2: true, 0xa5: true, 0xa6: true, 0xaf: true, 0xb0: true,
	0xb2: true, 0xb3: true, 0xb4: true, 0xbb: true, 0xc2: true, 0xc5: true,
	0xc6: true, 0xcf: true, 0xd0: true, 0xd2: true, 0xd3: true, 0xd4: true,
	0xe2: true, 0xee: true,
}

// atomicOp skips the sub-opcode and immediates after the 0xfe prefix
// (threads).
func (r *reader) atomicOp() {
	switch op := r.u32(); {
	case r.err != nil:
	case op <= 0x02, op >= 0x10 && op <= 0x4e: // notify, wait, loads, stores, rmw
		r.memarg()
	case op == 0x03: // atomic.fence
		if c := r.byte(); c != 0 {
			r.fail("bad atomic.fence immediate %#x", c)
		}
	default:
		r.fail("unknown 0xfe sub-opcode %#x", op)
	}
}
