package main

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wardgate/ward/benchmarks/internal/wrk"
)

// outcome is what a target produced: results, or why it has none.
type outcome struct {
	name    string
	skipped string // reason; target never ran
	failed  string // reason; the run as a whole fails
	runs    []wrk.Result
	// cpu is the Ward process's CPU time (user + system, all threads) per
	// request of each capacity run; Ward targets only. Unlike RPS it does
	// not depend on how much of the shared machine the process got.
	cpu  []time.Duration
	rate []rateRun // fixed-rate runs, when the target is part of them
	// startHWMKB is the Ward process's peak resident set before its
	// measured fixed-rate runs (its start, compiling the guards, and the
	// warm-up); each measured run's hwmKB is the peak of that run alone,
	// unless peakNotReset.
	startHWMKB   int64
	peakNotReset bool
}

// summary holds the medians of a target's runs.
type summary struct {
	rps      float64
	p50, p99 time.Duration
}

func (o outcome) summary() (summary, bool) {
	if len(o.runs) == 0 {
		return summary{}, false
	}
	rps := make([]float64, len(o.runs))
	p50 := make([]time.Duration, len(o.runs))
	p99 := make([]time.Duration, len(o.runs))
	for i, r := range o.runs {
		rps[i], p50[i], p99[i] = r.RPS, r.P50, r.P99
	}
	return summary{median(rps), median(p50), median(p99)}, true
}

// median returns the middle value (mean of the two middle values for an
// even count). xs must not be empty; it is not modified.
func median[T float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// fmtDur prints latencies the way people read them: 412µs, 1.23ms, 1.50s.
func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return strconv.FormatInt(d.Round(time.Microsecond).Microseconds(), 10) + "µs"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}

