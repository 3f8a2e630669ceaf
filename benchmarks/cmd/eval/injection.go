package main

// The injection part of the efficacy harness: plugins/injection's
// detector (the code the guard runs, natively) on every file of
// injection/, at the model's default threshold. Per file: recall on
// attacks, false-positive rate on benign prompts, both for mixed files.
//
// Training files are marked: their in-sample numbers flatter the model,
// so the out-of-fold numbers (5-fold cross-validation over the training
// files, the same folds the training command uses to pick the threshold)
// are printed next to them, and the left-out-file numbers (a model
// trained on the other training files): folds mix every source, so only
// the latter say how the model does on a source it has never seen. The
// held-out files (dataset.Files) were never seen by the model, and no rule
// keyword is taken from them (plugins/injection/README.md says how clean
// that makes their figures).

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wardgate/ward/plugins/injection/dataset"
	"github.com/wardgate/ward/plugins/injection/detector"
	"github.com/wardgate/ward/plugins/injection/model"
	"github.com/wardgate/ward/plugins/injection/trainer"
)

func init() { parts = append(parts, part{name: "injection", run: runInjection}) }

// injFiles are the files the injection part scores (a test swaps in a
// smaller set).
var injFiles = dataset.Files

// injCounts are the outcomes over one file.
type injCounts struct {
	pos, tp, neg, fp      int
	oofTP, oofFP          int
	lofoTP, lofoFP        int
	missed, flagged       []string
	reasonsTP, reasonsAll map[string]int
	// withSystem counts the texts scanned with their system prompt
	// (detector.Protected); textOnlyTP the attacks among them found
	// without it.
	withSystem, textOnlyTP int
}

