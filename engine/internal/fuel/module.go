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
	types           uint32 // entries of the type section
	definedGlobals  uint32
	exports         uint32
	global, export  int // index into sections, or -1
	code            int // index into sections, or -1
	fuelExport      int // offset of an existing GlobalExport entry, or -1
}

func parseModule(in []byte) (*module, error) {
	if len(in) < 8 || !bytes.Equal(in[:4], header[:4]) {
		return nil, malformed(0, "missing \\0asm magic")
	}
	if !bytes.Equal(in[4:8], header[4:8]) {
		return nil, &Error{Code: CodeUnsupported, Offset: 4, Msg: fmt.Sprintf("binary version % x (want 01 00 00 00; components are not supported)", in[4:8])}
	}
	m := &module{in: in, global: -1, export: -1, code: -1, fuelExport: -1}
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
			m.types = parseTypes(c)
		case secImport:
			m.importedGlobals = parseImports(c, m.types)
		case secFunction:
			parseFunctions(c, m.types)
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
func parseFunctions(r *reader, types uint32) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if t := r.u32(); r.err == nil && t >= types {
			r.fail("function %d has type index %d, module has %d types", i, t, types)
		}
	}
	r.end("function")
}

// parseImports validates the import section's structure and returns the
// number of imported globals.
func parseImports(r *reader, types uint32) uint32 {
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
		case 0x01: // table
			r.valType()
			r.limits()
		case 0x02: // memory
			r.limits()
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
// number of exports and the offset of the GlobalExport entry (-1 if none).
func parseExports(r *reader) (n uint32, fuelExport int) {
	n, fuelExport = r.u32(), -1
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.off
		name := r.name()
		if kind := r.byte(); kind > 0x04 {
			r.fail("bad export kind %#x", kind)
		}
		r.u32()
		if r.err == nil && string(name) == GlobalExport {
			fuelExport = r.base + start
		}
	}
	r.end("export")
	return n, fuelExport
}

// limits skips a table or memory limits structure, including the threads
// (shared), memory64 and custom-page-size flags.
func (r *reader) limits() {
	flags := r.byte()
	if flags > 0x0f {
		r.fail("bad limits flags %#x", flags)
		return
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
		return nil, &Error{Code: CodeExportExists, Offset: m.fuelExport, Msg: "module already exports " + GlobalExport}
	}
	globalIdx := uint64(m.importedGlobals) + uint64(m.definedGlobals)
	if globalIdx >= math.MaxUint32 || m.definedGlobals == math.MaxUint32 || m.exports == math.MaxUint32 {
		return nil, &Error{Code: CodeTooLarge, Offset: -1, Msg: "too many globals or exports"}
	}
	check := fuelCheck(uint32(globalIdx))

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
	newGlobal := func(c []byte) []byte {
		c = append(c, 0x7e, 0x01, 0x42) // i64, mutable, init: i64.const
		c = appendSLEB(c, initial)
		return append(c, 0x0b)
	}
	newExport := func(c []byte) []byte {
		c = appendULEB(c, uint64(len(GlobalExport)))
		c = append(c, GlobalExport...)
		c = append(c, 0x03) // global
		return appendULEB(c, globalIdx)
	}
	globalDone, exportDone := m.global >= 0, m.export >= 0
	// insertMissing emits the global and export sections a module lacks, just
	// before the first known section that must follow them.
	insertMissing := func(beforeRank int) error {
		if !globalDone && beforeRank > sectionRank[secGlobal] {
			globalDone = true
			if err := emit(secGlobal, newGlobal(appendULEB(content[:0], 1))); err != nil {
				return err
			}
		}
		if !exportDone && beforeRank > sectionRank[secExport] {
			exportDone = true
			if err := emit(secExport, newExport(appendULEB(content[:0], 1))); err != nil {
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
			content = appendULEB(content[:0], uint64(m.definedGlobals)+1)
			content = append(content, m.in[c.off:s.end]...)
			err = emit(secGlobal, newGlobal(content))
		case m.export:
			c := &reader{b: m.in[:s.end], off: s.content}
			c.u32()
			content = appendULEB(content[:0], uint64(m.exports)+1)
			content = append(content, m.in[c.off:s.end]...)
			err = emit(secExport, newExport(content))
		case m.code:
			content, err = instrumentCode(m.in[:s.end], s.content, check, content[:0])
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

// fuelCheck returns the instruction sequence charged at function entry and
// loop headers for the fuel global at index g.
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
