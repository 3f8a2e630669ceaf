package fuel

// reader decodes the primitive encodings of the WebAssembly binary format
// from b. Errors are sticky: after the first failure every method returns a
// zero value and err keeps the first error, so callers may decode a whole
// construct and check err once.
type reader struct {
	b    []byte
	off  int
	base int // offset of b[0] in the module, for error positions
	err  *Error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = malformed(r.base+r.off, format, args...)
	}
	r.off = len(r.b)
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("unexpected end")
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

// skip advances over n bytes.
func (r *reader) skip(n uint64) {
	if r.err != nil {
		return
	}
	if n > uint64(len(r.b)-r.off) {
		r.fail("unexpected end: need %d bytes, have %d", n, len(r.b)-r.off)
		return
	}
	r.off += int(n)
}

// bytes returns the next n bytes (aliasing r.b).
func (r *reader) bytes(n uint64) []byte {
	start := r.off
	r.skip(n)
	if r.err != nil {
		return nil
	}
	return r.b[start:r.off]
}

// name reads a length-prefixed byte string (aliasing r.b).
func (r *reader) name() []byte { return r.bytes(uint64(r.u32())) }

func (r *reader) u32() uint32 { return uint32(r.uleb(32)) }
func (r *reader) u64() uint64 { return r.uleb(64) }
func (r *reader) s32() int32  { return int32(r.sleb(32)) }
func (r *reader) s33() int64  { return r.sleb(33) }
func (r *reader) s64() int64  { return r.sleb(64) }

// uleb reads an unsigned LEB128 integer of at most bits bits, rejecting
// encodings longer than ceil(bits/7) bytes and values that do not fit.
func (r *reader) uleb(bits uint) uint64 {
	maxBytes := (bits + 6) / 7
	var v uint64
	var shift uint
	for i := uint(0); ; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if i == maxBytes-1 {
			if c&0x80 != 0 {
				r.fail("integer representation too long")
				return 0
			}
			if used := bits - shift; used < 7 && c>>used != 0 {
				r.fail("integer too large")
				return 0
			}
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			return v
		}
	}
}

// sleb reads a signed LEB128 integer of at most bits bits (two's complement),
// rejecting over-long encodings and values that do not fit.
func (r *reader) sleb(bits uint) int64 {
	maxBytes := (bits + 6) / 7
	var v int64
	var shift uint
	for i := uint(0); ; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		last := i == maxBytes-1
		if last {
			if c&0x80 != 0 {
				r.fail("integer representation too long")
				return 0
			}
			// The unused high bits of the last byte must all equal the
			// sign bit (the highest used bit).
			if used := bits - shift; used < 7 {
				mask := byte(0x7f) &^ (byte(1)<<(used-1) - 1)
				if s := c & mask; s != 0 && s != mask {
					r.fail("integer too large")
					return 0
				}
			}
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if last || c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v
		}
	}
}

func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
