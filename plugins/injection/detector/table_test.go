package detector

import (
	"encoding/binary"
	"flag"
	"os"
	"slices"
	"testing"
)

var updateDFA = flag.Bool("update-dfa", false, "rewrite dfa.bin from the keyword tables")

// TestDFATable checks that the embedded dfa.bin holds the keywords and
// the automaton built from the current keyword tables, cell for cell;
// with -update-dfa (go generate) it rewrites dfa.bin.
func TestDFATable(t *testing.T) {
	kws := signalKeywords()
	built, err := newMatcher(kws)
	if err != nil {
		t.Fatal(err)
	}
	if *updateDFA {
		if err := os.WriteFile("dfa.bin", appendTable(nil, built, kws), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("dfa.bin rewritten: rebuild to embed it")
	}
	m, err := tableMatcher(dfaTable)
	if err != nil {
		t.Fatalf("%v: run go generate ./plugins/injection/detector", err)
	}
	if m.k != built.k || m.class != built.class || !slices.Equal(m.delta, built.delta) ||
		!slices.Equal(m.child, built.child) || !slices.Equal(m.sibling, built.sibling) || !slices.Equal(m.via, built.via) ||
		!slices.Equal(m.outIdx, built.outIdx) || !slices.Equal(m.outs, built.outs) ||
		!slices.Equal(m.kw, kws) {
		t.Fatal("dfa.bin differs from what the keyword tables build: run go generate ./plugins/injection/detector")
	}
	for _, bad := range [][]byte{nil, dfaTable[:100], dfaTable[:len(dfaTable)-1], append([]byte("XARDDFA4"), dfaTable[8:]...),
		append([]byte("WARDDFA3"), dfaTable[8:]...), // the dense format before
		append(append([]byte(nil), dfaTable...), 0)} {
		if _, err := tableMatcher(bad); err == nil {
			t.Errorf("accepted a bad table of %d bytes", len(bad))
		}
	}
	// A table built from other keyword tables is refused.
	stale := append([]byte(nil), dfaTable...)
	stale[30] ^= 1 // inside the digest
	if _, err := tableMatcher(stale); err != errStaleTable {
		t.Fatalf("stale table: %v, want errStaleTable", err)
	}
}

// TestDFATableCorrupt checks that a table whose trie or classes would
// let the scan's unchecked loads leave the DFA is refused: the expansion
// must only ever write states.
func TestDFATableCorrupt(t *testing.T) {
	m, err := tableMatcher(dfaTable)
	if err != nil {
		t.Fatal(err)
	}
	const head = 8 + 4*4 + 8 + 256
	states, k := len(m.child), int(m.k)
	childAt, siblingAt, viaAt := head, head+2*states, head+4*states
	// A deep state (with a child, not a child of the root) and the root's
	// first child.
	deep := 0
	for s := int(m.child[m.child[0]]); s != 0; s = int(m.child[s]) {
		deep = s
	}
	first := int(m.child[0])
	if deep == 0 || first == 0 || m.sibling[first] == 0 {
		t.Fatal("the keyword trie is too small for this test")
	}
	u16 := func(at, v int) func([]byte) {
		return func(b []byte) { binary.LittleEndian.PutUint16(b[at:], uint16(v)) }
	}
	for name, corrupt := range map[string]func([]byte){
		"child out of range":   u16(childAt+2*first, states),
		"sibling out of range": u16(siblingAt+2*first, states),
		"cycle":                u16(childAt+2*deep, first),    // a descendant's child is an ancestor
		"sibling loop":         u16(siblingAt+2*first, first), // its own sibling
		"state reached twice":  u16(childAt+2*deep, int(m.sibling[first])),
		"unreached states":     u16(siblingAt+2*first, 0), // the root's other children are lost
		"via out of range":     func(b []byte) { b[viaAt+first] = byte(k) },
		"via 0":                func(b []byte) { b[viaAt+deep] = 0 },
		"class out of range":   func(b []byte) { b[32+'e'] = byte(k) },
		"output index":         func(b []byte) { binary.LittleEndian.PutUint32(b[(viaAt+states+3)&^3+4*states:], uint32(len(m.outs)+1)) },
	} {
		b := append([]byte(nil), dfaTable...)
		corrupt(b)
		if _, err := tableMatcher(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDFATableDecoded covers the copying path (big-endian or unaligned
// data): the same matcher as the aliased one.
func TestDFATableDecoded(t *testing.T) {
	a, err := tableMatcher(dfaTable)
	if err != nil {
		t.Fatal(err)
	}
	shifted := make([]byte, len(dfaTable)+1)
	copy(shifted[1:], dfaTable)
	b, err := tableMatcher(shifted[1:]) // misaligned by one
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.delta, b.delta) || !slices.Equal(a.child, b.child) || !slices.Equal(a.sibling, b.sibling) || !slices.Equal(a.outIdx, b.outIdx) || !slices.Equal(a.outs, b.outs) || !slices.Equal(a.kw, b.kw) {
		t.Fatal("decoded table differs from the aliased one")
	}
}

// BenchmarkTableMatcher is the part of configure that reads dfa.bin:
// checking it and expanding its trie into the DFA. Run it inside Wasm
// too (see BenchmarkStages), where allocating and copying cost more.
func BenchmarkTableMatcher(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tableMatcher(dfaTable); err != nil {
			b.Fatal(err)
		}
	}
}
