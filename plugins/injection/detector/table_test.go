package detector

import (
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
	kws, rot := signalKeywords()
	built, err := newMatcher(kws)
	if err != nil {
		t.Fatal(err)
	}
	if *updateDFA {
		if err := os.WriteFile("dfa.bin", appendTable(nil, built, kws, rot), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("dfa.bin rewritten: rebuild to embed it")
	}
	m, trot, err := tableMatcher(dfaTable)
	if err != nil {
		t.Fatalf("%v: run go generate ./plugins/injection/detector", err)
	}
	if m.k != built.k || m.class != built.class || !slices.Equal(m.delta, built.delta) ||
		!slices.Equal(m.outIdx, built.outIdx) || !slices.Equal(m.outs, built.outs) ||
		!slices.Equal(m.kw, kws) || !slices.Equal(trot, rot) {
		t.Fatal("dfa.bin differs from what the keyword tables build: run go generate ./plugins/injection/detector")
	}
	for _, bad := range [][]byte{nil, dfaTable[:100], dfaTable[:len(dfaTable)-1], append([]byte("XARDDFA2"), dfaTable[8:]...),
		append(append([]byte(nil), dfaTable...), 0)} {
		if _, _, err := tableMatcher(bad); err == nil {
			t.Errorf("accepted a bad table of %d bytes", len(bad))
		}
	}
	// A table built from other keyword tables is refused.
	stale := append([]byte(nil), dfaTable...)
	stale[30] ^= 1 // inside the digest
	if _, _, err := tableMatcher(stale); err != errStaleTable {
		t.Fatalf("stale table: %v, want errStaleTable", err)
	}
}

// TestDFATableDecoded covers the copying path (big-endian or unaligned
// data): the same matcher as the aliased one.
func TestDFATableDecoded(t *testing.T) {
	a, _, err := tableMatcher(dfaTable)
	if err != nil {
		t.Fatal(err)
	}
	shifted := make([]byte, len(dfaTable)+1)
	copy(shifted[1:], dfaTable)
	b, _, err := tableMatcher(shifted[1:]) // misaligned by one
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.delta, b.delta) || !slices.Equal(a.outIdx, b.outIdx) || !slices.Equal(a.outs, b.outs) || !slices.Equal(a.kw, b.kw) {
		t.Fatal("decoded table differs from the aliased one")
	}
}
