// Command guardtable turns the output of several `go test -count 1 -bench
// BenchmarkGuardCall` runs (concatenated) into the markdown table of
// benchmarks/README.md: per guard and exchange size, the median ns/op and
// allocs/op with the CPU bound on and off, and the median of the per-run
// ratios on/off. Pairing on and off within each run cancels the drift of a
// shared machine between runs, which unpaired medians do not.
//
//	go run ./benchmarks/cmd/guardtable benchmarks/guardcall.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
)

var line = regexp.MustCompile(`^BenchmarkGuardCall/(\S+)/(\d+KB)/fuel=(on|off)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op.*?\s(\d+) allocs/op`)

type key struct{ guard, size string }

type sample struct {
	ns     float64
	allocs int
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: guardtable FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	if err := render(f, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "guardtable:", err)
		os.Exit(1)
	}
}

func render(r io.Reader, w io.Writer) error {
	// runs[i][key][bound]: a new run starts when a (key, bound) repeats.
	var runs []map[key]map[string]sample
	cur := map[key]map[string]sample{}
	var order []key
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		k := key{m[1], m[2]}
		ns, _ := strconv.ParseFloat(m[4], 64)
		allocs, _ := strconv.Atoi(m[5])
		if _, dup := cur[k][m[3]]; dup {
			runs = append(runs, cur)
			cur = map[key]map[string]sample{}
		}
		if cur[k] == nil {
			cur[k] = map[string]sample{}
		}
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
		cur[k][m[3]] = sample{ns, allocs}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	runs = append(runs, cur)
	if len(order) == 0 {
		return fmt.Errorf("no BenchmarkGuardCall lines")
	}
	fmt.Fprintf(w, "| guard | exchange | CPU bound on: ns/op | allocs/op | bound off: ns/op | bound on/off (median of %d paired runs) |\n|---|---|---:|---:|---:|---:|\n", len(runs))
	for _, k := range order {
		var on, off, ratio []float64
		allocs := 0
		for _, run := range runs {
			s, okOn := run[k]["on"]
			t, okOff := run[k]["off"]
			if okOn {
				on = append(on, s.ns)
				allocs = max(allocs, s.allocs)
			}
			if okOff {
				off = append(off, t.ns)
			}
			if okOn && okOff {
				ratio = append(ratio, s.ns/t.ns)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %.2f (%.2f–%.2f) |\n", k.guard, k.size,
			fmtNs(median(on)), allocs, fmtNs(median(off)), median(ratio), slices.Min(ratio), slices.Max(ratio))
	}
	return nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}
