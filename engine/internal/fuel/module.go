package fuel

import (
	"bytes"
	"fmt"
	"math"
)

// Section ids of the binary format.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

// sectionRank gives the position each known section must appear in
// (non-custom sections appear at most once, in increasing rank). The tag
// section sits between memory and global, data count between element and
// code.
var sectionRank = [...]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5,
	secTag: 6, secGlobal: 7, secExport: 8, secStart: 9, secElement: 10,
	secDataCount: 11, secCode: 12, secData: 13,
}

var header = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

type section struct {
	id         byte
	start, end int // the whole section (id, size, content) in the input
	content    int // start of the content
}

type module struct {
	in              []byte
	sections        []section
	importedGlobals uint32
	// memory is whether the module has a memory (imported or defined), and
	// memory64 whether the first one, index 0, has 64-bit addresses: the
	// check's yield is a memory.grow of 0 pages on memory 0.
	memory, memory64 bool
	// importedFuncs and funcs count the imported and defined functions: the
	// yield function is appended after them.
	importedFuncs, funcs uint32
	types                uint32 // entries of the type section
	typeSec, funcSec     int    // index into sections, or -1
	definedGlobals       uint32
	exports              uint32
	global, export       int // index into sections, or -1
	code                 int // index into sections, or -1
	fuelExport           int // offset of an existing GlobalExport or YieldExport entry, or -1
}

func parseModule(in []byte) (*module, error) {
	if len(in) < 8 || !bytes.Equal(in[:4], header[:4]) {
		return nil, malformed(0, "missing \\0asm magic")
	}
	if !bytes.Equal(in[4:8], header[4:8]) {
		return nil, &Error{Code: CodeUnsupported, Offset: 4, Msg: fmt.Sprintf("binary version % x (want 01 00 00 00; components are not supported)", in[4:8])}
	}
	m := &module{in: in, global: -1, export: -1, code: -1, fuelExport: -1, typeSec: -1, funcSec: -1}
	r := &reader{b: in, off: 8}
	lastRank := 0
	for r.off < len(in) {
		s := section{start: r.off}
		s.id = r.byte()
		size := r.u32()
		s.content = r.off
		r.skip(uint64(size))
		if r.err != nil {
			return nil, r.err
		}
		s.end = r.off
		c := &reader{b: in[:s.end], off: s.content}
		switch {
		case s.id == secCustom:
			name := c.name()
			if c.err == nil && string(name) == "name" {
				checkNameSection(c)
			}
			if c.err != nil {
				return nil, c.err
			}
			m.sections = append(m.sections, s)
			continue
		case int(s.id) >= len(sectionRank):
			return nil, malformed(s.start, "unknown section id %d", s.id)
		case sectionRank[s.id] <= lastRank:
			return nil, malformed(s.start, "section id %d duplicated or out of order", s.id)
		}
		lastRank = sectionRank[s.id]
		if s.id != secStart && s.id != secDataCount {
			// Every other known section is a vector whose elements take
			// at least one byte each. wazero v1.12.0 preallocates the
			// declared length before reading, so a few bytes declaring
			// 10^8 imports cost it gigabytes; refuse such counts here.
			// wazero reads the count with a reader over the whole
			// module, so a count that runs past the section's end is
			// read from the next section's bytes: refuse it too.
			cc := *c
			n := cc.u32()
			if cc.err != nil {
				return nil, cc.err
			}
			if uint64(n) > uint64(s.end-cc.off) {
				return nil, malformed(s.content, "section %d declares %d entries in %d bytes", s.id, n, s.end-cc.off)
			}
		}
		switch s.id {
		case secType:
			m.typeSec = len(m.sections)
			m.types = parseTypes(c)
		case secImport:
			m.importedGlobals = parseImports(c, m)
		case secMemory:
			parseMemories(c, m)
		case secFunction:
			m.funcSec = len(m.sections)
			m.funcs = parseFunctions(c, m.types)
		case secGlobal:
			m.global = len(m.sections)
			m.definedGlobals = c.u32()
		case secExport:
			m.export = len(m.sections)
			m.exports, m.fuelExport = parseExports(c)
		case secCode:
			m.code = len(m.sections)
		case secElement:
			parseElements(c)
		case secData:
			parseData(c)
		}
		if c.err != nil {
			return nil, c.err
		}
		m.sections = append(m.sections, s)
	}
	return m, nil
}

