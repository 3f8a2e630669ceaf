package toolkit

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// BenchResult is the latency of one exchange size.
type BenchResult struct {
	Name           string // "1KB", "16KB"
	Bytes          int    // encoded exchange size
	Calls          int
	Mean, P50, P99 time.Duration
	Decision       abi.Decision // of the last call
}

// BenchExchange returns a chat exchange whose binary encoding is about
// size bytes: system, user, assistant and user turns of plain prose.
func BenchExchange(size int) *abi.Exchange {
	prose := "The quick brown fox jumps over the lazy dog while the committee reviews the quarterly plan. "
	turn := strings.Repeat(prose, (size/4)/len(prose)+1)[:size/4-40]
	return &abi.Exchange{
		Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, RequestID: "bench", Route: "chat", Path: "/v1/chat/completions", Model: "m",
		Messages: []abi.Message{
			{Turn: 0, Role: "system", Text: turn},
			{Turn: 1, Role: "user", Text: turn},
			{Turn: 2, Role: "assistant", Text: turn},
			{Turn: 3, Role: "user", Text: turn},
		},
	}
}

// Bench loads wasm with config through engine/wasmhost under l (fuel and
// limits on, as in production) and times calls of the request phase on 1 KB and
// 16 KB exchanges, after 10% warm-up calls.
func Bench(ctx context.Context, wasm, config []byte, calls int, l Limits) ([]BenchResult, error) {
	if calls <= 0 {
		calls = 2000
	}
	h, g, err := load(ctx, wasm, config, l)
	if err != nil {
		return nil, err
	}
	defer closeAll(ctx, h, g)
	var out []BenchResult
	for _, size := range []int{1 << 10, 16 << 10} {
		x := BenchExchange(size)
		r := BenchResult{Name: fmt.Sprintf("%dKB", size>>10), Bytes: abi.ExchangeSize(x), Calls: calls}
		var v abi.Verdict
		for range calls / 10 {
			if err := g.Check(ctx, x, &v); err != nil {
				return nil, err
			}
		}
		lat := make([]time.Duration, calls)
		var total time.Duration
		for i := range lat {
			t0 := time.Now()
			if err := g.Check(ctx, x, &v); err != nil {
				return nil, err
			}
			lat[i] = time.Since(t0)
			total += lat[i]
		}
		slices.Sort(lat)
		r.Mean, r.P50, r.P99 = total/time.Duration(calls), lat[calls/2], lat[calls*99/100]
		r.Decision = v.Decision
		out = append(out, r)
	}
	return out, nil
}

// PrintBench writes a table of results.
func PrintBench(w io.Writer, rs []BenchResult) {
	fmt.Fprintf(w, "%-6s %8s %7s %10s %10s %10s  %s\n", "input", "bytes", "calls", "mean", "p50", "p99", "verdict")
	for _, r := range rs {
		fmt.Fprintf(w, "%-6s %8d %7d %10v %10v %10v  %s\n", r.Name, r.Bytes, r.Calls, r.Mean, r.P50, r.P99, r.Decision)
	}
}
