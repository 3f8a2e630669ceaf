package wardproc

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/wardgate/ward/engine/config"
)

func TestCustomSectionKeepsModuleValid(t *testing.T) {
	wasm, err := os.ReadFile("../../../engine/control/reload/testdata/fixtures/swap_v1.wasm")
	if err != nil {
		t.Fatal(err)
	}
	b := WithCustomSection(wasm, "swapbench-variant", []byte("B"))
	if sha256.Sum256(b) == sha256.Sum256(wasm) {
		t.Fatal("same hash")
	}
	rt := wazero.NewRuntime(context.Background())
	defer rt.Close(context.Background())
	cm, err := rt.CompileModule(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cm.ExportedFunctions()["ward_request"]; !ok {
		t.Fatal("exports lost")
	}
	big := WithCustomSection(wasm, "x", make([]byte, 300)) // a multi-byte LEB128 size
	if _, err := rt.CompileModule(context.Background(), big); err != nil {
		t.Fatal(err)
	}
}

func TestConfig(t *testing.T) {
	demo, err := os.ReadFile("../../../cmd/ward/demo.toml")
	if err != nil {
		t.Fatal(err)
	}
	text, err := Config(string(demo), "127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(filepath.Join(t.TempDir(), "ward.toml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Admin.Listen != "127.0.0.1:0" || cfg.Reload.Watch || cfg.Guard("denylist").Path != "guards/denylist.wasm" ||
		cfg.Server.Listen[0] != "127.0.0.1:0" || cfg.Log.Format != "json" || cfg.Log.Level != "info" ||
		cfg.Routes[0].Upstream.Host != "127.0.0.1:9" {
		t.Fatalf("config %+v %+v", cfg.Admin, cfg.Log)
	}
	if strings.Contains(text, "requests = 60\n") {
		t.Fatal("rate limit not raised")
	}
	if _, err := Config("[server]\n", "x"); err == nil {
		t.Fatal("a config without the expected lines must be refused")
	}
}
