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
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/mockllm"
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
	flag.StringVar(&o.guard, "guard", "cmd/ward/guards/denylist.wasm", "the denylist module to swap")
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
		if err := writeSection(o.out, res.markdown(o)); err != nil {
			fmt.Fprintln(os.Stderr, "swapbench:", err)
			os.Exit(1)
		}
	}
}

type swap struct {
	variant  string
	ok       bool
	server   time.Duration // ward's "duration": reload request to live
	roundRTT time.Duration // the admin call, client side
	err      string
}

type result struct {
	requests, failed int64
	firstFailure     string
	p50, p99, max    time.Duration
	rps              float64
	swaps            []swap
	warmup           []swap
	idle             []swap        // B/A swaps with no traffic, after the warm-up
	idleCPU          time.Duration // ward's CPU time per idle swap (Linux), 0 when unknown
	cpus             int
	load             [2]string // /proc/loadavg before and after
}

func run(o options) (*result, error) {
	denylist, err := os.ReadFile(o.guard)
	if err != nil {
		return nil, fmt.Errorf("%v (build the guards with go tool task build)", err)
	}
	loop, err := os.ReadFile(o.loop)
	if err != nil {
		return nil, err
	}
	demo, err := exec.Command(o.ward, "demo", "-print-config").Output()
	if err != nil {
		return nil, fmt.Errorf("%s demo -print-config: %v", o.ward, err)
	}
	modules := map[string][]byte{
		"A":      denylist,
		"B":      withCustomSection(denylist, "swapbench-variant", []byte("B")),
		"broken": denylist[:len(denylist)/2],
		"loop":   loop,
	}

	// The mock upstream, in this process.
	uln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(uln)
	defer mock.Close()

	dir, err := os.MkdirTemp("", "swapbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg, err := benchConfig(string(demo), uln.Addr().String())
	if err != nil {
		return nil, err
	}
	guardPath := filepath.Join(dir, "guards", "denylist.wasm")
	if err := os.MkdirAll(filepath.Dir(guardPath), 0o700); err != nil {
		return nil, err
	}
	if err := writeAtomic(guardPath, modules["A"]); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "ward.toml"), []byte(cfg), 0o600); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, o.ward, "serve", "-c", filepath.Join(dir, "ward.toml"))
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	addr, admin, err := waitServing(stdout)
	if err != nil {
		return nil, err
	}

	res := &result{cpus: runtime.NumCPU()}
	client := &fasthttp.Client{MaxConnsPerHost: o.conns + 4, ReadTimeout: time.Minute}
	reload := func(variant string) swap {
		if err := writeAtomic(guardPath, modules[variant]); err != nil {
			return swap{variant: variant, err: err.Error()}
		}
		return adminReload(client, admin, variant)
	}
	// Warm-up: every variant once (compiles B; A is loaded), then back to A.
	for _, v := range []string{"B", "broken", "loop", "A"} {
		res.warmup = append(res.warmup, reload(v))
	}
	if s := res.warmup[len(res.warmup)-1]; !s.ok {
		return nil, fmt.Errorf("warm-up reload to A failed: %s", s.err)
	}
	// The floor: warm swaps with no traffic, and ward's CPU time for them
	// (what a swap costs whatever else the machine runs).
	cpu0, cpuErr := processCPU(cmd.Process.Pid)
	idleOrder := []string{"B", "A", "B", "A", "B", "A"}
	for _, v := range idleOrder {
		s := reload(v)
		if !s.ok {
			return nil, fmt.Errorf("idle reload to %s failed: %s", v, s.err)
		}
		res.idle = append(res.idle, s)
		time.Sleep(200 * time.Millisecond) // let the retired pipeline drain and close
	}
	if cpu1, err := processCPU(cmd.Process.Pid); err == nil && cpuErr == nil {
		res.idleCPU = (cpu1 - cpu0) / time.Duration(len(idleOrder))
	}
	res.load[0] = loadavg()

	// Load.
	body := []byte(`{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the benefits of unit testing in two sentences, for a new engineer."}],"max_tokens":64}`)
	var wg sync.WaitGroup
	var requests, failed atomic.Int64
	var firstFailure atomic.Value
	lat := make([][]time.Duration, o.conns)
	lctx, lcancel := context.WithTimeout(ctx, o.duration)
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
	res.load[1] = loadavg()
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
		want := s.variant == "A" || s.variant == "B"
		if s.ok != want {
			return res, fmt.Errorf("swap to %s: ok=%v (%s)", s.variant, s.ok, s.err)
		}
	}
	if res.failed > 0 {
		return res, fmt.Errorf("%d failed requests; first: %s", res.failed, res.firstFailure)
	}
	return res, nil
}