// parseTypes validates the type section's structure. Instrument does not
// need the types, but wazero v1.12.0 allocates vectors of the declared
// lengths before reading them, so a few bytes declaring 10^8 results stall
// the host for seconds; counts longer than the remaining bytes are rejected
// here as malformed.
func parseTypes(r *reader) uint32 {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if form := r.byte(); form != 0x60 && r.err == nil {
			r.err = &Error{Code: CodeUnsupported, Offset: r.base + r.off - 1, Msg: fmt.Sprintf("type form %#x (only function types are supported)", form)}
			return 0
		}
		for j := 0; j < 2; j++ { // params, results
			m := r.u32()
			if r.err == nil && uint64(m) > uint64(len(r.b)-r.off) {
				r.fail("%d value types declared, %d bytes left", m, len(r.b)-r.off)
			}
			for k := uint32(0); k < m && r.err == nil; k++ {
				r.valType()
			}
		}
	}
	r.end("type")
	return n
}

// parseFunctions checks that every function's type index names a type.
// wazero v1.12.0 validates a call to a function with an out-of-range type
// index by indexing its type section, and panics.
func parseFunctions(r *reader, types uint32) uint32 {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if t := r.u32(); r.err == nil && t >= types {
			r.fail("function %d has type index %d, module has %d types", i, t, types)
		}
	}
	r.end("function")
	return n
}

// parseImports validates the import section's structure and returns the
// number of imported globals.
func parseImports(r *reader, m *module) uint32 {
	types := m.types
	n := r.u32()
	var globals uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.name() // module
		r.name() // field
		switch kind := r.byte(); kind {
		case 0x00: // function
			if t := r.u32(); r.err == nil && t >= types {
				r.fail("imported function has type index %d, module has %d types", t, types)
			}
			m.importedFuncs++
		case 0x01: // table
			r.valType()
			r.limits()
		case 0x02: // memory
			m.memoryLimits(r.limits())
		case 0x03: // global
			r.valType()
			if mut := r.byte(); mut > 1 {
				r.fail("bad global mutability %#x", mut)
			}
			globals++
		case 0x04: // tag (exception handling)
			if attr := r.byte(); attr != 0 {
				r.fail("bad tag attribute %#x", attr)
			}
			r.u32()
		default:
			r.fail("bad import kind %#x", kind)
		}
	}
	r.end("import")
	return globals
}

// parseExports validates the export section's structure and returns the
// number of exports and the offset of the first GlobalExport or YieldExport
// entry (-1 if none).
func parseExports(r *reader) (n uint32, fuelExport int) {
	n, fuelExport = r.u32(), -1
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.off
		name := r.name()
		if kind := r.byte(); kind > 0x04 {
			r.fail("bad export kind %#x", kind)
		}
		r.u32()
		if r.err == nil && (string(name) == GlobalExport || string(name) == YieldExport) && fuelExport < 0 {
			fuelExport = r.base + start
		}
	}
	r.end("export")
	return n, fuelExport
}

// limits skips a table or memory limits structure, including the threads
// (shared), memory64 and custom-page-size flags, and returns its flags.
func (r *reader) limits() byte {
	flags := r.byte()
	if flags > 0x0f {
		r.fail("bad limits flags %#x", flags)
		return 0
	}
	size := func() {
		if flags&0x04 != 0 {
			r.u64()
		} else {
			r.u32()
		}
	}
	size()
	if flags&0x01 != 0 {
		size()
	}
	if flags&0x08 != 0 {
		r.u32()
	}
	return flags
}

// memoryLimits records a memory's limits flags, in index order: the first
// memory is memory 0.
func (m *module) memoryLimits(flags byte) {
	if !m.memory {
		m.memory, m.memory64 = true, flags&0x04 != 0
	}
}

// parseMemories validates the memory section's structure and records its
// first memory when no memory was imported.
func parseMemories(r *reader, m *module) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		m.memoryLimits(r.limits())
	}
	r.end("memory")
}

// end fails unless the reader consumed its whole section.
func (r *reader) end(what string) {
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d trailing bytes in %s section", len(r.b)-r.off, what)
	}
}

