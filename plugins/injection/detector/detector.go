// Package detector scores text for prompt injection and jailbreak
// attempts: normalisation against evasion (normalize.go), decoding of
// embedded payloads (decode.go), multilingual keyword rules found in one
// Aho-Corasick pass (signals.go) and a logistic-regression model over
// hashed character 4-grams and the number of rules that fired
// (features.go, structure.go, model.go), combined into one score in
// [0, 1].
//
// It is the shared core of the injection guard (plugins/injection), its
// training command (plugins/injection/train) and its efficacy harness
// (benchmarks/cmd/eval). No regular expressions: they are ~10x slower in
// Wasm.
package detector

import (
	"math"
	"sync"
	"unsafe"
)

// Reason bits reported in Result.Reasons.
const (
	ROverride = 1 << iota
	RPersona
	RExtraction
	RMarkup
	RTool
	RIndirect
	RModel
	RZeroWidth
	RTags
	RHomoglyph
	RLeet
	RBase64
	RHex
	RURL
	RROT13
	RBinary
	RMorse
	RCaesar
	// RProtected: the message asks for what the operator's system prompt
	// forbids disclosing (Protected); always with RExtraction.
	RProtected
	RSpaced    // letters spaced out ("i g n o r e")
	numReasons = iota
)

var reasonNames = [numReasons]string{
	"override", "persona", "extraction", "markup", "tool", "indirect", "model",
	"obfuscation.zero_width", "obfuscation.tags", "obfuscation.homoglyph", "obfuscation.leet",
	"obfuscation.base64", "obfuscation.hex", "obfuscation.url", "obfuscation.rot13",
	"obfuscation.binary", "obfuscation.morse", "obfuscation.caesar", "extraction.protected",
	"obfuscation.spaced",
}

// AppendReasons appends the names of the reason bits in r, in a fixed
// order, separated by sep.
func AppendReasons(dst []byte, r uint32, sep string) []byte {
	first := true
	for i := 0; i < numReasons; i++ {
		if r&(1<<i) == 0 {
			continue
		}
		if !first {
			dst = append(dst, sep...)
		}
		first = false
		dst = append(dst, reasonNames[i]...)
	}
	return dst
}

// ReasonNames returns the names of the reason bits in r.
func ReasonNames(r uint32) []string {
	var out []string
	for i := 0; i < numReasons; i++ {
		if r&(1<<i) != 0 {
			out = append(out, reasonNames[i])
		}
	}
	return out
}

// modelReason is the model probability from which the model is named
// among the reasons.
const modelReason = 0.5

// Detector holds the compiled rules and the model. It is immutable and
// safe for concurrent use; scanning needs a Scanner.
type Detector struct {
	sig   *signals
	model *Model
}

// New compiles the rules and parses the model file.
func New(modelFile []byte) (*Detector, error) {
	s, err := buildSignals()
	if err != nil {
		return nil, err
	}
	m, err := ParseModel(modelFile)
	if err != nil {
		return nil, err
	}
	return &Detector{sig: s, model: m}, nil
}

// Model returns the detector's model.
func (d *Detector) Model() *Model { return d.model }

// Thresholds are the model file's default decision thresholds of the two
// families (stored as float32 from a 0.01 grid; rounded back to it):
// injection for most texts, jailbreak for those of the jailbreak family
// (Result.Jailbreak). The training command chooses the pair together on
// out-of-fold scores, so that long persona set-ups (benign role-play
// prompts fire the weak persona rules too) do not raise the bar for
// short injections.
func (d *Detector) Thresholds() (injection, jailbreak float64) {
	return math.Round(float64(d.model.Threshold)*100) / 100, math.Round(float64(d.model.JailbreakThreshold)*100) / 100
}

// Threshold is the model file's default threshold for r's family.
func (d *Detector) Threshold(r *Result) float64 {
	i, j := d.Thresholds()
	if r.Jailbreak() {
		return j
	}
	return i
}

// Result is the outcome of a scan.
type Result struct {
	Score   float64 // combined score in [0, 1]
	Model   float64 // the model's probability (max over text and payloads)
	Signals float64 // the rules' combined strength
	Reasons uint32  // reason bits

	jailbreak bool
	// secretNoun: the text names a secret (a keyword of the class
	// cSecret: password, passphrase, secret key, Passwort, パスワード...,
	// or the keyword "secret"), which Protected.Apply needs before it
	// reads the text again.
	secretNoun bool
}

