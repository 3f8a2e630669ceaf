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
			c.name()
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
			cc := *c
			if n := cc.u32(); cc.err == nil && uint64(n) > uint64(s.end-cc.off) {
				return nil, malformed(s.content, "section %d declares %d entries in %d bytes", s.id, n, s.end-cc.off)
			}
		}
		switch s.id {
		case secType:
			parseTypes(c)
		case secImport:
			m.importedGlobals = parseImports(c)
		case secGlobal:
			m.global = len(m.sections)
			m.definedGlobals = c.u32()
		case secExport:
			m.export = len(m.sections)
			m.exports, m.fuelExport = parseExports(c)
		case secCode:
			m.code = len(m.sections)
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
func parseTypes(r *reader) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if form := r.byte(); form != 0x60 && r.err == nil {
			r.err = &Error{Code: CodeUnsupported, Offset: r.base + r.off - 1, Msg: fmt.Sprintf("type form %#x (only function types are supported)", form)}
			return
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
}

// parseImports validates the import section's structure and returns the
// number of imported globals.
func parseImports(r *reader) uint32 {
	n := r.u32()
	var globals uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.name() // module
		r.name() // field
		switch kind := r.byte(); kind {
		case 0x00: // function
			r.u32()
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

	for i, s := range m.sections {
		if s.id != secCustom {
			if err := insertMissing(sectionRank[s.id]); err != nil {
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
