// Command swapbench measures hot swaps under load: it runs the ward binary
// with the full demo pipeline (auth, rbac, ratelimit, denylist, injection,
// secrets, pii) in front of a mock upstream, sends allowed chat requests
// from -conns connections for -d, and every -every replaces the denylist
// guard's module and asks the admin API to reload, cycling through:
//
//	variant B   the denylist with an extra custom section (a new sha256, same code)
//	variant A   the denylist as built
//	broken      the module cut short: must be refused, A or B keeps serving
//	loop        a guard that loops in ward_request: refused by its self-test (CPU bound)
//
// Before the timed run each variant is loaded once (so the compilation cache
// is warm). It reports the requests sent, the failed ones (any transport
// error or non-200 answer; the run fails unless there are none), the
// latency, and the swap time: from the reload request to the new pipeline
// being live (as measured by ward, and as the admin call's round trip).
//
//	go tool task bench:swap
//	go run ./benchmarks/cmd/swapbench -ward ./bin/ward -d 30s -every 3s -out benchmarks/README.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/benchmarks/internal/mdsection"
	"github.com/wardgate/ward/benchmarks/internal/wardproc"
)

type options struct {
	ward, guard, loop string
	duration, every   time.Duration
	conns             int
	out               string
}

func main() {
	var o options
	flag.StringVar(&o.ward, "ward", "./bin/ward", "ward binary (go tool task build)")
	flag.StringVar(&o.guard, "guard", "bin/guards/denylist.wasm", "the denylist module to swap")
	flag.StringVar(&o.loop, "loop", "engine/control/reload/testdata/fixtures/swap_loop.wasm", "a module that loops in ward_request")
	flag.DurationVar(&o.duration, "d", 30*time.Second, "load duration")
	flag.DurationVar(&o.every, "every", 3*time.Second, "time between swaps")
	flag.IntVar(&o.conns, "conns", 16, "concurrent connections")
	flag.StringVar(&o.out, "out", "", "markdown file whose swapbench section is replaced with the result")
	flag.Parse()
	res, err := run(o)
	if res != nil {
		fmt.Print(res.markdown(o))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "swapbench:", err)
		os.Exit(1)
	}
	if o.out != "" {
		if err := mdsection.Update(o.out, "swapbench", res.markdown(o), false); err != nil {
			fmt.Fprintln(os.Stderr, "swapbench:", err)
			os.Exit(1)
		}
	}
}

type result struct {
	requests, failed int64
	firstFailure     string
	p50, p99, max    time.Duration
	rps              float64
	swaps            []wardproc.Swap
	warmup           []wardproc.Swap
	idle             []wardproc.Swap // B/A swaps with no traffic, after the warm-up
	idleCPU          time.Duration   // ward's CPU time per idle swap (Linux), 0 when unknown
	cpus             int
	load             [2]string // /proc/loadavg before and after
	at               time.Time // start of the run
}

