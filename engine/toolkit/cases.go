package toolkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/conformance"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// CaseResult is the outcome of one case: Diff is empty when it passed,
// else readable lines saying what differs ("- want", "+ got").
type CaseResult struct {
	Name string
	Diff []string
}

// Passed reports whether the case passed.
func (r CaseResult) Passed() bool { return len(r.Diff) == 0 }

// LoadCases reads a cases file: a JSON array of guesttest.Case (the
// golden format of sdk/examples/testdata/keyword-cases.json and of every
// built-in guard's testdata/cases.json), or the same list in YAML when the
// file name ends in .yaml or .yml.
func LoadCases(path string) ([]guesttest.Case, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, errf("%v", err)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		if b, err = yamlToJSON(b); err != nil {
			return nil, errf("%s: %v", path, err)
		}
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var cases []guesttest.Case
	if err := d.Decode(&cases); err != nil {
		return nil, errf("%s: %v", path, err)
	}
	for i, c := range cases {
		if (c.ConfigError == nil) == (c.Exchange == nil || c.Verdict == nil) {
			return nil, errf("%s: case %d %q: want either config_error or exchange+verdict", path, i, c.Name)
		}
	}
	return cases, nil
}

// RunCases runs each case on wasm through engine/wasmhost, loading the
// guard with the case's config (so config errors are checked as the host
// reports them) under l, and compares the verdict with the expected one.
func RunCases(ctx context.Context, wasm []byte, cases []guesttest.Case, l Limits) []CaseResult {
	out := make([]CaseResult, 0, len(cases))
	h, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		for _, c := range cases {
			out = append(out, CaseResult{Name: c.Name, Diff: []string{err.Error()}})
		}
		return out
	}
	defer h.Close(ctx)
	// Cases are independent (each loads the guard afresh): run them on
	// every CPU; a large module's load, not its calls, dominates.
	out = out[:len(cases)]
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, c := range cases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = CaseResult{Name: c.Name, Diff: runCase(ctx, h, wasm, c, l)}
		}()
	}
	wg.Wait()
	return out
}

func runCase(ctx context.Context, h *wasmhost.Host, wasm []byte, c guesttest.Case, l Limits) []string {
	cfg := []byte(c.Config)
	if len(cfg) == 0 || string(cfg) == "null" {
		cfg = []byte("{}")
	}
	g, err := loadOn(ctx, h, wasm, cfg, l)
	if g != nil {
		defer g.Close(ctx)
	}
	if c.ConfigError != nil {
		var ce *wasmhost.ConfigError
		if !errors.As(err, &ce) {
			return []string{fmt.Sprintf("- config error {key %q, error %q}", c.ConfigError.Key, c.ConfigError.Error), fmt.Sprintf("+ %v", orAccepted(err))}
		}
		var diff []string
		if ce.Key != c.ConfigError.Key {
			diff = append(diff, fmt.Sprintf("- config key %q", c.ConfigError.Key), fmt.Sprintf("+ config key %q", ce.Key))
		}
		if ce.Msg != c.ConfigError.Error {
			diff = append(diff, fmt.Sprintf("- config error %q", c.ConfigError.Error), fmt.Sprintf("+ config error %q", ce.Msg))
		}
		return diff
	}
	if err != nil {
		return []string{"- config accepted", fmt.Sprintf("+ %v", err)}
	}
	var v abi.Verdict
	if err := g.Check(ctx, c.Exchange, &v); err != nil {
		return []string{fmt.Sprintf("- verdict %s", verdictJSON(*c.Verdict)), fmt.Sprintf("+ error %v", err)}
	}
	return DiffVerdicts(*c.Verdict, v)
}

func orAccepted(err error) string {
	if err == nil {
		return "config accepted"
	}
	return err.Error()
}

func verdictJSON(v abi.Verdict) string {
	b, _ := json.Marshal(guesttest.NormalizeVerdict(v))
	return string(b)
}

