package main

// The secrets part of the efficacy harness: detect.Secrets against
//
//   - secrets/gitleaks_rule_cases.jsonl: gitleaks' own per-rule test cases,
//     "tp" (must be found) and "fp" (must not be flagged). Recall is
//     reported twice: found as the case's rule, and found as any secret.
//     The false-positive rate counts fp cases flagged as their rule
//     (gitleaks' own criterion: an fp case of one rule is sometimes a true
//     secret of another) and, separately, flagged as anything. It is also
//     reported without the fp cases that hold one of the values gitleaks
//     allowlists literally for their rule (knownValues): published keys
//     of public projects that no detector can tell from live ones without
//     a list of them, which Ward leaves to the operator (allow_values).
//   - secrets/secretlint_snapshots.jsonl: secretlint's rule snapshots; an
//     "ng" case with findings must produce a finding (case level, and per
//     expected range by overlap), a case without findings must produce none.
//   - secrets/llmguard_secrets.jsonl: LLM Guard's secrets scanner tests.
//
// Tuning: the rules and the generic allowlist were developed against
// gitleaks_rules.toml and gitleaks_rule_cases.jsonl. secretlint and
// LLM Guard files were only measured (a few providers they exercise, such
// as Groq, Tailscale, Figma and Docker tokens, were added from the
// providers' documented formats, not from those files' strings).

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/wardgate/ward/sdk/detect"
)

func init() { parts = append(parts, part{name: "secrets", run: runSecrets}) }

const secretsTunedOn = "gitleaks_rules.toml, gitleaks_rule_cases.jsonl"

func runSecrets(dataDir string, w io.Writer) error {
	dir := filepath.Join(dataDir, "secrets")
	fmt.Fprintf(w, "tuned on: %s (secretlint and llmguard files: measured only)\n\n", secretsTunedOn)
	known, err := knownValues(filepath.Join(dir, "gitleaks_rules.toml"))
	if err != nil {
		return err
	}
	g, err := evalGitleaks(filepath.Join(dir, "gitleaks_rule_cases.jsonl"), known)
	if err != nil {
		return err
	}
	g.print(w)
	sl, err := evalSecretlint(filepath.Join(dir, "secretlint_snapshots.jsonl"))
	if err != nil {
		return err
	}
	sl.print(w)
	lg, err := evalLLMGuard(filepath.Join(dir, "llmguard_secrets.jsonl"))
	if err != nil {
		return err
	}
	lg.print(w)
	return nil
}

// readJSONL decodes each line of path into a new T.
func readJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

type gitleaksCase struct {
	RuleID string `json:"rule_id"`
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	How    string `json:"how"`
}

type ruleCounts struct {
	tp, tpRule, tpAny int
	fp, fpRule, fpAny int
}

type gitleaksResult struct {
	rules                map[string]*ruleCounts
	all                  ruleCounts
	generated, genRawAny int
	missed, flagged      []string
	// fp cases holding a value gitleaks allowlists literally, and those
	// of them flagged as their rule.
	fpKnown, fpKnownRule int
}

// knownValues reads, per rule of gitleaks_rules.toml, the allowlisted
// values that are whole secrets written out: allowlist "regexes" that are
// plain literals of at least 20 characters, and stopwords of that length.
// Shorter stopwords ("about", "000000") are filters on words, not known
// values, and are not counted.
func knownValues(path string) (map[string][]string, error) {
	var f struct {
		Rules []struct {
			ID         string
			Allowlists []struct {
				Regexes   []string
				Stopwords []string
			}
			Stopwords []string
		}
	}
	if _, err := toml.DecodeFile(path, &f); err != nil {
		return nil, err
	}
	literal := func(v string) bool {
		if len(v) < 20 {
			return false
		}
		for i := 0; i < len(v); i++ {
			c := v[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return false
			}
		}
		return true
	}
	out := map[string][]string{}
	for _, r := range f.Rules {
		vals := slices.Clone(r.Stopwords)
		for _, a := range r.Allowlists {
			vals = append(vals, a.Regexes...)
			vals = append(vals, a.Stopwords...)
		}
		for _, v := range vals {
			if literal(v) {
				out[r.ID] = append(out[r.ID], v)
			}
		}
	}
	return out, nil
}

// sampleContexts wrap a raw secret the way gitleaks' GenerateSampleSecrets
// does upstream (an identifier derived from the rule, then an assignment in
// several file formats). %[1]s is the identifier, %[2]s the secret.
var sampleContexts = []string{
	`%[1]s_token = "%[2]s"`,
	`%[1]sToken := "%[2]s"`,
	`{"%[1]s_token": "%[2]s"}`,
	`export %[1]s_TOKEN=%[2]s`,
	`%[1]s_token: '%[2]s'`,
}

