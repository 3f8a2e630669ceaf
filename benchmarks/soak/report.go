package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wardgate/ward/benchmarks/internal/mdsection"
)

func (r *result) markdown(o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Command: `go tool task soak` (= `go run ./benchmarks/soak -ward ./bin/ward -d %s -warmup %s -warmup-swaps %d -swaps %d -rps %d -conns %d -fault-every %s -fault-for %s -fault-rate %.2f`), %d CPUs, ward, the mock upstream and the load generator on the same machine; load average %s before, %s after.\n\n",
		o.duration, o.warmup, o.warmupSwaps, o.swaps, o.rps, o.conns, o.faultEvery, o.faultFor, o.faultRate, r.cpus, r.load[0], r.load[1])
	outcomes := []string{outOK, outDenied, outFault, outUnexpect}
	fmt.Fprintf(&b, "| request | %s | total |\n|---|---|---|---|---|---|\n", strings.Join(outcomes, " | "))
	var sum [4]int64
	for _, k := range kinds {
		m := r.byKind[k.name]
		var row []string
		var n int64
		for i, out := range outcomes {
			row = append(row, fmt.Sprint(m[out]))
			sum[i] += m[out]
			n += m[out]
		}
		fmt.Fprintf(&b, "| %s (%d) | %s | %d |\n", k.name, k.want, strings.Join(row, " | "), n)
	}
	fmt.Fprintf(&b, "| **all** | %d | %d | %d | **%d** | %d |\n\n", sum[0], sum[1], sum[2], sum[3], r.requests)
	var fs []string
	for f, n := range r.byFault {
		fs = append(fs, fmt.Sprintf("%s %d", f, n))
	}
	slices.Sort(fs)
	rate := float64(r.requests) / r.elapsed.Seconds()
	fmt.Fprintf(&b, "%d requests in %s (%.0f/s, warm-up included). Latency of the 2xx answers p50 %s, p99 %s; of the denials p50 %s, p99 %s. Injected upstream faults that ended as they should: %s.\n\n",
		r.requests, r.elapsed.Round(time.Second), rate, mdsection.Round(r.p50), mdsection.Round(r.p99), mdsection.Round(r.dp50), mdsection.Round(r.dp99), strings.Join(fs, ", "))
	var live []time.Duration
	var ok, refused int
	var seq []string
	for _, s := range r.swaps {
		res := "live"
		if s.OK {
			ok++
			live = append(live, s.Server)
		} else {
			refused++
			res = "refused"
		}
		seq = append(seq, s.Variant+" "+res)
	}
	var warm []string
	for _, s := range r.warmSwaps {
		warm = append(warm, s.Variant+map[bool]string{true: " live", false: " refused"}[s.OK])
	}
	if len(warm) > 0 {
		fmt.Fprintf(&b, "Warm-up swaps (before the baseline): %s.\n\n", strings.Join(warm, ", "))
	}
	fmt.Fprintf(&b, "Swaps: %d live, %d refused (%s)", ok, refused, strings.Join(seq, ", "))
	if len(live) > 0 {
		slices.Sort(live)
		fmt.Fprintf(&b, "; request to live median %s, max %s", mdsection.Round(live[len(live)/2]), mdsection.Round(live[len(live)-1]))
	}
	b.WriteString(".\n\n")
	fmt.Fprintf(&b, "| ward process (lower envelope of 10 s of 1 s samples) | baseline (end of warm-up) | end | growth |\n|---|---|---|---|\n")
	for _, g := range []struct {
		name      string
		base, end float64
		unit      float64
		suffix    string
	}{{"goroutines", r.base.goroutines, r.end.goroutines, 1, ""}, {"live heap", r.base.heap, r.end.heap, 1 << 20, " MiB"}, {"RSS", r.base.rss, r.end.rss, 1 << 20, " MiB"}} {
		growth := "n/a"
		if g.base > 0 {
			growth = fmt.Sprintf("%+.1f%%", 100*(g.end/g.base-1))
		}
		fmt.Fprintf(&b, "| %s | %.1f%s | %.1f%s | %s |\n", g.name, g.base/g.unit, g.suffix, g.end/g.unit, g.suffix, growth)
	}
	if o.growth >= 0 {
		fmt.Fprintf(&b, "\nLimit: %.0f%% growth of each.\n", 100*o.growth)
	}
	// A trace: the lower envelope of each minute (of each 10 s in a run
	// shorter than 3 minutes).
	step := time.Minute
	if r.elapsed < 3*time.Minute {
		step = 10 * time.Second
	}
	var trace []string
	for from := time.Duration(0); from < r.elapsed; from += step {
		if e := envelope(r.samples, from, from+step); e.rss > 0 {
			trace = append(trace, fmt.Sprintf("%s: %.0f / %.0f / %.0f / %.0f MiB", (from+step).Round(time.Second),
				e.goroutines, e.heap/(1<<20), e.rss/(1<<20), e.goRSS/(1<<20)))
		}
	}
	fmt.Fprintf(&b, "\nTrace (goroutines / live heap / RSS / held by the Go runtime, lowest in each %s up to): %s.\n", step, strings.Join(trace, "; "))
	return b.String()
}
