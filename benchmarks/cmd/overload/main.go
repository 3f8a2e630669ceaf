// Command overload shows what a route's concurrency limit does under load
// above capacity. It runs, in one process on loopback:
//
//   - an upstream with a fixed capacity: -slots requests served at once,
//     each taking -service (an LLM backend with so many generation slots);
//     requests beyond wait for a slot, as they would at a real backend;
//   - Ward (engine/proxy, no guards) with one route to it, once with the
//     route's defaults (no max_concurrent; max_conns 512) and once with
//     max_concurrent = -slots, queue = -queue, queue_timeout = -queue-timeout;
//   - an open-loop load generator: -rate requests a second for -d
//     regardless of how fast answers come back (arrivals do not slow down
//     because the gateway is slow, as with real clients).
//
// For each setting it prints the answers by status and the latency of the
// successful ones and of the refusals. Capacity is slots/service requests
// a second; with -rate above it, the queue in front of the upstream grows
// without a limit until something sheds.
//
//	go run ./benchmarks/cmd/overload                       # 1.5x capacity
//	go run ./benchmarks/cmd/overload -rate 640 -d 10s      # 2x
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/proxy"
)

type options struct {
	slots        int
	service      time.Duration
	rate         int
	duration     time.Duration
	queue        int
	queueTimeout time.Duration
	clientTO     time.Duration
}

func main() {
	var o options
	flag.IntVar(&o.slots, "slots", 16, "upstream requests served at once")
	flag.DurationVar(&o.service, "service", 50*time.Millisecond, "upstream time per request")
	flag.IntVar(&o.rate, "rate", 480, "offered requests per second (open loop)")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "load duration per setting")
	flag.IntVar(&o.queue, "queue", 16, "queue of the limited route")
	flag.DurationVar(&o.queueTimeout, "queue-timeout", 100*time.Millisecond, "queue_timeout of the limited route")
	flag.DurationVar(&o.clientTO, "client-timeout", 10*time.Second, "client timeout per request")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "overload:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	capacity := float64(o.slots) / o.service.Seconds()
	fmt.Printf("upstream capacity %.0f req/s (%d slots x %v); offered %d req/s (%.2fx) for %v per setting\n\n",
		capacity, o.slots, o.service, o.rate, float64(o.rate)/capacity, o.duration)
	settings := []struct{ name, keys string }{
		{"limiter off, max_conns 65536 (nothing sheds)", "max_conns = 65536\n"},
		{"limiter off (defaults: max_conns 512)", ""},
		{fmt.Sprintf("limiter on (max_concurrent %d, queue %d, queue_timeout %v)", o.slots, o.queue, o.queueTimeout),
			fmt.Sprintf("max_concurrent = %d\nqueue = %d\nqueue_timeout = %q\n", o.slots, o.queue, o.queueTimeout.String())},
	}
	fmt.Println("| Setting | Sent | 200 | 503 overloaded | other 5xx | client timeouts | 200/s until the last answer | p50 (200) | p99 (200) | max (200) | p99 (503 overloaded) | p99 (other 5xx) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range settings {
		// A fresh upstream each time: no backlog carried over.
		upAddr, stopUp, err := startUpstream(o.slots, o.service)
		if err != nil {
			return err
		}
		wardAddr, stop, err := startWard(upAddr, s.keys)
		if err != nil {
			return err
		}
		r := load(wardAddr, o)
		stop()
		stopUp()
		fmt.Printf("| %s | %d | %d | %d | %d | %d | %.0f | %s | %s | %s | %s | %s |\n", s.name, r.sent, len(r.ok), len(r.overloaded),
			len(r.other), r.errs, float64(len(r.ok))/r.wall.Seconds(), pct(r.ok, 50), pct(r.ok, 99), pct(r.ok, 100), pct(r.overloaded, 99), pct(r.other, 99))
		if len(r.codes) > 0 {
			fmt.Fprintf(os.Stderr, "%s: other answers by code: %v\n", s.name, r.codes)
		}
	}
	return nil
}

