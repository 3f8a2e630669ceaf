package main

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
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
	want, err := fs.ReadFile(builtinGuards, "guards/denylist.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a1, want) {
		t.Fatal("in-place module differs from the embedded file")
	}
	if len(b.read) != 1 {
		t.Fatalf("%d modules recorded for release, want 1", len(b.read))
	}
	if _, err := b.module("no-such-guard"); err == nil || !strings.Contains(err.Error(), "not embedded") {
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