func runInjection(dataDir string, w io.Writer) error {
	dir := filepath.Join(dataDir, "injection")
	det, err := detector.New(model.File)
	if err != nil {
		return err
	}
	th, jb := det.Thresholds()
	sc := det.NewScanner()
	cfg := trainer.Default

	// Out-of-fold probabilities for the training files, in file order.
	var train []dataset.Example
	var file []int
	for fi, f := range injFiles {
		if f.Train() {
			e, err := dataset.Load(dir, f)
			if err != nil {
				return err
			}
			train = append(train, e...)
			for range e {
				file = append(file, fi)
			}
		}
	}
	samples, err := trainer.Prepare(train, file, cfg)
	if err != nil {
		return err
	}
	oof := trainer.OutOfFold(samples, cfg)
	lofo := trainer.LeaveOneFileOut(samples, cfg)

	fmt.Fprintf(w, "thresholds %.2f (injection family) and %.2f (jailbreak family: a persona set-up, >= 200 bytes firing a persona rule among >= 2 rules), the model file's defaults; recall = attacks scored >= threshold, FPR = benign prompts scored >= threshold\n", th, jb)
	fmt.Fprintf(w, "model: %s\n", strings.SplitN(det.Model().Provenance, "\n", 2)[0])
	fmt.Fprintf(w, "train files: in-sample, out-of-fold (oof, %d-fold) and left-out (lofo: the model trained on the other training files, the file unseen) numbers; dev files: read while writing the rules, never trained on; held-out files: neither\n\n", cfg.Folds)
	fmt.Fprintf(w, "| file | split | attacks | recall | recall (oof) | recall (lofo) | benign | FPR | FPR (oof) | FPR (lofo) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	var held, dev, trainAll injCounts
	var details, withSys []string
	// For the false positives of detector.Protected: the system prompts
	// that protect something, and the benign texts of the training and
	// dev files with their text-only results.
	var systems []string
	seenSystem := map[string]bool{}
	type benignScan struct {
		text string
		r    detector.Result
	}
	var benign []benignScan
	k := 0
	for _, f := range injFiles {
		ex, err := dataset.Load(dir, f)
		if err != nil {
			return err
		}
		var c injCounts
		var prot detector.Protected
		for _, e := range ex {
			r := sc.Scan(e.Text, false)
			if e.System != "" {
				// What the text was written against: the guard reads the
				// request's system prompt the same way.
				textOnly := r.Score >= det.Threshold(&r)
				prot.Parse(e.System)
				if prot.Protects() && !seenSystem[e.System] {
					seenSystem[e.System] = true
					systems = append(systems, e.System)
				}
				prot.Apply(&r, e.Text)
				c.withSystem++
				if e.Attack && textOnly {
					c.textOnlyTP++
				}
			}
			hit := r.Score >= det.Threshold(&r)
			if !e.Attack && e.System == "" && f.Split != dataset.HeldOut {
				benign = append(benign, benignScan{e.Text, r})
			}
			var oofHit, lofoHit bool
			if f.Train() {
				t := th
				if samples[k].Jailbreak {
					t = jb
				}
				oofHit = detector.Combine(oof[k], samples[k].Signals) >= t
				lofoHit = detector.Combine(lofo[k], samples[k].Signals) >= t
				k++
			}
			if e.Attack {
				c.pos++
				if hit {
					c.tp++
				} else {
					c.missed = append(c.missed, fmt.Sprintf("%.2f %.100q", r.Score, e.Text))
				}
				if oofHit {
					c.oofTP++
				}
				if lofoHit {
					c.lofoTP++
				}
			} else {
				c.neg++
				if hit {
					c.fp++
					c.flagged = append(c.flagged, fmt.Sprintf("%.2f [%s] %.100q", r.Score, strings.Join(detector.ReasonNames(r.Reasons), ","), e.Text))
				}
				if oofHit {
					c.oofFP++
				}
				if lofoHit {
					c.lofoFP++
				}
			}
		}
		oofR, oofF, lofoR, lofoF := "-", "-", "-", "-"
		switch f.Split {
		case dataset.Train:
			oofR, oofF = ratio(c.oofTP, c.pos), ratio(c.oofFP, c.neg)
			lofoR, lofoF = ratio(c.lofoTP, c.pos), ratio(c.lofoFP, c.neg)
			trainAll.add(&c)
		case dataset.Dev:
			dev.add(&c)
		case dataset.HeldOut:
			held.add(&c)
			for _, m := range c.missed {
				details = append(details, f.Name+" missed: "+m)
			}
			for _, m := range c.flagged {
				details = append(details, f.Name+" flagged: "+m)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %d | %s | %s | %s |\n", f.Name, f.Split, c.pos, ratio(c.tp, c.pos), oofR, lofoR, c.neg, ratio(c.fp, c.neg), oofF, lofoF)
		if c.withSystem > 0 {
			withSys = append(withSys, fmt.Sprintf("%s: %d of %d texts scanned with their system prompt (what it forbids disclosing, detector.Protected); recall without it %s",
				f.Name, c.withSystem, c.pos+c.neg, ratio(c.textOnlyTP, c.pos)))
		}
	}
	fmt.Fprintf(w, "| **all training files** | train | %d | %s | %s | %s | %d | %s | %s | %s |\n", trainAll.pos, ratio(trainAll.tp, trainAll.pos), ratio(trainAll.oofTP, trainAll.pos), ratio(trainAll.lofoTP, trainAll.pos), trainAll.neg, ratio(trainAll.fp, trainAll.neg), ratio(trainAll.oofFP, trainAll.neg), ratio(trainAll.lofoFP, trainAll.neg))
	fmt.Fprintf(w, "| **dev files** | dev (rules only) | %d | %s | - | - | %d | %s | - | - |\n", dev.pos, ratio(dev.tp, dev.pos), dev.neg, ratio(dev.fp, dev.neg))
	fmt.Fprintf(w, "| **all held-out files** | held out | %d | %s | - | - | %d | %s | - | - |\n\n", held.pos, ratio(held.tp, held.pos), held.neg, ratio(held.fp, held.neg))
	for _, l := range withSys {
		fmt.Fprintf(w, "%s\n\n", l)
	}
	if len(systems) > 0 && len(benign) > 0 {
		// Every benign text as if sent under each protecting prompt: how
		// often asking about a protected kind of thing is innocent.
		var prot detector.Protected
		rates := make([]float64, 0, len(systems))
		anyFlag := make([]bool, len(benign))
		for _, sys := range systems {
			prot.Parse(sys)
			fp := 0
			for i := range benign {
				r := benign[i].r
				was := r.Score >= det.Threshold(&r)
				prot.Apply(&r, benign[i].text)
				if !was && r.Score >= det.Threshold(&r) {
					fp++
					anyFlag[i] = true
				}
			}
			rates = append(rates, float64(fp)/float64(len(benign)))
		}
		sort.Float64s(rates)
		n := 0
		for _, f := range anyFlag {
			if f {
				n++
			}
		}
		fmt.Fprintf(w, "benign texts of the training and dev files (%d) under each of the %d system prompts above that forbid disclosing something: added FPR median %.4f, max %.4f; %d texts flagged under at least one\n\n",
			len(benign), len(systems), rates[len(rates)/2], rates[len(rates)-1], n)
	}
	// Threshold-free comparison of configurations on the left-out scores:
	// the recall at the lowest single threshold that flags at most 3% of all
	// benign training examples, each scored by a model that never saw its
	// file.
	var lofoPos, lofoNeg []float64
	for i, s := range samples {
		v := detector.Combine(lofo[i], s.Signals)
		if s.Attack {
			lofoPos = append(lofoPos, v)
		} else {
			lofoNeg = append(lofoNeg, v)
		}
	}
	lth, lrec := trainer.RecallAtFPR(lofoPos, lofoNeg, 0.03)
	fmt.Fprintf(w, "left out, all training files: recall %.3f at benign FPR <= 0.03 (one threshold for both families, %.2f)\n\n", lrec, lth)
	fmt.Fprintf(w, "held-out targets: recall >= 0.90 with benign FPR <= 0.03\n\n")
	// How far the held-out totals can be trusted: few texts, wide intervals.
	rl, rh := wilson(held.tp, held.pos)
	fl, fh := wilson(held.fp, held.neg)
	fmt.Fprintf(w, "held out, 95%% Wilson intervals: recall %s [%.3f, %.3f] of %d attacks, FPR %s [%.3f, %.3f] of %d benign texts\n\n",
		ratio(held.tp, held.pos), rl, rh, held.pos, ratio(held.fp, held.neg), fl, fh, held.neg)
	if len(details) > 0 {
		fmt.Fprintf(w, "held-out errors (score, text):\n")
		for _, d := range details {
			fmt.Fprintf(w, "  - %s\n", d)
		}
	}
	return nil
}

func (c *injCounts) add(o *injCounts) {
	c.pos += o.pos
	c.tp += o.tp
	c.neg += o.neg
	c.fp += o.fp
	c.oofTP += o.oofTP
	c.oofFP += o.oofFP
	c.lofoTP += o.lofoTP
	c.lofoFP += o.lofoFP
}

// wilson is the 95% Wilson score interval of the proportion k/n ([0, 1]
// for n = 0): unlike k/n +- 1.96 SE it stays inside [0, 1] and is not
// empty at k = 0 or k = n, which small labelled files often give.
func wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p, fn := float64(k)/float64(n), float64(n)
	den := 1 + z*z/fn
	mid := (p + z*z/(2*fn)) / den
	half := z * math.Sqrt(p*(1-p)/fn+z*z/(4*fn*fn)) / den
	return max(0, mid-half), min(1, mid+half)
}
