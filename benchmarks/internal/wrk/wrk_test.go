package wrk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The testdata files are wrk 4.1.0 reports captured on this project's
// machines (socket_errors.txt edited from a real report to have errors).
func TestParseCaptured(t *testing.T) {
	tests := []struct {
		file string
		want Result
	}{
		{"ok.txt", Result{RPS: 16978.19, P50: 2720 * time.Microsecond, P99: 88530 * time.Microsecond,
			Requests: 35182, Elapsed: 2070 * time.Millisecond}},
		{"non2xx.txt", Result{RPS: 825.09, P50: 3800 * time.Microsecond, P99: 34560 * time.Microsecond,
			Requests: 1661, Elapsed: 2010 * time.Millisecond, Non2xx: 1661}},
		{"socket_errors.txt", Result{RPS: 47.95, P50: 1010 * time.Millisecond, P99: 1990 * time.Millisecond,
			Requests: 480, Elapsed: 10010 * time.Millisecond, ReadErrors: 3, WriteErrors: 1, Timeouts: 12}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if !closeDur(got.P50, tc.want.P50) || !closeDur(got.P99, tc.want.P99) || !closeDur(got.Elapsed, tc.want.Elapsed) {
				t.Errorf("durations p50 %v p99 %v elapsed %v; want %v %v %v", got.P50, got.P99, got.Elapsed, tc.want.P50, tc.want.P99, tc.want.Elapsed)
			}
			got.P50, got.P99, got.Elapsed = tc.want.P50, tc.want.P99, tc.want.Elapsed
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// closeDur tolerates float rounding in unit conversion.
func closeDur(a, b time.Duration) bool {
	d := a - b
	return d > -time.Microsecond && d < time.Microsecond
}

func TestParseRejects(t *testing.T) {
	ok, err := os.ReadFile(filepath.Join("testdata", "ok.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		out  string
	}{
		{"empty", ""},
		{"connect failure", "unable to connect to 127.0.0.1:1 Connection refused\n"},
		{"no latency distribution", dropLines(string(ok), "%")},
		{"no rps", dropLines(string(ok), "Requests/sec")},
		{"bad percentile unit", strings.Replace(string(ok), "2.72ms", "2.72xs", 1)},
		{"bad socket errors", string(ok) + "  Socket errors: connect 0, bogus 1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(tc.out); !errors.Is(err, ErrFormat) {
				t.Fatalf("Parse = %v, want ErrFormat", err)
			}
		})
	}
}

func dropLines(s, substr string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, substr) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"622.00us", 622 * time.Microsecond, false},
		{"1.50ms", 1500 * time.Microsecond, false},
		{"2.00s", 2 * time.Second, false},
		{"1.50m", 90 * time.Second, false},
		{"1.00h", time.Hour, false},
		{"12", 0, true},
		{"ms", 0, true},
		{"-1ms", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && !closeDur(got, tc.want)) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	a := Args{URL: "http://x/", Script: "s.lua", Threads: 2, Connections: 64, Duration: 1500 * time.Millisecond, Timeout: 5 * time.Second}
	got := strings.Join(a.CommandLine(), " ")
	want := "-t2 -c64 -d2s --latency --timeout 5s -s s.lua http://x/"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
