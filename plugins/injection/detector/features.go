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
// word features cost a second pass over the text. Words and 3-/5-grams
// measured again with the generated corpus and the structure features,
// and presence instead of counts, did no better either. The training command gives no weight to a 4-gram
// found in fewer than four training files (trainer.Config.MinFiles).

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
func (m *Model) LogitText(t []byte) float64 {
	p := m.gramPool(t)
	return p.logit(m)
}

// gramPool sums the weights of t's 4-grams block by block.
func (m *Model) gramPool(t []byte) pool {
	// Indexes into the weights are < 2^DimLog2 = len(m.Weights) by
	// construction: unchecked loads. shift is in [42, 56]: the mask only
	// tells the compiler so (a shift by 64 or more would need a select).
	shift := uint64(64-m.DimLog2) & 63
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
		// Eight bytes a loop, read at once: no branch per byte, which
		// costs a dispatch inside Wasm.
		tp, n := unsafe.Pointer(unsafe.SliceData(blk)), uintptr(len(blk))
		j := uintptr(0)
		for ; j+8 <= n; j += 8 {
			x := load64(unsafe.Add(tp, j)) // blk[j] is the low byte
			win = win<<8 | x&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
			win = win<<8 | x>>8&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
			win = win<<8 | x>>16&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
			win = win<<8 | x>>24&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
			win = win<<8 | x>>32&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
			win = win<<8 | x>>40&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
			win = win<<8 | x>>48&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
			win = win<<8 | x>>56&0xFF
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
		}
		for ; j < n; j++ {
			win = win<<8 | uint64(*(*uint8)(unsafe.Add(tp, j)))
			sum += int32(*(*int8)(unsafe.Add(w, ((win&0xFFFFFFFF)*k4)>>shift)))
		}
		i += len(blk)
		p.add(sum, len(blk))
	}
	return p
}