func evalGitleaks(path string, known map[string][]string) (*gitleaksResult, error) {
	cases, err := readJSONL[gitleaksCase](path)
	if err != nil {
		return nil, err
	}
	r := &gitleaksResult{rules: map[string]*ruleCounts{}}
	var buf []detect.Finding
	for _, c := range cases {
		rc := r.rules[c.RuleID]
		if rc == nil {
			rc = &ruleCounts{}
			r.rules[c.RuleID] = rc
		}
		switch c.Kind {
		case "tp":
			var right, any bool
			if strings.HasPrefix(c.How, "GenerateSampleSecrets") {
				// Upstream asserts the raw secret in every wrapper: so do we.
				id := strings.SplitN(c.RuleID, "-", 2)[0]
				right, any = true, true
				for _, ctx := range sampleContexts {
					text := fmt.Sprintf(ctx, id, c.Text)
					if strings.HasPrefix(ctx, "export") {
						text = fmt.Sprintf(ctx, strings.ToUpper(id), c.Text)
					}
					buf = detect.Secrets(text, buf[:0])
					rr, aa := classify(buf, c.RuleID)
					right = right && rr
					any = any && aa
				}
				r.generated++
				buf = detect.Secrets(c.Text, buf[:0])
				if _, aa := classify(buf, c.RuleID); aa {
					r.genRawAny++
				}
			} else {
				buf = detect.Secrets(c.Text, buf[:0])
				right, any = classify(buf, c.RuleID)
			}
			rc.tp++
			r.all.tp++
			if right {
				rc.tpRule++
				r.all.tpRule++
			}
			if any {
				rc.tpAny++
				r.all.tpAny++
			} else {
				r.missed = append(r.missed, fmt.Sprintf("%s: %.80q", c.RuleID, c.Text))
			}
		case "fp":
			buf = detect.Secrets(c.Text, buf[:0])
			right, any := classify(buf, c.RuleID)
			rc.fp++
			r.all.fp++
			if right {
				rc.fpRule++
				r.all.fpRule++
				r.flagged = append(r.flagged, fmt.Sprintf("%s: %.80q", c.RuleID, c.Text))
			}
			if any {
				rc.fpAny++
				r.all.fpAny++
			}
			for _, v := range known[c.RuleID] {
				if strings.Contains(c.Text, v) {
					r.fpKnown++
					if right {
						r.fpKnownRule++
					}
					break
				}
			}
		default:
			return nil, fmt.Errorf("%s: unknown kind %q", path, c.Kind)
		}
	}
	return r, nil
}

// classify reports whether fs holds a finding of rule, and any finding.
func classify(fs []detect.Finding, rule string) (right, any bool) {
	for _, f := range fs {
		if f.Rule == rule {
			right = true
		}
	}
	return right, len(fs) > 0
}

