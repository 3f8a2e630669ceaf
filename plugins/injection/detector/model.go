package detector

import (
	"encoding/binary"
	"errors"
	"math"
	"unsafe"
)

// The model file (little-endian):
//
//	"WARDINJ2" | u32 dimLog2 | f32 scale | f32 bias | f32 threshold |
//	f32 prior | u32 len | provenance (UTF-8 text) | i8 weights[1<<dimLog2]
//
// A feature's weight is weights[i]*scale; a text's logit is
// bias + scale * (sum of the weights of its n features) / (n + prior):
// about the mean weight, so that a long text is not pushed to a confident
// score by the sheer number of its features (version 1 divided by
// sqrt(n)), while prior (a pseudo-count of features weighing 0) keeps a
// text of a few words near the bias instead of letting two or three
// n-grams decide (see plugins/injection/README.md, "Model"). threshold is
// the default decision threshold on the combined score, chosen by the
// training command.
const modelMagic = "WARDINJ2"

// Model is a decoded model file. It is immutable and safe for concurrent
// use; Weights aliases the file's bytes.
type Model struct {
	DimLog2    uint32
	Scale      float32
	Bias       float32
	Threshold  float32
	Prior      float32 // pseudo-count of the length normalisation
	Provenance string
	Weights    []int8
}

// ParseModel decodes a model file; b must outlive the Model.
func ParseModel(b []byte) (*Model, error) {
	const head = 8 + 4*6
	if len(b) < head || string(b[:8]) != modelMagic {
		return nil, errors.New("detector: not a model file")
	}
	m := &Model{
		DimLog2:   binary.LittleEndian.Uint32(b[8:]),
		Scale:     math.Float32frombits(binary.LittleEndian.Uint32(b[12:])),
		Bias:      math.Float32frombits(binary.LittleEndian.Uint32(b[16:])),
		Threshold: math.Float32frombits(binary.LittleEndian.Uint32(b[20:])),
		Prior:     math.Float32frombits(binary.LittleEndian.Uint32(b[24:])),
	}
	n := binary.LittleEndian.Uint32(b[28:])
	if m.DimLog2 < 8 || m.DimLog2 > 22 || !(m.Prior >= 0 && m.Prior < 1e6) || uint64(n) > uint64(len(b)-head) {
		return nil, errors.New("detector: corrupt model header")
	}
	m.Provenance = string(b[head : head+int(n)])
	w := b[head+int(n):]
	if len(w) != 1<<m.DimLog2 {
		return nil, errors.New("detector: model weights have the wrong size")
	}
	// Aliased, not copied (a byte loop over 128 KB is measurable at
	// configure time inside Wasm): b must outlive the Model.
	m.Weights = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(w))), len(w))
	return m, nil
}

// AppendModel encodes m (used by the training command).
func AppendModel(dst []byte, m *Model) []byte {
	dst = append(dst, modelMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, m.DimLog2)
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Scale))
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Bias))
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Threshold))
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Prior))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(m.Provenance)))
	dst = append(dst, m.Provenance...)
	for _, w := range m.Weights {
		dst = append(dst, byte(w))
	}
	return dst
}

// Logit is the model's logit for the features idx.
func (m *Model) Logit(idx []uint32) float64 {
	// Indexes come from AppendFeatures with m.DimLog2, so they are in
	// range; the unchecked loads avoid a bounds check per feature (costly
	// inside Wasm). The mask keeps a foreign index in range anyway.
	sum := int32(0)
	w := unsafe.Pointer(unsafe.SliceData(m.Weights))
	mask := uint32(len(m.Weights) - 1)
	for _, i := range idx {
		sum += int32(*(*int8)(unsafe.Add(w, uintptr(i&mask))))
	}
	return m.logit(sum, len(idx))
}

// logit is the logit of n features whose quantised weights sum to sum.
func (m *Model) logit(sum int32, n int) float64 {
	if n == 0 {
		return float64(m.Bias)
	}
	return float64(m.Bias) + float64(sum)*float64(m.Scale)/(float64(n)+float64(m.Prior))
}

// Sigmoid is the logistic function.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
