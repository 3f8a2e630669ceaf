package output

import (
	"github.com/wardgate/ward/sdk/detect/redact"
	ward "github.com/wardgate/ward/sdk/go"
)

// chunk is one step of scanning a streamed answer (the response_chunk
// phase, see responseChunk). text is the window,
// raw answer text already emitted (at least streamWindow bytes of it when
// there is that much), followed by the text held back by the previous
// step and the new delta; from is the length of the window. Call
// o.sc.prepare(x) once per exchange first.
//
// chunk appends to dst what may be sent now, text[from:safe] with the
// findings acted upon, and returns it with safe: text[safe:] must be held
// back and passed again, before the next delta (at most maxHold bytes;
// with final, the last delta, nothing is held). block is the label of a
// finding whose action is block (the stream must stop, nothing of this
// step is emitted), or "".
//
// For any split of an answer into deltas, the concatenated output equals
// the whole answer's rewrite as long as every finding is shorter than the
// window and the hold bound (TestStreamMatchesWhole).
func (o *output) chunk(dst []byte, text string, from int, final bool, kind ward.Kind) (_ []byte, safe int, block string) {
	o.spans, safe = o.sc.scan(text, from, final, o.spans[:0])
	o.rs = o.rs[:0]
	for _, sp := range o.spans {
		a := o.set.act[sp.class]
		if kind != ward.KindText && (a == redact.Redact || a == redact.Mask) {
			a = redact.Block
		}
		// A finding that began in the window was emitted up to from
		// (only when it was longer than the bounds allow).
		start, end := max(sp.start, from), min(sp.end, safe)
		if start < end {
			o.rs = append(o.rs, redact.Span{Kind: kindOf(&sp), Label: labelOf(&sp), Start: start, End: end, Action: a})
		}
	}
	o.rs = redact.Merge(o.rs)
	for k := range o.rs {
		if o.rs[k].Action == redact.Block {
			return dst, from, o.rs[k].Label
		}
	}
	last := from
	for k := range o.rs {
		s := &o.rs[k]
		dst = append(dst, text[last:s.Start]...)
		last = s.End
		if s.Action == redact.Mask {
			dst = redact.AppendMask(dst, text[s.Start:s.End], o.set.maskKeep)
			continue
		}
		dst = append(dst, '[')
		dst = append(dst, s.Kind...)
		dst = append(dst, ']')
	}
	return append(dst, text[last:safe]...), safe, ""
}