func ratio(a, b int) string {
	if b == 0 {
		return "   -"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

func (r *gitleaksResult) print(w io.Writer) {
	a := r.all
	fmt.Fprintf(w, "### gitleaks_rule_cases.jsonl (%d must-match, %d must-not-match, %d rules)\n\n", a.tp, a.fp, len(r.rules))
	fmt.Fprintf(w, "recall (found as the case's rule): %s (%d/%d)\n", ratio(a.tpRule, a.tp), a.tpRule, a.tp)
	fmt.Fprintf(w, "recall (found as any secret):      %s (%d/%d)   target >= 0.95\n", ratio(a.tpAny, a.tp), a.tpAny, a.tp)
	fmt.Fprintf(w, "false-positive rate (as its rule): %s (%d/%d)   target <= 0.05\n", ratio(a.fpRule, a.fp), a.fpRule, a.fp)
	fmt.Fprintf(w, "false-positive rate (as anything): %s (%d/%d)\n", ratio(a.fpAny, a.fp), a.fpAny, a.fp)
	fmt.Fprintf(w, "  of which values gitleaks allowlists literally (known public keys, by rule): %d/%d cases\n", r.fpKnownRule, r.fpKnown)
	fmt.Fprintf(w, "false-positive rate (as its rule) without those cases: %s (%d/%d)\n", ratio(a.fpRule-r.fpKnownRule, a.fp-r.fpKnown), a.fpRule-r.fpKnownRule, a.fp-r.fpKnown)
	fmt.Fprintf(w, "raw GenerateSampleSecrets values found without their upstream context: %d/%d\n\n", r.genRawAny, r.generated)
	ids := make([]string, 0, len(r.rules))
	for id := range r.rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fmt.Fprintf(w, "| rule | tp | recall (rule) | recall (any) | fp | fp rate (rule) | fp rate (any) |\n|---|---|---|---|---|---|---|\n")
	for _, id := range ids {
		c := r.rules[id]
		fmt.Fprintf(w, "| %s | %d | %s | %s | %d | %s | %s |\n", id, c.tp, ratio(c.tpRule, c.tp), ratio(c.tpAny, c.tp), c.fp, ratio(c.fpRule, c.fp), ratio(c.fpAny, c.fp))
	}
	fmt.Fprintln(w)
	if len(r.missed) > 0 {
		fmt.Fprintf(w, "missed must-match cases:\n")
		for _, m := range r.missed {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	}
	if len(r.flagged) > 0 {
		fmt.Fprintf(w, "must-not-match cases flagged as their rule:\n")
		for _, m := range r.flagged {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	}
	fmt.Fprintln(w)
}

type secretlintCase struct {
	Rule     string `json:"rule"`
	Case     string `json:"case"`
	Text     string `json:"text"`
	Findings []struct {
		Range [2]int `json:"range"`
	} `json:"findings"`
}

type setResult struct {
	name                     string
	pos, posFound            int
	ranges, rangesFound      int
	neg, negFlagged          int
	missed, flagged, comment []string
}

func evalSecretlint(path string) (*setResult, error) {
	cases, err := readJSONL[secretlintCase](path)
	if err != nil {
		return nil, err
	}
	r := &setResult{name: "secretlint_snapshots.jsonl"}
	r.comment = append(r.comment, "secretlint ranges are UTF-16 code units in its JS runtime; they are compared here as byte offsets of ASCII-only inputs (others are counted at case level only).")
	var buf []detect.Finding
	for _, c := range cases {
		buf = detect.Secrets(c.Text, buf[:0])
		name := c.Rule + "/" + c.Case
		if len(c.Findings) == 0 {
			r.neg++
			if len(buf) > 0 {
				r.negFlagged++
				r.flagged = append(r.flagged, fmt.Sprintf("%s: %s %.60q", name, buf[0].Rule, c.Text[buf[0].Start:buf[0].End]))
			}
			continue
		}
		r.pos++
		if len(buf) > 0 {
			r.posFound++
		} else {
			r.missed = append(r.missed, fmt.Sprintf("%s: %.80q", name, c.Text))
		}
		if !isASCII(c.Text) {
			continue
		}
		for _, e := range c.Findings {
			r.ranges++
			for _, f := range buf {
				if f.Start < e.Range[1] && e.Range[0] < f.End {
					r.rangesFound++
					break
				}
			}
		}
	}
	return r, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

type llmGuardCase struct {
	Prompt        string `json:"prompt"`
	ExpectedValid bool   `json:"expected_valid"`
}

func evalLLMGuard(path string) (*setResult, error) {
	cases, err := readJSONL[llmGuardCase](path)
	if err != nil {
		return nil, err
	}
	r := &setResult{name: "llmguard_secrets.jsonl"}
	var buf []detect.Finding
	for _, c := range cases {
		buf = detect.Secrets(c.Prompt, buf[:0])
		if c.ExpectedValid {
			r.neg++
			if len(buf) > 0 {
				r.negFlagged++
				r.flagged = append(r.flagged, fmt.Sprintf("%.80q", c.Prompt))
			}
			continue
		}
		r.pos++
		if len(buf) > 0 {
			r.posFound++
		} else {
			r.missed = append(r.missed, fmt.Sprintf("%.80q", c.Prompt))
		}
	}
	return r, nil
}

func (r *setResult) print(w io.Writer) {
	fmt.Fprintf(w, "### %s\n\n", r.name)
	fmt.Fprintf(w, "recall (cases with a secret that produce a finding): %s (%d/%d)\n", ratio(r.posFound, r.pos), r.posFound, r.pos)
	if r.ranges > 0 {
		fmt.Fprintf(w, "recall (expected ranges overlapped by a finding):    %s (%d/%d)\n", ratio(r.rangesFound, r.ranges), r.rangesFound, r.ranges)
	}
	fmt.Fprintf(w, "false-positive rate (clean cases flagged):           %s (%d/%d)\n", ratio(r.negFlagged, r.neg), r.negFlagged, r.neg)
	for _, c := range r.comment {
		fmt.Fprintf(w, "note: %s\n", c)
	}
	if len(r.missed) > 0 {
		fmt.Fprintf(w, "missed:\n")
		for _, m := range r.missed {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	}
	if len(r.flagged) > 0 {
		fmt.Fprintf(w, "flagged clean cases:\n")
		for _, m := range r.flagged {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	}
	fmt.Fprintln(w)
}
