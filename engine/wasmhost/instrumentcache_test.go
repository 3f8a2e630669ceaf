package wasmhost

import (
	"crypto/sha256"
	"testing"
)

// TestInstrumentCache: loading a module again reuses its instrumented
// bytes; the cache keeps the most recently used modules only.
func TestInstrumentCache(t *testing.T) {
	h, _ := newHost(t)
	wasm := fixture(t, "trap")
	sum := sha256.Sum256(wasm)
	a, err := h.instrument(wasm, sum)
	if err != nil {
		t.Fatal(err)
	}
	g := load(t, h, Spec{Name: "trap", Wasm: wasm, PoolSize: 1})
	defer g.Close(t.Context())
	b, _ := h.instrument(wasm, sum)
	if &a[0] != &b[0] {
		t.Fatal("instrumented again")
	}
	// Fill the cache with other keys: the first one is evicted.
	for i := range instrumentCacheSize {
		var k [sha256.Size]byte
		k[0] = byte(i + 1)
		if _, err := h.instrument(wasm, k); err != nil {
			t.Fatal(err)
		}
	}
	if len(h.inst) != instrumentCacheSize || len(h.instLRU) != instrumentCacheSize {
		t.Fatalf("cache holds %d / %d", len(h.inst), len(h.instLRU))
	}
	if _, ok := h.inst[sum]; ok {
		t.Fatal("least recently used entry kept")
	}
	// Touching an entry keeps it.
	var k1 [sha256.Size]byte
	k1[0] = 1
	h.instrument(wasm, k1)
	h.instrument(wasm, sum)
	if _, ok := h.inst[k1]; !ok {
		t.Fatal("recently used entry evicted")
	}
}
