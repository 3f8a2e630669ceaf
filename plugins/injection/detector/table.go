package detector

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// The keyword automaton and its normalised keywords are generated at
// build time into dfa.bin (embedded in the module), so that
// ward_configure builds neither from the keyword tables: inside Wasm,
// what building cost was mostly allocating fresh linear memory (many
// small strings for the keywords, the trie's growth), not computing.
//
// The automaton is stored as its trie (5 bytes a state, ~0.1 MB), not as
// the dense DFA the scan reads (states*k u16, 6.8 MB): every instance of
// a module gets the module's whole data copied into its linear memory,
// and every guard of the built-in module (plugins/builtin) would carry
// the injection guard's DFA. tableMatcher expands it at configure time,
// only in the injection guard's instances, with newMatcher's expansion
// (expand). Output lists and keywords are used as they lie in the
// module's data, without a copy.
//
// Regenerate it after changing the keyword tables or the normalisation
// (TestDFATable fails until then):
//
//go:generate go test -tags nodfa -run ^TestDFATable$ -update-dfa
//
// dfa.bin is a build output, not committed: `go tool task plugins` (and so
// build, test and demo) generates it before building the guards. The
// nodfa build tag compiles the package without it (table_nodfa.go), which
// is how the generator itself runs on a fresh clone; a guard built that
// way builds its automaton at configure time.
//
// dfa.bin (little-endian):
//
//	"WARDDFA4" | u32 k | u32 states | u32 nouts | u32 nkw |
//	u64 FNV-1a digest of the keyword source tables | class[256] |
//	child[states] u16 | sibling[states] u16 | via[states] u8 | pad to 4 |
//	outIdx[states+1] i32 | outs[nouts] i32 |
//	nkw × (u8 class | u8 flags: 1 stem, 2 word start, 4 ROT13 | u16 len | text)
//
// child, sibling and via are the trie (newMatcher): a state's first
// child and next sibling (0: none) and the class of the byte leading to
// it. The digest ties the table to the keyword tables it was built from
// (classWords, tokenWords): a table of other keywords is ignored and
// everything is built at configure time (correct, only slower).

const dfaMagic = "WARDDFA4"

// sourceDigest identifies the keyword source tables: FNV-1a (64 bits) of
// each word's length and text. It only tells a stale generated table from
// a current one (nothing adversarial: the table is a build output
// embedded in the module), so it need not be a cryptographic hash, and
// crypto/sha256 would link the standard library's FIPS module (its
// initialisation, AES, DRBG, os: ~0.1 MB of code) into the guard.
func sourceDigest() [8]byte {
	h := uint64(14695981039346656037)
	add := func(b byte) { h = (h ^ uint64(b)) * 1099511628211 }
	for _, words := range [][]string{classWords[:], tokenWords} {
		for _, w := range words {
			n := uint32(len(w))
			add(byte(n))
			add(byte(n >> 8))
			add(byte(n >> 16))
			add(byte(n >> 24))
			for i := 0; i < len(w); i++ {
				add(w[i])
			}
		}
	}
	var d [8]byte
	binary.LittleEndian.PutUint64(d[:], h)
	return d
}

// appendTable encodes m, built from kws, in dfa.bin's format.
func appendTable(dst []byte, m *matcher, kws []keyword) []byte {
	d := sourceDigest()
	dst = append(dst, dfaMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(m.k))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(m.outIdx)-1))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(m.outs)))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(kws)))
	dst = append(dst, d[:]...)
	dst = append(dst, m.class[:]...)
	for _, v := range m.child {
		dst = binary.LittleEndian.AppendUint16(dst, v)
	}
	for _, v := range m.sibling {
		dst = binary.LittleEndian.AppendUint16(dst, v)
	}
	dst = append(dst, m.via...)
	for len(dst)%4 != 0 {
		dst = append(dst, 0)
	}
	for _, v := range m.outIdx {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
	}
	for _, v := range m.outs {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
	}
	for _, kw := range kws {
		flags := byte(0)
		if kw.stem {
			flags |= 1
		}
		if kw.wordStart {
			flags |= 2
		}
		dst = append(dst, kw.class, flags)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(len(kw.text)))
		dst = append(dst, kw.text...)
	}
	return dst
}

var errStaleTable = errors.New("detector: dfa.bin was built from other keywords")