func run(o options) (*result, error) {
	modules, err := wardproc.Modules(o.guard, o.loop)
	if err != nil {
		return nil, err
	}
	ward, err := wardproc.StartDemo(o.ward, "swapbench-", modules["A"])
	if err != nil {
		return nil, err
	}
	defer ward.Close()
	addr := ward.Addr

	res := &result{cpus: runtime.NumCPU(), at: time.Now().UTC()}
	client := &fasthttp.Client{MaxConnsPerHost: o.conns + 4, ReadTimeout: time.Minute}
	reload := func(variant string) wardproc.Swap { return ward.Swap(client, variant, modules[variant]) }
	// Warm-up: every variant once (compiles B; A is loaded), then back to A.
	for _, v := range []string{"B", "broken", "loop", "A"} {
		res.warmup = append(res.warmup, reload(v))
	}
	if s := res.warmup[len(res.warmup)-1]; !s.OK {
		return nil, fmt.Errorf("warm-up reload to A failed: %s", s.Err)
	}
	// The floor: warm swaps with no traffic, and ward's CPU time for them
	// (what a swap costs whatever else the machine runs).
	cpu0, cpuErr := wardproc.ProcessCPU(ward.Pid())
	idleOrder := []string{"B", "A", "B", "A", "B", "A"}
	for _, v := range idleOrder {
		s := reload(v)
		if !s.OK {
			return nil, fmt.Errorf("idle reload to %s failed: %s", v, s.Err)
		}
		res.idle = append(res.idle, s)
		time.Sleep(200 * time.Millisecond) // let the retired pipeline drain and close
	}
	if cpu1, err := wardproc.ProcessCPU(ward.Pid()); err == nil && cpuErr == nil {
		res.idleCPU = (cpu1 - cpu0) / time.Duration(len(idleOrder))
	}
	res.load[0] = wardproc.Loadavg()

	// Load.
	body := []byte(`{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the benefits of unit testing in two sentences, for a new engineer."}],"max_tokens":64}`)
	var wg sync.WaitGroup
	var requests, failed atomic.Int64
	var firstFailure atomic.Value
	lat := make([][]time.Duration, o.conns)
	lctx, lcancel := context.WithTimeout(context.Background(), o.duration)
	defer lcancel()
	start := time.Now()
	for i := range o.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := fasthttp.AcquireRequest()
			resp := fasthttp.AcquireResponse()
			req.SetRequestURI("http://" + addr + "/v1/chat/completions")
			req.Header.SetMethod("POST")
			req.Header.SetContentType("application/json")
			req.Header.Set("Authorization", "Bearer ward-demo-analyst-key")
			for lctx.Err() == nil {
				req.SetBodyRaw(body)
				t0 := time.Now()
				err := client.Do(req, resp)
				lat[i] = append(lat[i], time.Since(t0))
				requests.Add(1)
				if err != nil || resp.StatusCode() != 200 {
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("status %d err %v: %.300s", resp.StatusCode(), err, resp.Body()))
				}
			}
		}()
	}
	order := []string{"B", "A", "broken", "B", "loop", "A", "B", "broken", "A", "loop"}
	tick := time.NewTicker(o.every)
	for i := 0; ; i++ {
		select {
		case <-tick.C:
			res.swaps = append(res.swaps, reload(order[i%len(order)]))
			continue
		case <-lctx.Done():
		}
		break
	}
	tick.Stop()
	wg.Wait()
	res.load[1] = wardproc.Loadavg()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	res.requests, res.failed = requests.Load(), failed.Load()
	if v := firstFailure.Load(); v != nil {
		res.firstFailure = v.(string)
	}
	res.rps = float64(res.requests) / elapsed.Seconds()
	if len(all) > 0 {
		res.p50, res.p99, res.max = all[len(all)/2], all[len(all)*99/100], all[len(all)-1]
	}
	for _, s := range res.swaps {
		want := s.Variant == "A" || s.Variant == "B"
		if s.OK != want {
			return res, fmt.Errorf("swap to %s: ok=%v (%s)", s.Variant, s.OK, s.Err)
		}
	}
	if res.failed > 0 {
		return res, fmt.Errorf("%d failed requests; first: %s", res.failed, res.firstFailure)
	}
	return res, nil
}

func (r *result) markdown(o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s. Command: `go tool task bench:swap` (= `go run ./benchmarks/cmd/swapbench -ward ./bin/ward -d %s -every %s -conns %d -out benchmarks/README.md`), %d CPUs, ward, the mock upstream and the load generator on the same machine.\n\n",
		r.at.Format("2006-01-02 15:04 MST"), o.duration, o.every, o.conns, r.cpus)
	fmt.Fprintf(&b, "| requests | failed | req/s | p50 | p99 | max |\n|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | **%d** | %.0f | %s | %s | %s |\n\n", r.requests, r.failed, r.rps, mdsection.Round(r.p50), mdsection.Round(r.p99), mdsection.Round(r.max))
	var live []time.Duration
	fmt.Fprintf(&b, "| swap | module | result | request to live (ward) | admin call round trip |\n|---|---|---|---|---|\n")
	for i, s := range r.swaps {
		res := "live"
		if !s.OK {
			res = "refused: " + shortErr(s.Err)
		} else {
			live = append(live, s.Server)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", i+1, s.Variant, res, mdsection.Round(s.Server), mdsection.Round(s.RoundRTT))
	}
	if len(live) > 0 {
		slices.Sort(live)
		fmt.Fprintf(&b, "\nWarm cache, under load, swaps that went live: median %s, max %s request to live (target <= 100ms).", mdsection.Round(live[len(live)/2]), mdsection.Round(live[len(live)-1]))
	}
	if len(r.idle) > 0 {
		var idle []time.Duration
		for _, s := range r.idle {
			idle = append(idle, s.Server)
		}
		slices.Sort(idle)
		fmt.Fprintf(&b, " Warm cache, no traffic (%d swaps before the load): median %s, max %s", len(idle), mdsection.Round(idle[len(idle)/2]), mdsection.Round(idle[len(idle)-1]))
		if r.idleCPU > 0 {
			fmt.Fprintf(&b, "; ward's CPU time per swap %s (all threads, the retired pipeline's close included)", mdsection.Round(r.idleCPU))
		}
		b.WriteString(".")
	}
	fmt.Fprintf(&b, " Load average of the machine (other work included): %s before the load, %s after.", r.load[0], r.load[1])
	if len(r.warmup) > 0 {
		fmt.Fprintf(&b, " First load of variant B (warm-up, compiled): %s.", mdsection.Round(r.warmup[0].Server))
	}
	b.WriteString("\n")
	return b.String()
}

func shortErr(s string) string {
	for _, code := range []string{"guard_timeout", "compile", "guard_load"} {
		if strings.Contains(s, code) {
			return code
		}
	}
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
