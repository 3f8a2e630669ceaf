// Package wrk runs the wrk HTTP load generator and parses its report.
//
// Only the text format of wrk 4.x with --latency is understood (the format
// has been stable since 4.0). Parse is strict: a report without a
// Requests/sec line or without the 50% and 99% latency lines is an error, so
// a changed format fails loudly instead of producing zeros.
package wrk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Result is one wrk run.
type Result struct {
	RPS      float64       // "Requests/sec"
	P50, P99 time.Duration // latency distribution percentiles
	Requests int64         // "N requests in D"
	Elapsed  time.Duration // the D above
	// Non2xx counts "Non-2xx or 3xx responses" (zero when wrk printed no
	// such line).
	Non2xx int64
	// Socket errors as reported by wrk ("Socket errors: connect C, read R,
	// write W, timeout T"); all zero when wrk printed no such line.
	ConnectErrors, ReadErrors, WriteErrors, Timeouts int64
}

// SocketErrors is the sum of all socket error counters.
func (r Result) SocketErrors() int64 {
	return r.ConnectErrors + r.ReadErrors + r.WriteErrors + r.Timeouts
}

// ErrFormat is wrapped by Parse errors for text it does not understand.
var ErrFormat = errors.New("wrk: unrecognised output")

// Parse reads the report wrk printed on stdout.
func Parse(out string) (Result, error) {
	var r Result
	var haveRPS, have50, have99, haveReq bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		var err error
		switch {
		case strings.HasPrefix(line, "Requests/sec:") && len(f) == 2:
			r.RPS, err = strconv.ParseFloat(f[1], 64)
			haveRPS = err == nil
		case len(f) == 2 && f[0] == "50%":
			r.P50, err = ParseDuration(f[1])
			have50 = err == nil
		case len(f) == 2 && f[0] == "99%":
			r.P99, err = ParseDuration(f[1])
			have99 = err == nil
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			// "520000 requests in 10.00s, 120.00MB read"
			r.Requests, err = strconv.ParseInt(f[0], 10, 64)
			if err == nil {
				r.Elapsed, err = ParseDuration(strings.TrimSuffix(f[3], ","))
			}
			haveReq = err == nil
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:") && len(f) == 5:
			r.Non2xx, err = strconv.ParseInt(f[4], 10, 64)
		case strings.HasPrefix(line, "Socket errors:"):
			err = parseSocketErrors(strings.TrimPrefix(line, "Socket errors:"), &r)
		}
		if err != nil {
			return Result{}, fmt.Errorf("%w: line %q: %v", ErrFormat, line, err)
		}
	}
	var missing []string
	for _, m := range []struct {
		ok   bool
		name string
	}{{haveRPS, "Requests/sec"}, {have50, "50% latency"}, {have99, "99% latency"}, {haveReq, "request count"}} {
		if !m.ok {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return Result{}, fmt.Errorf("%w: missing %s (was --latency given?)", ErrFormat, strings.Join(missing, ", "))
	}
	return r, nil
}

// parseSocketErrors reads " connect 0, read 12, write 0, timeout 3".
func parseSocketErrors(s string, r *Result) error {
	for part := range strings.SplitSeq(s, ",") {
		f := strings.Fields(part)
		if len(f) != 2 {
			return fmt.Errorf("socket errors: bad part %q", part)
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return err
		}
		switch f[0] {
		case "connect":
			r.ConnectErrors = n
		case "read":
			r.ReadErrors = n
		case "write":
			r.WriteErrors = n
		case "timeout":
			r.Timeouts = n
		default:
			return fmt.Errorf("socket errors: unknown counter %q", f[0])
		}
	}
	return nil
}

// ParseDuration reads wrk's time format: a decimal number followed by one of
// us, ms, s, m, h.
func ParseDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		return time.Duration(v * float64(u.unit)), nil
	}
	return 0, fmt.Errorf("bad duration %q", s)
}

// Args describe one wrk invocation.
type Args struct {
	Bin         string        // wrk executable; "" means "wrk" on PATH
	URL         string        // target URL
	Script      string        // Lua script path ("" for none)
	Threads     int           // -t
	Connections int           // -c
	Duration    time.Duration // -d, whole seconds (rounded up, at least 1s)
	Timeout     time.Duration // --timeout (0: wrk's default, 2s)
}

// CommandLine returns the argv (without the executable) for a.
func (a Args) CommandLine() []string {
	secs := int64((a.Duration + time.Second - 1) / time.Second)
	argv := []string{
		"-t" + strconv.Itoa(a.Threads),
		"-c" + strconv.Itoa(a.Connections),
		"-d" + strconv.FormatInt(max(1, secs), 10) + "s",
		"--latency",
	}
	if a.Timeout > 0 {
		argv = append(argv, "--timeout", strconv.FormatInt(max(1, int64(a.Timeout/time.Second)), 10)+"s")
	}
	if a.Script != "" {
		argv = append(argv, "-s", a.Script)
	}
	return append(argv, a.URL)
}

// Run executes wrk and parses its report. out is wrk's stdout, returned even
// on error for diagnostics. Cancelling ctx kills wrk.
func Run(ctx context.Context, a Args) (res Result, out string, err error) {
	bin := a.Bin
	if bin == "" {
		bin = "wrk"
	}
	cmd := exec.CommandContext(ctx, bin, a.CommandLine()...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Result{}, stdout.String(), fmt.Errorf("wrk: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	res, err = Parse(stdout.String())
	if err != nil {
		return Result{}, stdout.String(), err
	}
	return res, stdout.String(), nil
}
