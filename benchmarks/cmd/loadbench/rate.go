package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// rateRun is one open-loop run at a fixed request rate: requests are sent
// on a schedule whatever the answers do, so a slow target cannot slow the
// load down (wrk, closed-loop, measures capacity; this measures the latency
// a target adds at a given load).
type rateRun struct {
	sent, errors, non2xx int
	firstBad             string // the first error or non-2xx answer
	late                 int    // requests dispatched more than 1 ms behind schedule (generator overloaded)
	p50, p99, p999       time.Duration
	rssKB, hwmKB         int64 // the Ward process's resident set at the end of the run, and its peak; 0 for others
	// cpu is the Ward process's CPU time per request sent; 0 for others.
	// At a fixed rate every target serves the same throughput, so unlike
	// the capacity runs' figures these compare like with like.
	cpu time.Duration
}

// fixedRate sends rate requests per second of body to addr for d, each on
// its own goroutine, and returns the latency percentiles, measured from the
// moment each request is handed to the client to its complete answer.
func fixedRate(ctx context.Context, addr string, body []byte, rate int, d time.Duration) (rateRun, error) {
	n := int(int64(rate) * int64(d) / int64(time.Second))
	if n < 1 {
		return rateRun{}, fmt.Errorf("loadbench: rate %d for %v sends nothing", rate, d)
	}
	hc := &fasthttp.HostClient{
		Addr:               addr,
		MaxConns:           1024,
		ReadTimeout:        5 * time.Second,
		WriteTimeout:       5 * time.Second,
		MaxConnWaitTimeout: 5 * time.Second,
	}
	defer hc.CloseIdleConnections()
	lat := make([]time.Duration, n)
	var errs, non2xx atomic.Int64
	var firstBad atomic.Pointer[string] // the first failure, for the report
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	late := 0
	start := time.Now()
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		} else if wait < -time.Millisecond {
			late++
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			chatRequest(req, addr, body, false)
			t0 := time.Now()
			err := hc.Do(req, resp)
			lat[i] = time.Since(t0)
			switch {
			case err != nil:
				errs.Add(1)
				lat[i] = -1
				msg := err.Error()
				firstBad.CompareAndSwap(nil, &msg)
			case resp.StatusCode() < 200 || resp.StatusCode() > 299:
				non2xx.Add(1)
				msg := fmt.Sprintf("status %d: %.200s", resp.StatusCode(), resp.Body())
				firstBad.CompareAndSwap(nil, &msg)
			}
		}(i)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return rateRun{}, err
	}
	ok := lat[:0:0]
	for _, l := range lat {
		if l >= 0 {
			ok = append(ok, l)
		}
	}
	r := rateRun{sent: n, errors: int(errs.Load()), non2xx: int(non2xx.Load()), late: late}
	if p := firstBad.Load(); p != nil {
		r.firstBad = *p
	}
	if len(ok) > 0 {
		slices.Sort(ok)
		r.p50, r.p99, r.p999 = percentile(ok, 0.50), percentile(ok, 0.99), percentile(ok, 0.999)
	}
	return r, nil
}

// percentile returns the nearest-rank percentile q (0 < q <= 1) of sorted.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
