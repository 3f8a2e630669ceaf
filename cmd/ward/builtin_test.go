package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wardgate/ward/engine/wasmhost"
)

// TestBuiltinInPlace: a built-in module is the embedded bytes themselves,
// not a copy: the same slice every time, equal to the file's contents.
func TestBuiltinInPlace(t *testing.T) {
	requireBuiltins(t)
	b := &builtins{fsys: builtinGuards}
	a1, err := b.module("denylist")
	if err != nil {
		t.Fatal(err)
	}
	a2, err := b.module("denylist")
	if err != nil {
		t.Fatal(err)
	}
	if &a1[0] != &a2[0] {
		t.Fatal("built-in module copied: two reads returned different memory")
	}
	want, err := fs.ReadFile(builtinGuards, builtinPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a1, want) {
		t.Fatal("in-place module differs from the embedded file")
	}
	if len(b.read) != 1 {
		t.Fatalf("%d modules recorded for release, want 1", len(b.read))
	}
	if a3, err := b.module("pii"); err != nil || &a3[0] != &a1[0] {
		t.Fatalf("pii: %v: not the same module as denylist", err)
	}
	if len(b.read) != 1 {
		t.Fatalf("%d modules recorded for release, want 1", len(b.read))
	}
	if _, err := b.module("no-such-guard"); err == nil || !strings.Contains(err.Error(), "no built-in guard") {
		t.Fatalf("missing guard: %v", err)
	}
}

// TestBuiltinReleaseKeepsContents: releasing a module's pages drops them
// from the resident set only; reading them again gives the same bytes.
func TestBuiltinReleaseKeepsContents(t *testing.T) {
	requireBuiltins(t)
	b := &builtins{fsys: builtinGuards}
	m, err := b.module("denylist")
	if err != nil {
		t.Fatal(err)
	}
	before := sha256.Sum256(m)
	b.release()
	if after := sha256.Sum256(m); after != before {
		t.Fatal("module contents changed after release")
	}
}

// TestReleasePagesLeavesHeapAlone: memory that is not a read-only file
// mapping (here the Go heap, which MADV_DONTNEED would zero) is never
// released.
func TestReleasePagesLeavesHeapAlone(t *testing.T) {
	heap := bytes.Repeat([]byte{0xab}, 1<<20)
	releasePages([][]byte{heap, nil})
	for i, c := range heap {
		if c != 0xab {
			t.Fatalf("heap memory was released: byte %d is %#x", i, c)
		}
	}
}

// TestInPlaceFallback: a file info that is not embed.FS's own (another
// fs, or a future Go release's representation) is not read in place; the
// module is then copied.
func TestInPlaceFallback(t *testing.T) {
	mfs := fstest.MapFS{"guards/x.wasm": {Data: []byte("\x00asm"), ModTime: time.Unix(1, 0)}}
	fi, err := fs.Stat(mfs, "guards/x.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := inPlace(fi); ok {
		t.Fatal("read a MapFS file info in place")
	}
	osfi, err := os.Stat(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := inPlace(osfi); ok {
		t.Fatal("read an os file info in place")
	}
}

// TestBuiltinNames: every name of builtinNames loads from the built-in
// module as the guard of that name, and the module holds no guard the list
// lacks (its error for an unknown name lists them all).
func TestBuiltinNames(t *testing.T) {
	requireBuiltins(t)
	wasm, err := fs.ReadFile(builtinGuards, builtinPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var guestOut syncBuffer // the guests' stderr, as the host logs it
	h, err := wasmhost.New(ctx, wasmhost.Options{Logger: slog.New(slog.NewTextHandler(&guestOut, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(ctx)
	for _, name := range builtinNames {
		// An empty config: the guards that need one refuse it, which
		// shows which guard the instance is as well.
		g, err := h.Load(ctx, wasmhost.Spec{Wasm: wasm, Select: name, PoolSize: 1, Walltime: true})
		if err != nil {
			if !strings.Contains(err.Error(), "guard "+name+"@") || !strings.Contains(err.Error(), "guard_config") {
				t.Fatalf("%s: %v", name, err)
			}
			continue
		}
		if g.Name() != name {
			t.Errorf("builtin:%s loaded guard %q", name, g.Name())
		}
		g.Close(ctx)
	}
	_, err = h.Load(ctx, wasmhost.Spec{Wasm: wasm, Select: "no-such-guard", PoolSize: 1})
	if err == nil || !strings.Contains(err.Error(), "ward_describe") {
		t.Fatalf("unknown guard: %v", err)
	}
	if want := "the module holds the guards " + strings.Join(builtinNames, ", ") + ";"; !strings.Contains(guestOut.String(), want) {
		t.Fatalf("unknown guard: the guest did not say %q:\n%s", want, guestOut.String())
	}
}
