package main

import (
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// TestAutomatonOnlyInInjection checks that the injection guard's keyword
// automaton (5.3 MB, expanded from dfa.bin's trie when the detector is
// built) is made in injection instances only: nothing at package init
// builds it, so an instance of another guard of the module does without.
func TestAutomatonOnlyInInjection(t *testing.T) {
	wasm := guesttest.Build(t, ".")
	memory := func(guard string) uint32 {
		g := guesttest.New(t, wasm, wazero.NewModuleConfig().WithSysNanotime().WithEnv("WARD_GUARD", guard))
		if err := g.Configure([]byte(`{}`)); err != nil {
			t.Fatalf("%s: configure: %v", guard, err)
		}
		return g.Module().Memory().Size()
	}
	inj, sec := memory("injection"), memory("secrets")
	if inj < sec+4<<20 {
		t.Fatalf("configured injection instance: %d KiB of memory, secrets: %d KiB; want the automaton's 5 MiB more in injection only", inj>>10, sec>>10)
	}
	t.Logf("memory once configured: injection %d KiB, secrets %d KiB", inj>>10, sec>>10)
}
