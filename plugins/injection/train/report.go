//go:build !wasip1

package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wardgate/ward/plugins/injection/dataset"
	"github.com/wardgate/ward/plugins/injection/detector"
	"github.com/wardgate/ward/plugins/injection/trainer"
)

// printReport prints what a training configuration is chosen on, and
// nothing of the held-out files: per training file, the out-of-fold and
// left-out (a model trained on the other training files) recall or
// false-positive rate at the out-of-fold thresholds (th for the injection
// family, jb for the jailbreak family), the threshold-free left-out line
// (recall over all training attacks at the lowest single threshold
// flagging at most 3% of all training benign texts, each scored left
// out), and the dev files' recall with the model m trained on everything
// (and, with devMisses, the dev attacks it misses). lineWithout names
// training files (comma-separated) to leave out of one more left-out
// line, so that a configuration that adds a source can be compared with
// one that does not on the same texts. probe names a file of texts, one
// a line, whose scores are printed (spot checks of benign look-alikes).
func printReport(w io.Writer, dir string, samples []trainer.Sample, oof []float64, th, jb float64, m *detector.Model, cfg trainer.Config, devMisses bool, lineWithout, probe string) error {
	lofo := trainer.LeaveOneFileOut(samples, cfg)
	fmt.Fprintf(w, "thresholds %.2f (injection family) %.2f (jailbreak family)\n| file | n | jailbreak family | oof | lofo |\n|---|---|---|---|---|\n", th, jb)
	type count struct{ n, jb, oof, lofo int }
	per := map[int]*count{}
	var order []int
	var pos, neg []float64
	for i, s := range samples {
		c := per[s.File]
		if c == nil {
			c = &count{}
			per[s.File] = c
			order = append(order, s.File)
		}
		c.n++
		t := th
		if s.Jailbreak {
			t = jb
			c.jb++
		}
		if (detector.Combine(oof[i], s.Signals) >= t) == s.Attack {
			c.oof++
		}
		if (detector.Combine(lofo[i], s.Signals) >= t) == s.Attack {
			c.lofo++
		}
		v := detector.Combine(lofo[i], s.Signals)
		if s.Attack {
			pos = append(pos, v)
		} else {
			neg = append(neg, v)
		}
	}
	for _, f := range order {
		c := per[f]
		name, kind := dataset.Files[f].Name, "recall"
		o, l := float64(c.oof)/float64(c.n), float64(c.lofo)/float64(c.n)
		if dataset.Files[f].Kind == "benign" {
			kind, o, l = "FPR", 1-o, 1-l
		}
		fmt.Fprintf(w, "| %s (%s) | %d | %d | %.3f | %.3f |\n", name, kind, c.n, c.jb, o, l)
	}
	lth, rec := trainer.RecallAtFPR(pos, neg, 0.03)
	fmt.Fprintf(w, "left out, all training files: recall %.3f at benign FPR <= 0.03 (one threshold, %.2f)\n", rec, lth)
	// The same without the generated benign documents among the benign
	// texts: left out, they are the documents of synthetic/attack_indirect
	// without its hidden sentence, which the model then saw only as
	// attacks, so their row says more about that pairing than about an
	// unseen source, and it alone decides the line above.
	var nodoc []float64
	for i, s := range samples {
		if !s.Attack && dataset.Files[s.File].Name != "synthetic/benign_documents" {
			nodoc = append(nodoc, detector.Combine(lofo[i], s.Signals))
		}
	}
	lth, rec = trainer.RecallAtFPR(pos, nodoc, 0.03)
	fmt.Fprintf(w, "left out, all training files, benign texts without synthetic/benign_documents: recall %.3f at benign FPR <= 0.03 (one threshold, %.2f)\n", rec, lth)
	if lineWithout != "" {
		skip := map[string]bool{}
		for _, n := range strings.Split(lineWithout, ",") {
			skip[strings.TrimSpace(n)] = true
		}
		var p, n []float64
		for i, s := range samples {
			if skip[dataset.Files[s.File].Name] {
				continue
			}
			if v := detector.Combine(lofo[i], s.Signals); s.Attack {
				p = append(p, v)
			} else {
				n = append(n, v)
			}
		}
		lth, rec = trainer.RecallAtFPR(p, n, 0.03)
		fmt.Fprintf(w, "left out, training files without %s: recall %.3f at benign FPR <= 0.03 (one threshold, %.2f)\n", lineWithout, rec, lth)
	}
	// The same with a threshold per family: all benign texts as one file.
	one := make([]trainer.Sample, len(samples))
	for i, s := range samples {
		one[i] = trainer.Sample{Signals: s.Signals, Attack: s.Attack, Jailbreak: s.Jailbreak}
	}
	li, lj := trainer.Thresholds(one, lofo, 0.03)
	tp, np := 0, 0
	for i, s := range one {
		if s.Attack {
			np++
			t := li
			if s.Jailbreak {
				t = lj
			}
			if detector.Combine(lofo[i], s.Signals) >= t {
				tp++
			}
		}
	}
	fmt.Fprintf(w, "left out, all training files: recall %.3f at benign FPR <= 0.03 (thresholds per family, %.2f / %.2f)\n", float64(tp)/float64(np), li, lj)
	m.Threshold, m.JailbreakThreshold = float32(th), float32(jb)
	det, err := detector.New(detector.AppendModel(nil, m))
	if err != nil {
		return err
	}
	sc := det.NewScanner()
	if probe != "" {
		b, err := os.ReadFile(probe)
		if err != nil {
			return err
		}
		for _, t := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			r := sc.Scan(t, false)
			fmt.Fprintf(w, "  probe %.2f (model %.2f, rules %.2f, threshold %.2f): %q\n", r.Score, r.Model, r.Signals, det.Threshold(&r), t)
		}
	}
	for _, f := range dataset.Files {
		if f.Split != dataset.Dev {
			continue
		}
		ex, err := dataset.Load(dir, f)
		if err != nil {
			return err
		}
		tp, n := 0, 0
		var prot detector.Protected
		for _, e := range ex {
			if e.Attack {
				n++
				r := sc.Scan(e.Text, false)
				prot.Parse(e.System)
				prot.Apply(&r, e.Text)
				if r.Score >= det.Threshold(&r) {
					tp++
				} else if devMisses {
					fmt.Fprintf(w, "  dev miss %.2f (model %.2f, rules %.2f, jailbreak %t): %.160q\n", r.Score, r.Model, r.Signals, r.Jailbreak(), e.Text)
				}
			}
		}
		fmt.Fprintf(w, "dev %s: recall %d/%d = %.3f\n", f.Name, tp, n, float64(tp)/float64(max(n, 1)))
	}
	return nil
}
