package toolkit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/wardgate/ward/sdk/conformance"
)

// DetectLang says which language the guard in dir is written in, from its
// files: asconfig.json (AssemblyScript), src/lib.rs (Rust), *.c (C), *.go
// (Go).
func DetectLang(dir string) (conformance.Lang, error) {
	exists := func(p string) bool { _, err := os.Stat(filepath.Join(dir, p)); return err == nil }
	glob := func(p string) bool { m, _ := filepath.Glob(filepath.Join(dir, p)); return len(m) > 0 }
	switch {
	case exists("asconfig.json"):
		return conformance.AssemblyScript, nil
	case exists(filepath.Join("src", "lib.rs")):
		return conformance.Rust, nil
	case glob("*.c"):
		return conformance.C, nil
	case glob("*.go"):
		return conformance.Go, nil
	}
	return "", errf("%s: no guard found (want asconfig.json, src/lib.rs, *.c or *.go)", dir)
}

// Build compiles the guard in dir to out with its language's toolchain
// (lang "" detects it), using the commands of the SDK READMEs (see
// conformance.Build). For AssemblyScript it first runs `npm install` when
// node_modules is missing.
func Build(lang conformance.Lang, dir, out string) (conformance.Lang, error) {
	if lang == "" {
		var err error
		if lang, err = DetectLang(dir); err != nil {
			return "", err
		}
	}
	if lang == conformance.AssemblyScript {
		if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
			npm, err := exec.LookPath("npm")
			if err != nil {
				return lang, errf("build: npm not found (Debian packages nodejs npm)")
			}
			cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
			cmd.Dir = dir
			if msg, err := cmd.CombinedOutput(); err != nil {
				return lang, errf("build: npm install in %s: %v\n%s", dir, err, msg)
			}
		}
	}
	if err := conformance.Build(lang, dir, out); err != nil {
		return lang, fmt.Errorf("ward plugin: %w", err)
	}
	return lang, nil
}
