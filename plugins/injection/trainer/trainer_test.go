package trainer

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/wardgate/ward/plugins/injection/detector"
)

// synthetic returns samples over five files in which feature 1 marks
// attacks and feature 2 benign text, among random noise features.
func synthetic() []Sample {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []Sample
	for i := 0; i < 300; i++ {
		attack := i%2 == 0
		idx := []uint32{uint32(8 + rng.IntN(200)), uint32(8 + rng.IntN(200))}
		if attack {
			idx = append(idx, 1, 1)
		} else {
			idx = append(idx, 2, 2)
		}
		out = append(out, Sample{Idx: idx, Attack: attack, Fold: i % 5, File: i % 5})
	}
	return out
}

func TestTrainDeterministicAndLearns(t *testing.T) {
	cfg := Default
	cfg.DimLog2 = 8
	s := synthetic()
	a, b := Train(s, cfg, -1), Train(s, cfg, -1)
	if !slices.Equal(a.Weights, b.Weights) || a.Bias != b.Bias || a.Prior != float32(cfg.Prior) {
		t.Fatal("two trainings on the same data differ")
	}
	pa := detector.Sigmoid(a.Logit([]uint32{1, 1, 9}))
	pb := detector.Sigmoid(a.Logit([]uint32{2, 2, 9}))
	if !(pa > 0.5 && pb < 0.5) {
		t.Fatalf("attack feature p=%.3f, benign feature p=%.3f", pa, pb)
	}
}

// TestLeaveOneFileOut checks that a sample's left-out probability comes
// from a model that never saw its file.
func TestLeaveOneFileOut(t *testing.T) {
	cfg := Default
	cfg.DimLog2 = 8
	s := synthetic()
	got := LeaveOneFileOut(s, cfg)
	for f := 0; f < 5; f++ {
		var rest []Sample
		for _, x := range s {
			if x.File != f {
				rest = append(rest, x)
			}
		}
		m := Train(rest, cfg, -1)
		for i, x := range s {
			if x.File == f {
				if want := detector.Sigmoid(m.Logit(x.Idx)); got[i] != want {
					t.Fatalf("sample %d (file %d): %v, want %v", i, f, got[i], want)
				}
			}
		}
	}
}

// TestMinFiles checks that a feature found in the texts of fewer than
// MinFiles files keeps weight 0, counted once per file however the files'
// samples interleave, and that one found in enough files is learned.
func TestMinFiles(t *testing.T) {
	s := synthetic()
	for i := range s {
		if !s[i].Attack {
			continue
		}
		if s[i].File < 2 {
			s[i].Idx = append(s[i].Idx, 3) // two files (interleaved with the others)
		}
		if s[i].File < 4 {
			s[i].Idx = append(s[i].Idx, 4) // four files
		}
	}
	cfg := Default
	cfg.DimLog2 = 8
	cfg.MinFiles = 3
	m := Train(s, cfg, -1)
	if m.Weights[3] != 0 || m.Weights[4] <= 0 || m.Weights[1] <= 0 || m.Weights[2] >= 0 {
		t.Fatalf("MinFiles 3: weights of features 1-4 %v, want [+ - 0 +]", m.Weights[1:5])
	}
	cfg.MinFiles = 0
	if m := Train(s, cfg, -1); m.Weights[3] <= 0 {
		t.Fatalf("MinFiles 0: weight of the two-file feature %d, want > 0", m.Weights[3])
	}
}

// TestPooledMatchesDetector keeps the trainer's pooling (which run of
// features the gradient goes to) in step with the detector's logit.
func TestPooledMatchesDetector(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const dimLog2 = 8
	m := &detector.Model{DimLog2: dimLog2, Scale: 1, Prior: 10, Block: 16, Weights: make([]int8, 1<<dimLog2)}
	w := make([]float64, 1<<dimLog2)
	for i := range m.Weights {
		m.Weights[i] = int8(rng.IntN(255) - 127)
		w[i] = float64(m.Weights[i])
	}
	for _, n := range []int{0, 1, 15, 16, 17, 32, 33, 47, 100, 500} {
		for trial := 0; trial < 20; trial++ {
			idx := make([]uint32, n)
			for i := range idx {
				idx[i] = uint32(rng.IntN(1 << dimLog2))
			}
			mean, a, b := pooled(w, idx, int(m.Block), float64(m.Prior))
			got := m.Logit(idx) - float64(m.Bias)
			if math.Abs(got-mean) > 1e-3*math.Max(1, math.Abs(mean)) {
				t.Fatalf("n=%d: detector %v, trainer %v", n, got, mean)
			}
			if n > 0 {
				sum := 0.0
				for _, j := range idx[a:b] {
					sum += w[j]
				}
				if r := sum / (float64(b-a) + float64(m.Prior)); math.Abs(r-mean) > 1e-9 {
					t.Fatalf("n=%d: range [%d,%d) has mean %v, pooled %v", n, a, b, r, mean)
				}
			}
		}
	}
}

