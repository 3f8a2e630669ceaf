// Package trainer fits the injection detector's logistic-regression model
// deterministically: a fixed seed, examples in file order, shuffles from a
// seeded PCG, no map iteration. The same inputs give the same model file
// byte for byte on one architecture (Go may fuse floating-point
// multiply-adds on some others).
package trainer

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/wardgate/ward/plugins/injection/dataset"
	"github.com/wardgate/ward/plugins/injection/detector"
)

// Config is the training configuration.
type Config struct {
	DimLog2   uint32  // 2^DimLog2 hashed features
	Epochs    int     // passes over the data
	Rate      float64 // Adagrad learning rate
	L2        float64 // weight decay per update of a weight
	Seed      uint64  // shuffle seed
	Folds     int     // folds of the cross-validation that picks the threshold
	MaxFPR    float64 // the threshold is the lowest whose out-of-fold benign FPR is at most this
	NegWeight float64 // benign examples weigh this much more than in a balanced loss
	Prior     float64 // the logit divides the weight sum by (number of features + Prior)
	Block     int     // features per block of the model's pooled windows (detector/model.go); 0: none
	// DenseEpochs > 0: the structure weights (detector/structure.go) are
	// fitted after the 4-gram weights and the bias, in this many passes
	// with those fixed, so that they add to the 4-gram model instead of
	// taking over what it learns (fitted jointly, the model found fewer
	// of the jailbreaks it had seen the like of). 0: no structure weights.
	DenseEpochs int
	DenseL2     float64 // weight decay per update of a structure weight
	// MinFiles > 1: a 4-gram feature that occurs in the texts of fewer
	// than this many of the files trained on keeps weight 0. Such a
	// feature can only have learned its source (a template's filler, a
	// collection's vocabulary); left out, that source is gone and the
	// weight says nothing about a new one. Counted on the samples each
	// training sees (a left-out file's features do not count).
	MinFiles int
}

// Default is the configuration of the committed model.
var Default = Config{DimLog2: 17, Epochs: 10, Rate: 0.1, L2: 1e-5, Seed: 20261126, Folds: 5, MaxFPR: 0.03, NegWeight: 3, Prior: 10, Block: 0, DenseEpochs: 2, DenseL2: 0.03, MinFiles: 4}

// Sample is a prepared example: its features, the rules' strength and
// its label.
type Sample struct {
	Idx     []uint32
	Dense   []float32 // structure features (detector.NumDense)
	Signals float64
	Attack  bool
	Fold    int
	File    int // index of its file in dataset.Files
	// Jailbreak: the text is of the jailbreak family
	// (detector.Result.Jailbreak), which has its own threshold.
	Jailbreak bool
}

// Prepare normalises and featurises examples (file[i] is the index of
// example i's file in dataset.Files). Signals are computed with
// the detector's rules (a model with no weights is used for the scan).
func Prepare(ex []dataset.Example, file []int, cfg Config) ([]Sample, error) {
	det, err := detector.New(detector.AppendModel(nil, Empty(cfg.DimLog2)))
	if err != nil {
		return nil, err
	}
	sc := det.NewScanner()
	out := make([]Sample, len(ex))
	for i, e := range ex {
		r, idx, d := sc.Features(e.Text, cfg.DimLog2)
		h := fnv.New32a()
		h.Write([]byte(e.Text))
		out[i] = Sample{Idx: append([]uint32(nil), idx...), Dense: append([]float32(nil), d...), Signals: r.Signals, Jailbreak: r.Jailbreak(), Attack: e.Attack, Fold: int(h.Sum32() % uint32(max(cfg.Folds, 1))), File: file[i]}
	}
	return out, nil
}

// Empty is a model that scores every text near 0.
func Empty(dimLog2 uint32) *detector.Model {
	return &detector.Model{DimLog2: dimLog2, Scale: 1, Bias: -20, Threshold: 0.5, JailbreakThreshold: 0.5, Weights: make([]int8, 1<<dimLog2)}
}