// benchConfig turns the demo config into the benchmark's: listeners on
// free ports, the admin API, no file watching (the benchmark asks for each
// reload), the denylist from a file, and rate limits the load cannot hit.
func benchConfig(demo, upstream string) (string, error) {
	edits := []struct{ re, with string }{
		{`(?m)^listen = \[.*\]$`, `listen = ["127.0.0.1:0"]`},
		{`(?m)^format = ".*"$`, `format = "json"`},
		{`(?m)^level = ".*"$`, `level = "warn"`},
		{`(?m)^path = "builtin:denylist"$`, `path = "guards/denylist.wasm"`},
		{`(?m)^requests = 60$`, `requests = 1000000000`},
		{`(?m)^tokens = 50000$`, `tokens = 1000000000`},
		{`\{\{UPSTREAM\}\}`, "http://" + upstream},
	}
	for _, e := range edits {
		re := regexp.MustCompile(e.re)
		if !re.MatchString(demo) {
			return "", fmt.Errorf("the demo config no longer has %s; update swapbench", e.re)
		}
		demo = re.ReplaceAllString(demo, e.with)
	}
	// The log level line is only in [log]; the ward serving line is
	// logged at info, so keep info.
	demo = strings.Replace(demo, `level = "warn"`, `level = "info"`, 1)
	return demo + "\n[admin]\nlisten = \"127.0.0.1:0\"\n\n[reload]\nwatch = false\n", nil
}

func waitServing(r io.Reader) (addr, admin string, err error) {
	listenRE := regexp.MustCompile(`"listen":\["([^"]+)"`)
	adminRE := regexp.MustCompile(`"admin":"([^"]+)"`)
	found := make(chan [2]string, 1)
	go func() {
		buf := make([]byte, 0, 1<<16)
		tmp := make([]byte, 4096)
		sent := false
		for {
			n, err := r.Read(tmp)
			if !sent {
				buf = append(buf, tmp[:n]...)
				for {
					i := strings.IndexByte(string(buf), '\n')
					if i < 0 {
						break
					}
					line := string(buf[:i])
					buf = buf[i+1:]
					if strings.Contains(line, "ward serving") {
						l, a := listenRE.FindStringSubmatch(line), adminRE.FindStringSubmatch(line)
						if l != nil && a != nil {
							found <- [2]string{l[1], a[1]}
							sent = true
						}
					}
				}
			}
			if err != nil {
				if !sent {
					close(found)
				}
				return
			}
		}
	}()
	select {
	case v, ok := <-found:
		if !ok {
			return "", "", errors.New("ward exited before serving")
		}
		return v[0], v[1], nil
	case <-time.After(2 * time.Minute):
		return "", "", errors.New("ward did not start in 2 minutes")
	}
}

func adminReload(c *fasthttp.Client, admin, variant string) swap {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + admin + "/reload")
	req.Header.SetMethod("POST")
	t0 := time.Now()
	err := c.Do(req, resp)
	s := swap{variant: variant, roundRTT: time.Since(t0)}
	if err != nil {
		s.err = err.Error()
		return s
	}
	var r struct {
		OK       bool          `json:"ok"`
		Error    string        `json:"error"`
		Duration time.Duration `json:"duration_ns"`
	}
	if err := json.Unmarshal(resp.Body(), &r); err != nil {
		s.err = fmt.Sprintf("admin answered %d: %.200s", resp.StatusCode(), resp.Body())
		return s
	}
	s.ok, s.err, s.server = r.OK, r.Error, r.Duration
	return s
}

