//go:build !wasip1

// Command train fits the injection detector's model on the training files
// of ../shared/evaldata/injection (read by path, never copied) and writes
// plugins/injection/model/weights.bin. `go tool task train:injection` runs
// it from the repository root; the same data gives the same file byte for
// byte.
//
//	go run ./plugins/injection/train -data ../shared/evaldata/injection -out plugins/injection/model/weights.bin
//
// With -check it writes nothing and fails unless the committed file is
// what training gives (`go tool task train:injection:check`).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wardgate/ward/plugins/injection/dataset"
	"github.com/wardgate/ward/plugins/injection/detector"
	"github.com/wardgate/ward/plugins/injection/trainer"
)

func main() {
	data := flag.String("data", filepath.Join("..", "shared", "evaldata", "injection"), "directory of the injection data")
	out := flag.String("out", filepath.Join("plugins", "injection", "model", "weights.bin"), "model file to write")
	check := flag.Bool("check", false, "write nothing: fail unless the model file at -out is byte for byte what training gives")
	report := flag.Bool("report", false, "write nothing: print the figures a training configuration is chosen on (per training file out-of-fold and left out, the dev file), never a held-out file's")
	devMisses := flag.Bool("dev-misses", false, "with -report: also print the dev file's missed attacks")
	lineWithout := flag.String("line-without", "", "with -report: also print the left-out line without these training files (comma-separated names) among its attacks and benign texts; they are still trained on")
	probe := flag.String("probe", "", "with -report: also print the score of every line of this file (spot checks)")
	flag.Parse()
	if err := run(*data, *out, *check, *report, *devMisses, *lineWithout, *probe); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(dir, out string, check, report, devMisses bool, lineWithout, probe string) error {
	cfg := trainer.Default
	var ex []dataset.Example
	var file []int
	var prov strings.Builder
	fmt.Fprintf(&prov, "ward injection model; produced by `go tool task train:injection` (go run ./plugins/injection/train)\n")
	fmt.Fprintf(&prov, "features: hashed character 4-grams of the normalised text (weight 0 unless in the texts of >= min_files training files); logit = bias + max(mean weight of the text, of its windows of 2 blocks) + structure, mean = sum / (n + prior); structure = dense weights . [at least 2, 3, 4, 5 distinct rules fired] (scaled down beyond 4 KB)\n")
	fmt.Fprintf(&prov, "config: dim=2^%d epochs=%d rate=%g l2=%g neg_weight=%g prior=%g block=%d dense_epochs=%d dense_l2=%g min_files=%d seed=%d folds=%d max_oof_fpr_per_file=%g (thresholds per family)\n",
		cfg.DimLog2, cfg.Epochs, cfg.Rate, cfg.L2, cfg.NegWeight, cfg.Prior, cfg.Block, cfg.DenseEpochs, cfg.DenseL2, cfg.MinFiles, cfg.Seed, cfg.Folds, cfg.MaxFPR)
	prov.WriteString("training files (sha256, examples):\n")
	for fi, f := range dataset.Files {
		if !f.Train() {
			continue
		}
		paths, err := f.Paths(dir)
		if err != nil {
			return err
		}
		h := sha256.New()
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		e, err := dataset.Load(dir, f)
		if err != nil {
			return err
		}
		if f.Synthetic() {
			// Generated: the hash is over the texts and labels.
			for _, x := range e {
				fmt.Fprintf(h, "%t %q\n", x.Attack, x.Text)
			}
		}
		fmt.Fprintf(&prov, "  %s %s %d\n", f.Name, hex.EncodeToString(h.Sum(nil)), len(e))
		ex = append(ex, e...)
		for range e {
			file = append(file, fi)
		}
	}
	prov.WriteString("not used for the model:")
	for _, f := range dataset.Files {
		if !f.Train() {
			fmt.Fprintf(&prov, " %s (%s)", f.Name, f.Split)
		}
	}
	prov.WriteString("\n")
	samples, err := trainer.Prepare(ex, file, cfg)
	if err != nil {
		return err
	}
	oof := trainer.OutOfFold(samples, cfg)
	th, jb := trainer.Thresholds(samples, oof, cfg.MaxFPR)
	tp, pos, fp, neg := 0, 0, 0, 0
	for i, s := range samples {
		t := th
		if s.Jailbreak {
			t = jb
		}
		hit := detector.Combine(oof[i], s.Signals) >= t
		if s.Attack {
			pos++
			if hit {
				tp++
			}
		} else {
			neg++
			if hit {
				fp++
			}
		}
	}
	fmt.Fprintf(&prov, "thresholds %.2f (injection family), %.2f (jailbreak family: a persona set-up, >= 200 bytes firing a persona rule among >= 2 rules): out-of-fold recall %d/%d, benign FPR %d/%d\n", th, jb, tp, pos, fp, neg)
	m := trainer.Train(samples, cfg, -1)
	m.Threshold, m.JailbreakThreshold = float32(th), float32(jb)
	m.Provenance = prov.String()
	if report {
		return printReport(os.Stdout, dir, samples, oof, th, jb, m, cfg, devMisses, lineWithout, probe)
	}
	fmt.Print(m.Provenance)
	enc := detector.AppendModel(nil, m)
	if check {
		old, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		if !bytes.Equal(old, enc) {
			return fmt.Errorf("%s (sha256 %x) is not what training gives (sha256 %x): run go tool task train:injection", out, sha256.Sum256(old), sha256.Sum256(enc))
		}
		fmt.Printf("%s is reproducible (sha256 %x)\n", out, sha256.Sum256(enc))
		return nil
	}
	return os.WriteFile(out, enc, 0o644)
}