// jailbreakMinLen is the length (bytes) from which a text that fires a
// persona rule among others is a persona set-up (Result.Jailbreak).
const jailbreakMinLen = 200

// Jailbreak reports whether r is of the jailbreak family, a persona
// set-up: at least 200 bytes that fire a persona rule (an unrestricted
// character, developer mode, DAN, or the weak structure cues: dual
// answers, "stay in character", "any question", content policy) among
// at least two distinct rules. Every other text is of the injection
// family: short overrides, re-tasking, extraction, instructions inside
// data, and short persona claims ("I am your developer", "developer mode
// on"), which are injections in form. The two have their own thresholds
// (Detector.Thresholds); measured alternatives (any persona rule; a
// persona rule in any length) are in plugins/injection/README.md.
func (r *Result) Jailbreak() bool { return r.jailbreak }

// Scanner scans texts with a Detector, reusing its scratch buffers. It is
// not safe for concurrent use: use one per goroutine (a guard instance
// handles one call at a time).
type Scanner struct {
	d     *Detector
	norm  []byte
	dec   []byte
	ps    []payload
	hits  []hit
	prog  []int32
	idx   []uint32
	ends  *[segment]uint32 // the keyword scan's scratch
	dense dense            // the main text's structure features (Features)
	pd    dense            // a payload's
	stats Stats
	pst   Stats
}

// NewScanner returns a Scanner of d.
func (d *Detector) NewScanner() *Scanner {
	return &Scanner{d: d, prog: make([]int32, d.sig.nsteps), ends: new([segment]uint32)}
}

// Scan scores text. data marks content the user did not write (tool
// results, retrieved documents): instructions addressed to the model
// weigh more there. The Result is valid until the next call.
func (s *Scanner) Scan(text string, data bool) Result {
	var f fired
	var r Result
	s.stats.Reset()
	p := s.scanOne(text, &s.stats, data, &f, &s.dense)
	for _, h := range s.hits { // the main text's keywords (payloads overwrite them)
		if s.d.sig.secretKw[h.kw] {
			r.secretNoun = true
			break
		}
	}
	shift := s.d.sig.caesarShift(s.hits)
	st := &s.stats
	var obf float32
	if st.Invisible > 0 {
		r.Reasons |= RZeroWidth
		obf = max(obf, 0.15*float32(min(st.Invisible, 3)))
	}
	if st.Tags > 0 {
		r.Reasons |= RTags
		obf = max(obf, 0.5)
	}
	if st.Homoglyphs >= 2 {
		r.Reasons |= RHomoglyph
		obf = max(obf, 0.3)
	}
	if st.Leet >= 3 {
		r.Reasons |= RLeet
		obf = max(obf, 0.15)
	}
	// Payloads: decoded base64/hex/binary/Morse/percent-encoding, the
	// text hidden in tag characters, and the text shifted back when the
	// shifted twin of an anchor word was found (a Caesar cipher), scanned
	// like the message.
	s.dec, s.ps = findPayloads(text, st.Percent, s.dec[:0], s.ps[:0])
	if len(st.Hidden) >= 3 && len(s.ps) < maxPayloads {
		start := len(s.dec)
		s.dec = append(s.dec, st.Hidden...)
		s.ps = append(s.ps, payload{EncTags, start, len(s.dec)})
	}
	if shift != 0 && len(s.ps) < maxPayloads {
		start := len(s.dec)
		s.dec = appendCaesar(s.dec, text[:min(len(text), maxDecoded)], 26-shift)
		enc := EncCaesar
		if shift == 13 {
			enc = EncROT13
		}
		s.ps = append(s.ps, payload{enc, start, len(s.dec)})
	}
	for _, pl := range s.ps {
		if pl.end <= pl.start {
			continue
		}
		var pf fired
		s.pst.Reset()
		// dec is not written while its payload is scanned.
		pp := s.scanOne(unsafe.String(&s.dec[pl.start], pl.end-pl.start), &s.pst, data, &pf, &s.pd)
		ruled := false
		for i, v := range pf.strength {
			ruled = ruled || v > 0
			f.strength[i] = max(f.strength[i], v)
		}
		if pl.enc == EncCaesar || pl.enc == EncROT13 {
			// The whole text shifted back: what was not enciphered is now
			// gibberish, whose 4-grams say nothing. Only its rules count
			// (merged above), not its model score.
			if !ruled {
				continue
			}
		} else {
			p = max(p, pp)
		}
		hot := ruled || pp >= modelReason // a Caesar payload is here only when ruled
		f.rules[0] |= pf.rules[0]
		f.rules[1] |= pf.rules[1]
		if !hot {
			continue
		}
		obf = max(obf, 0.3)
		switch pl.enc {
		case EncBase64:
			r.Reasons |= RBase64
		case EncHex:
			r.Reasons |= RHex
		case EncURL:
			r.Reasons |= RURL
		case EncTags:
			r.Reasons |= RTags
		case EncBinary:
			r.Reasons |= RBinary
		case EncMorse:
			r.Reasons |= RMorse
		case EncCaesar:
			r.Reasons |= RCaesar
		case EncROT13:
			r.Reasons |= RROT13
		case EncSpaced:
			r.Reasons |= RSpaced
		}
	}
	f.strength[Obfuscation] = max(f.strength[Obfuscation], obf)
	for fam := Family(0); fam < Obfuscation; fam++ {
		if f.strength[fam] > 0 {
			r.Reasons |= 1 << fam
		}
	}
	if p >= modelReason {
		r.Reasons |= RModel
	}
	r.Model = p
	r.jailbreak = r.Reasons&RPersona != 0 && f.nrules() >= 2 && len(text) >= jailbreakMinLen
	r.Signals = SignalScore(f.strength[:])
	r.Score = Combine(p, r.Signals)
	return r
}

