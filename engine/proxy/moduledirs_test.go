package proxy

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/wasmhost"
)

// TestModuleDirsAtBuild: with [wasm] module_dirs set, a guard module is
// checked again when a snapshot is built, against the file it resolves to
// then: a symlink swapped to a module outside the directories after the
// config was loaded is refused (positioned at the guard's path), and the
// module is read from the checked path, never through the symlink.
func TestModuleDirsAtBuild(t *testing.T) {
	root := t.TempDir()
	mods, other := filepath.Join(root, "mods"), filepath.Join(root, "other")
	for _, d := range []string{mods, other} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fixture, err := os.ReadFile("../wasmhost/testdata/fixtures/trap.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(mods, "g.wasm"), filepath.Join(other, "evil.wasm")} {
		if err := os.WriteFile(p, fixture, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(mods, "link.wasm")
	if err := os.Symlink(filepath.Join(mods, "g.wasm"), link); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(root, "ward.toml")
	if err := os.WriteFile(cfgPath, []byte("[server]\nlisten = [\"127.0.0.1:0\"]\n[wasm]\nmodule_dirs = [\"mods\"]\n[guards.g]\npath = \"mods/link.wasm\"\npool_size = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	host, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close(ctx)
	var read []string
	resolve := func(p string) ([]byte, error) {
		read = append(read, p)
		return os.ReadFile(p)
	}
	quiet := slog.New(slog.DiscardHandler)
	snap, err := Build(ctx, cfg, host, resolve, quiet)
	if err != nil {
		t.Fatal(err)
	}
	snap.Close(ctx)
	if len(read) != 1 || read[0] != filepath.Join(mods, "g.wasm") {
		t.Fatalf("module read from %v, want the symlink's checked target", read)
	}

	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(other, "evil.wasm"), link); err != nil {
		t.Fatal(err)
	}
	read = nil
	_, err = Build(ctx, cfg, host, resolve, quiet)
	if err == nil || !strings.Contains(err.Error(), "resolves to "+filepath.Join(other, "evil.wasm")+") is outside wasm.module_dirs") || !strings.HasPrefix(err.Error(), cfgPath+":6: guards.g.path: ") {
		t.Fatalf("swapped symlink: %v", err)
	}
	if len(read) != 0 {
		t.Fatalf("the module outside module_dirs was read: %v", read)
	}
}
