package proxy

import (
	"context"
	"runtime/debug"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/config"
)

// TestServeMemorySettings checks that Serve applies [server]
// reduce_memory_usage to its listeners and soft_memory_limit to the
// process.
func TestServeMemorySettings(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	for _, c := range []struct {
		toml   string
		reduce bool
		limit  int64
	}{
		{"", true, prev},
		{"reduce_memory_usage = false\n", false, prev},
		{"reduce_memory_usage = true\nsoft_memory_limit = \"150MiB\"\n", true, 150 << 20},
	} {
		debug.SetMemoryLimit(prev)
		cfg, err := config.Parse("ward.toml", []byte("[server]\nlisten = [\"127.0.0.1:0\"]\n"+c.toml))
		if err != nil {
			t.Fatal(err)
		}
		lns, err := Listen(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s := NewServer(&Snapshot{}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, cfg, lns, time.Second) }()
		var reduce bool
		for started := false; !started; {
			s.mu.Lock()
			if len(s.servers) > 0 {
				started, reduce = true, s.servers[0].ReduceMemoryUsage
			}
			s.mu.Unlock()
			if !started {
				time.Sleep(time.Millisecond)
			}
		}
		limit := debug.SetMemoryLimit(-1)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if reduce != c.reduce || limit != c.limit {
			t.Errorf("%q: ReduceMemoryUsage %v, memory limit %d; want %v, %d", c.toml, reduce, limit, c.reduce, c.limit)
		}
	}
}
