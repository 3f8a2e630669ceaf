package main

import (
	"strings"
	"testing"
)

const input = `BenchmarkGuardCall/native-trivial/1KB/fuel=on-2   	  700000	      1700 ns/op	 600.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkGuardCall/native-trivial/1KB/fuel=off-2  	  700000	      1600 ns/op	 600.00 MB/s	       0 B/op	       0 allocs/op
PASS
BenchmarkGuardCall/native-trivial/1KB/fuel=on-2   	  700000	      3300 ns/op	 600.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkGuardCall/native-trivial/1KB/fuel=off-2  	  700000	      3000 ns/op	 600.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkGuardCall/native-trivial/1KB/fuel=on-2   	  700000	      2000 ns/op	 600.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkGuardCall/native-trivial/1KB/fuel=off-2  	  700000	      2000 ns/op	 600.00 MB/s	       0 B/op	       0 allocs/op
`

func TestRenderPairsRuns(t *testing.T) {
	var b strings.Builder
	if err := render(strings.NewReader(input), &b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// Medians 2.00 µs on, 2.00 µs off; paired ratios 1.0625, 1.1, 1.0 -> 1.06.
	want := "| native-trivial | 1KB | 2.00 µs | 0 | 2.00 µs | 1.06 (1.00–1.10) |"
	if !strings.Contains(out, want) || !strings.Contains(out, "median of 3 paired runs") {
		t.Fatalf("got:\n%s", out)
	}
	if err := render(strings.NewReader("nothing"), &b); err == nil {
		t.Fatal("empty input accepted")
	}
}
