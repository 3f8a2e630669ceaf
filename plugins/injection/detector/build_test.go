package detector

import "testing"

func BenchmarkBuildSignals(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := buildSignals(); err != nil {
			b.Fatal(err)
		}
	}
}
