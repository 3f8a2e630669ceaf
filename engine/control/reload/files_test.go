package reload

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestModuleCache: an unchanged file is served as the very same slice
// (so a rebuild neither reads nor hashes it again); a file replaced by
// rename, or rewritten in place with the same size, is read again.
func TestModuleCache(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "g.wasm")
	if err := os.WriteFile(p, []byte("version-1"), 0o600); err != nil {
		t.Fatal(err)
	}
	reads := 0
	var c moduleCache
	resolve := c.wrap(func(path string) ([]byte, error) {
		reads++
		if path == "builtin:x" {
			return []byte("builtin"), nil
		}
		return os.ReadFile(path)
	})
	a, err := resolve(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := resolve(p)
	if string(b) != "version-1" || &a[0] != &b[0] || reads != 1 {
		t.Fatalf("unchanged file read again (%d reads)", reads)
	}
	// Replaced by rename (a new inode).
	if err := os.WriteFile(p+".tmp", []byte("version-2"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		t.Fatal(err)
	}
	if b, _ := resolve(p); string(b) != "version-2" || reads != 2 {
		t.Fatalf("renamed file: %q after %d reads", b, reads)
	}
	// Rewritten in place, same size, mtime forced back: the change time
	// (Linux) or the mtime elsewhere still tells.
	fi, _ := os.Stat(p)
	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(p, []byte("version-3"), 0o600); err != nil {
		t.Fatal(err)
	}
	if filepath.Separator == '/' {
		_ = os.Chtimes(p, fi.ModTime(), fi.ModTime())
	}
	if b, _ := resolve(p); string(b) != "version-3" {
		t.Fatalf("rewritten file served from cache: %q", b)
	}
	// Builtins are read once.
	x, _ := resolve("builtin:x")
	y, _ := resolve("builtin:x")
	if &x[0] != &y[0] {
		t.Fatal("builtin read again")
	}
	// Errors are the resolver's.
	if _, err := resolve(filepath.Join(dir, "missing.wasm")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
}
