package main

// The PII part of the efficacy harness: sdk/detect.PII against microsoft
// presidio's recognizer unit tests (one JSONL file per recognizer) and
// presidio-research's synthetic sentences, read by path from
// <data>/pii/. Scoring is at span level: a finding counts as a true
// positive when its kind maps to the labelled entity and its span equals
// the label exactly ("exact"), or, in the second column, overlaps it
// ("overlap"). Positions in the data are in characters (code points);
// findings are converted from bytes before comparing.
//
// Tuned on: while developing the detectors the author read and ran every
// file scored here (the presidio unit-test files listed in piiFiles and
// presidio_research_synth_v2.json). None of these figures is a held-out
// result.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/detect"
)

func init() { parts = append(parts, part{name: "pii", run: runPII}) }

// piiTunedOn names the files used while developing the detectors.
const piiTunedOn = "all presidio_tests files scored below and presidio_research_synth_v2.json"

// piiFiles maps presidio recognizer test files to the kinds they measure.
var piiFiles = []struct {
	file string
	kind detect.Kind
}{
	{"test_email_recognizer.jsonl", detect.KindEmail},
	{"test_phone_recognizer.jsonl", detect.KindPhone},
	{"test_credit_card_recognizer.jsonl", detect.KindCreditCard},
	{"test_iban_recognizer.jsonl", detect.KindIBAN},
	{"test_us_ssn_recognizer.jsonl", detect.KindUSSSN},
	{"test_ip_recognizer.jsonl", detect.KindIPAddress},
	{"test_mac_recognizer.jsonl", detect.KindMACAddress},
	{"test_crypto_recognizer.jsonl", detect.KindCrypto},
	{"test_uk_nhs_recognizer.jsonl", detect.KindUKNHS},
	{"test_es_nif_recognizer.jsonl", detect.KindESNIF},
	{"test_es_nie_recognizer.jsonl", detect.KindESNIE},
	{"test_it_fiscal_code_recognizer.jsonl", detect.KindITFiscalCode},
	{"test_in_aadhaar_recognizer.jsonl", detect.KindINAadhaar},
	{"test_in_pan_recognizer.jsonl", detect.KindINPAN},
	{"test_au_tfn_recognizer.jsonl", detect.KindAUTFN},
	{"test_au_abn_recognizer.jsonl", detect.KindAUABN},
	{"test_au_acn_recognizer.jsonl", detect.KindAUACN},
	{"test_au_medicare_recognizer.jsonl", detect.KindAUMedicare},
	{"test_sg_fin_recognizer.jsonl", detect.KindSGNRIC},
}

// structuredPII are the kinds the "done when" sets targets for.
var structuredPII = []detect.Kind{detect.KindEmail, detect.KindPhone, detect.KindCreditCard,
	detect.KindIBAN, detect.KindUSSSN, detect.KindIPAddress}

// synthKinds maps presidio-research entity types to our kinds.
var synthKinds = map[string]detect.Kind{
	"EMAIL_ADDRESS": detect.KindEmail,
	"PHONE_NUMBER":  detect.KindPhone,
	"CREDIT_CARD":   detect.KindCreditCard,
	"IBAN_CODE":     detect.KindIBAN,
	"US_SSN":        detect.KindUSSSN,
	"IP_ADDRESS":    detect.KindIPAddress,
	"PERSON":        detect.KindPerson,
	"GPE":           detect.KindLocation,
}

type span struct{ start, end int }

// score accumulates span-level counts.
type score struct {
	tp, fp, fn    int // exact span match
	otp, ofp, ofn int // overlap match
	neg, negHit   int // must-not-match cases, and those where something was found
	countOnly     int // cases without positions, scored on the count
}

func (s *score) add(o score) {
	s.tp += o.tp
	s.fp += o.fp
	s.fn += o.fn
	s.otp += o.otp
	s.ofp += o.ofp
	s.ofn += o.ofn
	s.neg += o.neg
	s.negHit += o.negHit
	s.countOnly += o.countOnly
}

func prf(tp, fp, fn int) (p, r, f float64) {
	p, r = 1, 1
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return
}

