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
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// TestBuildGuardConfigFromFiles loads the real denylist guard with its
// phrases from a config_file and its denial code from a config_text file,
// and checks that they apply, that a rebuild reads rotated files, and that
// errors point into the right file.
func TestBuildGuardConfigFromFiles(t *testing.T) {
	wasm := guesttest.Build(t, "../../plugins/denylist/module")
	dir := t.TempDir()
	put := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	put("denylist.wasm", string(wasm))
	put("ward.toml", `[server]
listen = ["127.0.0.1:0"]

[guards.denylist]
path = "denylist.wasm"
pool_size = 1
config_file = "secrets/deny.toml"
config_text = { code = "code.txt" }

[guards.denylist.config]
status = 451
`)
	put("secrets/deny.toml", "# rotated by secret tooling\nphrases = [\"open sesame\"]\n")
	put("code.txt", "denylist.from-file")

	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	host, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close(ctx)
	cfg, err := config.Load(filepath.Join(dir, "ward.toml"))
	if err != nil {
		t.Fatal(err)
	}
	check := func(snap *Snapshot, text string) abi.Verdict {
		t.Helper()
		x := &abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{{Role: "user", Kind: abi.KindText, Text: text}}}
		var v abi.Verdict
		if err := snap.Guards()[0].Check(ctx, x, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	build := func() *Snapshot {
		t.Helper()
		snap, err := Build(ctx, cfg, host, os.ReadFile, quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { snap.Close(ctx) })
		return snap
	}

	snap := build()
	if v := check(snap, "please Open Sesame now"); v.Decision != abi.Deny || v.Status != 451 || v.Code != "denylist.from-file" {
		t.Fatalf("phrase from config_file: %+v", v)
	}
	if v := check(snap, "abracadabra"); v.Decision != abi.Allow {
		t.Fatalf("not yet a phrase: %+v", v)
	}

	// The files are read again by every Build: rotation needs no change
	// to ward.toml.
	put("secrets/deny.toml", "phrases = [\"abracadabra\"]\n")
	put("code.txt", "denylist.rotated")
	snap2 := build()
	if v := check(snap2, "abracadabra"); v.Decision != abi.Deny || v.Code != "denylist.rotated" {
		t.Fatalf("after rotation: %+v", v)
	}
	if v := check(snap2, "open sesame"); v.Decision != abi.Allow {
		t.Fatalf("old phrase after rotation: %+v", v)
	}
	if v := check(snap, "open sesame"); v.Decision != abi.Deny {
		t.Fatalf("the old snapshot changed: %+v", v)
	}

	keysFile := filepath.Join(dir, "secrets", "deny.toml")
	for _, c := range []struct {
		name, file, content, want string
	}{
		// The guard rejects a key that came from the config_file: the error
		// points at its line there.
		{"guard error in config_file", "secrets/deny.toml", "phrases = [\"x\"]\n\nroles = [\"user\", \"robot\"]\n",
			keysFile + `:3: roles[1]: unknown role "robot"`},
		{"conflict with inline", "secrets/deny.toml", "phrases = [\"x\"]\nstatus = 403\n",
			cfg.File + ":11: guards.denylist.config.status: also set in " + keysFile + ":2 (config_file)"},
		{"TOML error in config_file", "secrets/deny.toml", "phrases = [\"x\"]\ncode = sk-live-1234\n",
			keysFile + `:2: expected value but found "…" instead`},
	} {
		t.Run(c.name, func(t *testing.T) {
			put(c.file, c.content)
			snap, err := Build(ctx, cfg, host, os.ReadFile, quiet)
			if err == nil {
				snap.Close(ctx)
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "sk-live") {
				t.Fatalf("got %v, want prefix %s", err, c.want)
			}
		})
	}
	if err := os.Remove(keysFile); err != nil {
		t.Fatal(err)
	}
	_, err = Build(ctx, cfg, host, os.ReadFile, quiet)
	if want := cfg.File + ":7: guards.denylist.config_file: reading " + keysFile + ": no such file or directory"; err == nil || err.Error() != want {
		t.Fatalf("missing config_file: got %v, want %s", err, want)
	}
}
