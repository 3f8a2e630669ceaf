package detector

import "unsafe"

// Features of the learned model, shared by the scorer and the training
// command so that both see exactly the same thing: hashed character
// 4-grams of the normalised text (bytes: a CJK character and a neighbour's
// byte, so every script gets features without word segmentation).
//
// A 4-gram is read from a sliding window of the last four bytes and
// hashed by one multiplication (multiply-shift), which is cheap inside
// Wasm, in the same loop as the keyword automaton (matcher.scanGrams).
//
// Word unigrams and bigrams, character 3- and 5-grams and signed hashing
// were measured against this (plugins/injection/README.md, "Model"): on
// the training files left out one at a time they did no better, and the
// word features cost a second pass over the text.

const k4 = 0xC2B2AE3D27D4EB4F

// AppendFeatures appends to idx the feature index of every 4-gram
// occurrence in t, a normalised text, for a model of 2^dimLog2 features
// (1 <= dimLog2 <= 32). Repeats are kept: a feature's value is its count.
func AppendFeatures(idx []uint32, t []byte, dimLog2 uint32) []uint32 {
	shift := 64 - dimLog2
	var w uint64
	for i, b := range t {
		w = w<<8 | uint64(b)
		if i >= 3 {
			idx = append(idx, uint32(((w&0xFFFFFFFF)*k4)>>shift))
		}
	}
	return idx
}

// LogitText is m.Logit(AppendFeatures(nil, t, m.DimLog2)) without
// materialising the indexes (TestLogitTextMatches keeps the two in step).
// The scan itself sums the weights inside the keyword automaton's loop.
func (m *Model) LogitText(t []byte) float64 {
	shift := 64 - m.DimLog2
	w := unsafe.Pointer(unsafe.SliceData(m.Weights))
	var p pool
	p.init(m)
	var win uint64
	for i := 0; i < min(3, len(t)); i++ {
		win = win<<8 | uint64(t[i])
	}
	for i := 3; i < len(t); {
		blk := t[i : i+min(len(t)-i, p.block)]
		var sum int32
		for _, b := range blk {
			win = win<<8 | uint64(b)
			sum += int32(*(*int8)(unsafe.Add(w, uintptr(((win&0xFFFFFFFF)*k4)>>shift))))
		}
		i += len(blk)
		p.add(sum, len(blk))
	}
	return p.logit(m)
}
