package output

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/detect"
)

// refPIIPossible is piiPossible written plainly.
func refPIIPossible(text string) bool {
	run := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9' || c == '@':
			return true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			if run++; run >= 16 {
				return true
			}
		default:
			run = 0
		}
	}
	return false
}

// TestPIIPrefilter: where piiPossible says no, detect.PII finds nothing
// of piiPrefilterKinds, even at the lowest confidence; piiPossible agrees
// with its plain form. Texts: random mixes of letters, punctuation, white
// space, non-ASCII letters, '@' and digits (so both answers occur), and
// the 2 KB test answer with its digits and '@' taken out, cut anywhere.
func TestPIIPrefilter(t *testing.T) {
	opt := detect.PIIOptions{Kinds: piiPrefilterKinds, MinConfidence: 1e-9}
	opt.Prepare()
	check := func(text string) bool {
		got := piiPossible(text)
		if want := refPIIPossible(text); got != want {
			t.Fatalf("piiPossible(%q) = %v, want %v", text, got, want)
		}
		if !got {
			if f := detect.PII(text, nil, &opt); len(f) != 0 {
				t.Fatalf("piiPossible(%q) = false, but PII finds %+v", text, f)
			}
		}
		return got
	}
	pieces := []string{"a", "e", "S", "x", "Z", "IT", "DE", "GB", "bc", "0x", "IBAN", "iban", "card", "phone", "tel", "SSN",
		"NHS", "PAN", "NRIC", "TFN", "ABN", "wallet", "mailto:", "https://", "user:pass", "RSSMRA", "LZ", "ä", "é", "ß", "Ω", "日本",
		" ", " ", " ", "\n", "\t", "-", ".", ",", ":", "/", "+", "(", ")", "_", "#", "'", "\"", "@", "1", "7", "0", "4111", "555"}
	rng := rand.New(rand.NewPCG(5, 6))
	skipped := 0
	for range 100000 {
		var b strings.Builder
		for range 1 + rng.IntN(40) {
			p := pieces[rng.IntN(len(pieces))]
			if (p == "@" || p[0] >= '0' && p[0] <= '9') && rng.IntN(8) != 0 {
				continue // most texts without: those are the ones skipped
			}
			b.WriteString(p)
		}
		if !check(b.String()) {
			skipped++
		}
	}
	if skipped < 10000 {
		t.Fatalf("only %d random texts without a candidate", skipped)
	}
	answer, err := os.ReadFile("testdata/answer-2k.txt")
	if err != nil {
		t.Fatal(err)
	}
	clean := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '@' {
			return ' '
		}
		return r
	}, string(answer))
	for i := 0; i < len(clean); i += 7 {
		check(clean[i:])
		check(clean[:i])
	}
	// The loadbench answer is skipped; a fiscal code's 16 letters are not.
	if piiPossible("Mock answer to: Summarise the main trade-offs between running a reverse proxy in front of an LLM") {
		t.Fatal("loadbench answer: PII possible")
	}
	if !piiPossible("code RSSMRAURTMLARSNL here") || piiPossible("code RSSMRAURTMLARSN here") {
		t.Fatal("16 letters")
	}
}

// TestPIIPrefilterKinds: the prefilter is on for the default kinds and off
// when a kind it does not cover is configured.
func TestPIIPrefilterKinds(t *testing.T) {
	for cfg, want := range map[string]bool{
		`{}`:                                 true,
		`{"pii_kinds":["EMAIL","IBAN"]}`:     true,
		`{"pii_kinds":["EMAIL","PERSON"]}`:   false,
		`{"pii_kinds":["IP_ADDRESS"]}`:       false,
		`{"pii_kinds":["MAC_ADDRESS"]}`:      false,
		`{"pii_kinds":["DATE_OF_BIRTH"]}`:    false,
		`{"pii_kinds":["LOCATION","PHONE"]}`: false,
	} {
		if got := newOutput(t, cfg).set.piiPrefilter; got != want {
			t.Errorf("%s: piiPrefilter %v, want %v", cfg, got, want)
		}
	}
}

// TestPIIPossibleBytes compares piiPossible with refPIIPossible on random
// byte strings over the bytes at the edges of its SWAR ranges (digits,
// '@', both cases of letters, bytes >= 0x80 whose low bits are a digit,
// '@' or a letter), with letter runs of 15 to 17 across block edges.
func TestPIIPossibleBytes(t *testing.T) {
	edges := []byte{'/', '0', '9', ':', '?', '@', 'A', 'Z', '[', '`', 'a', 'z', '{', 0x7f, 0x80, 0xb0, 0xb9, 0xc0, 0xc1, 0xe1, 0xff, 0, ' ', '\n'}
	letters := []byte{'a', 'z', 'A', 'Z', 'm', 0x80, 0xc3, 0xa9, 0xff}
	rng := rand.New(rand.NewPCG(7, 8))
	yes := 0
	for range 300000 {
		b := make([]byte, rng.IntN(48))
		for i := range b {
			if rng.IntN(3) == 0 {
				b[i] = edges[rng.IntN(len(edges))]
			} else {
				b[i] = letters[rng.IntN(len(letters))]
			}
		}
		if len(b) > 0 && rng.IntN(2) == 0 { // mostly letters, with a separator or two
			for i := range b {
				b[i] = letters[rng.IntN(len(letters))]
			}
			for range rng.IntN(3) {
				b[rng.IntN(len(b))] = edges[rng.IntN(len(edges))]
			}
		}
		text := string(b)
		got, want := piiPossible(text), refPIIPossible(text)
		if got != want {
			t.Fatalf("piiPossible(%q) = %v, want %v", text, got, want)
		}
		if got {
			yes++
		}
	}
	if yes < 50000 || yes > 250000 {
		t.Fatalf("%d of 300000 texts possible: the generator is off", yes)
	}
	// Every run length at every offset.
	for off := range 9 {
		for l := range 20 {
			text := strings.Repeat(" ", off) + strings.Repeat("x", l) + " " + strings.Repeat(".", 8)
			if got, want := piiPossible(text), l >= 16; got != want {
				t.Fatalf("piiPossible(%q) = %v, want %v", text, got, want)
			}
		}
	}
}
