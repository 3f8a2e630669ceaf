//go:build !race

package state

import (
	"context"
	"testing"
	"time"
)

// TestMemoryHotPathAllocs guards the hot path: Incr and Get of an existing
// key must not allocate.
func TestMemoryHotPathAllocs(t *testing.T) {
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	ctx := context.Background()
	key := "tenant-42:tokens"
	if _, err := m.Incr(ctx, key, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    func()
	}{
		{"incr", func() { m.Incr(ctx, key, 3, time.Hour) }},
		{"get", func() { m.Get(ctx, key) }},
		{"get missing", func() { m.Get(ctx, "nope") }},
	}
	for _, tc := range cases {
		if a := testing.AllocsPerRun(1000, tc.f); a != 0 {
			t.Errorf("%s: %v allocs per call, want 0", tc.name, a)
		}
	}
}
