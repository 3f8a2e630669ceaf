package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// FuzzParse checks that Parse never panics, that it returns either a config
// or only *Error values, and that for any document BurntSushi/toml accepts
// the line scanner finds every top-level key. Seeds: testdata/*.toml and
// Example().
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./engine/config
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.toml"))
	if err != nil {
		f.Fatal(err)
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds in testdata")
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(Example()))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.toml", data)
		if err != nil {
			if c != nil {
				t.Fatal("config and error both returned")
			}
			errs := Errors(err)
			if len(errs) == 0 {
				t.Fatalf("error holds no *Error: %v", err)
			}
			for _, e := range errs {
				if e.Msg == "" || e.Code == "" || e.File != "fuzz.toml" || e.Line < 0 {
					t.Fatalf("malformed error %+v", e)
				}
			}
		} else {
			for _, g := range c.Guards {
				if !json.Valid(g.ConfigJSON) || g.ConfigJSON[0] != '{' {
					t.Fatalf("guard %s: ConfigJSON %q", g.Name, g.ConfigJSON)
				}
			}
			for _, r := range c.Routes {
				if r.Upstream == nil || !strings.HasPrefix(r.Prefix, "/") {
					t.Fatalf("route %+v", r)
				}
			}
		}
		// Independent of Parse's result: where the TOML is valid, every
		// top-level key has a line, and no line is beyond the end.
		ix, depth, _ := scanDepth(data)
		if depth > MaxDepth {
			return // Parse refused it; toml.Decode would be slow
		}
		var m map[string]any
		md, derr := toml.Decode(string(data), &m)
		if derr != nil {
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, l := range ix {
			if l < 1 || l > lines {
				t.Fatalf("line %d outside 1..%d", l, lines)
			}
		}
	keys:
		for _, k := range md.Keys() {
			if ix.lookup(k[:1]) == 0 {
				t.Fatalf("no line for top-level key %q (from %q)", k[0], k.String())
			}
			// MetaData keys carry no array indexes: check the exact path
			// only where no ancestor is an array.
			for n := 1; n < len(k); n++ {
				if typ := md.Type(k[:n]...); typ == "ArrayHash" || typ == "Array" {
					continue keys
				}
			}
			if _, ok := ix[joinPath(k)]; !ok {
				t.Fatalf("no line for key %q", k.String())
			}
		}
	})
}
