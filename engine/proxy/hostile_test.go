package proxy

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/wasmhost"
)

// TestHostileGuardsThroughGateway loads the wasm host's hostile fixtures
// through the real config -> Build path and checks, over real sockets, that
// each ends in its guard's failure policy within budget, with the error code
// in the API-shaped answer, and that the gateway keeps serving.
func TestHostileGuardsThroughGateway(t *testing.T) {
	fix, err := filepath.Abs("../wasmhost/testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	uln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(uln)
	defer mock.Close()
	up := "http://" + uln.Addr().String()

	route := func(name, guard string) string {
		return "\n[[routes]]\nname = \"" + name + "\"\nprefix = \"/" + name + "/\"\nstrip_prefix = true\nupstream = \"" + up + "\"\nguards = [" + guard + "]\n"
	}
	text := `
[server]
listen = ["127.0.0.1:0"]

[guards.loop]
path = "` + fix + `/loop.wasm"
cpu_budget = "20ms"
pool_size = 1

[guards.loopopen]
path = "` + fix + `/loop.wasm"
cpu_budget = "20ms"
pool_size = 1
on_error = "allow"

[guards.loopobserve]
path = "` + fix + `/loop.wasm"
cpu_budget = "20ms"
pool_size = 1
mode = "observe"

[guards.trap]
path = "` + fix + `/trap.wasm"
pool_size = 1

[guards.bomb]
path = "` + fix + `/membomb.wasm"
memory_limit = "1MiB"
max_output = "64KiB"
pool_size = 1
` + route("loop", `"loop"`) + route("open", `"loopopen"`) + route("observe", `"loopobserve"`) +
		route("trap", `"trap"`) + route("bomb", `"bomb"`) + route("plain", "")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "ward.toml")
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
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
	snap, err := Build(ctx, cfg, host, os.ReadFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(snap, nil)
	lns, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = srv.Serve(sctx, cfg, lns, time.Second); close(done) }()
	defer func() { cancel(); <-done; snap.Close(ctx) }()
	base := "http://" + lns[0].Addr().String()

	cases := []struct {
		path   string
		status int
		code   string
	}{
		{"/loop/v1/chat/completions", 503, "guard_timeout"},
		{"/open/v1/chat/completions", 200, ""},
		{"/observe/v1/chat/completions", 200, ""},
		{"/trap/v1/chat/completions", 503, "guard_trap"},
		{"/bomb/v1/chat/completions", 503, "guard_oom"},
		{"/plain/v1/chat/completions", 200, ""},
	}
	for round := range 3 { // the pool is replenished after every failure
		for _, c := range cases {
			start := time.Now()
			resp, b := post(t, base+c.path, chat("hello"), nil)
			took := time.Since(start)
			if resp.StatusCode != c.status {
				t.Fatalf("round %d %s: status %d, want %d: %s", round, c.path, resp.StatusCode, c.status, b)
			}
			if c.code != "" {
				var oa struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.Unmarshal(b, &oa); err != nil || oa.Error.Code != c.code || !strings.Contains(oa.Error.Message, "failed") {
					t.Fatalf("round %d %s: body %s", round, c.path, b)
				}
			}
			if took > 2*time.Second {
				t.Fatalf("round %d %s took %v", round, c.path, took)
			}
		}
	}
}
