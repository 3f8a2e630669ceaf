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

// TestTokensWalkMatchesPasses checks that the dates of birth, e-mail
// addresses and URL credentials found in scanTokens' walk (PII's default
// when names and places are not wanted) are what passes of scanDOB and
// scanAt of their own find, with every other finding unchanged, on random
// texts mixing birth words, dates and '@' signs with the numbers and
// tokens scanTokens handles (groups it consumes whole, IBANs, tokens
// glued to letters or multi-byte letters).
func TestTokensWalkMatchesPasses(t *testing.T) {
	parts := []string{
		"born", "Born", "dob", "DOB:", "birth", "né", "née", "geboren", "date", "of", "on", "the", "was",
		"March", "Dec", "12", "1990", "03/12/1990", "1990-03-12", "12.03.1990", "12th", "31", "2024",
		"4111 1111 1111 1111", "+1 415 555 0132", "(415) 555-0132", "415.555.0132 x1234", "DE89 3704 0044 0532 0130 00",
		"078-05-1120", "536-22-1234", "12345678Z", "X1234567L", "10:30", "1.2.3.4", "ab12", "é12", "_12", "x1990",
		"invoice", "phone", "card", "1", "42", ":", ",", ".", "-", "/", "(", ")", "+",
		"jane.doe@example.com", "j2@ex4mple.com", "@", "a@b", "mail@", "https://u:p4ss@db.example", "x@y.z", "12@34.de",
		// Tokens of several digit runs (scanTokens asks dobAt for the
		// first only), birth words and months inside them, output's
		// canary.
		"born12x1990", "dob1990", "1born1990", "x3March1990", "Born1990x", "né1990a", "ab12cd34ef56", "12dob03",
		"[ward:4k3m9xq2a7bz5d8e6fh0]", "4k3m9x", "dob12March1990x", "birth2", "on3may1990",
	}
	seps := []string{" ", " ", " ", "", ", ", ": ", "\n"}
	kinds := []Kind{KindEmail, KindPhone, KindCreditCard, KindIBAN, KindUSSSN, KindCrypto, KindURLCredentials,
		KindUKNHS, KindESNIF, KindESNIE, KindITFiscalCode, KindINAadhaar, KindINPAN, KindAUTFN, KindAUMedicare,
		KindSGNRIC, KindDateOfBirth}
	opt := &PIIOptions{Kinds: kinds}
	r := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	dobs, ats, others := 0, 0, 0
	for range 20000 {
		b.Reset()
		for range 2 + r.IntN(16) {
			b.WriteString(parts[r.IntN(len(parts))])
			b.WriteString(seps[r.IntN(len(seps))])
		}
		text := b.String()
		got := PII(text, nil, opt)
		ref := piiScan{text: text, min: DefaultPIIMinConfidence, kinds: kindMask(kinds)}
		ref.scanAt()
		ref.scanTokens()
		ref.scanDOB()
		ref.finish()
		if !slices.Equal(got, ref.dst) {
			t.Fatalf("%q:\none walk  %+v\ntwo walks %+v", text, got, ref.dst)
		}
		for _, f := range got {
			switch f.Kind {
			case KindDateOfBirth:
				dobs++
			case KindEmail, KindURLCredentials:
				ats++
			default:
				others++
			}
		}
	}
	if dobs < 500 || ats < 500 || others < 500 {
		t.Fatalf("%d dates of birth, %d e-mails and URL credentials, %d other findings: the generator does not exercise all", dobs, ats, others)
	}
	t.Logf("%d dates of birth, %d e-mails and URL credentials, %d other findings", dobs, ats, others)
}
