// Command loadbench measures Ward's proxy overhead on loopback, and the
// cost of each built-in guard and of whole pipelines.
//
// In one go it drives, with the same 356-byte OpenAI chat request:
//
//	mock upstream (direct)          engine/mockllm, the upstream of every proxy
//	minimal fasthttp proxy          benchmarks/internal/minproxy: the ceiling
//	nginx proxy_pass (2 workers)    when nginx is installed
//	ward (no guards)                the -ward binary, one route, no guard
//	ward + GUARD                    each built-in guard, configured as in the
//	                                demo (rbac and ratelimit behind auth)
//	ward + auth, injection, output, pii   and the demo's eight guards
//
// Two measurements:
//
//   - capacity: wrk (closed loop, -c connections), each target warmed up,
//     then run -runs times round-robin (so drift hits every target alike);
//     medians of RPS, p50 and p99;
//   - latency at a fixed rate (-rate requests/s, open loop: requests leave on
//     a schedule whatever the answers do) for the reference targets, bare
//     Ward and the two pipelines, with Ward's resident memory at that load.
//
// Targets that cannot run (no nginx, no ward binary) are skipped. Any
// non-2xx answer or socket error on allowed traffic fails the run (exit 1),
// and then -out is not written. -out replaces the loadbench section of a
// markdown file, -svg writes a chart of throughput and p99 latency.
//
//	go run ./benchmarks/cmd/loadbench -ward ./bin/ward -out benchmarks/README.md -svg benchmarks/load.svg
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/wardgate/ward/benchmarks/internal/mdsection"
	"github.com/wardgate/ward/benchmarks/internal/wardproc"
	"github.com/wardgate/ward/benchmarks/internal/wrk"
)

type options struct {
	wardBin, nginxBin, wrkBin string
	duration, warmup          time.Duration
	runs, conns, threads      int
	nginxWorkers              int
	rate, rateRuns            int
	rateDuration              time.Duration
	serverB                   string // -server-b
	only                      *regexp.Regexp
	out, svg                  string
	fused                     bool // -fused
}

// Target names, in table order (the Ward ones are in pipelines.go).
const (
	nameMock     = "mock upstream (direct)"
	nameMinproxy = "minimal fasthttp proxy"
	nameNginx    = "nginx proxy_pass"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == roleMock || os.Args[1] == roleMinproxy) {
		if err := runRole(os.Args[1], os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	var o options
	var only string
	flag.StringVar(&o.wardBin, "ward", "./bin/ward", "Ward binary (skipped when missing)")
	flag.StringVar(&o.nginxBin, "nginx", "nginx", "nginx binary (skipped when missing)")
	flag.StringVar(&o.wrkBin, "wrk", "wrk", "wrk binary")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "duration of each measured wrk run (whole seconds)")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up run per target before measuring (0 disables)")
	flag.IntVar(&o.runs, "runs", 3, "measured runs per target, interleaved across targets")
	flag.IntVar(&o.conns, "c", 64, "wrk connections")
	flag.IntVar(&o.threads, "t", 2, "wrk threads")
	flag.IntVar(&o.nginxWorkers, "nginx-workers", 2, "nginx worker_processes")
	flag.IntVar(&o.rate, "rate", 5000, "requests/s of the fixed-rate latency runs (0 skips them)")
	flag.DurationVar(&o.rateDuration, "rate-d", 10*time.Second, "duration of each fixed-rate run")
	flag.IntVar(&o.rateRuns, "rate-runs", 3, "fixed-rate runs per target, interleaved")
	flag.StringVar(&o.serverB, "server-b", "", "TOML lines for [server] (e.g. 'soft_memory_limit = \"140MiB\"'): each fixed-rate Ward target runs a second time with them, an A/B in one run")
	flag.StringVar(&only, "only", "", "regular expression: run only the targets whose name matches (the report then lacks the others)")
	flag.StringVar(&o.out, "out", "", "markdown file whose loadbench section is replaced with the results (e.g. benchmarks/README.md)")
	flag.StringVar(&o.svg, "svg", "", "SVG file to write the throughput and p99 chart to (e.g. benchmarks/load.svg)")
	flag.BoolVar(&o.fused, "fused", false, "add the target \""+nameWardFused+"\": benchmarks/guards/fused (built here; run from the repository's root), the core guards in one guest call per phase, what RATIONALE.md 8's \"Not done\" would save")
	flag.Parse()
	if o.runs < 1 || o.conns < 1 || o.threads < 1 || o.duration < time.Second || o.nginxWorkers < 1 ||
		o.rate < 0 || o.rateRuns < 1 || o.rateDuration < time.Second {
		fmt.Fprintln(os.Stderr, "loadbench: -runs, -c, -t, -nginx-workers, -rate-runs must be >= 1, -rate >= 0, -d and -rate-d >= 1s")
		os.Exit(2)
	}
	if only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadbench: -only:", err)
			os.Exit(2)
		}
		o.only = re
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// buildFused builds benchmarks/guards/fused into dir and returns the
// module's path.
func buildFused(dir string) (string, error) {
	out := filepath.Join(dir, "fused.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-buildmode=c-shared", "-o", out, "./benchmarks/guards/fused")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("loadbench: -fused: building ./benchmarks/guards/fused (run loadbench from the repository's root): %v\n%s", err, b)
	}
	return out, nil
}

