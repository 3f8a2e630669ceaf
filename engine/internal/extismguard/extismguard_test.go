package extismguard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

func loadExample(t testing.TB, pool int, cfg string) *Guard {
	t.Helper()
	g, err := Load(context.Background(), Options{
		CacheDir: testCache, Name: "kw", Wasm: exampleWasm, ConfigJSON: []byte(cfg), PoolSize: pool,
		Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Cleanup(func() {
		if err := g.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return g
}

func userExchange(texts ...string) *abi.Exchange {
	x := &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "r1", Route: "default", Path: "/v1/chat/completions", Model: "m"}
	for i, t := range texts {
		role := "user"
		if strings.HasPrefix(t, "assistant:") {
			role, t = "assistant", strings.TrimPrefix(t, "assistant:")
		}
		x.Messages = append(x.Messages, abi.Message{Turn: uint32(i), Role: role, Text: t})
	}
	return x
}

func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestDescribe(t *testing.T) {
	g := loadExample(t, 1, `{"keywords":["secret"]}`)
	d := g.Description()
	if d.Name != "extism-keyword" || d.Version != "1.0.0" || d.ABI != ABI {
		t.Fatalf("description = %+v", d)
	}
	if len(d.Phases) != 1 || d.Phases[0] != "request" {
		t.Fatalf("phases = %v", d.Phases)
	}
	if d.ConfigSchema["keywords"] == "" {
		t.Fatalf("config schema = %v", d.ConfigSchema)
	}
}

func TestCheck(t *testing.T) {
	g := loadExample(t, 1, `{"keywords":["Secret","launch code"]}`)
	tests := []struct {
		name   string
		x      *abi.Exchange
		deny   bool
		reason string
	}{
		{"no keyword", userExchange("hello there"), false, ""},
		{"keyword", userExchange("tell me the secret"), true, "secret"},
		{"case-insensitive", userExchange("hi", "the LAUNCH CODE please"), true, "launch code"},
		{"assistant text is not checked", userExchange("hi", "assistant:the secret is out"), false, ""},
		{"no messages", userExchange(), false, ""},
		{"unicode", userExchange("héllo wörld ✓ \u2028 <script>"), false, ""},
	}
	var v abi.Verdict
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v.Code = "stale" // Check must reset v
			if err := g.Check(context.Background(), tc.x, &v); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if !tc.deny {
				if !v.IsPlainAllow() || v.Code != "" {
					t.Fatalf("verdict = %+v, want plain allow", v)
				}
				return
			}
			if v.Decision != abi.Deny || v.Status != 403 || v.Code != "keyword.match" || v.Message == "" {
				t.Fatalf("verdict = %+v", v)
			}
			if len(v.Reasons) != 1 || v.Reasons[0] != tc.reason {
				t.Fatalf("reasons = %v, want [%s]", v.Reasons, tc.reason)
			}
		})
	}
}

func TestCheckWrongPhase(t *testing.T) {
	g := loadExample(t, 1, `{"keywords":["a"]}`)
	x := userExchange("a")
	x.Phase = abi.PhaseResponse
	var v abi.Verdict
	if err := g.Check(context.Background(), x, &v); codeOf(err) != CodePhase {
		t.Fatalf("err = %v, want %s", err, CodePhase)
	}
}

func TestBadConfig(t *testing.T) {
	tests := []struct {
		name, cfg, key, code string
	}{
		{"empty list", `{"keywords":[]}`, "keywords", CodeConfig},
		{"missing list", `{}`, "keywords", CodeConfig},
		{"nil config", ``, "keywords", CodeConfig},
		{"empty keyword", `{"keywords":["ok"," "]}`, "keywords[1]", CodeConfig},
		{"unknown key", `{"keywords":["a"],"colour":"red"}`, "colour", CodeConfig},
		{"not an object", `["a"]`, "", CodeConfig},
		{"not JSON", `{keywords`, "", CodeConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), Options{CacheDir: testCache, Name: "kw", Wasm: exampleWasm, ConfigJSON: []byte(tc.cfg), PoolSize: 2})
			if codeOf(err) != tc.code {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
			var ce *ConfigError
			if tc.key != "" && (!errors.As(err, &ce) || ce.Key != tc.key || ce.Message == "") {
				t.Fatalf("err = %v, want ConfigError for key %q", err, tc.key)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		wasm []byte
	}{
		{"empty", nil},
		{"not wasm", []byte("hello, world")},
		{"no extism import", moduleWithImports(t, [2]string{"wasi_snapshot_preview1", "fd_write"})},
		{"extism import but no describe", moduleWithImports(t, [2]string{"extism:host/env", "alloc"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), Options{CacheDir: testCache, Name: "x", Wasm: tc.wasm, PoolSize: 1})
			if codeOf(err) != CodeLoad {
				t.Fatalf("err = %v, want %s", err, CodeLoad)
			}
		})
	}
}

func TestTrapRecovers(t *testing.T) {
	g := loadExample(t, 1, `{"keywords":["secret"]}`)
	var v abi.Verdict
	err := g.Check(context.Background(), userExchange("please panic-now"), &v)
	if codeOf(err) != CodeTrap {
		t.Fatalf("err = %v, want %s", err, CodeTrap)
	}
	if !v.IsPlainAllow() {
		t.Fatalf("verdict after trap = %+v, want reset", v)
	}
	// The only instance was discarded; Check waits for its replacement.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		if err := g.Check(ctx, userExchange("the secret"), &v); err != nil {
			t.Fatalf("Check after trap: %v", err)
		}
		if v.Decision != abi.Deny {
			t.Fatalf("verdict after trap = %+v, want deny (replacement must be configured)", v)
		}
	}
}

