// Command loadbench measures Ward's proxy overhead on loopback with wrk.
//
// In one go it drives, with the same 356-byte OpenAI chat request:
//
//	mock upstream (direct)          engine/mockllm, the upstream of every proxy
//	minimal fasthttp proxy          benchmarks/internal/minproxy: the ceiling
//	nginx proxy_pass (2 workers)    when nginx is installed
//	ward (no guards)                the -ward binary, one route, no guard
//	ward (denylist guard)           the same with the built-in denylist guard
//
// Each target is warmed up, then run -runs times round-robin (so drift hits
// every target alike), and the medians are reported as a markdown table.
// Targets that cannot run (no nginx, no ward binary) are skipped. Any
// non-2xx answer or socket error on allowed traffic fails the run (exit 1),
// and then -out is not written.
//
//	go run ./benchmarks/cmd/loadbench -ward ./bin/ward -d 10s -runs 3 -out benchmarks/README.md
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/wardgate/ward/benchmarks/internal/wrk"
)

type options struct {
	wardBin, nginxBin, wrkBin string
	duration, warmup          time.Duration
	runs, conns, threads      int
	nginxWorkers              int
	out                       string
}

// Target names, in table order.
const (
	nameMock      = "mock upstream (direct)"
	nameMinproxy  = "minimal fasthttp proxy"
	nameNginx     = "nginx proxy_pass"
	nameWard      = "ward (no guards)"
	nameWardGuard = "ward (denylist guard)"
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
	flag.StringVar(&o.wardBin, "ward", "./bin/ward", "Ward binary (skipped when missing)")
	flag.StringVar(&o.nginxBin, "nginx", "nginx", "nginx binary (skipped when missing)")
	flag.StringVar(&o.wrkBin, "wrk", "wrk", "wrk binary")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "duration of each measured wrk run (whole seconds)")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up run per target before measuring (0 disables)")
	flag.IntVar(&o.runs, "runs", 3, "measured runs per target, interleaved across targets")
	flag.IntVar(&o.conns, "c", 64, "wrk connections")
	flag.IntVar(&o.threads, "t", 2, "wrk threads")
	flag.IntVar(&o.nginxWorkers, "nginx-workers", 2, "nginx worker_processes")
	flag.StringVar(&o.out, "out", "", "markdown file whose loadbench section is replaced with the results (e.g. benchmarks/README.md)")
	flag.Parse()
	if o.runs < 1 || o.conns < 1 || o.threads < 1 || o.duration < time.Second || o.nginxWorkers < 1 {
		fmt.Fprintln(os.Stderr, "loadbench: -runs, -c, -t, -nginx-workers must be >= 1 and -d >= 1s")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// target is one measured server.
type target struct {
	outcome
	addr    string
	guarded bool
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

	targets := []*target{
		{outcome: outcome{name: nameMock}, addr: mockAddr},
		{outcome: outcome{name: nameMinproxy}},
		{outcome: outcome{name: fmt.Sprintf("%s (%d workers)", nameNginx, o.nginxWorkers)}},
		{outcome: outcome{name: nameWard}},
		{outcome: outcome{name: nameWardGuard}, guarded: true},
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
		if err := waitReady(ctx, c, addr, body, 15*time.Second); err != nil {
			t.failed = "not ready: " + err.Error()
		}
	}
	{
		c, addr, err := startSelf(dir, roleMinproxy, mockAddr)
		start(targets[1], c, addr, err)
	}
	// "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." -> "wrk debian/4.1.0-3+b2"
	versions := []string{strings.Join(firstFields(commandOutput(wrkBin, "-v"), 2), " ")}
	if nginxBin, err := lookBin(o.nginxBin); err != nil {
		targets[2].skipped = "nginx not found (" + o.nginxBin + ")"
	} else {
		versions = append(versions, "nginx: "+strings.TrimPrefix(commandOutput(nginxBin, "-v"), "nginx version: "))
		c, addr, err := startNginx(nginxBin, dir, mockAddr, o.nginxWorkers)
		start(targets[2], c, addr, err)
	}
	if wardBin, err := lookBin(o.wardBin); err != nil {
		reason := "no ward binary at " + o.wardBin
		targets[3].skipped, targets[4].skipped = reason, reason
	} else {
		c, addr, err := startWard(wardBin, dir, "ward", mockAddr, false)
		start(targets[3], c, addr, err)
		c, addr, err = startWard(wardBin, dir, "ward-guard", mockAddr, true)
		start(targets[4], c, addr, err)
	}

	var active []*target
	for _, t := range targets {
		if t.skipped != "" || t.failed != "" {
			continue
		}
		if err := preflight(t.addr, body, t.guarded); err != nil {
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

	args := func(t *target, d time.Duration) wrk.Args {
		return wrk.Args{Bin: wrkBin, URL: "http://" + t.addr + requestPath, Script: script,
			Threads: o.threads, Connections: o.conns, Duration: d, Timeout: 5 * time.Second}
	}
	// measure runs wrk once and checks the answers; a bad run fails the target.
	measure := func(t *target, d time.Duration) (wrk.Result, bool) {
		res, out, err := wrk.Run(ctx, args(t, d))
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
			logf("run %d/%d %-28s %10s rps  p50 %-8s p99 %s", i, o.runs, t.name, fmtRPS(res.RPS), fmtDur(res.P50), fmtDur(res.P99))
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
	if o.out != "" {
		if err := updateFile(o.out, section); err != nil {
			return 1, err
		}
		logf("wrote results to %s", o.out)
	}
	return 0, nil
}

// report renders the markdown section: heading, table and the conditions.
func report(outs []outcome, o options, versions []string) string {
	var b strings.Builder
	b.WriteString("### Load: mock upstream, minimal proxy, nginx and Ward\n\n")
	b.WriteString(table(outs, nameMinproxy))
	b.WriteString("\n")
	fmt.Fprintf(&b, "- Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- Machine: %s, nproc %d, %s %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "- Tools: %s\n", strings.Join(versions, "; "))
	fmt.Fprintf(&b, "- Load: wrk -t%d -c%d, %v per run after a %v warm-up, %d runs per target interleaved round-robin, medians shown; "+
		"every request is POST %s with the same %d-byte OpenAI chat body; all processes share the machine's CPUs on loopback.\n",
		o.threads, o.conns, o.duration, o.warmup, o.runs, requestPath, bodySize)
	fmt.Fprintf(&b, "- Command: `%s`\n", commandLine())
	return b.String()
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