// match scores found against want (both in characters).
func match(found, want []span) (o score) {
	used := make([]bool, len(found))
	for _, w := range want {
		hit := false
		for i, f := range found {
			if !used[i] && f == w {
				used[i], hit = true, true
				break
			}
		}
		if hit {
			o.tp++
		} else {
			o.fn++
		}
	}
	for _, u := range used {
		if !u {
			o.fp++
		}
	}
	used = make([]bool, len(found))
	for _, w := range want {
		hit := false
		for i, f := range found {
			if !used[i] && f.start < w.end && w.start < f.end {
				used[i], hit = true, true
				break
			}
		}
		if hit {
			o.otp++
		} else {
			o.ofn++
		}
	}
	for _, u := range used {
		if !u {
			o.ofp++
		}
	}
	return o
}

// charSpans converts the byte spans of findings of kind k into character
// spans of text.
func charSpans(text string, fs []detect.Finding, k detect.Kind) []span {
	var out []span
	for _, f := range fs {
		if f.Kind != k {
			continue
		}
		out = append(out, span{utf8.RuneCountInString(text[:f.Start]), utf8.RuneCountInString(text[:f.End])})
	}
	return out
}

// presidioRow is one line of a presidio recognizer test file.
type presidioRow struct {
	Text        *string         `json:"text"`
	IBAN        *string         `json:"iban"`
	ExpectedLen int             `json:"expected_len"`
	Positions   json.RawMessage `json:"expected_positions"`
	Res         json.RawMessage `json:"expected_res"`
	Position    json.RawMessage `json:"expected_position"`
	Leniency    *int            `json:"leniency"`
}

func (r *presidioRow) text() string {
	if r.Text != nil {
		return *r.Text
	}
	if r.IBAN != nil {
		return *r.IBAN
	}
	return ""
}

// spans returns the expected spans, or nil and false when the row only
// gives a count.
func (r *presidioRow) spans() ([]span, bool) {
	if r.ExpectedLen == 0 {
		return nil, true
	}
	for _, raw := range []json.RawMessage{r.Positions, r.Res} {
		var pp [][2]int
		if len(raw) > 0 && json.Unmarshal(raw, &pp) == nil && len(pp) == r.ExpectedLen {
			out := make([]span, len(pp))
			for i, p := range pp {
				out[i] = span{p[0], p[1]}
			}
			return out, true
		}
	}
	var p [2]int
	if len(r.Position) > 0 && json.Unmarshal(r.Position, &p) == nil && r.ExpectedLen == 1 {
		return []span{{p[0], p[1]}}, true
	}
	return nil, false
}