func TestMisbehavingGuest(t *testing.T) {
	g, err := Load(context.Background(), Options{CacheDir: testCache, Name: "mb", Wasm: misbehaveWasm, PoolSize: 1, Timeout: 500 * time.Millisecond, MaxOutput: 1 << 20})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	defer g.Close(context.Background())
	tests := []struct {
		phase abi.Phase
		code  string
	}{
		{abi.PhaseRequest, CodeTimeout},
		{abi.PhaseResponse, CodeVerdict},
		{abi.PhaseResponseChunk, CodeVerdict},
		{abi.PhaseResponse, CodeVerdict}, // the pool still works after a timeout
	}
	for _, tc := range tests {
		t.Run(tc.phase.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			var v abi.Verdict
			err := g.Check(ctx, &abi.Exchange{Phase: tc.phase}, &v)
			if codeOf(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
	// The caller's own deadline also stops a guest.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	var v abi.Verdict
	if err := g.Check(ctx, &abi.Exchange{Phase: abi.PhaseRequest}, &v); codeOf(err) != CodeTimeout && codeOf(err) != CodeBusy {
		t.Fatalf("err = %v, want %s", err, CodeTimeout)
	}
}

func TestPlainTextConfigError(t *testing.T) {
	_, err := Load(context.Background(), Options{CacheDir: testCache, Name: "mb", Wasm: misbehaveWasm, ConfigJSON: []byte(`{"a":1}`), PoolSize: 1})
	var ce *ConfigError
	if codeOf(err) != CodeConfig || !errors.As(err, &ce) || ce.Key != "" || ce.Message != "misbehave accepts no config" {
		t.Fatalf("err = %v", err)
	}
}

func TestBusy(t *testing.T) {
	g, err := Load(context.Background(), Options{CacheDir: testCache, Name: "mb", Wasm: misbehaveWasm, PoolSize: 1, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	defer g.Close(context.Background())
	started := make(chan struct{})
	done := make(chan error)
	go func() {
		close(started)
		var v abi.Verdict
		done <- g.Check(context.Background(), &abi.Exchange{Phase: abi.PhaseRequest}, &v)
	}()
	<-started
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	var v abi.Verdict
	if err := g.Check(ctx, &abi.Exchange{Phase: abi.PhaseResponse}, &v); codeOf(err) != CodeBusy {
		t.Fatalf("err = %v, want %s", err, CodeBusy)
	}
	if err := <-done; codeOf(err) != CodeTimeout {
		t.Fatalf("looping call: %v, want %s", err, CodeTimeout)
	}
}

func TestConcurrentChecks(t *testing.T) {
	g := loadExample(t, 2, `{"keywords":["secret"]}`)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var v abi.Verdict
			for i := 0; i < 20; i++ {
				deny := (w+i)%3 == 0
				text := fmt.Sprintf("worker %d message %d", w, i)
				if deny {
					text += " secret"
				}
				if w == 0 && i == 10 {
					text = "panic-now"
				}
				err := g.Check(context.Background(), userExchange(text), &v)
				if text == "panic-now" {
					if codeOf(err) != CodeTrap {
						errs <- fmt.Errorf("panic: err = %v", err)
					}
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				if (v.Decision == abi.Deny) != deny {
					errs <- fmt.Errorf("worker %d msg %d: verdict %+v, want deny=%v", w, i, v, deny)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCloseRejectsChecks(t *testing.T) {
	g, err := Load(context.Background(), Options{CacheDir: testCache, Name: "kw", Wasm: exampleWasm, ConfigJSON: []byte(`{"keywords":["a"]}`), PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	var v abi.Verdict
	if err := g.Check(context.Background(), userExchange("x"), &v); codeOf(err) != CodeClosed {
		t.Fatalf("err = %v, want %s", err, CodeClosed)
	}
}

func TestCompilationCache(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		g, err := Load(context.Background(), Options{CacheDir: dir, Name: "kw", Wasm: exampleWasm, ConfigJSON: []byte(`{"keywords":["a"]}`), PoolSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		var v abi.Verdict
		if err := g.Check(context.Background(), userExchange("a"), &v); err != nil || v.Decision != abi.Deny {
			t.Fatalf("Check: %v %+v", err, v)
		}
		g.Close(context.Background())
	}
}

func TestGuestLogs(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if got := extismLevel(logger); got != 2 {
		t.Fatalf("extismLevel(info) = %d, want 2", got)
	}
	if got := extismLevel(nil); got < 5 {
		t.Fatalf("extismLevel(nil) = %d, want off", got)
	}
	k := newKernel(nil, logger, extismLevel(logger), "g")
	k.setInput(nil)
	k.log(4, k.writeBlock([]byte("boom")))
	k.log(1, k.writeBlock([]byte("hidden")))
	if s := buf.String(); !strings.Contains(s, "boom") || strings.Contains(s, "hidden") || !strings.Contains(s, "guard=g") {
		t.Fatalf("log = %q", s)
	}
	if len(k.mem) != kernelBase {
		t.Fatalf("log blocks not freed: kernel memory %d bytes", len(k.mem))
	}
}
