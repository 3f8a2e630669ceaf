//go:build !race

package proxy

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// Not under the race detector: it compiles the ratelimit guard, which takes
// minutes with -race, and what it checks is timing and connection counts
// (engine/state's own tests cover the breaker under -race).

// TestStateBackendDown: the ratelimit guard on a Redis state backend that
// refuses connections, or accepts them and never answers: the guard's
// on_backend_error policy decides (503 ratelimit.unavailable or pass),
// every request ends within the state timeout, and once the breaker is
// open requests no longer wait for Redis at all.
func TestStateBackendDown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Wasm guard")
	}
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedAddr := refused.Addr().String()
	refused.Close()
	hole, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer hole.Close()
	var dials atomic.Int64 // connections Redis clients opened to the hole
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := hole.Accept()
			if err != nil {
				return
			}
			dials.Add(1)
			conns = append(conns, c)
		}
	}()
	wasm := guesttest.Build(t, "../../plugins/ratelimit/module")
	up, upURL := newGateUpstream(t)
	go func() {
		for range up.arrived {
			up.release <- struct{}{}
		}
	}()
	ctx := context.Background()
	host, err := wasmhost.New(ctx, wasmhost.Options{}) // one host: the module is compiled once
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close(ctx)
	const timeout = 50 * time.Millisecond
	for _, backend := range []struct{ name, addr string }{{"refused", refusedAddr}, {"black-hole", hole.Addr().String()}} {
		for _, policy := range []string{"deny", "allow"} {
			t.Run(backend.name+"/"+policy, func(t *testing.T) {
				st, err := state.NewRedis(state.RedisOptions{URL: "redis://" + backend.addr, Timeout: timeout, FailureThreshold: 3, CoolDown: time.Minute})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				g, err := host.Load(ctx, wasmhost.Spec{Name: "ratelimit", Wasm: wasm, PoolSize: 2, State: st,
					ConfigJSON: []byte(`{"on_backend_error":"` + policy + `","limits":[{"name":"ip","by":"ip","requests":100,"window":"1m"}]}`)})
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close(ctx)
				base, _ := startWard(t, upURL, "", `
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "{{UP}}"
timeout = "2s"
`, map[string][]pipeline.Step{"llm": {{Guard: g}}})
				var dialsOpen int64
				for i := range 8 {
					if i == 4 {
						dialsOpen = dials.Load()
					}
					r := send(base, "/v1/chat/completions", chat("hi"))
					if policy == "deny" && (r.status != 503 || r.code != "ratelimit.unavailable") {
						t.Fatalf("request %d: %d %s", i, r.status, r.body)
					}
					if policy == "allow" && r.status != 200 {
						t.Fatalf("request %d: %d %s", i, r.status, r.body)
					}
					// The state timeout bounds a request's wait (the
					// bound here is for a loaded CI machine).
					if r.took > timeout+2*time.Second {
						t.Fatalf("request %d took %v with a %v state timeout", i, r.took, timeout)
					}
				}
				// After three failures the breaker is open: requests no
				// longer reach for Redis at all.
				if backend.name == "black-hole" && (dialsOpen == 0 || dials.Load() != dialsOpen) {
					t.Fatalf("connections to the black hole: %d when the breaker opened, %d after four more requests", dialsOpen, dials.Load())
				}
			})
		}
	}
}