// target is one measured server.
type target struct {
	outcome
	addr   string
	spec   *wardSpec // nil for the upstream and reference proxies
	atRate bool      // part of the fixed-rate latency runs
	pid    int       // the Ward process, for its memory and CPU time
	// lastCPU is the Ward process's CPU time per request of the last wrk run.
	lastCPU time.Duration
	procs   []*child // stopped at the end; the shared mock is not listed here
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadbench: "+format+"\n", args...)
}

// run does the whole benchmark and returns the exit code.
func run(ctx context.Context, o options) (int, error) {
	wrkBin, err := lookBin(o.wrkBin)
	if err != nil {
		return 1, fmt.Errorf("loadbench: wrk not found (%v); install it (Debian: apt-get install wrk)", err)
	}
	dir, err := os.MkdirTemp("", "loadbench-")
	if err != nil {
		return 1, fmt.Errorf("loadbench: %w", err)
	}
	defer os.RemoveAll(dir)
	_ = os.Chmod(dir, 0o755) // nginx workers may run as another user
	script, err := writeWorkload(dir)
	if err != nil {
		return 1, err
	}
	body := chatBody()

	mock, mockAddr, err := startSelf(dir, roleMock)
	if err != nil {
		return 1, err
	}
	defer mock.stop()
	if err := waitReady(ctx, mock, mockAddr, body, 10*time.Second); err != nil {
		return 1, fmt.Errorf("loadbench: mock upstream: %w", err)
	}

	all := []*target{
		{outcome: outcome{name: nameMock}, addr: mockAddr, atRate: true},
		{outcome: outcome{name: nameMinproxy}, atRate: true},
		{outcome: outcome{name: fmt.Sprintf("%s (%d workers)", nameNginx, o.nginxWorkers)}, atRate: true},
	}
	nginxT := all[2]
	specs := wardSpecs()
	if o.fused {
		wasm, err := buildFused(dir)
		if err != nil {
			return 1, err
		}
		specs = append(specs, fusedSpec(wasm))
	}
	for _, sp := range specs {
		sp := sp
		atRate := sp.name == nameWardBare || sp.name == nameWardCore || sp.name == nameWardDemo
		all = append(all, &target{outcome: outcome{name: sp.name}, spec: &sp, atRate: atRate})
		if o.serverB != "" && atRate {
			b := sp
			b.name += " [" + strings.Join(strings.Fields(o.serverB), " ") + "]"
			b.file += "-b"
			b.server = o.serverB
			all = append(all, &target{outcome: outcome{name: b.name}, spec: &b, atRate: true})
		}
	}
	var targets []*target
	for _, t := range all {
		if o.only == nil || o.only.MatchString(t.name) {
			targets = append(targets, t)
		}
	}
	defer func() {
		for _, t := range targets {
			for _, p := range t.procs {
				p.stop()
			}
		}
	}()

	// Start every proxy; a missing binary skips, a failing start fails.
	start := func(t *target, c *child, addr string, err error) {
		if err != nil {
			t.failed = err.Error()
			return
		}
		t.procs = append(t.procs, c)
		t.addr = addr
		if err := waitReady(ctx, c, addr, body, 30*time.Second); err != nil {
			t.failed = "not ready: " + err.Error()
		}
	}
	// "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." -> "wrk debian/4.1.0-3+b2"
	versions := []string{strings.Join(firstFields(commandOutput(wrkBin, "-v"), 2), " ")}
	nginxBin, nginxErr := lookBin(o.nginxBin)
	if nginxErr == nil {
		versions = append(versions, "nginx: "+strings.TrimPrefix(commandOutput(nginxBin, "-v"), "nginx version: "))
	}
	wardBin, wardErr := lookBin(o.wardBin)
	if wardErr == nil {
		versions = append(versions, "ward: "+commandOutput(wardBin, "version"))
	}
	for _, t := range targets {
		switch {
		case t.name == nameMock:
		case t.name == nameMinproxy:
			c, addr, err := startSelf(dir, roleMinproxy, mockAddr)
			start(t, c, addr, err)
		case t == nginxT:
			if nginxErr != nil {
				t.skipped = "nginx not found (" + o.nginxBin + ")"
				continue
			}
			c, addr, err := startNginx(nginxBin, dir, mockAddr, o.nginxWorkers)
			start(t, c, addr, err)
		default:
			if wardErr != nil {
				t.skipped = "no ward binary at " + o.wardBin
				continue
			}
			c, addr, err := startWard(wardBin, dir, mockAddr, t.spec)
			if c != nil {
				t.pid = c.cmd.Process.Pid
			}
			start(t, c, addr, err)
		}
	}

	var active []*target
	for _, t := range targets {
		if t.skipped != "" || t.failed != "" {
			continue
		}
		var deny *probe
		rewrites := false
		if t.spec != nil {
			deny, rewrites = t.spec.deny, t.spec.rewrites
		}
		if err := preflight(t.addr, body, deny, rewrites); err != nil {
			t.failed = "preflight: " + err.Error()
			continue
		}
		active = append(active, t)
	}
	for _, t := range targets {
		switch {
		case t.skipped != "":
			logf("%s: skipped: %s", t.name, t.skipped)
		case t.failed != "":
			logf("%s: FAILED: %s", t.name, t.failed)
		default:
			logf("%s: ready on %s", t.name, t.addr)
		}
	}

	// Fixed rate first, so that a Ward process's peak memory is the one of
	// that load, not of wrk's saturation.
	if o.rate > 0 {
		for i := 0; i <= o.rateRuns; i++ { // run 0 is the warm-up
			for _, t := range active {
				if ctx.Err() != nil {
					return 130, ctx.Err()
				}
				if !t.atRate || t.failed != "" {
					continue
				}
				d := o.rateDuration
				if i == 0 {
					d = min(d, 2*time.Second)
				}
				// A measured run's peak memory is the peak of its load: the
				// process's peak so far (its start, compiling the guards,
				// and the runs before) is kept aside first.
				if i > 0 && t.pid > 0 {
					_, hwm := procMem(t.pid)
					t.startHWMKB = max(t.startHWMKB, hwm)
					if err := resetPeak(t.pid); err != nil && !t.peakNotReset {
						t.peakNotReset = true
						logf("%s: cannot reset the peak RSS (%v): its peak includes the start", t.name, err)
					}
				}
				cpu0, cpuErr := wardproc.ProcessCPU(t.pid)
				r, err := fixedRate(ctx, t.addr, body, o.rate, d)
				if err != nil {
					return 130, err
				}
				if cpu1, err := wardproc.ProcessCPU(t.pid); t.pid > 0 && cpuErr == nil && err == nil && r.sent > 0 {
					r.cpu = (cpu1 - cpu0) / time.Duration(r.sent)
				}
				// Beyond a target's capacity a fixed rate ends in client
				// timeouts or refusals: that is the result, shown in the
				// table, not a failure of the run.
				if r.errors > 0 || r.non2xx > 0 {
					logf("%s: at %d rps: %d errors, %d non-2xx of %d; first: %s", t.name, o.rate, r.errors, r.non2xx, r.sent, r.firstBad)
				}
				if i == 0 {
					continue
				}
				if t.pid > 0 {
					r.rssKB, r.hwmKB = procMem(t.pid)
				}
				t.rate = append(t.rate, r)
				logf("rate %d/%d %-36s %d rps  p50 %-8s p99 %-8s p99.9 %-8s late %d  rss %d KiB  cpu/req %s",
					i, o.rateRuns, t.name, o.rate, fmtDur(r.p50), fmtDur(r.p99), fmtDur(r.p999), r.late, r.rssKB, fmtDur(r.cpu))
			}
		}
	}

	args := func(t *target, d time.Duration) wrk.Args {
		return wrk.Args{Bin: wrkBin, URL: "http://" + t.addr + requestPath, Script: script,
			Threads: o.threads, Connections: o.conns, Duration: d, Timeout: 5 * time.Second}
	}
	// measure runs wrk once and checks the answers; a bad run fails the target.
	measure := func(t *target, d time.Duration) (wrk.Result, bool) {
		t.lastCPU = 0
		cpu0, cpuErr := wardproc.ProcessCPU(t.pid)
		res, out, err := wrk.Run(ctx, args(t, d))
		if cpu1, err := wardproc.ProcessCPU(t.pid); t.pid > 0 && cpuErr == nil && err == nil && res.Requests > 0 {
			t.lastCPU = (cpu1 - cpu0) / time.Duration(res.Requests)
		}
		if err != nil {
			t.failed = err.Error()
			logf("%s: wrk: %v\n%s", t.name, err, out)
			return res, false
		}
		var bad []string
		if res.Non2xx > 0 {
			bad = append(bad, fmt.Sprintf("%d non-2xx responses of %d", res.Non2xx, res.Requests))
		}
		if n := res.SocketErrors(); n > 0 {
			bad = append(bad, fmt.Sprintf("socket errors: connect %d, read %d, write %d, timeout %d",
				res.ConnectErrors, res.ReadErrors, res.WriteErrors, res.Timeouts))
		}
		if len(bad) > 0 {
			t.failed = strings.Join(bad, "; ")
			logf("%s: FAILED: %s", t.name, t.failed)
			return res, false
		}
		return res, true
	}

	if o.warmup > 0 {
		for _, t := range active {
			if ctx.Err() != nil {
				return 130, ctx.Err()
			}
			if t.failed != "" {
				continue
			}
			logf("warm-up %s (%v)", t.name, o.warmup)
			measure(t, o.warmup)
		}
	}
	for i := 1; i <= o.runs; i++ {
		for _, t := range active {
			if ctx.Err() != nil {
				return 130, ctx.Err()
			}
			if t.failed != "" {
				continue
			}
			res, ok := measure(t, o.duration)
			if !ok {
				continue
			}
			t.runs = append(t.runs, res)
			if t.lastCPU > 0 {
				t.cpu = append(t.cpu, t.lastCPU)
			}
			logf("run %d/%d %-36s %10s rps  p50 %-8s p99 %-8s cpu/req %s", i, o.runs, t.name, fmtRPS(res.RPS), fmtDur(res.P50), fmtDur(res.P99), fmtDur(t.lastCPU))
		}
	}

	outs := make([]outcome, len(targets))
	failed := false
	for i, t := range targets {
		outs[i] = t.outcome
		failed = failed || t.failed != ""
	}
	section := report(outs, o, versions)
	fmt.Println(section)
	if failed {
		return 1, errors.New("loadbench: some targets failed; results not written")
	}
	if o.svg != "" {
		if err := mdsection.WriteFileAtomic(o.svg, chartSVG(chartTitle(o), chartSubtitle(o), chartRows(outs))); err != nil {
			return 1, fmt.Errorf("loadbench: %w", err)
		}
		logf("wrote chart to %s", o.svg)
	}
	if o.out != "" {
		if err := mdsection.Update(o.out, "loadbench", section, true); err != nil {
			return 1, fmt.Errorf("loadbench: %w", err)
		}
		logf("wrote results to %s", o.out)
	}
	return 0, nil
}

// commandLine is how this run was invoked; `go run` binaries are shown as
// the go run command.
func commandLine() string {
	prog := os.Args[0]
	if strings.Contains(prog, "go-build") {
		prog = "go run ./benchmarks/cmd/loadbench"
	}
	if len(os.Args) == 1 {
		return prog
	}
	return prog + " " + shellQuote(os.Args[1:])
}

// firstFields returns at most the first n whitespace-separated fields of s.
func firstFields(s string, n int) []string {
	f := strings.Fields(s)
	return f[:min(n, len(f))]
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
