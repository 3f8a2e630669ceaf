package extismguard

// extismEnv is the import module every Extism PDK links against.
const extismEnv = "extism:host/env"

// IsExtism reports whether wasm is a module built with an Extism PDK: some
// import comes from the module "extism:host/env". It reads only the module
// header and the import section (no compilation) and returns false for
// anything it cannot parse; the caller's real compile reports those errors.
func IsExtism(wasm []byte) bool {
	found := false
	_ = forEachImportModule(wasm, func(mod []byte) bool {
		if string(mod) == extismEnv {
			found = true
			return false
		}
		return true
	})
	return found
}

// forEachImportModule calls fn with the module name of each import in
// order until fn returns false. It returns false when wasm is malformed.
func forEachImportModule(wasm []byte, fn func(mod []byte) bool) bool {
	r := reader{b: wasm}
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" || wasm[4] != 1 || wasm[5] != 0 || wasm[6] != 0 || wasm[7] != 0 {
		return false
	}
	r.i = 8
	for r.i < len(r.b) {
		id := r.byte()
		size := r.u32()
		if r.bad || uint64(size) > uint64(len(r.b)-r.i) {
			return false
		}
		end := r.i + int(size)
		switch {
		case id == 0: // custom sections may appear anywhere
		case id == 2:
			return parseImports(reader{b: r.b[:end], i: r.i}, fn)
		case id > 2 && id != 12: // past where imports may be (12 = data count)
			return true
		}
		r.i = end
	}
	return true
}

func parseImports(r reader, fn func(mod []byte) bool) bool {
	n := r.u32()
	for j := uint32(0); j < n && !r.bad; j++ {
		mod := r.name()
		r.name() // field
		switch r.byte() {
		case 0x00: // func: type index
			r.u32()
		case 0x01: // table: reftype, limits
			r.byte()
			r.limits()
		case 0x02: // memory: limits
			r.limits()
		case 0x03: // global: valtype, mutability
			r.byte()
			r.byte()
		case 0x04: // tag: attribute, type index
			r.byte()
			r.u32()
		default:
			return false
		}
		if r.bad {
			return false
		}
		if !fn(mod) {
			return true
		}
	}
	return !r.bad
}

// reader decodes the few LEB128 forms the import section uses. Any read
// past the end sets bad and returns zero values.
type reader struct {
	b   []byte
	i   int
	bad bool
}

func (r *reader) byte() byte {
	if r.i >= len(r.b) {
		r.bad = true
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

func (r *reader) u64() uint64 {
	var v uint64
	for shift := uint(0); shift < 70; shift += 7 {
		c := r.byte()
		if r.bad {
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.bad = true
	return 0
}

func (r *reader) u32() uint32 {
	v := r.u64()
	if v > 0xffffffff {
		r.bad = true
		return 0
	}
	return uint32(v)
}

func (r *reader) name() []byte {
	n := r.u32()
	if r.bad || uint64(n) > uint64(len(r.b)-r.i) {
		r.bad = true
		return nil
	}
	s := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return s
}

func (r *reader) limits() {
	flags := r.byte()
	r.u64()
	if flags&1 != 0 {
		r.u64()
	}
}
