package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestScanDOBMatchesScanWords checks that the digit-driven scan for dates
// of birth (scanDOB, used when names and places are not wanted) finds
// exactly what the word scan finds, on random texts built from birth
// words, filler, month names, dates, capitalised words and punctuation.
func TestScanDOBMatchesScanWords(t *testing.T) {
	parts := []string{
		"born", "Born", "BORN", "dob", "DOB", "birth", "Birthday", "birthdate", "geboren", "né", "née", "nacido",
		"naissance", "nato", "date", "of", "on", "in", "the", "was", "is", "am", "le", "el",
		"March", "march", "Dec", "juillet", "mai", "septiembre", "12", "1990", "03/12/1990", "1990-03-12",
		"12.03.1990", "12th", "31", "13/13/1990", "2024", "7", "Alice", "Rome", "The", "board", "numbers",
		"next", "12345", ":", ",", ".", "-", "/", "(", ")", "'", "O'Neil", "x1990", "ab12", "—", "日本",
	}
	seps := []string{" ", " ", " ", "", ", ", ": ", "\n", "  "}
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	found := 0
	for it := range 30000 {
		b.Reset()
		for range 2 + r.IntN(14) {
			b.WriteString(parts[r.IntN(len(parts))])
			b.WriteString(seps[r.IntN(len(seps))])
		}
		text := b.String()
		if it%7 == 0 {
			text = strings.Repeat("padding words here ", r.IntN(3)) + text
		}
		want := piiScan{text: text, min: DefaultPIIMinConfidence, kinds: bitDateOfBirth}
		want.scanWords()
		want.finish()
		got := piiScan{text: text, min: DefaultPIIMinConfidence, kinds: bitDateOfBirth}
		got.scanDOB()
		got.finish()
		if !slices.Equal(want.dst, got.dst) {
			t.Fatalf("%q:\nscanWords %+v\nscanDOB   %+v", text, want.dst, got.dst)
		}
		found += len(got.dst)
	}
	if found < 100 {
		t.Fatalf("only %d dates of birth in the random texts: the generator does not exercise the scan", found)
	}
	t.Logf("%d dates of birth", found)
}