// processCPU returns the user+system CPU time of a process (Linux).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	var ut, st int64
	if _, err := fmt.Sscan(f[11], &ut); err != nil {
		return 0, err
	}
	if _, err := fmt.Sscan(f[12], &st); err != nil {
		return 0, err
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz, nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func writeAtomic(path string, b []byte) error {
	if err := os.WriteFile(path+".tmp", b, 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// withCustomSection appends a custom section (id 0) to a module: a valid
// module with a new hash and the same code.
func withCustomSection(wasm []byte, name string, payload []byte) []byte {
	content := appendULEB(nil, uint32(len(name)))
	content = append(content, name...)
	content = append(content, payload...)
	out := append([]byte(nil), wasm...)
	out = append(out, 0)
	out = appendULEB(out, uint32(len(content)))
	return append(out, content...)
}

func appendULEB(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func (r *result) markdown(o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Command: `go tool task bench:swap` (= `go run ./benchmarks/cmd/swapbench -ward ./bin/ward -d %s -every %s -conns %d -out benchmarks/README.md`), %d CPUs, ward, the mock upstream and the load generator on the same machine.\n\n",
		o.duration, o.every, o.conns, r.cpus)
	fmt.Fprintf(&b, "| requests | failed | req/s | p50 | p99 | max |\n|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | **%d** | %.0f | %s | %s | %s |\n\n", r.requests, r.failed, r.rps, round(r.p50), round(r.p99), round(r.max))
	var live []time.Duration
	fmt.Fprintf(&b, "| swap | module | result | request to live (ward) | admin call round trip |\n|---|---|---|---|---|\n")
	for i, s := range r.swaps {
		res := "live"
		if !s.ok {
			res = "refused: " + shortErr(s.err)
		} else {
			live = append(live, s.server)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", i+1, s.variant, res, round(s.server), round(s.roundRTT))
	}
	if len(live) > 0 {
		slices.Sort(live)
		fmt.Fprintf(&b, "\nWarm cache, under load, swaps that went live: median %s, max %s request to live (target <= 100ms).", round(live[len(live)/2]), round(live[len(live)-1]))
	}
	if len(r.idle) > 0 {
		var idle []time.Duration
		for _, s := range r.idle {
			idle = append(idle, s.server)
		}
		slices.Sort(idle)
		fmt.Fprintf(&b, " Warm cache, no traffic (%d swaps before the load): median %s, max %s", len(idle), round(idle[len(idle)/2]), round(idle[len(idle)-1]))
		if r.idleCPU > 0 {
			fmt.Fprintf(&b, "; ward's CPU time per swap %s (all threads, the retired pipeline's close included)", round(r.idleCPU))
		}
		b.WriteString(".")
	}
	fmt.Fprintf(&b, " Load average of the machine (other work included): %s before the load, %s after.", r.load[0], r.load[1])
	if len(r.warmup) > 0 {
		fmt.Fprintf(&b, " First load of variant B (warm-up, compiled): %s.", round(r.warmup[0].server))
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

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

const (
	markBegin = "<!-- swapbench:begin -->"
	markEnd   = "<!-- swapbench:end -->"
)

// writeSection replaces the text between the swapbench markers of the file
// (appending a section with markers when there are none), leaving every
// other byte as it is.
func writeSection(path, section string) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(doc)
	i, j := strings.Index(s, markBegin), strings.Index(s, markEnd)
	if i < 0 || j < i {
		return errors.New("no swapbench markers in " + path)
	}
	s = s[:i+len(markBegin)] + "\n" + section + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}
