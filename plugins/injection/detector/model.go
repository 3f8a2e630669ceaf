package detector

import (
	"encoding/binary"
	"errors"
	"math"
	"unsafe"
)

// The model file (little-endian):
//
//	"WARDINJ5" | u32 dimLog2 | f32 scale | f32 bias | f32 threshold |
//	f32 jailbreak threshold | f32 prior | u32 block | u32 ndense |
//	f32 dense[ndense] |
//	u32 len | provenance (UTF-8 text) | i8 weights[1<<dimLog2]
//
// A feature's weight is weights[i]*scale. A run of n features is scored
// by its mean weight, sum / (n + prior): a pseudo-count of prior features
// weighing 0 keeps a text of a few words near the bias instead of letting
// two or three n-grams decide, and a long text is not pushed to a
// confident score by the sheer number of its features (see
// plugins/injection/README.md, "Model"). A text's logit is
// bias + scale * the larger of the mean of all its features and the
// largest mean over its windows: runs of two consecutive blocks of block
// features (blocks cut from the first feature on; the last may be
// shorter). A text of at most one block has no window. The windows are
// what keeps an instruction hidden in a long document (or padded with
// benign text) from being averaged away. block = 0: no windows.
// threshold and jailbreak threshold are the default decision thresholds
// on the combined score for the two families (Result.Jailbreak), chosen
// by the training command.
//
// dense are the weights of the structure features (structure.go): how
// many times each keyword class occurs and which rules fired, added to
// the logit. They do not shrink with the text's length as the 4-gram mean
// does, so that a long role-play jailbreak whose cues are spread over
// three thousand bytes is not averaged down to the score of its filler.
// ndense must be NumDense (0 in a model without them is accepted: no
// structure term). Versions 1-4 are rejected (version 4 had one
// threshold).
const modelMagic = "WARDINJ5"

// Model is a decoded model file. It is immutable and safe for concurrent
// use; Weights aliases the file's bytes.
type Model struct {
	DimLog2            uint32
	Scale              float32
	Bias               float32
	Threshold          float32   // default threshold of the injection family
	JailbreakThreshold float32   // default threshold of the jailbreak family (Result.Jailbreak)
	Prior              float32   // pseudo-count of the length normalisation
	Block              uint32    // features per block of the pooled windows; 0: the whole text only
	Dense              []float32 // structure weights (NumDense of them) or none
	Provenance         string
	Weights            []int8
}

// ParseModel decodes a model file; b must outlive the Model.
func ParseModel(b []byte) (*Model, error) {
	const head = 8 + 4*8
	if len(b) < head+4 || string(b[:8]) != modelMagic {
		return nil, errors.New("detector: not a model file")
	}
	m := &Model{
		DimLog2:            binary.LittleEndian.Uint32(b[8:]),
		Scale:              math.Float32frombits(binary.LittleEndian.Uint32(b[12:])),
		Bias:               math.Float32frombits(binary.LittleEndian.Uint32(b[16:])),
		Threshold:          math.Float32frombits(binary.LittleEndian.Uint32(b[20:])),
		JailbreakThreshold: math.Float32frombits(binary.LittleEndian.Uint32(b[24:])),
		Prior:              math.Float32frombits(binary.LittleEndian.Uint32(b[28:])),
		Block:              binary.LittleEndian.Uint32(b[32:]),
	}
	nd := binary.LittleEndian.Uint32(b[36:])
	if nd != 0 && nd != uint32(NumDense) || uint64(4*nd+4) > uint64(len(b)-head) {
		return nil, errors.New("detector: model has the wrong number of structure weights")
	}
	if nd > 0 {
		m.Dense = make([]float32, nd)
		for i := range m.Dense {
			m.Dense[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[40+4*i:]))
			if !(m.Dense[i] > -1e6 && m.Dense[i] < 1e6) {
				return nil, errors.New("detector: corrupt structure weight")
			}
		}
	}
	at := head + 4*int(nd)
	n := binary.LittleEndian.Uint32(b[at:])
	at += 4
	if m.DimLog2 < 8 || m.DimLog2 > 22 || !(m.Threshold > 0 && m.Threshold <= 1) || !(m.JailbreakThreshold > 0 && m.JailbreakThreshold <= 1) || !(m.Prior >= 0 && m.Prior < 1e6) || m.Block > 1<<16 || uint64(n) > uint64(len(b)-at) {
		return nil, errors.New("detector: corrupt model header")
	}
	m.Provenance = string(b[at : at+int(n)])
	w := b[at+int(n):]
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
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.JailbreakThreshold))
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(m.Prior))
	dst = binary.LittleEndian.AppendUint32(dst, m.Block)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(m.Dense)))
	for _, v := range m.Dense {
		dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(m.Provenance)))
	dst = append(dst, m.Provenance...)
	for _, w := range m.Weights {
		dst = append(dst, byte(w))
	}
	return dst
}

// Logit is the model's logit for the features idx (in text order).
func (m *Model) Logit(idx []uint32) float64 {
	// Indexes come from AppendFeatures with m.DimLog2, so they are in
	// range; the unchecked loads avoid a bounds check per feature (costly
	// inside Wasm). The mask keeps a foreign index in range anyway.
	w := unsafe.Pointer(unsafe.SliceData(m.Weights))
	mask := uint32(len(m.Weights) - 1)
	var p pool
	p.init(m)
	for len(idx) > 0 {
		blk := idx[:min(len(idx), p.block)]
		idx = idx[len(blk):]
		bs := int32(0)
		for _, i := range blk {
			bs += int32(*(*int8)(unsafe.Add(w, uintptr(i&mask))))
		}
		p.add(bs, len(blk))
	}
	return p.logit(m)
}

// pool accumulates a text's features block by block (see the file
// format above): the sum and count of all of them and the largest window
// mean. The scan (matcher.scanGrams), Logit and LogitText share it, so
// they cannot disagree.
type pool struct {
	block   int     // features per block (math.MaxInt when the model has no windows: one block)
	sum     int32   // all features
	n       int     // all features
	prev    int32   // previous block's sum
	prevN   int     // previous block's count; 0 before the first block
	best    float32 // largest window mean so far
	windows bool    // a window was seen
	prior   float32
}

func (p *pool) init(m *Model) {
	*p = pool{block: int(m.Block), prior: m.Prior}
	if p.block == 0 {
		p.block = math.MaxInt
	}
}

// add takes the next block: its weight sum and number of features.
func (p *pool) add(sum int32, n int) {
	if p.prevN > 0 {
		mean := float32(p.prev+sum) / (float32(p.prevN+n) + p.prior)
		if !p.windows || mean > p.best {
			p.best = mean
		}
		p.windows = true
	}
	p.sum += sum
	p.n += n
	p.prev, p.prevN = sum, n
}

// logit is the text's logit once every block was added.
func (p *pool) logit(m *Model) float64 {
	if p.n == 0 {
		return float64(m.Bias)
	}
	mean := float32(p.sum) / (float32(p.n) + p.prior)
	if p.windows && p.best > mean {
		mean = p.best
	}
	return float64(m.Bias) + float64(mean)*float64(m.Scale)
}

// Sigmoid is the logistic function.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
