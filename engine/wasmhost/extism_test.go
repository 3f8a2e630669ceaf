package wasmhost

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// TestExtism loads an Extism guard (extismguard's hand-written misbehaving
// fixture) through the Host: detection, description, config errors and
// error codes must come out as for a native guard.
func TestExtism(t *testing.T) {
	wasm, err := os.ReadFile("../internal/extismguard/testdata/fixtures/misbehave.wasm")
	if err != nil {
		t.Skipf("extismguard fixture: %v", err)
	}
	h, _ := newHost(t)

	_, err = h.Load(context.Background(), Spec{Wasm: wasm, ConfigJSON: []byte(`{"a":1}`), PoolSize: 1})
	var ce *ConfigError
	if ErrorCode(err) != CodeConfig || !errors.As(err, &ce) || ce.Msg != "misbehave accepts no config" {
		t.Fatalf("config error: %v", err)
	}

	g := load(t, h, Spec{Wasm: wasm, PoolSize: 1, CPUBudget: 20 * time.Millisecond})
	if g.ABI() != ABIExtism || g.Name() != "misbehave" || g.Version() != "0" {
		t.Fatalf("abi %q name %q version %q", g.ABI(), g.Name(), g.Version())
	}
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		if !g.Handles(p) {
			t.Errorf("does not handle %v", p)
		}
	}
	tests := []struct {
		phase abi.Phase
		code  string
	}{
		{abi.PhaseRequest, CodeTimeout},
		{abi.PhaseResponse, CodeBadVerdict},
		{abi.PhaseResponseChunk, CodeBadVerdict},
	}
	for _, tt := range tests {
		x := exchange("hi")
		x.Phase = tt.phase
		var v abi.Verdict
		start := time.Now()
		err := g.Check(context.Background(), x, &v)
		if ErrorCode(err) != tt.code {
			t.Errorf("%v: %v, want %s", tt.phase, err, tt.code)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%v: took %v", tt.phase, d)
		}
	}
	if s := g.Stats(); s.Calls != 3 || s.Errors != 3 || s.Timeouts != 1 || s.BadVerdicts != 2 {
		t.Errorf("stats %+v", s)
	}
	if err := g.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var v abi.Verdict
	if err := g.Check(context.Background(), exchange("x"), &v); ErrorCode(err) != CodeClosed {
		t.Errorf("after close: %v", err)
	}
}