// scanOne normalises text, runs the rules and the model; it returns the
// model's probability. f must be fresh (the structure features read the
// rules it records); d receives the text's structure features.
func (s *Scanner) scanOne(text string, st *Stats, data bool, f *fired, d *dense) float64 {
	s.norm = append(s.norm[:0], ' ')
	s.norm = Normalize(s.norm, text, st)
	s.norm = append(s.norm, ' ')
	// One pass for the keywords and the model's 4-grams.
	var p pool
	s.hits, p = s.d.sig.m.scanGrams(s.norm, s.hits[:0], s.d.model, s.ends)
	s.d.sig.eval(s.hits, s.prog, data, f)
	d.set(f, len(s.norm))
	return Sigmoid(p.logit(s.d.model) + s.d.model.DenseLogit(d[:]))
}

// SignalScore combines per-family strengths as independent evidence
// (noisy-or).
func SignalScore(strength []float32) float64 {
	q := 1.0
	for _, v := range strength {
		q *= 1 - float64(v)
	}
	return 1 - q
}

// Combine merges the model's probability and the rules' strength into the
// final score (noisy-or): either alone can flag a text, and weak evidence
// from both adds up.
func Combine(model, signals float64) float64 {
	return 1 - (1-model)*(1-signals)
}

// Features exposes the scan internals for the training command: it
// normalises text (and the payloads found in it) and returns the scan's
// result (the rules' combined strength and reasons are the model's
// inputs; r.Model and r.Score are the detector's model's), the feature
// indexes and the structure features of the main text. The returned
// slices are the Scanner's scratch.
func (s *Scanner) Features(text string, dimLog2 uint32) (r Result, idx []uint32, structure []float32) {
	r = s.Scan(text, false)
	s.stats.Reset()
	s.norm = append(s.norm[:0], ' ')
	s.norm = Normalize(s.norm, text, &s.stats)
	s.norm = append(s.norm, ' ')
	s.idx = AppendFeatures(s.idx[:0], s.norm, dimLog2)
	return r, s.idx, s.dense[:]
}

var (
	defaultOnce sync.Once
	defaultDet  *Detector
	defaultErr  error
)

// Default returns the detector built from modelFile the first time it is
// called (later calls return the same one, whatever their argument).
func Default(modelFile []byte) (*Detector, error) {
	defaultOnce.Do(func() { defaultDet, defaultErr = New(modelFile) })
	return defaultDet, defaultErr
}
