package detector

import (
	"encoding/binary"
	"errors"
	"math"
	"unsafe"
)

// The model file (little-endian):
//
//	"WARDINJ1" | u32 dimLog2 | f32 scale | f32 bias | f32 threshold |
//	u32 len | provenance (UTF-8 text) | i8 weights[1<<dimLog2]
//
// A feature's weight is weights[i]*scale; a text's logit is
// bias + sum(weights of its features) * scale / sqrt(number of features).
// threshold is the default decision threshold on the combined score,
// chosen by the training command.
const modelMagic = "WARDINJ1"

// Model is a decoded model file. It is immutable and safe for concurrent
// use; Weights aliases the file's bytes.
type Model struct {
	DimLog2    uint32
	Scale      float32
	Bias       float32
	Threshold  float32
	Provenance string
	Weights    []int8
}

// ParseModel decodes a model file; b must outlive the Model.
func ParseModel(b []byte) (*Model, error) {
	const head = 8 + 4*5
	if len(b) < head || string(b[:8]) != modelMagic {
		return nil, errors.New("detector: not a model file")
	}
	m := &Model{
		DimLog2:   binary.LittleEndian.Uint32(b[8:]),
		Scale:     math.Float32frombits(binary.LittleEndian.Uint32(b[12:])),
		Bias:      math.Float32frombits(binary.LittleEndian.Uint32(b[16:])),
		Threshold: math.Float32frombits(binary.LittleEndian.Uint32(b[20:])),
	}
	n := binary.LittleEndian.Uint32(b[24:])
	if m.DimLog2 < 8 || m.DimLog2 > 22 || uint64(n) > uint64(len(b)-head) {
		return nil, errors.New("detector: corrupt model header")
	}
	m.Provenance = string(b[head : head+int(n)])
	w := b[head+int(n):]
	if len(w) != 1<<m.DimLog2 {
		return nil, errors.New("detector: model weights have the wrong size")
	}
	m.Weights = make([]int8, len(w))
	for i, v := range w {
		m.Weights[i] = int8(v)
	}
	return m, nil
}

// AppendModel encodes m (used by the training command).
func AppendModel(dst []byte, m *Model) []byte {
	dst = append(dst, modelMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, m.DimLog2)
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Scale))
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Bias))
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Threshold))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(m.Provenance)))
	dst = append(dst, m.Provenance...)
	for _, w := range m.Weights {
		dst = append(dst, byte(w))
	}
	return dst
}

// Logit is the model's logit for the features idx.
func (m *Model) Logit(idx []uint32) float64 {
	if len(idx) == 0 {
		return float64(m.Bias)
	}
	// Indexes come from AppendFeatures with m.DimLog2, so they are in
	// range; the unchecked loads avoid a bounds check per feature (costly
	// inside Wasm). The mask keeps a foreign index in range anyway.
	sum := int32(0)
	w := unsafe.Pointer(unsafe.SliceData(m.Weights))
	mask := uint32(len(m.Weights) - 1)
	for _, i := range idx {
		sum += int32(*(*int8)(unsafe.Add(w, uintptr(i&mask))))
	}
	return float64(m.Bias) + float64(sum)*float64(m.Scale)/math.Sqrt(float64(len(idx)))
}

// Sigmoid is the logistic function.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