// Train fits weights on samples (those whose Fold != skip; skip < 0 uses
// all) and returns the quantised model.
func Train(samples []Sample, cfg Config, skip int) *detector.Model {
	dim := 1 << cfg.DimLog2
	w := make([]float64, dim)
	g := make([]float64, dim)
	v := make([]float64, detector.NumDense)
	gv := make([]float64, detector.NumDense)
	var bias, gb float64
	var order []int
	pos, neg := 0, 0
	for i, s := range samples {
		if s.Fold == skip {
			continue
		}
		order = append(order, i)
		if s.Attack {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return Empty(cfg.DimLog2)
	}
	// Balanced classes: each class weighs half.
	wPos := float64(pos+neg) / (2 * float64(pos))
	wNeg := cfg.NegWeight * float64(pos+neg) / (2 * float64(neg))
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	const eps = 1e-8
	frozen := rareFeatures(samples, order, dim, cfg.MinFiles)
	for ep := 0; ep < cfg.Epochs; ep++ {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for _, i := range order {
			s := &samples[i]
			if len(s.Idx) == 0 {
				continue
			}
			// The model's logit is the larger of the whole text's mean
			// weight and its windows' (detector/model.go): the gradient
			// goes to the features of the run that won.
			mean, a, b := pooled(w, s.Idx, cfg.Block, cfg.Prior)
			norm := 1 / (float64(b-a) + cfg.Prior)
			z := bias + mean
			p := 1 / (1 + math.Exp(-z))
			y, cw := 0.0, wNeg
			if s.Attack {
				y, cw = 1, wPos
			}
			grad := (p - y) * cw
			gj := grad * norm
			for _, j := range s.Idx[a:b] {
				if frozen != nil && frozen[j] {
					continue
				}
				d := gj + cfg.L2*w[j]
				g[j] += d * d
				w[j] -= cfg.Rate * d / math.Sqrt(g[j]+eps)
			}
			gb += grad * grad
			bias -= cfg.Rate * grad / math.Sqrt(gb+eps)
		}
	}
	// The structure weights, on top of the fixed 4-gram model.
	for ep := 0; ep < cfg.DenseEpochs; ep++ {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for _, i := range order {
			s := &samples[i]
			if len(s.Idx) == 0 {
				continue
			}
			mean, _, _ := pooled(w, s.Idx, cfg.Block, cfg.Prior)
			z := bias + mean
			for k, x := range s.Dense {
				z += v[k] * float64(x)
			}
			p := 1 / (1 + math.Exp(-z))
			y, cw := 0.0, wNeg
			if s.Attack {
				y, cw = 1, wPos
			}
			grad := (p - y) * cw
			for k, x := range s.Dense {
				if x == 0 {
					continue
				}
				d := grad*float64(x) + cfg.DenseL2*v[k]
				gv[k] += d * d
				v[k] -= cfg.Rate * d / math.Sqrt(gv[k]+eps)
			}
		}
	}
	m := quantize(w, bias, cfg.DimLog2)
	m.Prior = float32(cfg.Prior)
	m.Block = uint32(cfg.Block)
	if cfg.DenseEpochs > 0 {
		m.Dense = make([]float32, len(v))
		for k, x := range v {
			m.Dense[k] = float32(x)
		}
	}
	return m
}

// rareFeatures marks the features that occur in the texts of fewer than
// minFiles distinct files among samples[order] (nil when minFiles <= 1:
// none).
func rareFeatures(samples []Sample, order []int, dim, minFiles int) []bool {
	if minFiles <= 1 {
		return nil
	}
	// File by file, so that a feature is counted once per file.
	byFile := slices.Clone(order)
	slices.SortStableFunc(byFile, func(a, b int) int { return samples[a].File - samples[b].File })
	last := make([]int32, dim) // last file seen + 1
	files := make([]int32, dim)
	for _, i := range byFile {
		f := int32(samples[i].File) + 1
		for _, j := range samples[i].Idx {
			if last[j] != f {
				last[j] = f
				files[j]++
			}
		}
	}
	rare := make([]bool, dim)
	for j, n := range files {
		rare[j] = n < int32(minFiles)
	}
	return rare
}

// pooled is the model's pooling (detector/model.go) over float weights:
// the larger of the mean weight of all of idx and the largest mean over
// windows of two consecutive blocks, and the range [a, b) of idx it is
// over. Ties go to the whole text, then to the first window, as in the
// detector.
func pooled(w []float64, idx []uint32, block int, prior float64) (mean float64, a, b int) {
	n := len(idx)
	total := 0.0
	for _, j := range idx {
		total += w[j]
	}
	mean, a, b = total/(float64(n)+prior), 0, n
	if block <= 0 || n <= block {
		return mean, a, b
	}
	best, ba, bb := 0.0, 0, 0
	prev := 0.0
	for k, start := 0, 0; start < n; k, start = k+1, start+block {
		end := min(start+block, n)
		sum := 0.0
		for _, j := range idx[start:end] {
			sum += w[j]
		}
		if k > 0 {
			ws := (prev + sum) / (float64(end-start+block) + prior)
			if k == 1 || ws > best {
				best, ba, bb = ws, start-block, end
			}
		}
		prev = sum
	}
	if best > mean {
		return best, ba, bb
	}
	return mean, a, b
}

func quantize(w []float64, bias float64, dimLog2 uint32) *detector.Model {
	mx := 0.0
	for _, v := range w {
		mx = max(mx, math.Abs(v))
	}
	scale := mx / 127
	if scale == 0 {
		scale = 1
	}
	q := make([]int8, len(w))
	for i, v := range w {
		q[i] = int8(math.Round(v / scale))
	}
	return &detector.Model{DimLog2: dimLog2, Scale: float32(scale), Bias: float32(bias), Weights: q}
}

// Prob is the model's probability for s, as the detector computes it.
func Prob(m *detector.Model, s *Sample) float64 {
	return detector.Sigmoid(m.Logit(s.Idx) + m.DenseLogit(s.Dense))
}

// OutOfFold returns, for every sample, the model probability given by a
// model trained on the other folds.
func OutOfFold(samples []Sample, cfg Config) []float64 {
	out := make([]float64, len(samples))
	for f := 0; f < cfg.Folds; f++ {
		m := Train(samples, cfg, f)
		for i := range samples {
			if samples[i].Fold == f {
				out[i] = Prob(m, &samples[i])
			}
		}
	}
	return out
}

// LeaveOneFileOut returns, for every sample, the model probability given
// by a model trained on the samples of the other files: how the model
// does on a source it has never seen, which out-of-fold figures (folds mix
// every file) overstate.
func LeaveOneFileOut(samples []Sample, cfg Config) []float64 {
	out := make([]float64, len(samples))
	nfiles := 0
	for _, s := range samples {
		nfiles = max(nfiles, s.File+1)
	}
	rest := make([]Sample, 0, len(samples))
	for f := 0; f < nfiles; f++ {
		rest = rest[:0]
		for _, s := range samples {
			if s.File != f {
				rest = append(rest, s)
			}
		}
		if len(rest) == len(samples) {
			continue // no sample of file f
		}
		m := Train(rest, cfg, -1)
		for i := range samples {
			if samples[i].File == f {
				out[i] = Prob(m, &samples[i])
			}
		}
	}
	return out
}

// Thresholds returns the pair of thresholds (0.01 grid) of the two
// families (Sample.Jailbreak) that flags the most attacks while no file
// has more than maxFPR of its benign samples flagged, scoring each sample
// as detector.Combine(prob[i], its signals); ties go to the lower
// injection threshold, then the lower jailbreak one. The jailbreak
// threshold is never below the injection one: the few benign texts of the
// jailbreak family (role-play set-ups) would otherwise let the search
// flag every text of that family and spend each file's budget there. Per
// file, so that a
// large easy file cannot hide a small hard one; one cap over both
// families, so that a benign file's false positives count whichever
// family they fall in.
func Thresholds(samples []Sample, prob []float64, maxFPR float64) (injection, jailbreak float64) {
	nfiles := 0
	for _, s := range samples {
		nfiles = max(nfiles, s.File+1)
	}
	const grid = 100
	// at[g][t]: attacks of family g scored >= t/grid; fp[g][t][f]: benign
	// samples of file f and family g scored >= t/grid (cumulated below).
	var at [2][grid + 1]int
	var fp [2][grid + 1][]int
	for g := range fp {
		for t := range fp[g] {
			fp[g][t] = make([]int, nfiles)
		}
	}
	neg := make([]int, nfiles)
	for i, s := range samples {
		g := 0
		if s.Jailbreak {
			g = 1
		}
		// The highest grid point the score reaches (0.01 steps, as
		// float64(t)/100 <= v).
		t := 0
		v := detector.Combine(prob[i], s.Signals)
		for t < grid && float64(t+1)/grid <= v {
			t++
		}
		if s.Attack {
			at[g][t]++
		} else {
			neg[s.File]++
			fp[g][t][s.File]++
		}
	}
	for g := range at {
		for t := grid - 1; t >= 0; t-- {
			at[g][t] += at[g][t+1]
			for f := range fp[g][t] {
				fp[g][t][f] += fp[g][t+1][f]
			}
		}
	}
	best, bi, bj := -1, grid-1, grid-1
	for ti := 1; ti < grid; ti++ {
	next:
		for tj := ti; tj < grid; tj++ {
			for f := range neg {
				if float64(fp[0][ti][f]+fp[1][tj][f]) > maxFPR*float64(neg[f]) {
					continue next
				}
			}
			// The lowest feasible jailbreak threshold for this injection
			// threshold flags the most.
			if r := at[0][ti] + at[1][tj]; r > best {
				best, bi, bj = r, ti, tj
			}
			break
		}
	}
	return float64(bi) / grid, float64(bj) / grid
}
