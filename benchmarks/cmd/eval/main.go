// Command eval measures the detectors of sdk/detect (and the guards built
// on them) against the third-party labelled sets in ../shared/evaldata,
// read by path and never copied into the project:
//
//	go run ./benchmarks/cmd/eval -data ../shared/evaldata [-only pii|secrets|injection] [-half even|odd]
//
// It prints, per file and per entity type, precision, recall and F1 (span
// level for PII, rule level for secrets) and the false-positive rate on
// the cases that must not match; for injection, per file, recall on
// attacks and false-positive rate on benign prompts, training, dev and
// held-out files apart. `go tool task eval` runs it.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	data := flag.String("data", filepath.Join("..", "shared", "evaldata"), "directory of the evaluation data")
	only := flag.String("only", "", "run only this part: pii, secrets or injection")
	flag.StringVar(&synthHalf, "half", "", "score only the even or odd sentences (by index) of presidio_research_synth_v2.json: even, odd or empty for all")
	flag.Parse()
	if synthHalf != "" && synthHalf != "even" && synthHalf != "odd" {
		fmt.Fprintln(os.Stderr, "eval: -half wants even or odd")
		os.Exit(2)
	}
	if err := run(*data, *only, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

// part is one family of detectors and the files it is measured on.
type part struct {
	name string
	run  func(dataDir string, w io.Writer) error
}

// parts are registered by pii.go, secrets.go and injection.go.
var parts []part

func run(dataDir, only string, w io.Writer) error {
	ran := false
	for _, p := range parts {
		if only != "" && only != p.name {
			continue
		}
		ran = true
		fmt.Fprintf(w, "## %s\n\n", p.name)
		if err := p.run(dataDir, w); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		fmt.Fprintln(w)
	}
	if !ran {
		return fmt.Errorf("nothing to run (only = %q)", only)
	}
	return nil
}
