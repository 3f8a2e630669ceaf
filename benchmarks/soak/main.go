// Command soak runs the ward binary with the full demo pipeline (auth,
// rbac, ratelimit, denylist, injection, output, secrets, pii) in front of
// the mock upstream at a steady request rate for a long time, while the
// denylist guard is swapped through the admin API (a broken and a looping
// module among the swaps: both must be refused while serving goes on) and
// the upstream misbehaves in fault windows (resets, 5xx answers, slow
// answers, truncated bodies and streams, through engine/mockllm's
// x-mock-fault header).
//
// The request mix: OpenAI chat, streamed chat, Anthropic messages, chat
// with personal data (tokenized and restored), and requests denied on
// purpose (no API key: 401; a denylisted phrase: 403; a model the role may
// not use: 403; a provider key in the prompt: 400). Every answer is held to
// what its kind expects; a faulted request must end in the fault's outcome
// (502 for a reset or truncated answer, the injected 5xx, a stream cut
// short, or 200 after a slow answer). Anything else is unexpected and fails
// the run.
//
// Leaks: every module variant is loaded once before the load starts; the
// warm-up then runs the load with -warmup-swaps swaps in its first two
// thirds, so that the baseline is taken where swapping under load keeps
// the process's memory, not before (see run). The run samples the admin
// API's /metrics every second; the baseline is the lower envelope
// (minimum) of the last 10 s of the warm-up, the end the same over the
// run's last 10 s (no swap or fault window there). The live heap is the
// heap left by the last garbage collection: half the heap goal it set
// (go_memstats_next_gc_bytes; ward runs with GOGC=100), so no collection
// has to be forced. Goroutines, live heap and RSS may not grow by more
// than -growth (10%).
//
//	go tool task soak
//	go run ./benchmarks/soak -ward ./bin/ward -d 5m -swaps 20 -rps 400
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/wardgate/ward/benchmarks/internal/mdsection"
)

func main() {
	o := defaults()
	flag.StringVar(&o.ward, "ward", o.ward, "ward binary (go tool task build)")
	flag.StringVar(&o.guard, "guard", o.guard, "the denylist module to swap")
	flag.StringVar(&o.loop, "loop", o.loop, "a module that loops in ward_request")
	flag.DurationVar(&o.duration, "d", o.duration, "measured duration (after the warm-up)")
	flag.DurationVar(&o.warmup, "warmup", o.warmup, "load before the baseline is sampled")
	flag.IntVar(&o.swaps, "swaps", o.swaps, "guard swaps, evenly spread over the measured run")
	flag.IntVar(&o.warmupSwaps, "warmup-swaps", o.warmupSwaps, "guard swaps in the first two thirds of the warm-up, before the baseline")
	flag.IntVar(&o.rps, "rps", o.rps, "request rate")
	flag.IntVar(&o.conns, "conns", o.conns, "concurrent connections (workers)")
	flag.DurationVar(&o.faultEvery, "fault-every", o.faultEvery, "a fault window starts this often (0: no faults)")
	flag.DurationVar(&o.faultFor, "fault-for", o.faultFor, "length of a fault window")
	flag.Float64Var(&o.faultRate, "fault-rate", o.faultRate, "share of the chat requests in a fault window that get a fault")
	flag.Float64Var(&o.growth, "growth", o.growth, "largest allowed growth of goroutines, live heap and RSS (0.10 = 10%); negative: not checked")
	flag.StringVar(&o.out, "out", "", "markdown file whose soak section is replaced with the result")
	flag.Parse()
	res, err := run(o)
	if res != nil {
		fmt.Print(res.markdown(o))
	}
	if err == nil && o.out != "" {
		err = mdsection.Update(o.out, "soak", res.markdown(o), false)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

type options struct {
	ward, guard, loop    string
	duration, warmup     time.Duration
	swaps, rps, conns    int
	warmupSwaps          int
	faultEvery, faultFor time.Duration
	faultRate, growth    float64
	out                  string
}

func defaults() options {
	return options{
		ward:        "./bin/ward",
		guard:       "bin/guards/denylist.wasm",
		loop:        "engine/control/reload/testdata/fixtures/swap_loop.wasm",
		duration:    5 * time.Minute,
		warmup:      60 * time.Second,
		swaps:       20,
		warmupSwaps: 10, // one cycle of the variants
		rps:         400,
		conns:       32,
		faultEvery:  30 * time.Second,
		faultFor:    5 * time.Second,
		faultRate:   0.3,
		growth:      0.10,
	}
}
