package detector

import "testing"

// BenchmarkBuildSignals is the rules' set-up at configure time: the
// keyword automaton and keywords come from the embedded dfa.bin.
func BenchmarkBuildSignals(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := buildSignals(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewMatcher builds the automaton from the keywords, as
// go generate does (and configure, when dfa.bin is stale).
func BenchmarkNewMatcher(b *testing.B) {
	kws := signalKeywords()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newMatcher(kws); err != nil {
			b.Fatal(err)
		}
	}
}