// TestDenseEpochs checks that the structure weights are fitted on top of
// the 4-gram model: the 4-gram weights and the bias are those of a
// training without them, and a structure feature that marks attacks gets
// a positive weight, one that marks benign text a negative one.
func TestDenseEpochs(t *testing.T) {
	s := synthetic()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range s {
		s[i].Dense = make([]float32, detector.NumDense)
		// Feature 0 is set on 70% of attacks and 5% of benign texts,
		// feature 1 on 30% of benign texts only.
		if s[i].Attack && rng.IntN(10) < 7 || !s[i].Attack && rng.IntN(20) == 0 {
			s[i].Dense[0] = 1
		}
		if !s[i].Attack && rng.IntN(10) < 3 {
			s[i].Dense[1] = 1
		}
	}
	cfg := Default
	cfg.DimLog2 = 8
	with := Train(s, cfg, -1)
	cfg.DenseEpochs = 0
	without := Train(s, cfg, -1)
	if !slices.Equal(with.Weights, without.Weights) || with.Bias != without.Bias {
		t.Fatal("the structure weights changed the 4-gram weights or the bias")
	}
	if without.Dense != nil || len(with.Dense) != detector.NumDense {
		t.Fatalf("structure weights: %d without, %d with", len(without.Dense), len(with.Dense))
	}
	if !(with.Dense[0] > 0 && with.Dense[1] < 0) || with.Dense[2] != 0 {
		t.Fatalf("structure weights %v: want [+, -, 0, ...]", with.Dense)
	}
	// Prob is what the detector computes: the structure term included.
	x := Sample{Idx: []uint32{9}, Dense: []float32{1, 0, 0, 0}}
	if got, want := Prob(with, &x), detector.Sigmoid(with.Logit(x.Idx)+float64(with.Dense[0])); math.Abs(got-want) > 1e-9 {
		t.Fatalf("Prob = %v, want %v", got, want)
	}
}

// TestThresholds checks the per-family thresholds: each file's benign
// texts flagged out-of-fold stay within the cap whichever family they
// are of, the jailbreak threshold is never below the injection one, and
// a family's own hard negatives set its bar without raising the other's.
func TestThresholds(t *testing.T) {
	var s []Sample
	var p []float64
	add := func(file int, attack, jailbreak bool, prob float64, n int) {
		for i := 0; i < n; i++ {
			s = append(s, Sample{File: file, Attack: attack, Jailbreak: jailbreak})
			p = append(p, prob)
		}
	}
	// File 0: role-play prompts, 10 of 100 of the jailbreak family
	// scoring 0.7. File 1: everyday texts, 3 of 100 at 0.4, 1 at 0.3.
	add(0, false, true, 0.7, 10)
	add(0, false, false, 0.1, 90)
	add(1, false, false, 0.4, 3)
	add(1, false, false, 0.3, 1)
	add(1, false, false, 0.05, 96)
	// Attacks: injections at 0.35 and 0.5, jailbreaks at 0.75.
	add(2, true, false, 0.35, 10)
	add(2, true, false, 0.5, 10)
	add(2, true, true, 0.75, 10)
	th, jb := Thresholds(s, p, 0.03)
	// One threshold would be 0.71 (file 0's ten texts at 0.7); per family
	// the injection bar is set by file 1 (at most 3 of 100 flagged: above
	// 0.3, so 0.31) and the jailbreak bar by file 0.
	if th != 0.31 || jb != 0.71 {
		t.Fatalf("thresholds %v %v, want 0.31 0.71", th, jb)
	}
	// With no benign text of the jailbreak family above the injection
	// bar, the jailbreak threshold is that bar, not lower.
	for i := range s {
		if !s[i].Attack && s[i].Jailbreak {
			p[i] = 0.01
		}
	}
	if th, jb = Thresholds(s, p, 0.03); th != 0.31 || jb != 0.31 {
		t.Fatalf("thresholds %v %v, want 0.31 0.31", th, jb)
	}
}

func TestRecallAtFPR(t *testing.T) {
	for _, c := range []struct {
		pos, neg   []float64
		th, recall float64
	}{
		// 1 of 4 benign at 0.9 is above 3%: the threshold must clear it.
		{[]float64{0.95, 0.5, 0.2}, []float64{0.9, 0.1, 0.1, 0.1}, 0.91, 1.0 / 3},
		{[]float64{0.95, 0.5, 0.2}, []float64{0.1, 0.1}, 0.11, 1},
		{nil, []float64{0.1}, 0.11, 0},
	} {
		th, r := RecallAtFPR(c.pos, c.neg, 0.03)
		if th != c.th || r != c.recall {
			t.Errorf("RecallAtFPR(%v, %v) = %v, %v; want %v, %v", c.pos, c.neg, th, r, c.th, c.recall)
		}
	}
}