// fmtRPS prints a rate with thousands separators and no decimals.
func fmtRPS(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// table renders the capacity table: medians of the wrk runs and their
// ratio to the minimal proxy (the ceiling of any proxy) and to bare Ward
// (what the guards cost). A baseline without results shows "–".
func table(outs []outcome) string {
	base := func(name string) float64 {
		for _, o := range outs {
			if s, ok := o.summary(); ok && o.name == name && o.failed == "" {
				return s.rps
			}
		}
		return 0
	}
	minp, bare := base(nameMinproxy), base(nameWardBare)
	ratio := func(v, b float64) string {
		if b <= 0 {
			return "–"
		}
		return strconv.FormatFloat(v/b, 'f', 2, 64) + "×"
	}
	var b strings.Builder
	b.WriteString("| Target | RPS (median) | p50 | p99 | vs minimal proxy | vs Ward bare | Ward CPU per request | Runs (RPS) |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, o := range outs {
		s, ok := o.summary()
		switch {
		case o.skipped != "":
			fmt.Fprintf(&b, "| %s | – | – | – | – | – | – | skipped: %s |\n", o.name, mdCell(o.skipped))
			continue
		case !ok:
			fmt.Fprintf(&b, "| %s | – | – | – | – | – | – | FAILED: %s |\n", o.name, mdCell(o.failed))
			continue
		}
		runs := make([]string, len(o.runs))
		for i, r := range o.runs {
			runs[i] = fmtRPS(r.RPS)
		}
		note := strings.Join(runs, " / ")
		if o.failed != "" {
			note = "FAILED: " + mdCell(o.failed) + " (" + note + ")"
		}
		cpu := "–"
		if len(o.cpu) > 0 {
			cpu = fmtDur(median(o.cpu))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", o.name, fmtRPS(s.rps), fmtDur(s.p50), fmtDur(s.p99),
			ratio(s.rps, minp), ratio(s.rps, bare), cpu, note)
	}
	return b.String()
}

// rateSummary holds the medians of a target's fixed-rate runs.
type rateSummary struct {
	p50, p99, p999 time.Duration
	rssKB, hwmKB   int64
	cpu            time.Duration // median Ward CPU per request; 0 when not measured
	late           int
	failed, sent   int // errors and non-2xx answers, requests, over all runs
}

func (o outcome) rateSummary() (rateSummary, bool) {
	if len(o.rate) == 0 {
		return rateSummary{}, false
	}
	var p50, p99, p999, cpu []time.Duration
	var s rateSummary
	for _, r := range o.rate {
		p50, p99, p999 = append(p50, r.p50), append(p99, r.p99), append(p999, r.p999)
		if r.cpu > 0 {
			cpu = append(cpu, r.cpu)
		}
		s.rssKB = max(s.rssKB, r.rssKB)
		s.hwmKB = max(s.hwmKB, r.hwmKB)
		s.late += r.late
		s.failed += r.errors + r.non2xx
		s.sent += r.sent
	}
	s.p50, s.p99, s.p999 = median(p50), median(p99), median(p999)
	if len(cpu) > 0 {
		s.cpu = median(cpu)
	}
	return s, true
}

// rateTable renders the fixed-rate latency table; "added" is the
// difference of medians to bare Ward.
func rateTable(outs []outcome) string {
	var bare rateSummary
	haveBare := false
	for _, o := range outs {
		if s, ok := o.rateSummary(); ok && o.name == nameWardBare {
			bare, haveBare = s, true
		}
	}
	var b strings.Builder
	b.WriteString("| Target | p50 | p99 | p99.9 | failed | added p50 vs Ward bare | added p99 vs Ward bare | Ward RSS at the end (peak during the runs; before them) | Ward CPU per request |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, o := range outs {
		s, ok := o.rateSummary()
		if !ok {
			continue
		}
		add50, add99 := "–", "–"
		if haveBare && o.name != nameWardBare && strings.HasPrefix(o.name, "ward") {
			add50, add99 = fmtSigned(s.p50-bare.p50), fmtSigned(s.p99-bare.p99)
		}
		mem := "–"
		if s.rssKB > 0 {
			mem = fmt.Sprintf("%.0f MB (%.0f MB; %.0f MB)", float64(s.rssKB)/1024, float64(s.hwmKB)/1024, float64(o.startHWMKB)/1024)
			if o.peakNotReset {
				mem = fmt.Sprintf("%.0f MB (%.0f MB since start)", float64(s.rssKB)/1024, float64(s.hwmKB)/1024)
			}
		}
		failed := "0"
		if s.failed > 0 {
			failed = fmt.Sprintf("%d of %d (over capacity)", s.failed, s.sent)
		}
		cpu := "–"
		if s.cpu > 0 {
			cpu = fmtDur(s.cpu)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", o.name, fmtDur(s.p50), fmtDur(s.p99), fmtDur(s.p999), failed, add50, add99, mem, cpu)
	}
	return b.String()
}

// fmtSigned prints a latency difference with its sign.
func fmtSigned(d time.Duration) string {
	if d < 0 {
		return "−" + fmtDur(-d)
	}
	return "+" + fmtDur(d)
}

// verdicts checks the hardening issue's targets on the results and says,
// for each, the measured value and whether it is met.
func verdicts(outs []outcome, rate int) []string {
	find := func(name string) (outcome, bool) {
		for _, o := range outs {
			if o.name == name {
				return o, true
			}
		}
		return outcome{}, false
	}
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**not met**"
	}
	var lines []string
	bare, okB := find(nameWardBare)
	core, okC := find(nameWardCore)
	if !okB || !okC {
		return nil
	}
	if sb, ok := bare.summary(); ok {
		if sc, ok := core.summary(); ok && sb.rps > 0 {
			r := sc.rps / sb.rps
			lines = append(lines, fmt.Sprintf("Full built-in pipeline (auth, injection, output, pii) at %.2f× bare Ward's RPS (target >= 0.6×): %s.", r, met(r >= 0.6)))
		}
	}
	rb, okRB := bare.rateSummary()
	rc, okRC := core.rateSummary()
	if okRB && okRC {
		a50, a99 := rc.p50-rb.p50, rc.p99-rb.p99
		if rc.failed > 0 {
			lines = append(lines, fmt.Sprintf("At %s requests/s the full pipeline failed %d of %d requests (beyond its capacity on this machine): **not met**.",
				fmtRPS(float64(rate)), rc.failed, rc.sent))
		}
		lines = append(lines,
			fmt.Sprintf("Latency the full pipeline adds at %s requests/s: p50 %s (target <= 60µs): %s; p99 %s (target <= 1ms): %s.",
				fmtRPS(float64(rate)), fmtSigned(a50), met(a50 <= 60*time.Microsecond), fmtSigned(a99), met(a99 <= time.Millisecond)))
		if rc.rssKB > 0 {
			peak := "peak during the runs"
			if core.peakNotReset {
				peak = "peak since its start"
			}
			line := fmt.Sprintf("Ward's resident memory with the full pipeline at that load: %.0f MB, %s %.0f MB (target <= 150 MB): %s.",
				float64(rc.rssKB)/1024, peak, float64(rc.hwmKB)/1024, met(rc.hwmKB <= 150*1024))
			if !core.peakNotReset && core.startHWMKB > 0 {
				line += fmt.Sprintf(" Before the runs its peak was %.0f MB: the start, when it compiles the guards (memory the collector then hands back), and the warm-up.",
					float64(core.startHWMKB)/1024)
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// chartRows are the targets with capacity results, grouped for colour.
func chartRows(outs []outcome) []chartRow {
	var rows []chartRow
	for _, o := range outs {
		s, ok := o.summary()
		if !ok || o.failed != "" {
			continue
		}
		g := 0
		switch {
		case o.name == nameWardBare:
			g = 1
		case strings.HasPrefix(o.name, "ward"):
			g = 2
		}
		rows = append(rows, chartRow{name: o.name, rps: s.rps, p99: s.p99, group: g})
	}
	return rows
}

func chartTitle(options) string {
	return "Ward on loopback: throughput and p99 latency, upstream, proxies, each guard, pipelines"
}

func chartSubtitle(o options) string {
	return fmt.Sprintf("wrk -t%d -c%d, %v x %d runs per target interleaved, medians; %d-byte OpenAI chat POST; %s; %s",
		o.threads, o.conns, o.duration, o.runs, bodySize, time.Now().UTC().Format("2006-01-02"), cpuModel())
}

// report renders the markdown section: heading, chart, tables, the targets
// and the conditions.
func report(outs []outcome, o options, versions []string) string {
	var b strings.Builder
	b.WriteString("### Load: upstream, minimal proxy, nginx, Ward bare, each guard and whole pipelines\n\n")
	if o.svg != "" {
		img := o.svg
		if o.out != "" {
			if rel, err := filepath.Rel(filepath.Dir(o.out), o.svg); err == nil {
				img = rel
			}
		}
		fmt.Fprintf(&b, "![throughput and p99 latency of every target](%s)\n\n", filepath.ToSlash(img))
	}
	fmt.Fprintf(&b, "Capacity (wrk -t%d -c%d, closed loop: as fast as each target answers):\n\n", o.threads, o.conns)
	b.WriteString(table(outs))
	if rt := rateTable(outs); o.rate > 0 && strings.Count(rt, "\n") > 2 {
		fmt.Fprintf(&b, "\nLatency at a fixed %s requests/s (open loop: requests leave on schedule whatever the answers do; %v per run, %d runs after a warm-up, medians; latency from hand-over to the client to the whole answer):\n\n",
			fmtRPS(float64(o.rate)), o.rateDuration, o.rateRuns)
		b.WriteString(rt)
	}
	if v := verdicts(outs, o.rate); len(v) > 0 {
		b.WriteString("\nTargets of the hardening issue:\n\n")
		for _, l := range v {
			b.WriteString("- " + l + "\n")
		}
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "- Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- Machine: %s, nproc %d, %s %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "- Tools: %s\n", strings.Join(versions, "; "))
	fmt.Fprintf(&b, "- Load: every request is POST %s with the same %d-byte OpenAI chat body and the demo analyst's API key; "+
		"the Ward targets run the built-in guards configured as in the demo (rate limits raised), rbac and ratelimit behind auth; "+
		"all processes, the load generators included, share the machine's CPUs on loopback. "+
		"wrk: %v per run after a %v warm-up, %d runs per target interleaved round-robin, medians shown.\n",
		requestPath, bodySize, o.duration, o.warmup, o.runs)
	fmt.Fprintf(&b, "- Command: `%s`\n", commandLine())
	return b.String()
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// shellQuote quotes args for a POSIX shell when they need it.
func shellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
		}) < 0 {
			out[i] = a
			continue
		}
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}