// rewrite produces the instrumented module.
func (m *module) rewrite(initial int64) ([]byte, error) {
	if m.fuelExport >= 0 {
		return nil, &Error{Code: CodeExportExists, Offset: m.fuelExport, Msg: "module already exports " + GlobalExport + " or " + YieldExport}
	}
	globalIdx := uint64(m.importedGlobals) + uint64(m.definedGlobals)
	if globalIdx+1 >= math.MaxUint32 || m.definedGlobals >= math.MaxUint32-1 || m.exports >= math.MaxUint32-1 {
		return nil, &Error{Code: CodeTooLarge, Offset: -1, Msg: "too many globals or exports"}
	}
	fuelIdx, yieldIdx := uint32(globalIdx), uint32(globalIdx+1)
	loop := fuelCheck(fuelIdx)
	entry, yieldFn := loop, []byte(nil)
	// The yield function (see yieldBody) is appended as the last function,
	// of a type appended as the last type, so no index changes. It needs a
	// memory to grow and functions to call it from.
	yield := m.memory && m.funcs > 0 && m.typeSec >= 0 && m.funcSec >= 0 && m.code >= 0 &&
		m.types < math.MaxUint32-1 && uint64(m.importedFuncs)+uint64(m.funcs) < math.MaxUint32-1
	if yield {
		entry = entryCheck(fuelIdx, yieldIdx, m.importedFuncs+m.funcs)
		body := yieldBody(fuelIdx, yieldIdx, m.memory64)
		yieldFn = append(appendULEB(nil, uint64(len(body))), body...)
	}

	out := make([]byte, 0, len(m.in)+len(m.in)/8+64)
	out = append(out, header...)
	// Scratch for rebuilt section contents, sized for the code section.
	content := make([]byte, 0, len(m.in)+len(m.in)/8)
	emit := func(id byte, c []byte) error {
		if uint64(len(c)) > math.MaxUint32 {
			return &Error{Code: CodeTooLarge, Offset: -1, Msg: fmt.Sprintf("section %d exceeds 4 GiB", id)}
		}
		out = append(out, id)
		out = appendULEB(out, uint64(len(c)))
		out = append(out, c...)
		return nil
	}
	// newGlobals appends the fuel global and the yield threshold's.
	newGlobals := func(c []byte) []byte {
		for _, v := range [...]int64{initial, YieldAt(initial)} {
			c = append(c, 0x7e, 0x01, 0x42) // i64, mutable, init: i64.const
			c = appendSLEB(c, v)
			c = append(c, 0x0b)
		}
		return c
	}
	newExports := func(c []byte) []byte {
		for i, name := range [...]string{GlobalExport, YieldExport} {
			c = appendULEB(c, uint64(len(name)))
			c = append(c, name...)
			c = append(c, 0x03) // global
			c = appendULEB(c, globalIdx+uint64(i))
		}
		return c
	}
	globalDone, exportDone := m.global >= 0, m.export >= 0
	// insertMissing emits the global and export sections a module lacks, just
	// before the first known section that must follow them.
	insertMissing := func(beforeRank int) error {
		if !globalDone && beforeRank > sectionRank[secGlobal] {
			globalDone = true
			if err := emit(secGlobal, newGlobals(appendULEB(content[:0], 2))); err != nil {
				return err
			}
		}
		if !exportDone && beforeRank > sectionRank[secExport] {
			exportDone = true
			if err := emit(secExport, newExports(appendULEB(content[:0], 2))); err != nil {
				return err
			}
		}
		return nil
	}

	// Missing sections go before the custom sections that end the module,
	// not after them: wazero v1.12.0 reads a "name" section's subsections
	// past their declared sizes, which the end of the module stops but a
	// section after it does not (it then refuses the module).
	lastKnown := -1
	for i, s := range m.sections {
		if s.id != secCustom {
			lastKnown = i
		}
	}
	for i, s := range m.sections {
		rank := math.MaxInt // past the last known section
		if s.id != secCustom {
			rank = sectionRank[s.id]
		}
		if s.id != secCustom || i > lastKnown {
			if err := insertMissing(rank); err != nil {
				return nil, err
			}
		}
		var err error
		switch i {
		case m.global:
			c := &reader{b: m.in[:s.end], off: s.content}
			c.u32()
			content = appendULEB(content[:0], uint64(m.definedGlobals)+2)
			content = append(content, m.in[c.off:s.end]...)
			err = emit(secGlobal, newGlobals(content))
		case m.export:
			c := &reader{b: m.in[:s.end], off: s.content}
			c.u32()
			content = appendULEB(content[:0], uint64(m.exports)+2)
			content = append(content, m.in[c.off:s.end]...)
			err = emit(secExport, newExports(content))
		case m.typeSec, m.funcSec:
			if !yield {
				out = append(out, m.in[s.start:s.end]...)
				break
			}
			c := &reader{b: m.in[:s.end], off: s.content}
			n := c.u32()
			content = appendULEB(content[:0], uint64(n)+1)
			content = append(content, m.in[c.off:s.end]...)
			if i == m.typeSec {
				content = append(content, 0x60, 0x00, 0x00) // func () -> ()
			} else {
				content = appendULEB(content, uint64(m.types)) // the type just added
			}
			err = emit(s.id, content)
		case m.code:
			content, err = instrumentCode(m.in[:s.end], s.content, entry, loop, yieldFn, content[:0])
			if err == nil {
				err = emit(secCode, content)
			}
		default:
			out = append(out, m.in[s.start:s.end]...)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := insertMissing(math.MaxInt); err != nil {
		return nil, err
	}
	return out, nil
}

// fuelCheck returns the instruction sequence charged at loop headers (and
// at function entries when the module has no yield function) for the fuel
// global at index g: subtract 1 and trap if the result is negative.
func fuelCheck(g uint32) []byte {
	c := make([]byte, 0, 24)
	c = append(c, 0x23) // global.get
	c = appendULEB(c, uint64(g))
	c = append(c, 0x42, 0x01, 0x7d, 0x24) // i64.const 1; i64.sub; global.set
	c = appendULEB(c, uint64(g))
	c = append(c, 0x23) // global.get (wazero forwards the value just stored)
	c = appendULEB(c, uint64(g))
	c = append(c, 0x42, 0x00, 0x53) // i64.const 0; i64.lt_s
	c = append(c, 0x04, 0x40, 0x00, 0x0b)
	return c // if (empty) unreachable end
}

// entryCheck returns the check charged at function entries in a module with
// a yield function (index fn, see yieldBody): subtract 1 and call fn if the
// fuel fell below the yield threshold (global y), which is never above 0,
// so that the call also happens, and traps, when the fuel is negative.
//
// Loop headers do not yield, and the yield is a function of its own: wazero
// compiles memory.grow like a call, and a call in a loop or function makes
// the values it carries in registers go through memory around it. With the
// yield's code inline at function entries and loop headers, the core
// pipeline's guest calls took ~2.3 us (5.5%) more per request; inline at
// function entries only, ~1.3 us (3%).
func entryCheck(g, y, fn uint32) []byte {
	c := make([]byte, 0, 32)
	c = append(c, 0x23) // global.get
	c = appendULEB(c, uint64(g))
	c = append(c, 0x42, 0x01, 0x7d, 0x24) // i64.const 1; i64.sub; global.set
	c = appendULEB(c, uint64(g))
	c = append(c, 0x23) // global.get
	c = appendULEB(c, uint64(g))
	c = append(c, 0x23) // global.get
	c = appendULEB(c, uint64(y))
	c = append(c, 0x53, 0x04, 0x40, 0x10) // i64.lt_s; if (empty); call
	c = appendULEB(c, uint64(fn))
	return append(c, 0x0b) // end
}

// yieldBody returns the body (locals and code) of the yield function for
// the fuel global g and the yield threshold's y: trap if the fuel is
// negative, else grow memory 0 by 0 pages (wazero leaves the guest's code
// for Go to grow a memory, so this is where a pending stop-the-world can
// stop the goroutine; 0 pages change nothing) and set the next threshold
// YieldEvery units lower, at least 0. It is not instrumented.
func yieldBody(g, y uint32, memory64 bool) []byte {
	get := func(c []byte, idx uint32) []byte { return appendULEB(append(c, 0x23), uint64(idx)) }
	c := []byte{0x00} // no locals
	c = get(c, g)
	c = append(c, 0x42, 0x00, 0x53, 0x04, 0x40, 0x00, 0x0b) // i64.const 0; i64.lt_s; if unreachable end
	if memory64 {
		c = append(c, 0x42, 0x00) // i64.const 0
	} else {
		c = append(c, 0x41, 0x00) // i32.const 0
	}
	c = append(c, 0x40, 0x00, 0x1a) // memory.grow 0; drop
	// y = fuel > YieldEvery ? fuel - YieldEvery : 0
	c = get(c, g)
	c = append(c, 0x42)
	c = appendSLEB(c, YieldEvery)
	c = append(c, 0x7d, 0x42, 0x00) // i64.sub; i64.const 0
	c = get(c, g)
	c = append(c, 0x42)
	c = appendSLEB(c, YieldEvery)
	c = append(c, 0x55, 0x1b, 0x24) // i64.gt_s; select; global.set
	c = appendULEB(c, uint64(y))
	return append(c, 0x0b) // end
}

// checkNameSection walks the standard "name" custom section (module name,
// function names and local names subsections) within its bounds. wazero
// v1.12.0 decodes it eagerly and preallocates every declared count and
// name length, so a few bytes declaring 10^9 local names make it die with
// a fatal out-of-memory error that no recover can catch. Every entry takes
// at least two bytes (an index and a name length), so counts larger than
// half the bytes left, names longer than the bytes left, or a subsection
// overrunning the section are refused here before wazero sees the module.
func checkNameSection(r *reader) {
	end := len(r.b)
	for r.off < end && r.err == nil {
		id := r.byte()
		size := r.u32()
		if r.err != nil {
			return
		}
		if uint64(size) > uint64(end-r.off) {
			r.fail("name section: subsection %d of %d bytes overruns the section", id, size)
			return
		}
		sub := &reader{b: r.b[:r.off+int(size)], off: r.off}
		r.skip(uint64(size))
		switch id {
		case 0: // module name
			sub.name()
		case 1: // function names
			nameMap(sub, "function names")
		case 2: // local names
			n := sub.u32()
			if sub.err == nil && uint64(n) > uint64(len(sub.b)-sub.off)/2 {
				sub.fail("name section: local names declare %d functions in %d bytes", n, len(sub.b)-sub.off)
			}
			for i := uint32(0); i < n && sub.err == nil; i++ {
				sub.u32() // function index
				nameMap(sub, "local names")
			}
		}
		if sub.err != nil {
			r.err = sub.err
			return
		}
	}
}

// nameMap reads a name map (vec of index + name) within r's bounds.
func nameMap(r *reader, what string) {
	n := r.u32()
	if r.err == nil && uint64(n) > uint64(len(r.b)-r.off)/2 {
		r.fail("name section: %s declare %d entries in %d bytes", what, n, len(r.b)-r.off)
		return
	}
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.u32()
		r.name()
	}
}

// vecLen reads a vector length and fails when its elements, of at least
// minSize bytes each, cannot fit in what is left of r. wazero v1.12.0
// allocates the declared length before reading the elements.
func (r *reader) vecLen(minSize int, what string) uint32 {
	n := r.u32()
	if r.err == nil && uint64(n)*uint64(minSize) > uint64(len(r.b)-r.off) {
		r.fail("%s: %d entries declared, %d bytes left", what, n, len(r.b)-r.off)
		return 0
	}
	return n
}

// constExpr skips a constant expression up to and including its end, with
// the instructions wazero v1.12.0 accepts there (extended-const included).
func (r *reader) constExpr() {
	for r.err == nil {
		switch op := r.byte(); op {
		case 0x0b: // end
			return
		case 0x41:
			r.s32()
		case 0x42:
			r.s64()
		case 0x43:
			r.skip(4)
		case 0x44:
			r.skip(8)
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // i32/i64 add, sub, mul
		case 0x23, 0xd2: // global.get, ref.func
			r.u32()
		case 0xd0: // ref.null: a short reference type or a type index
			if c := r.byte(); r.err == nil && c != 0x70 && c != 0x6f && c != 0x69 {
				r.off--
				r.u32()
			}
		case 0xfd: // v128.const
			if sub := r.u32(); r.err == nil && sub != 12 {
				r.fail("vector opcode %#x in a constant expression", sub)
			}
			r.skip(16)
		default:
			if r.err == nil {
				r.off--
				r.fail("opcode %#x in a constant expression", op)
			}
		}
	}
}

// parseElements validates the element section's structure (all eight
// segment forms) so that no vector declares more entries than it has bytes.
func parseElements(r *reader) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		if r.err != nil {
			return
		}
		if flags > 7 {
			r.fail("bad element segment flags %d", flags)
			return
		}
		if flags&0x02 != 0 && flags&0x01 == 0 { // explicit table index
			r.u32()
		}
		if flags&0x01 == 0 { // active: offset expression
			r.constExpr()
		}
		exprs := flags&0x04 != 0
		if flags&0x03 != 0 { // elemkind or reftype
			if exprs {
				r.valType()
			} else if k := r.byte(); r.err == nil && k != 0 {
				r.fail("bad element kind %#x", k)
			}
		}
		if exprs {
			m := r.vecLen(2, "element expressions")
			for j := uint32(0); j < m && r.err == nil; j++ {
				r.constExpr()
			}
		} else {
			m := r.vecLen(1, "element function indices")
			for j := uint32(0); j < m && r.err == nil; j++ {
				r.u32()
			}
		}
	}
	r.end("element")
}

// parseData validates the data section's structure so that no segment
// declares more bytes than the section holds.
func parseData(r *reader) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		switch flags := r.u32(); {
		case r.err != nil:
		case flags == 0:
			r.constExpr()
		case flags == 1:
		case flags == 2:
			r.u32()
			r.constExpr()
		default:
			r.fail("bad data segment flags %d", flags)
		}
		r.skip(uint64(r.vecLen(1, "data segment")))
	}
	r.end("data")
}
