package trainer

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/wardgate/ward/plugins/injection/detector"
)

// synthetic returns samples over three files in which feature 1 marks
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
		out = append(out, Sample{Idx: idx, Attack: attack, Fold: i % 5, File: i % 3})
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
	for f := 0; f < 3; f++ {
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
