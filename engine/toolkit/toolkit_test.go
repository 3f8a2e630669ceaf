package toolkit

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/conformance"
)

const cExample = "../../sdk/examples/c-keyword"

func cGuard(t *testing.T) []byte { return conformance.BuildTB(t, conformance.C, cExample) }

func TestInspect(t *testing.T) {
	info, err := Inspect(context.Background(), cGuard(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.ABI != abi.Version || info.Description == nil || info.Description.Name != "keyword" || !info.MemoryExported || info.MinPages == 0 {
		t.Fatalf("info %+v", info)
	}
	var names []string
	for _, f := range info.Exports {
		names = append(names, f.String())
	}
	for _, want := range []string{"ward_alloc(i32) -> (i32)", "ward_request(i32, i32) -> (i64)", "_initialize() -> ()"} {
		if !strings.Contains(strings.Join(names, "\n"), want) {
			t.Errorf("exports %v lack %s", names, want)
		}
	}
	var out bytes.Buffer
	info.Print(&out)
	if !strings.Contains(out.String(), "guard    keyword 1.0.0, phases request") {
		t.Fatalf("print:\n%s", out.String())
	}
	if _, err := Inspect(context.Background(), []byte("not wasm")); err == nil {
		t.Fatal("Inspect accepted garbage")
	}
}

func TestRunCases(t *testing.T) {
	cases, err := LoadCases("../../sdk/examples/testdata/keyword-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	wasm := cGuard(t)
	for _, r := range RunCases(context.Background(), wasm, cases, Limits{}) {
		if !r.Passed() {
			t.Errorf("%s: %v", r.Name, r.Diff)
		}
	}
	// Wrong expectations must fail, with a diff naming the field.
	bad := cases[len(cases)-1]
	v := *bad.Verdict
	v.Code = "other.code"
	bad.Verdict = &v
	ce := *cases[0].ConfigError
	ce.Key = "elsewhere"
	badConfig := cases[0]
	badConfig.ConfigError = &ce
	rs := RunCases(context.Background(), wasm, append(cases[:0:0], bad, badConfig), Limits{})
	if rs[0].Passed() || !strings.Contains(strings.Join(rs[0].Diff, "\n"), `- code: "other.code"`) {
		t.Fatalf("verdict diff %v", rs[0].Diff)
	}
	if rs[1].Passed() || !strings.Contains(strings.Join(rs[1].Diff, "\n"), `+ config key "keywords"`) {
		t.Fatalf("config diff %v", rs[1].Diff)
	}
	var out bytes.Buffer
	if n := PrintResults(&out, "cases", rs); n != 2 || !strings.Contains(out.String(), "cases: 0 passed, 2 failed") {
		t.Fatalf("PrintResults = %d:\n%s", n, out.String())
	}
}

func TestRunConformance(t *testing.T) {
	// The 2 MiB case needs a few ms of CPU, but the host's watchdog stops a
	// call at twice the budget in wall time, and `go test ./...` keeps both
	// cores busy: a generous budget keeps this test about the wiring.
	rs, err := RunConformance(context.Background(), cGuard(t), []byte(`{"keywords":["secret"]}`), Limits{CPUBudget: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(conformance.Corpus()) {
		t.Fatalf("%d results", len(rs))
	}
	for _, r := range rs {
		if !r.Passed() {
			t.Errorf("%s: %v", r.Name, r.Diff)
		}
	}
	if _, err := RunConformance(context.Background(), cGuard(t), []byte(`{}`), Limits{}); err == nil {
		t.Fatal("a rejected config did not fail")
	}
}

func TestBench(t *testing.T) {
	rs, err := Bench(context.Background(), cGuard(t), []byte(`{"keywords":["secret"]}`), 50, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Bytes < 900 || rs[0].Bytes > 1100 || rs[1].Bytes < 15000 || rs[1].Bytes > 17000 {
		t.Fatalf("results %+v", rs)
	}
	for _, r := range rs {
		if r.P50 <= 0 || r.P99 < r.P50 || r.Decision != abi.Allow {
			t.Fatalf("result %+v", r)
		}
	}
}

// TestNewBuildTest scaffolds a guard in each language, builds it with its
// toolchain and runs its cases: the loop `ward plugin` offers.
func TestNewBuildTest(t *testing.T) {
	for _, lang := range []conformance.Lang{conformance.C, conformance.Rust, conformance.AssemblyScript} {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "acme")
			files, err := New(lang, "acme-words", dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) < 3 {
				t.Fatalf("files %v", files)
			}
			if lang == conformance.AssemblyScript {
				// Reuse the example's installed compiler instead of
				// fetching it again.
				nm, _ := filepath.Abs("../../sdk/examples/assemblyscript-keyword/node_modules")
				if _, err := os.Stat(nm); err != nil {
					conformance.BuildTB(t, lang, "../../sdk/examples/assemblyscript-keyword") // skips or fails with the reason
				}
				if err := os.Symlink(nm, filepath.Join(dir, "node_modules")); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(dir, "acme-words.wasm")
			if got, err := Build("", dir, out); err != nil {
				if strings.Contains(err.Error(), conformance.ErrNoToolchain.Error()) && os.Getenv("CI") == "" {
					t.Skip(err)
				}
				t.Fatal(err)
			} else if got != lang {
				t.Fatalf("detected %s, want %s", got, lang)
			}
			wasm, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			info, err := Inspect(context.Background(), wasm)
			if err != nil || info.Description == nil || info.Description.Name != "acme-words" {
				t.Fatalf("inspect: %+v, %v", info.Description, err)
			}
			cases, err := LoadCases(filepath.Join(dir, "cases.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range RunCases(context.Background(), wasm, cases, Limits{}) {
				if !r.Passed() {
					t.Errorf("%s: %v", r.Name, r.Diff)
				}
			}
		})
	}
	if _, err := New("cobol", "x", t.TempDir()); err == nil {
		t.Fatal("unknown language accepted")
	}
	if _, err := New(conformance.C, "Bad Name", t.TempDir()); err == nil {
		t.Fatal("bad name accepted")
	}
}

// TestExtismAssemblyScript and TestExtismGoKeyword run the keyword guard
// built with Extism's AssemblyScript PDK (sdk/examples/extism-assemblyscript)
// and Go PDK (sdk/examples/extism-go-keyword) through Ward's Extism
// support: the cases every native keyword guard passes, and the
// conformance suite under a CPU budget of 5s (JSON in and out, and the
// PDKs' input copy, make a 20,000-message exchange take longer than the
// default 50ms: the suite reports guard_timeout there; 1s was exceeded on
// a loaded CI machine).
func TestExtismAssemblyScript(t *testing.T) {
	testExtismKeyword(t, conformance.AssemblyScript, "../../sdk/examples/extism-assemblyscript")
}

func TestExtismGoKeyword(t *testing.T) {
	testExtismKeyword(t, conformance.Go, "../../sdk/examples/extism-go-keyword")
}

func testExtismKeyword(t *testing.T, lang conformance.Lang, dir string) {
	wasm := conformance.BuildTB(t, lang, dir)
	info, err := Inspect(context.Background(), wasm)
	if err != nil || info.ABI != "extism" {
		t.Fatalf("inspect: abi %q, %v", info.ABI, err)
	}
	cases, err := LoadCases("../../sdk/examples/testdata/keyword-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range RunCases(context.Background(), wasm, cases, Limits{}) {
		if !r.Passed() {
			t.Errorf("%s: %v", r.Name, r.Diff)
		}
	}
	rs, err := RunConformance(context.Background(), wasm, []byte(`{"keywords":["secret"]}`), Limits{CPUBudget: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if !r.Passed() {
			t.Errorf("conformance %s: %v", r.Name, r.Diff)
		}
	}
}

// TestLoadCasesYAML: a YAML cases file loads to the same cases as its
// JSON form, and keeps the JSON form's strictness.
func TestLoadCasesYAML(t *testing.T) {
	dir := t.TempDir()
	y := filepath.Join(dir, "cases.yaml")
	j := filepath.Join(dir, "cases.json")
	os.WriteFile(y, []byte(`
- name: keyword in user message
  config: {keywords: [secret]}
  exchange:
    phase: request
    api: openai.chat
    messages:
      - {role: user, kind: text, text: "tell me the SECRET"}
  verdict:
    decision: deny
    status: 403
    code: keyword.match
    message: request contains a blocked keyword
    reasons: ["keywords[0] in messages[0]"]
- name: missing keywords
  config: {}
  config_error: {key: keywords, error: "required: list the keywords to block"}
`), 0o600)
	os.WriteFile(j, []byte(`[
 {"name":"keyword in user message","config":{"keywords":["secret"]},
  "exchange":{"phase":"request","api":"openai.chat","messages":[{"role":"user","kind":"text","text":"tell me the SECRET"}]},
  "verdict":{"decision":"deny","status":403,"code":"keyword.match","message":"request contains a blocked keyword","reasons":["keywords[0] in messages[0]"]}},
 {"name":"missing keywords","config":{},"config_error":{"key":"keywords","error":"required: list the keywords to block"}}
]`), 0o600)
	fromYAML, err := LoadCases(y)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := LoadCases(j)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromYAML) != 2 || !reflect.DeepEqual(fromYAML[0].Exchange, fromJSON[0].Exchange) || !reflect.DeepEqual(fromYAML[0].Verdict, fromJSON[0].Verdict) ||
		!reflect.DeepEqual(fromYAML[1].ConfigError, fromJSON[1].ConfigError) {
		t.Fatalf("yaml %+v\njson %+v", fromYAML, fromJSON)
	}
	var a, b any
	json.Unmarshal(fromYAML[0].Config, &a)
	json.Unmarshal(fromJSON[0].Config, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("config %s vs %s", fromYAML[0].Config, fromJSON[0].Config)
	}
	os.WriteFile(y, []byte("- name: x\n  config: {}\n  typo: 1\n"), 0o600)
	if _, err := LoadCases(y); err == nil {
		t.Fatal("an unknown field in a YAML case was accepted")
	}
}
