package toolkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	wardas "github.com/wardgate/ward/sdk/assemblyscript"
	wardc "github.com/wardgate/ward/sdk/c"
	"github.com/wardgate/ward/sdk/conformance"
	"github.com/wardgate/ward/sdk/examples"
	wardrs "github.com/wardgate/ward/sdk/rust"
)

var validName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// New scaffolds a guard called name in a new directory dir: the keyword
// guard of sdk/examples in lang, renamed, with the SDK copied in for C,
// Rust and AssemblyScript (so the directory builds on its own), a build
// file, the shared test cases as cases.json, and a README with the
// commands. It returns the files written, relative to dir. dir must not
// exist or be empty.
func New(lang conformance.Lang, name, dir string) ([]string, error) {
	if !validName.MatchString(name) {
		return nil, errf("new: guard name %q: want [a-z][a-z0-9_-]*, at most 63 characters", name)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, errf("new: %s exists and is not empty", dir)
	}
	files := map[string][]byte{}
	ex := func(p string) []byte {
		b, err := fs.ReadFile(examples.Keyword, p)
		if err != nil {
			panic("toolkit: embedded example missing: " + p) // a build defect
		}
		return b
	}
	rename := func(b []byte, old string) []byte {
		return bytes.ReplaceAll(b, []byte(old), []byte(fmt.Sprintf("%q", name)))
	}
	var build, test string
	switch lang {
	case conformance.Go:
		files["guard.go"] = rename(ex("go-keyword/guard.go"), `"keyword"`)
		files["main.go"] = ex("go-keyword/main.go")
		files["main_other.go"] = ex("go-keyword/main_other.go")
		build = "GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o " + name + ".wasm .\n# (inside a Go module that requires github.com/wardgate/ward)"
	case conformance.C:
		files[name+".c"] = rename(ex("c-keyword/keyword.c"), `"keyword"`)
		files["ward.h"] = wardc.Header
		files["Makefile"] = []byte(fmt.Sprintf("%s.wasm: %s.c ward.h\n\tclang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 -Wl,--strip-all -o $@ %s.c\n", name, name, name))
		build = "make"
	case conformance.Rust:
		lib := ex("rust-keyword/src/lib.rs")
		lib = bytes.Replace(lib, []byte("#[path = \"../../../rust/ward.rs\"]\nmod ward;"), []byte("mod ward;"), 1)
		files["src/lib.rs"] = rename(lib, `"keyword"`)
		files["src/ward.rs"] = wardrs.Module
		files["build.sh"] = []byte(fmt.Sprintf("#!/bin/sh\n# Debian's rustc has the wasm32 standard library (packages rustc libstd-rust-dev-wasm32).\nset -e\ncd \"$(dirname \"$0\")\"\n\"${RUSTC:-/usr/bin/rustc}\" --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown -O -C strip=symbols -o %s.wasm src/lib.rs\n", name))
		build = "sh build.sh"
	case conformance.AssemblyScript:
		files["assembly/index.ts"] = rename(ex("assemblyscript-keyword/assembly/index.ts"), `"keyword"`)
		files["asconfig.json"] = ex("assemblyscript-keyword/asconfig.json")
		var pkg map[string]any
		if err := json.Unmarshal(ex("assemblyscript-keyword/package.json"), &pkg); err != nil {
			return nil, errf("new: %v", err)
		}
		pkg["name"] = name
		pkg["description"] = "Ward guard " + name
		pkg["scripts"] = map[string]string{"build": "asc assembly/index.ts --target release -o " + name + ".wasm"}
		pkg["dependencies"] = map[string]string{"@wardgate/guard": "file:./ward-sdk"}
		b, _ := json.MarshalIndent(pkg, "", "  ")
		files["package.json"] = append(b, '\n')
		err := fs.WalkDir(wardas.Package, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(wardas.Package, p)
			files["ward-sdk/"+p] = b
			return err
		})
		if err != nil {
			return nil, errf("new: %v", err)
		}
		files[".gitignore"] = []byte("node_modules/\n*.wasm\n")
		build = "npm install && npm run build"
	default:
		return nil, errf("new: unknown language %q (want go, c, rust or assemblyscript)", lang)
	}
	files["cases.json"] = ex("testdata/keyword-cases.json")
	test = "ward plugin test " + name + ".wasm --cases cases.json\nward plugin test " + name + `.wasm --conformance --config '{"keywords":["secret"]}'`
	files["README.md"] = []byte(fmt.Sprintf(`# %s

A Ward guard in %s, scaffolded by `+"`ward plugin new`"+` from the keyword guard
of sdk/examples: it denies a request whose user message contains one of the
configured keywords. Change it, and change cases.json with it.

Build:

    %s

Test (expected verdicts, then the conformance suite):

    %s

Measure and inspect:

    ward plugin bench %s.wasm --config '{"keywords":["secret"]}'
    ward plugin inspect %s.wasm
`, name, lang, strings.ReplaceAll(build, "\n", "\n    "), strings.ReplaceAll(test, "\n", "\n    "), name, name))

	var written []string
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return written, errf("new: %v", err)
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(full, b, mode); err != nil {
			return written, errf("new: %v", err)
		}
		written = append(written, p)
	}
	sort.Strings(written)
	return written, nil
}