// tableMatcher returns the matcher and the keywords of the table b. Its DFA is expanded from the table's trie into
// new memory; the rest aliases b when b's layout allows (little-endian
// machine, aligned data; else it is decoded into new slices), the
// keyword texts always. It fails when b is corrupt or was built from
// other keyword tables.
func tableMatcher(b []byte) (*matcher, error) {
	const head = 8 + 4*4 + 8 + 256
	if len(b) < head || string(b[:8]) != dfaMagic {
		return nil, errors.New("detector: dfa.bin is not a keyword table")
	}
	k := binary.LittleEndian.Uint32(b[8:])
	states := binary.LittleEndian.Uint32(b[12:])
	nouts := binary.LittleEndian.Uint32(b[16:])
	nkw := binary.LittleEndian.Uint32(b[20:])
	if d := sourceDigest(); string(b[24:32]) != string(d[:]) {
		return nil, errStaleTable
	}
	if k == 0 || k > 256 || states == 0 || states > hasOut || nkw > 1<<20 || nouts > 1<<24 {
		return nil, errors.New("detector: dfa.bin: corrupt header")
	}
	siblingAt := head + int(states)*2
	viaAt := siblingAt + int(states)*2
	outIdxAt := (viaAt + int(states) + 3) &^ 3
	outsAt := outIdxAt + (int(states)+1)*4
	kwAt := outsAt + int(nouts)*4
	if len(b) < kwAt {
		return nil, errors.New("detector: dfa.bin: truncated")
	}
	m := &matcher{k: int32(k), kw: make([]keyword, nkw)}
	copy(m.class[:], b[32:head])
	for _, c := range m.class {
		if uint32(c) >= k { // a row has k cells
			return nil, errors.New("detector: dfa.bin: byte class out of range")
		}
	}
	for i, p := 0, kwAt; i < int(nkw); i++ {
		if p+4 > len(b) {
			return nil, errors.New("detector: dfa.bin: truncated keywords")
		}
		n := int(binary.LittleEndian.Uint16(b[p+2:]))
		if n == 0 || p+4+n > len(b) {
			return nil, errors.New("detector: dfa.bin: truncated keywords")
		}
		flags := b[p+1]
		m.kw[i] = keyword{text: unsafe.String(&b[p+4], n), class: b[p], stem: flags&1 != 0, wordStart: flags&2 != 0}
		if m.kw[i].class >= numClasses {
			return nil, errors.New("detector: dfa.bin: bad keyword class")
		}
		p += 4 + n
		if i == int(nkw)-1 && p != len(b) {
			return nil, errors.New("detector: dfa.bin: wrong size")
		}
	}
	m.via = b[viaAt : viaAt+int(states)]
	var one uint16 = 1
	le := *(*byte)(unsafe.Pointer(&one)) == 1
	if le && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%4 == 0 {
		m.child = unsafe.Slice((*uint16)(unsafe.Pointer(&b[head])), int(states))
		m.sibling = unsafe.Slice((*uint16)(unsafe.Pointer(&b[siblingAt])), int(states))
		m.outIdx = unsafe.Slice((*int32)(unsafe.Pointer(&b[outIdxAt])), int(states)+1)
		if nouts > 0 {
			m.outs = unsafe.Slice((*int32)(unsafe.Pointer(&b[outsAt])), int(nouts))
		}
	} else {
		m.child = make([]uint16, states)
		m.sibling = make([]uint16, states)
		for i := range m.child {
			m.child[i] = binary.LittleEndian.Uint16(b[head+2*i:])
			m.sibling[i] = binary.LittleEndian.Uint16(b[siblingAt+2*i:])
		}
		m.outIdx = make([]int32, int(states)+1)
		for i := range m.outIdx {
			m.outIdx[i] = int32(binary.LittleEndian.Uint32(b[outIdxAt+4*i:]))
		}
		m.outs = make([]int32, nouts)
		for i := range m.outs {
			m.outs[i] = int32(binary.LittleEndian.Uint32(b[outsAt+4*i:]))
		}
	}
	// The scan's unchecked loads rely on every output range lying inside
	// outs and naming a keyword, and on every transition being a state
	// (expand checks the trie). A transition to a state with outputs
	// carries hasOut.
	flag := make([]uint16, states)
	for i := 0; i < int(states); i++ {
		if m.outIdx[i] < 0 || m.outIdx[i] > m.outIdx[i+1] || m.outIdx[i+1] > int32(nouts) {
			return nil, errors.New("detector: dfa.bin: output index out of range")
		}
		if m.outIdx[i] < m.outIdx[i+1] {
			flag[i] = hasOut
		}
	}
	for _, id := range m.outs {
		if id < 0 || id >= int32(nkw) {
			return nil, errors.New("detector: dfa.bin: output out of range")
		}
	}
	if err := m.setMaxLen(); err != nil {
		return nil, err
	}
	var err error
	if m.delta, _, _, err = expand(m.k, m.child, m.sibling, m.via, flag); err != nil {
		return nil, err
	}
	return m, nil
}