// TestExtismFuel: an Extism guard loaded by the Host is instrumented with
// fuel, so a runaway loop stops with guard_timeout after about its CPU
// budget (not after a wall-clock deadline) and the pool recovers; Close
// whose context ends stops a call in flight. NoCPUBound loads it
// uninstrumented.
func TestExtismFuel(t *testing.T) {
	wasm, err := os.ReadFile("../internal/extismguard/testdata/fixtures/misbehave.wasm")
	if err != nil {
		t.Skipf("extismguard fixture: %v", err)
	}
	h, _ := newHost(t)

	g := load(t, h, Spec{Wasm: wasm, PoolSize: 1, CPUBudget: 10 * time.Millisecond})
	for i := 0; i < 3; i++ {
		var v abi.Verdict
		start := time.Now()
		err := g.Check(context.Background(), &abi.Exchange{Phase: abi.PhaseRequest}, &v)
		if ErrorCode(err) != CodeTimeout {
			t.Fatalf("loop %d: %v, want %s", i, err, CodeTimeout)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("loop %d: took %v", i, d)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = g.Check(ctx, &abi.Exchange{Phase: abi.PhaseResponse}, &v)
		cancel()
		if ErrorCode(err) != CodeBadVerdict {
			t.Fatalf("after loop %d: %v, want %s (pool must recover)", i, err, CodeBadVerdict)
		}
	}
	if s := g.Stats(); s.Timeouts != 3 || s.BadVerdicts != 3 {
		t.Errorf("stats %+v", s)
	}

	// A budget of an hour: only Close can stop the loop. The collector is
	// off meanwhile (noGC): a stop-the-world that began while the guest
	// loops would wait for it, and with it the goroutines that sleep and
	// call Close, for the hour (it hung CI once, 2026-11-27).
	noGC(t)
	g = load(t, h, Spec{Wasm: wasm, PoolSize: 1, CPUBudget: time.Hour})
	done := make(chan error, 1)
	go func() {
		var v abi.Verdict
		done <- g.Check(context.Background(), &abi.Exchange{Phase: abi.PhaseRequest}, &v)
	}()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := g.Close(ctx); err == nil {
		t.Error("Close stopped a call but returned nil")
	}
	select {
	case err := <-done:
		if ErrorCode(err) != CodeTimeout {
			t.Errorf("looping call after Close: %v, want %s", err, CodeTimeout)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the looping call")
	}

	// Without a CPU bound the module is not instrumented (and not bounded):
	// only the non-looping handlers are called.
	g = load(t, h, Spec{Wasm: wasm, PoolSize: 1, NoCPUBound: true})
	var v abi.Verdict
	if err := g.Check(context.Background(), &abi.Exchange{Phase: abi.PhaseResponse}, &v); ErrorCode(err) != CodeBadVerdict {
		t.Fatalf("NoCPUBound: %v, want %s", err, CodeBadVerdict)
	}
}

// TestExtismGoGuest runs the Extism Go PDK example (sdk/examples/extism-go)
// under the Host's default CPU budget: ordinary checks, large ones included,
// fit in the fuel; its "spin-now" runaway loop stops with guard_timeout and
// its replacement is configured.
func TestExtismGoGuest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go guest")
	}
	out := filepath.Join(t.TempDir(), "extism-go.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "../../sdk/examples/extism-go")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build extism-go: %v\n%s", err, b)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newHost(t)
	g := load(t, h, Spec{Wasm: wasm, PoolSize: 1, ConfigJSON: []byte(`{"keywords":["secret"]}`)})
	tests := []struct {
		text string
		code string
		deny bool
	}{
		{"hello", "", false},
		{strings.Repeat("lorem ipsum dolor sit amet ", 4096), "", false}, // ~108 KB
		{"the secret", "", true},
		{"spin-now", CodeTimeout, false},
		{"the secret", "", true}, // the replacement is configured
		{"panic-now", CodeTrap, false},
		{"hello", "", false},
	}
	for i, tc := range tests {
		var (
			v   abi.Verdict
			err error
			d   time.Duration
		)
		// What is under test is the fuel: the ordinary checks fit in the
		// budget's instructions. The wall-clock watchdog (twice the budget)
		// may also stop one on a machine so loaded that the guest is
		// descheduled for that long; such a stop is retried, a few times,
		// and a fuel stop ("cpu budget ... exceeded") never is.
		for try := 0; ; try++ {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			start := time.Now()
			err = g.Check(ctx, exchange(tc.text), &v)
			d = time.Since(start)
			cancel()
			if tc.code != "" || err == nil || ErrorCode(err) != CodeTimeout || !strings.Contains(err.Error(), "of wall time") || try == 4 {
				break
			}
			t.Logf("%d: stopped by the wall-clock watchdog on a loaded machine (%v), retrying", i, err)
		}
		if ErrorCode(err) != tc.code || (err == nil) != (tc.code == "") {
			t.Fatalf("%d: %v, want %q", i, err, tc.code)
		}
		if err == nil && (v.Decision == abi.Deny) != tc.deny {
			t.Fatalf("%d: verdict %+v, want deny=%v", i, v, tc.deny)
		}
		if d > 5*time.Second {
			t.Errorf("%d: took %v", i, d)
		}
	}
}

// TestExtismReads: an Extism guard that declares "reads":["messages"]
// (testdata/fixtures/extismreads.wat, which denies when its JSON input
// holds a marker anywhere) is sent the messages and not the other parts,
// and the caller's exchange is left whole.
func TestExtismReads(t *testing.T) {
	h, _ := newHost(t)
	g := load(t, h, Spec{Wasm: fixture(t, "extismreads"), PoolSize: 1})
	if g.ABI() != ABIExtism || g.Description().Reads == nil || g.Description().Reads[0] != "messages" {
		t.Fatalf("abi %q description %+v", g.ABI(), g.Description())
	}
	const marker = "w4rd-m4rker"
	tests := []struct {
		name string
		put  func(x *abi.Exchange)
		deny bool
	}{
		{"nothing", func(x *abi.Exchange) {}, false},
		{"in a message (read)", func(x *abi.Exchange) { x.Messages[0].Text = "say " + marker }, true},
		{"in a header (not read)", func(x *abi.Exchange) { x.Headers = []abi.KV{{Key: "x-note", Value: marker}} }, false},
		{"in an annotation (not read)", func(x *abi.Exchange) { x.Annotations = []abi.KV{{Key: "a", Value: marker}} }, false},
		{"in a tool (not read)", func(x *abi.Exchange) { x.Tools = []abi.Tool{{Name: marker}} }, false},
		{"in the response (not read)", func(x *abi.Exchange) {
			x.Response.Messages = []abi.Message{{Role: "assistant", Text: marker}}
		}, false},
		{"in the chunk (not read)", func(x *abi.Exchange) { x.Chunk.Delta = marker }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := exchange("hello")
			tt.put(x)
			before, _ := json.Marshal(x)
			var v abi.Verdict
			if err := g.Check(context.Background(), x, &v); err != nil {
				t.Fatal(err)
			}
			if denied := v.Decision == abi.Deny && v.Code == "marker"; denied != tt.deny {
				t.Fatalf("verdict %+v, want deny=%v", v, tt.deny)
			}
			if after, _ := json.Marshal(x); string(after) != string(before) {
				t.Fatalf("the caller's exchange changed:\n%s\n%s", before, after)
			}
		})
	}
}
