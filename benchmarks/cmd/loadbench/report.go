package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wardgate/ward/benchmarks/internal/wrk"
)

// Markers delimit the section of benchmarks/README.md that -out rewrites.
const (
	markBegin = "<!-- loadbench:begin -->"
	markEnd   = "<!-- loadbench:end -->"
)

// outcome is what a target produced: results, or why it has none.
type outcome struct {
	name    string
	skipped string // reason; target never ran
	failed  string // reason; the run as a whole fails
	runs    []wrk.Result
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

// table renders the markdown results table. baseline names the outcome the
// ratio column divides by; when it has no results the column shows "–".
func table(outs []outcome, baseline string) string {
	var base float64
	for _, o := range outs {
		if s, ok := o.summary(); ok && o.name == baseline && o.failed == "" {
			base = s.rps
		}
	}
	var b strings.Builder
	b.WriteString("| Target | RPS (median) | p50 | p99 | vs minimal proxy | Runs (RPS) |\n")
	b.WriteString("|---|---:|---:|---:|---:|---|\n")
	for _, o := range outs {
		s, ok := o.summary()
		switch {
		case o.skipped != "":
			fmt.Fprintf(&b, "| %s | – | – | – | – | skipped: %s |\n", o.name, mdCell(o.skipped))
			continue
		case !ok:
			fmt.Fprintf(&b, "| %s | – | – | – | – | FAILED: %s |\n", o.name, mdCell(o.failed))
			continue
		}
		ratio := "–"
		if base > 0 {
			ratio = strconv.FormatFloat(s.rps/base, 'f', 2, 64) + "×"
		}
		runs := make([]string, len(o.runs))
		for i, r := range o.runs {
			runs[i] = fmtRPS(r.RPS)
		}
		note := strings.Join(runs, " / ")
		if o.failed != "" {
			note = "FAILED: " + mdCell(o.failed) + " (" + note + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", o.name, fmtRPS(s.rps), fmtDur(s.p50), fmtDur(s.p99), ratio, note)
	}
	return b.String()
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// replaceSection returns doc with the text between the loadbench markers
// replaced by section (markers kept). Without a complete, ordered pair of
// markers the section is appended to doc with new markers.
func replaceSection(doc, section string) string {
	section = strings.TrimRight(section, "\n") + "\n"
	i := strings.Index(doc, markBegin)
	j := strings.Index(doc, markEnd)
	if i >= 0 && j > i {
		return doc[:i] + markBegin + "\n" + section + doc[j:]
	}
	if doc != "" && !strings.HasSuffix(doc, "\n") {
		doc += "\n"
	}
	if doc != "" {
		doc += "\n"
	}
	return doc + markBegin + "\n" + section + markEnd + "\n"
}

// updateFile rewrites path's loadbench section atomically (temp file and
// rename). A missing file is created.
func updateFile(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("loadbench: read %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".loadbench-*")
	if err != nil {
		return fmt.Errorf("loadbench: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(replaceSection(string(old), section)); err != nil {
		tmp.Close()
		return fmt.Errorf("loadbench: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("loadbench: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("loadbench: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("loadbench: %w", err)
	}
	return nil
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
