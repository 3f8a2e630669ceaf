package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSoakShort is the soak in small, for CI: the binary built from this
// tree, 12 s of the request mix at 200 requests/s after a 5 s warm-up (two
// swaps in it), five swaps (a broken and a looping module among them, both
// refused) and two
// upstream fault windows; no unexpected answer. Memory growth is not
// checked (12 s is no soak): go tool task soak does that.
//
// It runs only with WARD_SOAK=1 (go tool task soak:short): ward compiles
// its eight guards with a cold cache at start, which alone takes 15-50 s
// on a shared 2-core machine, too long for every CI run.
func TestSoakShort(t *testing.T) {
	if os.Getenv("WARD_SOAK") != "1" {
		t.Skip("set WARD_SOAK=1 (go tool task soak:short)")
	}
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "bin", "guards", "denylist.wasm")); err != nil {
		t.Skip("guards not built (go tool task plugins)")
	}
	ward := filepath.Join(t.TempDir(), "ward")
	build := exec.Command("go", "build", "-o", ward, "./cmd/ward")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build ward: %v\n%s", err, out)
	}
	o := defaults()
	o.ward = ward
	o.guard = filepath.Join(root, o.guard)
	o.loop = filepath.Join(root, o.loop)
	o.warmup, o.duration, o.swaps, o.rps, o.conns = 5*time.Second, 12*time.Second, 5, 200, 16
	o.warmupSwaps = 2
	o.faultEvery, o.faultFor, o.faultRate = 4*time.Second, 2*time.Second, 0.5
	o.growth = -1
	res, err := run(o)
	if res != nil {
		t.Log("\n" + res.markdown(o))
	}
	if err != nil {
		t.Fatal(err)
	}
	var faulted, denied int64
	for _, m := range res.byKind {
		faulted += m[outFault]
		denied += m[outDenied]
	}
	if faulted == 0 || denied == 0 || res.requests < int64(o.rps)*10 {
		t.Fatalf("%d requests, %d faulted, %d denied: the mix did not run", res.requests, faulted, denied)
	}
	var refused []string
	for _, s := range res.swaps {
		if !s.OK {
			refused = append(refused, s.Variant)
		}
	}
	if strings.Join(refused, ",") != "broken,loop" {
		t.Fatalf("refused swaps %v, want broken and loop", refused)
	}
}
