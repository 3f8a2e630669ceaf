package detector

// Structure features: a few dense features read off the rules that fired
// on a text, weighted by the model (Model.Dense) and added to its logit.
//
// The 4-gram mean (features.go) says what a text is made of on average;
// it cannot say that a text holds many attack cues, because in a long
// role-play jailbreak ("You are going to pretend to be X ... X has no
// restrictions ... X never refuses ... stay in character ... developer
// mode enabled") the cues are a few percent of its 4-grams and the
// average is the filler's; the rules' noisy-or takes the strongest rule
// of each family, so five weak persona cues count as one. A benign text
// with an attack word ("ignore my last message", "act as a travel
// guide") fires one rule at most; a jailbreak fires several. So the
// features are indicators of "at least k distinct rules fired": they do not grow with the text's length
// once its cues stop differing, and the rules are written in ten
// languages (signals.go), so the features carry over to languages the
// 4-grams saw little of.
//
// Per-class keyword counts and per-rule indicators were measured too
// (plugins/injection/README.md, "Model"): they let the model learn one
// source's vocabulary (a left-out role-play file was then flagged at
// 0.5) and are not used; "rules of at least k families" added nothing.

// NumDense is the number of structure features.
const NumDense = 4

// denseRules[k] is the number of rules from which feature k is 1.
var denseRules = [NumDense]int{2, 3, 4, 5}

// dense is a text's structure features.
type dense [NumDense]float32

// denseLen is the text length (bytes, normalised) up to which the
// features count in full; beyond it they shrink as denseLen/length.
// Persona jailbreaks are a few hundred to a few thousand bytes; long
// system prompts, agent skill files and documents fire several rules
// because they are long, and the rules' own strengths still see an
// attack hidden in them.
const denseLen = 4096

// set computes the features from the rules that fired on one text of n
// bytes.
func (d *dense) set(f *fired, n int) {
	nr := f.nrules()
	v := float32(1)
	if n > denseLen {
		v = float32(denseLen) / float32(n)
	}
	for k, t := range denseRules {
		d[k] = 0
		if nr >= t {
			d[k] = v
		}
	}
}

// DenseLogit is the structure term of the logit: the dot product of the
// model's structure weights and the features d (0 for a model without
// structure weights).
func (m *Model) DenseLogit(d []float32) float64 {
	if len(m.Dense) != len(d) {
		return 0
	}
	var z float32
	for i, v := range d {
		z += m.Dense[i] * v
	}
	return float64(z)
}
