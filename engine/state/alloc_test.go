//go:build !race

package state

import (
	"context"
	"testing"
	"time"
)

// TestMemoryHotPathAllocs guards the hot path: Incr, Get and Batch of
// existing keys must not allocate.
func TestMemoryHotPathAllocs(t *testing.T) {
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	ctx := context.Background()
	key := "tenant-42:tokens"
	if _, err := m.Incr(ctx, key, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	ops := []Op{{Key: key, Delta: 1, TTL: time.Hour}, {Key: "other", Delta: 2, TTL: time.Hour}, {Key: key, Get: true}, {Key: "nope", Get: true}}
	if err := m.Batch(ctx, ops); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    func()
	}{
		{"incr", func() { m.Incr(ctx, key, 3, time.Hour) }},
		{"get", func() { m.Get(ctx, key) }},
		{"get missing", func() { m.Get(ctx, "nope") }},
		{"batch", func() { m.Batch(ctx, ops) }},
	}
	for _, tc := range cases {
		if a := testing.AllocsPerRun(1000, tc.f); a != 0 {
			t.Errorf("%s: %v allocs per call, want 0", tc.name, a)
		}
	}
}