// DiffVerdicts returns, field by field of their JSON forms, what got has
// that want does not ("- want FIELD: ...", "+ got FIELD: ..."); nil when
// they are equal (empty and missing lists are equal).
func DiffVerdicts(want, got abi.Verdict) []string {
	want, got = guesttest.NormalizeVerdict(want), guesttest.NormalizeVerdict(got)
	if reflect.DeepEqual(want, got) {
		return nil
	}
	fields := func(v abi.Verdict) map[string]json.RawMessage {
		b, _ := json.Marshal(v)
		var m map[string]json.RawMessage
		_ = json.Unmarshal(b, &m)
		return m
	}
	w, g := fields(want), fields(got)
	keys := map[string]bool{}
	for k := range w {
		keys[k] = true
	}
	for k := range g {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var diff []string
	for _, k := range sorted {
		if !bytes.Equal(w[k], g[k]) {
			diff = append(diff, fmt.Sprintf("- %s: %s", k, orNone(w[k])), fmt.Sprintf("+ %s: %s", k, orNone(g[k])))
		}
	}
	return diff
}

func orNone(b json.RawMessage) string {
	if b == nil {
		return "(none)"
	}
	return string(b)
}

// RunConformance sends the conformance corpus (sdk/conformance) to wasm,
// loaded with config through engine/wasmhost under l: every case in each of its
// phases, twice, on one instance. A case fails on any host error
// (guard_trap, guard_timeout, guard_oom, bad_verdict) or two different
// verdicts for the same exchange. Phases the guard does not describe are
// skipped, as the host skips them.
func RunConformance(ctx context.Context, wasm, config []byte, l Limits) ([]CaseResult, error) {
	h, g, err := load(ctx, wasm, config, l)
	if err != nil {
		return nil, err
	}
	defer closeAll(ctx, h, g)
	var out []CaseResult
	for _, c := range conformance.Corpus() {
		r := CaseResult{Name: c.Name}
		for _, p := range c.Phases {
			x := c.Exchange
			x.Phase = p
			var first, second abi.Verdict
			if err := g.Check(ctx, &x, &first); err != nil {
				r.Diff = append(r.Diff, fmt.Sprintf("phase %s: %v", p, err))
				continue
			}
			first = cloneVerdict(first)
			if err := g.Check(ctx, &x, &second); err != nil {
				r.Diff = append(r.Diff, fmt.Sprintf("phase %s, second call: %v", p, err))
				continue
			}
			if d := DiffVerdicts(first, second); d != nil {
				r.Diff = append(r.Diff, fmt.Sprintf("phase %s: the same exchange got two different verdicts:", p))
				r.Diff = append(r.Diff, d...)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func cloneVerdict(v abi.Verdict) abi.Verdict {
	b, _ := json.Marshal(v)
	var c abi.Verdict
	_ = json.Unmarshal(b, &c)
	return c
}

// PrintResults writes one line per case (ok / FAIL and the diff) and a
// closing "N passed, N failed" line, and returns the number of failures.
func PrintResults(w io.Writer, title string, rs []CaseResult) int {
	failed := 0
	for _, r := range rs {
		if r.Passed() {
			fmt.Fprintf(w, "ok    %s: %s\n", title, r.Name)
			continue
		}
		failed++
		fmt.Fprintf(w, "FAIL  %s: %s\n", title, r.Name)
		for _, l := range r.Diff {
			fmt.Fprintf(w, "        %s\n", l)
		}
	}
	fmt.Fprintf(w, "%s: %d passed, %d failed\n", title, len(rs)-failed, failed)
	return failed
}

// yamlToJSON re-encodes a YAML document as JSON, so that YAML case files
// go through the same strict decoding as JSON ones. Mappings must have
// string keys.
func yamlToJSON(b []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	v, err := jsonable(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func jsonable(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			j, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			t[k] = j
		}
		return t, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("a mapping key %v is not a string", k)
			}
			j, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			m[ks] = j
		}
		return m, nil
	case []any:
		for i, e := range t {
			j, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			t[i] = j
		}
		return t, nil
	}
	return v, nil
}
