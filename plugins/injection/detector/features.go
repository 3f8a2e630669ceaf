package detector

import (
	"math"
	"unsafe"
)

// Features of the learned model, shared by the scorer and the training
// command so that both see exactly the same thing: hashed character
// 4-grams of the normalised text (bytes: a CJK character and a neighbour's
// byte) and hashed word unigrams and bigrams, where a word is a run of
// letters and digits, or a single character of a script written without
// spaces (Han, kana, Hangul: UTF-8 lead byte >= 0xE3).
//
// Character 4-grams are read from a sliding window of the last four bytes
// and hashed by one multiplication (multiply-shift), which is cheap inside
// Wasm. (3- to 5-grams cost three lookups a byte, ~6 us more per 2 KB
// inside Wasm, for 0.960 out-of-fold recall against 0.953; see
// plugins/injection/README.md.)

const (
	k4       = 0xC2B2AE3D27D4EB4F
	kWord    = 0xD6E8FEB86659FD93
	kBigram  = 0xFF51AFD7ED558CCD
	fnvOff   = 14695981039346656037
	fnvPrime = 1099511628211
)

// AppendFeatures appends to idx the feature index of every n-gram
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
	prev := uint64(0)
	for i := 0; i < len(t); {
		j := wordEnd(t, i)
		if j == i {
			i++
			continue
		}
		h := uint64(fnvOff)
		for _, b := range t[i:j] {
			h = (h ^ uint64(b)) * fnvPrime
		}
		idx = append(idx, uint32((h*kWord)>>shift))
		if prev != 0 {
			idx = append(idx, uint32(((prev*31+h)*kBigram)>>shift))
		}
		prev = h
		i = j
	}
	return idx
}

// wordEnd returns the end of the word starting at t[i], or i when t[i]
// starts none. A word is a run of ASCII letters and digits and non-ASCII
// characters, or a single character of a script written without spaces
// (UTF-8 lead byte >= 0xE3: Han, kana, Hangul).
func wordEnd(t []byte, i int) int {
	c := t[i]
	j := i + 1
	switch {
	case c >= 0xE3:
		for j < len(t) && j < i+4 && t[j]&0xC0 == 0x80 {
			j++
		}
	case isAlnum(c) || c >= 0x80:
		for j < len(t) && (isAlnum(t[j]) || t[j] >= 0x80 && t[j] < 0xE3) {
			j++
		}
	default:
		return i
	}
	return j
}

// LogitText is m.Logit(AppendFeatures(nil, t, m.DimLog2)) without
// materialising the indexes: the same enumeration, summing weights as it
// goes (TestLogitTextMatches keeps the two in step). It is the scan's hot
// path.
func (m *Model) LogitText(t []byte) float64 {
	shift := 64 - m.DimLog2
	w := unsafe.Pointer(unsafe.SliceData(m.Weights))
	var sum int32
	n := 0
	var win uint64
	for i, b := range t {
		win = win<<8 | uint64(b)
		if i >= 3 {
			sum += int32(*(*int8)(unsafe.Add(w, uintptr(((win&0xFFFFFFFF)*k4)>>shift))))
			n++
		}
	}
	return m.logitWords(t, sum, n)
}

// logitWords adds the word features of t to the character 4-gram sum
// (over n 4-grams) and returns the logit.
func (m *Model) logitWords(t []byte, sum int32, n int) float64 {
	shift := 64 - m.DimLog2
	w := unsafe.Pointer(unsafe.SliceData(m.Weights))
	// Indexes are < 2^DimLog2 = len(m.Weights) by construction (ParseModel
	// checks the size), so the unchecked loads stay in bounds.
	at := func(i uint64) int32 { return int32(*(*int8)(unsafe.Add(w, uintptr(i)))) }
	prev := uint64(0)
	for i := 0; i < len(t); {
		// wordEnd, inlined: a call per word is measurable inside Wasm.
		c := t[i]
		j := i + 1
		switch {
		case c >= 0xE3:
			for j < len(t) && j < i+4 && t[j]&0xC0 == 0x80 {
				j++
			}
		case isAlnum(c) || c >= 0x80:
			for j < len(t) && (isAlnum(t[j]) || t[j] >= 0x80 && t[j] < 0xE3) {
				j++
			}
		default:
			i++
			continue
		}
		h := uint64(fnvOff)
		for _, b := range t[i:j] {
			h = (h ^ uint64(b)) * fnvPrime
		}
		sum += at((h * kWord) >> shift)
		n++
		if prev != 0 {
			sum += at(((prev*31 + h) * kBigram) >> shift)
			n++
		}
		prev = h
		i = j
	}
	if n == 0 {
		return float64(m.Bias)
	}
	return float64(m.Bias) + float64(sum)*float64(m.Scale)/math.Sqrt(float64(n))
}
