package wasmhost

import (
	"context"
	"errors"
	"os"
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
