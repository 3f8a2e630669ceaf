package examples

import (
	"encoding/json"
	"testing"

	"github.com/wardgate/ward/sdk/conformance"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// keywordGuards are the keyword guard in every SDK language.
var keywordGuards = []struct {
	lang conformance.Lang
	dir  string
}{
	{conformance.Go, "go-keyword"},
	{conformance.C, "c-keyword"},
	{conformance.Rust, "rust-keyword"},
	{conformance.AssemblyScript, "assemblyscript-keyword"},
}

// TestKeywordCases runs the shared cases against every language, each case
// on a fresh instance (a guard is configured once per instance).
func TestKeywordCases(t *testing.T) {
	cases := guesttest.LoadCases(t, "testdata/keyword-cases.json")
	for _, k := range keywordGuards {
		t.Run(string(k.lang), func(t *testing.T) {
			t.Parallel()
			wasm := conformance.BuildTB(t, k.lang, k.dir)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					guesttest.RunCase(t, guesttest.New(t, wasm, nil), c)
				})
			}
		})
	}
}

// TestKeywordDescriptions requires every language to describe the guard
// identically.
func TestKeywordDescriptions(t *testing.T) {
	var want []byte
	for _, k := range keywordGuards {
		t.Run(string(k.lang), func(t *testing.T) {
			wasm := conformance.BuildTB(t, k.lang, k.dir)
			d, err := guesttest.New(t, wasm, nil).Describe()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(d)
			if want == nil {
				want = got
			} else if string(got) != string(want) {
				t.Fatalf("description\n got %s\nwant %s", got, want)
			}
			if d.Name != "keyword" || len(d.Phases) != 1 || d.Phases[0] != "request" || d.ConfigSchema["keywords"] == "" {
				t.Fatalf("description %s", got)
			}
		})
	}
}

// TestKeywordConformance runs the conformance suite against every language.
func TestKeywordConformance(t *testing.T) {
	for _, k := range keywordGuards {
		t.Run(string(k.lang), func(t *testing.T) {
			t.Parallel()
			wasm := conformance.BuildTB(t, k.lang, k.dir)
			conformance.Run(t, wasm, conformance.Options{Config: []byte(`{"keywords":["secret","launch code"]}`)})
		})
	}
}