func runPII(dataDir string, w io.Writer) error {
	dir := filepath.Join(dataDir, "pii")
	fmt.Fprintf(w, "Tuned on: %s. Threshold: detect.DefaultPIIMinConfidence = %.2f.\n\n", piiTunedOn, detect.DefaultPIIMinConfidence)
	fmt.Fprintln(w, "### presidio recognizer unit tests (span level)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| file | kind | cases | P | R | F1 | F1 overlap | must-not-match FP rate |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	total := map[detect.Kind]*score{}
	var dst []detect.Finding
	for _, pf := range piiFiles {
		rows, err := readPresidio(filepath.Join(dir, "presidio_tests", pf.file))
		if err != nil {
			return err
		}
		var sc score
		cases := 0
		for _, r := range rows {
			if r.Leniency != nil && *r.Leniency != 1 {
				continue // presidio's default leniency is 1
			}
			cases++
			text := r.text()
			dst = detect.PII(text, dst[:0], nil)
			found := charSpans(text, dst, pf.kind)
			want, ok := r.spans()
			var o score
			if ok {
				o = match(found, want)
			} else {
				// Count-only case: expected_len entities, positions unknown.
				o.countOnly = 1
				n := min(len(found), r.ExpectedLen)
				o.tp, o.otp = n, n
				o.fp, o.ofp = len(found)-n, len(found)-n
				o.fn, o.ofn = r.ExpectedLen-n, r.ExpectedLen-n
			}
			if r.ExpectedLen == 0 {
				o.neg = 1
				if len(found) > 0 {
					o.negHit = 1
				}
			}
			sc.add(o)
		}
		if total[pf.kind] == nil {
			total[pf.kind] = &score{}
		}
		total[pf.kind].add(sc)
		p, r, f := prf(sc.tp, sc.fp, sc.fn)
		_, _, of := prf(sc.otp, sc.ofp, sc.ofn)
		fmt.Fprintf(w, "| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %s |\n", pf.file, pf.kind, cases, p, r, f, of, rate(sc.negHit, sc.neg))
	}
	var st score
	for _, k := range structuredPII {
		st.add(*total[k])
	}
	p, r, f := prf(st.tp, st.fp, st.fn)
	_, _, of := prf(st.otp, st.ofp, st.ofn)
	fmt.Fprintf(w, "| **structured (email, phone, card, IBAN, SSN, IP)** | | | %.3f | %.3f | **%.3f** | %.3f | %s |\n", p, r, f, of, rate(st.negHit, st.neg))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Not covered (no detector in sdk/detect): the other presidio_tests files (URL, dates, DE/KR/TR/... identifiers, NER).")
	fmt.Fprintln(w)
	return runSynth(filepath.Join(dir, "presidio_research_synth_v2.json"), w)
}

func rate(hit, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f (%d/%d)", float64(hit)/float64(n), hit, n)
}

func readPresidio(path string) ([]presidioRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []presidioRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r presidioRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// synthHalf, when "even" or "odd", restricts runSynth to the sentences of
// that index parity: two halves to compare, so that rules written while
// looking at one half's aggregate figures can be checked on the other.
var synthHalf string

// inHalf reports whether sentence i is scored under synthHalf.
func inHalf(i int) bool {
	switch synthHalf {
	case "even":
		return i%2 == 0
	case "odd":
		return i%2 == 1
	}
	return true
}

type synthSample struct {
	FullText string `json:"full_text"`
	Spans    []struct {
		EntityType string `json:"entity_type"`
		Start      int    `json:"start_position"`
		End        int    `json:"end_position"`
	} `json:"spans"`
}

func runSynth(path string, w io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var samples []synthSample
	if err := json.Unmarshal(b, &samples); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	per := map[detect.Kind]*score{}
	unlabelled := map[detect.Kind]int{}
	var dst []detect.Finding
	scored := 0
	for i, s := range samples {
		if !inHalf(i) {
			continue
		}
		scored++
		dst = detect.PII(s.FullText, dst[:0], nil)
		for _, k := range synthKindList() {
			var want []span
			for _, sp := range s.Spans {
				if synthKinds[sp.EntityType] == k {
					want = append(want, span{sp.Start, sp.End})
				}
			}
			if per[k] == nil {
				per[k] = &score{}
			}
			per[k].add(match(charSpans(s.FullText, dst, k), want))
		}
		for _, f := range dst {
			if !isSynthKind(f.Kind) {
				unlabelled[f.Kind]++
			}
		}
	}
	half := ""
	if synthHalf != "" {
		half = ", " + synthHalf + " half"
	}
	fmt.Fprintf(w, "### presidio_research_synth_v2.json (%d sentences%s, span level)\n\n", scored, half)
	fmt.Fprintln(w, "| kind | labels | found | P | R | F1 | P overlap | R overlap |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, k := range synthKindList() {
		sc := per[k]
		p, r, f := prf(sc.tp, sc.fp, sc.fn)
		op, or, _ := prf(sc.otp, sc.ofp, sc.ofn)
		fmt.Fprintf(w, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f |\n", k, sc.tp+sc.fn, sc.tp+sc.fp, p, r, f, op, or)
	}
	var st score
	for _, k := range structuredPII {
		st.add(*per[k])
	}
	p, r, f := prf(st.tp, st.fp, st.fn)
	op, or, _ := prf(st.otp, st.ofp, st.ofn)
	fmt.Fprintf(w, "| **structured** | %d | %d | **%.3f** | %.3f | %.3f | %.3f | %.3f |\n", st.tp+st.fn, st.tp+st.fp, p, r, f, op, or)
	fmt.Fprintln(w)
	if len(unlabelled) > 0 {
		var ks []string
		for k, n := range unlabelled {
			ks = append(ks, fmt.Sprintf("%s %d", k, n))
		}
		sort.Strings(ks)
		fmt.Fprintf(w, "Findings of kinds the file does not label (likely false positives): %s.\n", strings.Join(ks, ", "))
	}
	return nil
}

func synthKindList() []detect.Kind {
	return []detect.Kind{detect.KindEmail, detect.KindPhone, detect.KindCreditCard, detect.KindIBAN,
		detect.KindUSSSN, detect.KindIPAddress, detect.KindPerson, detect.KindLocation}
}

func isSynthKind(k detect.Kind) bool {
	for _, s := range synthKindList() {
		if s == k {
			return true
		}
	}
	return false
}
