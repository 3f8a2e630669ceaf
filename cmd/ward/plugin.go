package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wardgate/ward/engine/toolkit"
	"github.com/wardgate/ward/sdk/conformance"
)

const pluginUsage = `Usage: ward plugin <command> [flags]

Commands:
  new     --lang go|c|rust|assemblyscript NAME   scaffold the guard NAME in ./NAME (build file, cases.json)
  build   [--lang L] [-o OUT.wasm] [DIR]          build the guard in DIR (default .) with its toolchain
  test    GUARD.wasm --cases cases.json|.yaml     check expected verdicts and config errors (exit 1 on a difference)
  test    GUARD.wasm --conformance [--config JSON] run the conformance suite (sdk/conformance)
          (test and bench take --cpu-budget DURATION, as cpu_budget in ward.toml)
  bench   GUARD.wasm [--config JSON] [-n CALLS]   per-call latency on 1 KB and 16 KB exchanges, CPU bound on
  inspect GUARD.wasm [--json]                     ABI, description, exports, imports, memory limits, size
`

// cmdPlugin is `ward plugin`: flags and wiring for engine/toolkit.
func cmdPlugin(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, pluginUsage)
		return 2
	}
	ctx := context.Background()
	cmd, rest := args[0], args[1:]
	fset := flag.NewFlagSet("plugin "+cmd, flag.ContinueOnError)
	fset.SetOutput(stderr)
	lang := fset.String("lang", "", "language: go, c, rust or assemblyscript")
	out := fset.String("o", "", "output module (build)")
	cases := fset.String("cases", "", "cases file (test)")
	conf := fset.Bool("conformance", false, "run the conformance suite (test)")
	config := fset.String("config", "{}", "the guard's config table as JSON (test --conformance, bench)")
	calls := fset.Int("n", 2000, "calls per exchange size (bench)")
	asJSON := fset.Bool("json", false, "print JSON (inspect)")
	var limits toolkit.Limits
	fset.DurationVar(&limits.CPUBudget, "cpu-budget", 0, "CPU budget per call, as cpu_budget in ward.toml (test, bench; default 50ms)")
	// Flags may follow the positional argument: parse around it.
	var pos []string
	for {
		if err := fset.Parse(rest); err != nil {
			return 2
		}
		rest = fset.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		rest = rest[1:]
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, err)
		return 1
	}
	module := func() ([]byte, bool) {
		if len(pos) != 1 {
			fmt.Fprintf(stderr, "ward plugin %s: want one GUARD.wasm\n", cmd)
			return nil, false
		}
		b, err := os.ReadFile(pos[0])
		if err != nil {
			fmt.Fprintln(stderr, "ward plugin:", err)
			return nil, false
		}
		return b, true
	}
	switch cmd {
	case "new":
		if len(pos) != 1 || *lang == "" {
			fmt.Fprintln(stderr, "ward plugin new: want --lang LANG NAME")
			return 2
		}
		files, err := toolkit.New(conformance.Lang(*lang), pos[0], pos[0])
		if err != nil {
			return fail(err)
		}
		for _, f := range files {
			fmt.Fprintln(stdout, filepath.Join(pos[0], f))
		}
		return 0
	case "build":
		dir := "."
		if len(pos) == 1 {
			dir = pos[0]
		} else if len(pos) > 1 {
			fmt.Fprintln(stderr, "ward plugin build: want at most one DIR")
			return 2
		}
		if *out == "" {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return fail(err)
			}
			*out = filepath.Join(dir, filepath.Base(abs)+".wasm")
		}
		l, err := toolkit.Build(conformance.Lang(*lang), dir, *out)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "built %s (%s)\n", *out, l)
		return 0
	case "test":
		wasm, ok := module()
		if !ok {
			return 2
		}
		if (*cases == "") == !*conf {
			fmt.Fprintln(stderr, "ward plugin test: want --cases FILE or --conformance")
			return 2
		}
		var rs []toolkit.CaseResult
		title := "cases"
		if *conf {
			title = "conformance"
			var err error
			if rs, err = toolkit.RunConformance(ctx, wasm, []byte(*config), limits); err != nil {
				return fail(err)
			}
		} else {
			cs, err := toolkit.LoadCases(*cases)
			if err != nil {
				return fail(err)
			}
			rs = toolkit.RunCases(ctx, wasm, cs, limits)
		}
		if toolkit.PrintResults(stdout, title, rs) > 0 {
			return 1
		}
		return 0
	case "bench":
		wasm, ok := module()
		if !ok {
			return 2
		}
		rs, err := toolkit.Bench(ctx, wasm, []byte(*config), *calls, limits)
		if err != nil {
			return fail(err)
		}
		toolkit.PrintBench(stdout, rs)
		return 0
	case "inspect":
		wasm, ok := module()
		if !ok {
			return 2
		}
		info, err := toolkit.Inspect(ctx, wasm)
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			b, _ := json.MarshalIndent(info, "", "  ")
			fmt.Fprintln(stdout, string(b))
		} else {
			info.Print(stdout)
		}
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, pluginUsage)
		return 0
	}
	fmt.Fprintf(stderr, "ward plugin: unknown command %q\n\n%s", cmd, pluginUsage)
	return 2
}