// startUpstream serves chat answers, slots at a time, each after service.
func startUpstream(slots int, service time.Duration) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	sem := make(chan struct{}, slots)
	answer := []byte(`{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		sem <- struct{}{}
		time.Sleep(service)
		<-sem
		ctx.SetContentType("application/json")
		ctx.SetBody(answer)
	}, Concurrency: 1 << 20}
	go srv.Serve(ln)
	// Shutdown waits for the handlers; close the listener and move on (the
	// backlog's sleepers end on their own).
	return ln.Addr().String(), func() { ln.Close() }, nil
}

func startWard(upAddr, routeKeys string) (string, func(), error) {
	text := fmt.Sprintf("[server]\nlisten = [\"127.0.0.1:0\"]\n[[routes]]\nname = \"llm\"\nprefix = \"/v1/\"\nupstream = \"http://%s\"\ntimeout = \"30s\"\n%s", upAddr, routeKeys)
	cfg, err := config.Parse("overload.toml", []byte(text))
	if err != nil {
		return "", nil, err
	}
	log := slog.New(slog.DiscardHandler)
	snap, err := proxy.Build(context.Background(), cfg, nil, nil, log)
	if err != nil {
		return "", nil, err
	}
	srv := proxy.NewServer(snap, log)
	lns, err := proxy.Listen(cfg)
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, cfg, lns, 30*time.Second); close(done) }()
	return lns[0].Addr().String(), func() { cancel(); <-done; snap.Close(context.Background()) }, nil
}

type results struct {
	sent, errs            int
	ok, overloaded, other []time.Duration
	codes                 map[string]int
	wall                  time.Duration // from the first request to the last answer
}

var body = []byte(`{"model":"m","messages":[{"role":"user","content":"Summarise the policy terms for a customer in plain words please."}]}`)

// load sends o.rate requests a second for o.duration, each on its own
// goroutine (open loop), and waits for every answer.
func load(addr string, o options) results {
	client := &fasthttp.HostClient{Addr: addr, MaxConns: 1 << 20, ReadTimeout: o.clientTO, WriteTimeout: o.clientTO}
	var mu sync.Mutex
	var r results
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(o.rate)
	start := time.Now()
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= o.duration {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.SetRequestURI("http://" + addr + "/v1/chat/completions")
			req.Header.SetMethod("POST")
			req.Header.SetContentType("application/json")
			req.SetBodyRaw(body)
			t0 := time.Now()
			err := client.DoTimeout(req, resp, o.clientTO)
			took := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			r.sent++
			switch {
			case err != nil: // the client's timeout: the answer came too late
				r.errs++
			case resp.StatusCode() == 200:
				r.ok = append(r.ok, took)
			case resp.StatusCode() == 503 && strings.Contains(string(resp.Body()), `"overloaded"`) && len(resp.Header.Peek("Retry-After")) > 0:
				r.overloaded = append(r.overloaded, took)
			default:
				r.other = append(r.other, took)
				var e struct {
					Error struct{ Code string } `json:"error"`
				}
				_ = json.Unmarshal(resp.Body(), &e)
				if r.codes == nil {
					r.codes = map[string]int{}
				}
				r.codes[fmt.Sprintf("%d %s", resp.StatusCode(), e.Error.Code)]++
			}
		}()
	}
	wg.Wait()
	r.wall = time.Since(start)
	client.CloseIdleConnections()
	return r
}

func pct(d []time.Duration, p int) string {
	if len(d) == 0 {
		return "-"
	}
	s := slices.Clone(d)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s) - 1) * p / 100
	v := s[i]
	switch {
	case v >= time.Second:
		return fmt.Sprintf("%.2fs", v.Seconds())
	case v >= time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(v)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%dus", v.Microseconds())
}
