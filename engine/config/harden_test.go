package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRouteLimits(t *testing.T) {
	base := "[server]\nlisten = [\":1\"]\n[[routes]]\nname = \"r\"\nprefix = \"/\"\nupstream = \"http://h\"\n"
	good := []struct {
		name, keys   string
		max, queue   int
		queueTimeout time.Duration
	}{
		{"off by default", "", 0, 0, time.Second},
		{"queue defaults to max_concurrent", "max_concurrent = 8\n", 8, 8, time.Second},
		{"all set", "max_concurrent = 8\nqueue = 0\nqueue_timeout = \"250ms\"\n", 8, 0, 250 * time.Millisecond},
		{"explicit zero queue without limit", "queue = 0\n", 0, 0, time.Second},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("ward.toml", []byte(base+tt.keys))
			if err != nil {
				t.Fatal(err)
			}
			r := c.Routes[0]
			if r.MaxConcurrent != tt.max || r.Queue != tt.queue || r.QueueTimeout != tt.queueTimeout {
				t.Fatalf("got %d/%d/%v", r.MaxConcurrent, r.Queue, r.QueueTimeout)
			}
		})
	}
	bad := []struct{ name, keys, want string }{
		{"queue without limit", "queue = 4\n", "ward.toml:7: routes[0].queue: 4 needs max_concurrent (without a limit nothing is queued)"},
		{"negative", "max_concurrent = -1\n", "ward.toml:7: routes[0].max_concurrent: -1 is out of range (want 0..1048576)"},
		{"queue too long", "max_concurrent = 1\nqueue = 2000000\n", "ward.toml:8: routes[0].queue: 2000000 is out of range (want 0..1048576)"},
		{"timeout too long", "max_concurrent = 1\nqueue_timeout = \"2m\"\n", "ward.toml:8: routes[0].queue_timeout: 2m0s is out of range (want 1ms..1m0s)"},
		{"timeout zero", "max_concurrent = 1\nqueue_timeout = \"0s\"\n", "ward.toml:8: routes[0].queue_timeout: 0s is out of range (want 1ms..1m0s)"},
		{"wrong type", "max_concurrent = \"8\"\n", "ward.toml:7: routes[0].max_concurrent: want integer"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("ward.toml", []byte(base+tt.keys))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestModuleDirsParse(t *testing.T) {
	_, err := Parse("ward.toml", []byte("[server]\nlisten = [\":1\"]\n[wasm]\nmodule_dirs = [\"a\", \"\", \"./a/\", 3]\n"))
	want := "ward.toml:4: wasm.module_dirs[3]: want string, got integer\n" +
		"ward.toml:4: wasm.module_dirs[1]: empty directory\n" +
		"ward.toml:4: wasm.module_dirs[2]: directory \"./a/\" listed twice"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// TestModuleDirs checks that with module_dirs set, a guard module reached
// through "..", an absolute path or a symlink that leaves the directories
// is refused by Load at the guard's path line, and by CheckModulePath
// afterwards when a symlink is swapped.
func TestModuleDirs(t *testing.T) {
	root := t.TempDir()
	mods := filepath.Join(root, "mods")
	other := filepath.Join(root, "other")
	for _, d := range []string{mods, other, filepath.Join(mods, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) {
		if err := os.WriteFile(p, []byte("\x00asm"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(mods, "ok.wasm"))
	write(filepath.Join(mods, "sub", "deep.wasm"))
	write(filepath.Join(other, "evil.wasm"))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(other, "evil.wasm"), filepath.Join(mods, "link-out.wasm")))
	must(os.Symlink(filepath.Join(mods, "ok.wasm"), filepath.Join(other, "link-in.wasm")))
	must(os.Symlink(other, filepath.Join(mods, "dirlink")))
	// module_dirs itself behind a symlink: resolved too.
	must(os.Symlink(mods, filepath.Join(root, "modslink")))

	cases := []struct {
		name, dirs, path string
		ok               bool
	}{
		{"inside", `["mods"]`, "mods/ok.wasm", true},
		{"inside a sub-directory", `["mods"]`, "mods/sub/deep.wasm", true},
		{"absolute inside", `["mods"]`, filepath.Join(mods, "ok.wasm"), true},
		{"symlink from outside to inside", `["mods"]`, "other/link-in.wasm", true},
		{"dirs through a symlink", `["modslink"]`, "mods/ok.wasm", true},
		{"builtin", `["mods"]`, "builtin:denylist", true},
		{"no module_dirs", `[]`, "other/evil.wasm", true},
		{"dot-dot", `["mods"]`, "mods/../other/evil.wasm", false},
		{"dot-dot from a sub-directory", `["mods/sub"]`, "mods/sub/../ok.wasm", false},
		{"absolute outside", `["mods"]`, filepath.Join(other, "evil.wasm"), false},
		{"symlink leaving", `["mods"]`, "mods/link-out.wasm", false},
		{"directory symlink leaving", `["mods"]`, "mods/dirlink/evil.wasm", false},
		{"the directory itself", `["mods"]`, "mods", false},
		{"prefix is not a parent", `["mods"]`, "mods2/x.wasm", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := "[server]\nlisten = [\":1\"]\n[wasm]\nmodule_dirs = " + c.dirs + "\n[guards.g]\npath = \"" + c.path + "\"\n"
			cfgPath := filepath.Join(root, "ward.toml")
			must(os.WriteFile(cfgPath, []byte(text), 0o644))
			_, err := Load(cfgPath)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("module outside module_dirs accepted")
			}
			if !strings.HasPrefix(err.Error(), cfgPath+":6: guards.g.path: ") {
				t.Fatalf("error not at the guard's path: %v", err)
			}
		})
	}

	t.Run("missing directory", func(t *testing.T) {
		cfgPath := filepath.Join(root, "ward.toml")
		must(os.WriteFile(cfgPath, []byte("[server]\nlisten = [\":1\"]\n[wasm]\nmodule_dirs = [\"mods\", \"nope\", \"mods/ok.wasm\"]\n"), 0o644))
		_, err := Load(cfgPath)
		if err == nil || !strings.Contains(err.Error(), ":4: wasm.module_dirs[1]: ") || !strings.Contains(err.Error(), ":4: wasm.module_dirs[2]: mods/ok.wasm is not a directory") {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("candidate outside", func(t *testing.T) {
		cfgPath := filepath.Join(root, "ward.toml")
		must(os.WriteFile(cfgPath, []byte("[server]\nlisten = [\":1\"]\n[wasm]\nmodule_dirs = [\"mods\"]\n[guards.g]\npath = \"mods/ok.wasm\"\ncandidate = \"mods/link-out.wasm\"\n"), 0o644))
		_, err := Load(cfgPath)
		if err == nil || !strings.HasPrefix(err.Error(), cfgPath+":7: guards.g.candidate: ") || !strings.Contains(err.Error(), "outside wasm.module_dirs") {
			t.Fatalf("got %v", err)
		}
		must(os.WriteFile(cfgPath, []byte("[server]\nlisten = [\":1\"]\n[wasm]\nmodule_dirs = [\"mods\"]\n[guards.g]\npath = \"mods/ok.wasm\"\ncandidate = \"mods/sub/deep.wasm\"\n"), 0o644))
		if _, err := Load(cfgPath); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("admin module_dir", func(t *testing.T) {
		cfgPath := filepath.Join(root, "ward.toml")
		for _, c := range []struct {
			dir string
			ok  bool
		}{{"mods", true}, {"mods/uploads", true}, {"modslink/new", true}, {"other", false}, {"mods/dirlink", false}} {
			must(os.WriteFile(cfgPath, []byte("[server]\nlisten = [\":1\"]\n[wasm]\nmodule_dirs = [\"mods\"]\n[admin]\nlisten = \"127.0.0.1:0\"\nmodule_dir = \""+c.dir+"\"\n"), 0o644))
			_, err := Load(cfgPath)
			if c.ok != (err == nil) || err != nil && !strings.HasPrefix(err.Error(), cfgPath+":7: admin.module_dir: ") {
				t.Errorf("%s: %v", c.dir, err)
			}
		}
	})

	t.Run("symlink swapped after load", func(t *testing.T) {
		link := filepath.Join(mods, "swap.wasm")
		must(os.Symlink(filepath.Join(mods, "ok.wasm"), link))
		cfgPath := filepath.Join(root, "ward.toml")
		must(os.WriteFile(cfgPath, []byte("[server]\nlisten = [\":1\"]\n[wasm]\nmodule_dirs = [\"mods\"]\n[guards.g]\npath = \"mods/swap.wasm\"\n"), 0o644))
		c, err := Load(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		p := c.ResolvePath(c.Guards[0].Path)
		real, err := c.CheckModulePath(p)
		if err != nil || real != filepath.Join(mods, "ok.wasm") {
			t.Fatalf("before the swap: %q, %v", real, err)
		}
		must(os.Remove(link))
		must(os.Symlink(filepath.Join(other, "evil.wasm"), link))
		if _, err := c.CheckModulePath(p); !errors.Is(err, ErrOutsideModuleDirs) {
			t.Fatalf("after the swap: %v", err)
		}
	})
}
