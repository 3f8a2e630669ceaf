package conformance

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	wardc "github.com/wardgate/ward/sdk/c"
)

// Lang is a language Ward has a native-ABI SDK for.
type Lang string

const (
	Go             Lang = "go"
	C              Lang = "c"
	Rust           Lang = "rust"
	AssemblyScript Lang = "assemblyscript"
)

// Langs lists every SDK language.
var Langs = []Lang{Go, C, Rust, AssemblyScript}

// ErrNoToolchain is returned (wrapped) by Build when the language's
// toolchain is not installed.
var ErrNoToolchain = errors.New("toolchain not installed")

// Build compiles the guard in dir (a Go main package; a directory of .c
// files; a Rust crate root src/lib.rs; an AssemblyScript package with
// assembly/index.ts, asconfig.json and its node_modules installed) to a
// native-ABI module at out, with the commands the SDK READMEs give:
//
//	go:    GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o OUT .
//	c:     clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 -Wl,--strip-all -I sdk/c -o OUT *.c
//	rust:  rustc --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown -O -C strip=symbols -o OUT src/lib.rs
//	as:    node_modules/.bin/asc assembly/index.ts --target release -o OUT
//
// Warnings are errors for C (-Wall -Wextra -Werror) and Rust (-D warnings):
// the SDKs compile cleanly, and so should the guards built on them.
//
// The Rust compiler is $WARD_RUSTC, else /usr/bin/rustc (Debian's, which
// has the wasm32 standard library), else rustc on PATH. A missing
// toolchain is an error wrapping ErrNoToolchain.
func Build(lang Lang, dir, out string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	var cmd *exec.Cmd
	switch lang {
	case Go:
		goCmd, err := lookPath("go", "")
		if err != nil {
			return err
		}
		cmd = exec.Command(goCmd, "build", "-trimpath", "-buildmode=c-shared", "-o", out, ".")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	case C:
		clang, err := lookPath("clang", "Debian packages clang lld wasi-libc libclang-rt-14-dev-wasm32")
		if err != nil {
			return err
		}
		if _, err := lookPath("wasm-ld", "Debian package lld"); err != nil {
			return err
		}
		if _, err := os.Stat("/usr/include/wasm32-wasi/stdlib.h"); err != nil {
			return fmt.Errorf("wasi-libc: %w (Debian package wasi-libc)", ErrNoToolchain)
		}
		srcs, _ := filepath.Glob(filepath.Join(dir, "*.c"))
		if len(srcs) == 0 {
			return fmt.Errorf("build %s: no .c files", dir)
		}
		// ward.h next to the sources wins (#include "ward.h" looks there
		// first); else the header this program was built with, which
		// works without a source tree (a -trimpath binary).
		inc, err := os.MkdirTemp("", "ward-h")
		if err != nil {
			return err
		}
		defer os.RemoveAll(inc)
		if err := os.WriteFile(filepath.Join(inc, "ward.h"), wardc.Header, 0o644); err != nil {
			return err
		}
		args := []string{"--target=wasm32-wasi", "--sysroot=/usr", "-mexec-model=reactor", "-O2", "-Wall", "-Wextra", "-Werror",
			"-Wl,--strip-all", "-I", inc, "-o", out}
		cmd = exec.Command(clang, append(args, srcs...)...)
	case Rust:
		rustc, err := findRustc()
		if err != nil {
			return err
		}
		cmd = exec.Command(rustc, "--edition", "2021", "--crate-type", "cdylib", "--target", "wasm32-unknown-unknown",
			"-O", "-C", "strip=symbols", "-D", "warnings", "-o", out, filepath.Join("src", "lib.rs"))
	case AssemblyScript:
		asc := filepath.Join(dir, "node_modules", ".bin", "asc")
		if _, err := os.Stat(asc); err != nil {
			return fmt.Errorf("%s: %w (run npm ci in %s)", asc, ErrNoToolchain, dir)
		}
		if _, err := lookPath("node", "Debian package nodejs"); err != nil {
			return err
		}
		cmd = exec.Command(asc, "assembly/index.ts", "--target", "release", "-o", out)
	default:
		return fmt.Errorf("unknown language %q (want go, c, rust or assemblyscript)", lang)
	}
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s guard %s: %v\n%s", lang, dir, err, msg)
	}
	return nil
}

func lookPath(name, pkg string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		if pkg != "" {
			return "", fmt.Errorf("%s: %w (%s)", name, ErrNoToolchain, pkg)
		}
		return "", fmt.Errorf("%s: %w", name, ErrNoToolchain)
	}
	return p, nil
}

// findRustc returns a rustc that has the wasm32-unknown-unknown standard
// library.
func findRustc() (string, error) {
	var candidates []string
	if env := os.Getenv("WARD_RUSTC"); env != "" {
		candidates = append(candidates, env)
	}
	candidates = append(candidates, "/usr/bin/rustc")
	if p, err := exec.LookPath("rustc"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		out, err := exec.Command(c, "--print", "target-libdir", "--target", "wasm32-unknown-unknown").Output()
		if err != nil {
			continue
		}
		if libs, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "libstd-*.rlib")); len(libs) > 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("rustc with the wasm32-unknown-unknown standard library: %w (Debian packages rustc libstd-rust-dev-wasm32)", ErrNoToolchain)
}

type built struct {
	once sync.Once
	wasm []byte
	err  error
}

var builds sync.Map // lang + "\x00" + absolute dir -> *built

// BuildTB builds the guard in dir once per process (see Build) and returns
// the module's bytes, which callers must not modify. When the toolchain is
// missing it skips tb with a message naming what to install, except under
// CI (the environment variable CI is set), where every toolchain must be
// present and a missing one fails tb. Safe for concurrent use.
func BuildTB(tb testing.TB, lang Lang, dir string) []byte {
	tb.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	v, _ := builds.LoadOrStore(string(lang)+"\x00"+abs, &built{})
	b := v.(*built)
	b.once.Do(func() {
		tmp, err := os.MkdirTemp("", "ward-guard-build")
		if err != nil {
			b.err = err
			return
		}
		defer os.RemoveAll(tmp)
		out := filepath.Join(tmp, "guard.wasm")
		if b.err = Build(lang, abs, out); b.err == nil {
			b.wasm, b.err = os.ReadFile(out)
		}
	})
	if errors.Is(b.err, ErrNoToolchain) && os.Getenv("CI") == "" {
		tb.Skipf("skipping %s guard: %v (CI installs it: .ci/run)", lang, b.err)
	}
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.wasm
}
