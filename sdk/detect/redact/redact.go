package redact

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/memo"
)

// Span is a finding with the action it gets.
type Span struct {
	// Kind names the entity in labels and placeholders ("EMAIL",
	// "SECRET"); it must satisfy ValidKind.
	Kind string
	// Label names it in block messages and audit reasons: the kind for
	// PII, the rule id for secrets ("github-pat"). Never the value.
	Label      string
	Start, End int // bytes of the text, End exclusive, on UTF-8 boundaries
	Action     Action
}

// Merge sorts spans by Start, drops Allow spans and merges the ones that
// overlap (share at least one byte) into one span covering all their
// bytes: the widest extent wins, so no byte any finding claimed stays in
// clear. The merged span takes the highest action (block > tokenize >
// mask > redact) and, with it, the kind and label of the finding that has
// that action (the longest one on a tie, then the first). It works in
// place and returns spans[:n]; it does not allocate.
func Merge(spans []Span) []Span {
	n := 0
	for _, s := range spans {
		if s.Action != Allow && s.Start < s.End {
			spans[n] = s
			n++
		}
	}
	spans = spans[:n]
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].Start < spans[j-1].Start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	out := 0
	for i := 0; i < len(spans); i++ {
		s := spans[i]
		if out > 0 && s.Start < spans[out-1].End {
			p := &spans[out-1]
			if s.Action > p.Action || s.Action == p.Action && s.End-s.Start > p.End-p.Start {
				p.Kind, p.Label, p.Action = s.Kind, s.Label, s.Action
			}
			p.End = max(p.End, s.End)
			continue
		}
		spans[out] = s
		out++
	}
	return spans[:out]
}

// AppendMask appends v masked: every letter and digit replaced by '*'
// except the last keep of them (at most half of the value's letters and
// digits, rounded down, so a short value is never mostly revealed); other
// characters (separators: spaces, '-', '@', '.') are kept. Invalid UTF-8
// bytes are masked too, so the result is valid UTF-8.
func AppendMask(dst []byte, v string, keep int) []byte {
	if ascii(v) {
		// The common case: copy the value once, then star the letters
		// and digits to hide in place (an append per byte checks the
		// capacity each time, which costs inside Wasm).
		n := 0
		for i := 0; i < len(v); i++ {
			if asciiMaskable(v[i]) {
				n++
			}
		}
		hide := n - min(keep, n/2)
		m := len(dst)
		dst = append(dst, v...)
		out := dst[m:]
		for i := 0; i < len(out) && hide > 0; i++ {
			if asciiMaskable(out[i]) {
				out[i] = '*'
				hide--
			}
		}
		return dst
	}
	// ASCII bytes are tested inline, and appended one by one: inside Wasm
	// a call (maskable, memmove) per character costs more than the rest.
	n := 0
	for i := 0; i < len(v); {
		if c := v[i]; c < utf8.RuneSelf {
			if asciiMaskable(c) {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		if maskable(r) {
			n++
		}
		i += size
	}
	keep = min(keep, n/2)
	hide := n - keep
	for i := 0; i < len(v); {
		if c := v[i]; c < utf8.RuneSelf {
			if asciiMaskable(c) && hide > 0 {
				c = '*'
				hide--
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case !maskable(r):
			dst = append(dst, v[i:i+size]...)
		case hide > 0:
			dst = append(dst, '*')
			hide--
		case r == utf8.RuneError && size == 1:
			// An invalid byte is never shown: it is masked even among
			// the kept characters, so the result stays valid UTF-8.
			dst = append(dst, '*')
		default:
			dst = append(dst, v[i:i+size]...)
		}
		i += size
	}
	return dst
}

// ascii reports whether v is all ASCII.
func ascii(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiMaskable(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) }

func maskable(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiMaskable(byte(r))
	}
	return r == utf8.RuneError || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Finder appends the spans found in text, with their actions, to dst and
// returns it. Spans must lie within text, on UTF-8 boundaries, and name a
// ValidKind. What it finds must depend on text alone (and the guard's
// configuration): a Redactor remembers the texts it found nothing in and
// does not call it on them again (see Request).
type Finder func(text string, dst []Span) []Span

// Redactor runs the request and response phases of a data protection
// guard around a Finder. Configure its exported fields once; its other
// fields are scratch reused between calls. Strings it puts in verdicts
// live in its buffers until its next call (the SDK encodes the verdict
// before that). Not safe for concurrent use: one per guard instance.
type Redactor struct {
	// Name prefixes codes and annotations: "<name>.blocked",
	// "<name>.tokens", "<name>.entities".
	Name string
	// What names the data in block messages: "personal data", "a secret".
	What string
	Common

	spans []Span
	ends  []int // per message, the end of its spans in spans
	// clean holds the texts find found nothing in, as a conversation's
	// history comes back on every turn (a guard configured again makes
	// a new Redactor, and so starts empty).
	clean  memo.Memo[struct{}]
	tokens Tokens
	counts []kindCount
	out    []byte // rewritten texts and annotation values
	plain  []byte // mapping plaintext
	ad     []byte
	keys   keys
}

// keys are the annotation keys and code of a Redactor, made from Name once
// (a string concatenation per call costs an allocation inside Wasm).
type keys struct {
	name                      string
	tokens, entities, blocked string
}

func (r *Redactor) key() *keys {
	if r.keys.name != r.Name || r.keys.tokens == "" {
		r.keys = keys{name: r.Name, tokens: r.Name + ".tokens", entities: r.Name + ".entities", blocked: r.Name + ".blocked"}
	}
	return &r.keys
}

// maxBlockReasons bounds the audit reasons of a denial.
const maxBlockReasons = 8

func (r *Redactor) bindAD(x *ward.Exchange) string {
	r.ad = append(r.ad[:0], r.Name...)
	r.ad = append(r.ad, 0)
	r.ad = append(r.ad, x.RequestID...)
	return bstr(r.ad)
}

// RequestOrDone is Request, and then, when the verdict allows without a
// mapping of tokenized values ("<name>.tokens") in the exchange or in
// the verdict, says the guard is done with the exchange (ward.Verdict.Done):
// Response and ResponseChunk would only restore placeholders, and there are
// none. A later guard cannot add such a mapping for this guard: mappings
// are sealed for their own guard's name.
func (r *Redactor) RequestOrDone(x *ward.Exchange, v *ward.Verdict, find Finder) {
	r.Request(x, v, find)
	k := r.key().tokens
	if v.Decision == ward.Allowed && !hasKey(x.Annotations, k) && !hasKey(v.Annotations, k) {
		v.Done()
	}
}

func hasKey(kvs []ward.KV, key string) bool {
	for i := range kvs {
		if kvs[i].Key == key {
			return true
		}
	}
	return false
}

// Request scans every message of the request with find and applies the
// merged spans' actions: a Block span anywhere denies with status 400,
// code "<name>.blocked" and a message naming the label only; otherwise
// each changed message is rewritten. When values were tokenized, their
// mapping is sealed into the annotation "<name>.tokens" (Sealer must then
// be set: ReadCommon sets it whenever an action is Tokenize; without it
// tokenize spans are redacted). "<name>.entities" counts the spans
// acted upon per label ("EMAIL:2,CREDIT_CARD:1", in order of first
// appearance; on a denial, the blocked ones). An exchange with nothing found is a plain allow.
//
// A chat API is stateless, so every request carries the conversation so
// far. The request's earlier messages that find found nothing in before
// (byte for byte, sdk/go/memo) are not given to find again; its last
// message, the new one, always is.
func (r *Redactor) Request(x *ward.Exchange, v *ward.Verdict, find Finder) {
	r.spans, r.ends = r.spans[:0], r.ends[:0]
	r.counts = r.counts[:0]
	tokenize, blocked := false, -1
	last := len(x.Messages) - 1
	for i := range x.Messages {
		before := len(r.spans)
		text := x.Messages[i].Text
		if i < last {
			if _, ok := r.clean.Lookup(text, false); ok {
				r.ends = append(r.ends, before)
				continue
			}
		}
		r.spans = find(text, r.spans)
		merged := Merge(r.spans[before:])
		r.spans = r.spans[:before+len(merged)]
		r.ends = append(r.ends, len(r.spans))
		if len(merged) == 0 {
			r.clean.Store(text, false, struct{}{})
		}
		for k := range merged {
			switch merged[k].Action {
			case Block:
				if blocked < 0 {
					blocked = before + k
				}
			case Tokenize:
				tokenize = true
			}
		}
	}
	if len(r.spans) == 0 {
		return
	}
	r.out = r.out[:0]
	if blocked >= 0 {
		r.deny(x, v, blocked)
		return
	}
	if tokenize && r.Sealer != nil {
		r.tokens.Reset()
		for i := range x.Messages {
			r.tokens.Avoid(x.Messages[i].Text)
		}
	} else {
		tokenize = false
	}
	from := 0
	for i := range x.Messages {
		to := r.ends[i]
		if from == to {
			continue
		}
		m := len(r.out)
		r.out = r.apply(r.out, x.Messages[i].Text, r.spans[from:to], tokenize)
		v.Rewrite(i, bstr(r.out[m:]))
		from = to
	}
	if tokenize && r.tokens.Len() > 0 {
		r.plain = r.tokens.Marshal(r.plain[:0])
		ad := r.bindAD(x)
		m := len(r.out)
		r.out = r.Sealer.Seal(r.out, ad, r.plain)
		clear(r.plain) // the values do not outlive the call in clear
		v.Annotate(r.key().tokens, bstr(r.out[m:]))
	}
	v.Annotate(r.key().entities, r.entities())
}

func (r *Redactor) deny(x *ward.Exchange, v *ward.Verdict, first int) {
	v.Deny(400, r.key().blocked, "request blocked: it contains "+r.What+" ("+r.spans[first].Label+")")
	from, n := 0, 0
	for i := range x.Messages {
		for k := from; k < r.ends[i]; k++ {
			if s := &r.spans[k]; s.Action == Block && n < maxBlockReasons {
				v.AddReason(s.Label + " in messages[" + strconv.Itoa(i) + "]")
				n++
			}
		}
		from = r.ends[i]
	}
	for k := range r.spans {
		if r.spans[k].Action == Block {
			r.count(r.spans[k].Label)
		}
	}
	v.Annotate(r.key().entities, r.entities())
}

func (r *Redactor) count(kind string) {
	for i := range r.counts {
		if r.counts[i].kind == kind {
			r.counts[i].n++
			return
		}
	}
	r.counts = append(r.counts, kindCount{kind, 1})
}

func (r *Redactor) entities() string {
	m := len(r.out)
	for i, c := range r.counts {
		if i > 0 {
			r.out = append(r.out, ',')
		}
		r.out = append(r.out, c.kind...)
		r.out = append(r.out, ':')
		r.out = strconv.AppendInt(r.out, int64(c.n), 10)
	}
	return bstr(r.out[m:])
}

// apply appends text with spans (merged, sorted, non-overlapping) acted
// upon.
func (r *Redactor) apply(dst []byte, text string, spans []Span, tokenize bool) []byte {
	last := 0
	for k := range spans {
		s := &spans[k]
		dst = append(dst, text[last:s.Start]...)
		last = s.End
		r.count(s.Label)
		switch s.Action {
		case Mask:
			dst = AppendMask(dst, text[s.Start:s.End], r.MaskKeep)
			continue
		case Tokenize:
			if tokenize {
				if ph, ok := r.tokens.Placeholder(s.Kind, text[s.Start:s.End]); ok {
					dst = append(dst, ph...)
					continue
				}
			}
		}
		dst = append(dst, '[')
		dst = append(dst, s.Kind...)
		dst = append(dst, ']')
	}
	return append(dst, text[last:]...)
}

// Response restores, in every message of the answer, the placeholders of
// the mappings sealed into "<name>.tokens" annotations by this guard's
// request phase (every such annotation that opens for this exchange; one
// that does not is reported as a reason and skipped, leaving its
// placeholders in the answer). An answer with nothing to restore is a
// plain allow.
func (r *Redactor) Response(x *ward.Exchange, v *ward.Verdict) {
	if !r.openMapping(x, v) {
		return
	}
	r.out = r.out[:0]
	msgs := x.Response.Messages
	for i := range msgs {
		m := len(r.out)
		var changed bool
		if r.out, changed = r.tokens.Restore(r.out, msgs[i].Text); changed {
			v.Rewrite(i, bstr(r.out[m:]))
		}
	}
	clear(r.plain)
}

// ResponseChunk restores placeholders in a streamed answer, one delta at a
// time (phase response_chunk, see ward.Chunk). A placeholder may arrive
// split over several deltas ("<EMA", "IL_", "1>"): the end of a delta that
// could begin one (HoldBack, at most MaxPlaceholderLen-1 bytes) is held
// until the next delta completes or refutes it, so the client never sees
// part of a placeholder; the final chunk holds nothing. A delta without
// '<' costs one byte scan and is a plain allow; the mapping is opened only
// for deltas that may hold a placeholder.
func (r *Redactor) ResponseChunk(x *ward.Exchange, v *ward.Verdict) {
	in := x.Chunk.Delta
	if strings.IndexByte(in, '<') < 0 || !r.openMapping(x, v) {
		return
	}
	hold := 0
	if !x.Chunk.Final {
		hold = HoldBack(in)
	}
	body := in[:len(in)-hold]
	var changed bool
	r.out, changed = r.tokens.Restore(r.out[:0], body)
	clear(r.plain)
	switch {
	case changed:
		v.Stream(bstr(r.out), in[len(body):])
	case hold > 0:
		v.Stream(body, in[len(body):])
	}
}

// openMapping reads the mappings sealed for this exchange into r.tokens
// and reports whether any placeholder can be restored. The caller clears
// r.plain when done.
func (r *Redactor) openMapping(x *ward.Exchange, v *ward.Verdict) bool {
	key := r.key().tokens
	found := false
	for i := range x.Annotations {
		if x.Annotations[i].Key == key {
			found = true
			break
		}
	}
	if !found || r.Sealer == nil {
		return false
	}
	r.tokens.Reset()
	r.plain = r.plain[:0]
	ad := r.bindAD(x)
	for i := range x.Annotations {
		a := &x.Annotations[i]
		if a.Key != key {
			continue
		}
		m := len(r.plain)
		var err error
		if r.plain, err = r.Sealer.Open(r.plain, ad, a.Value); err == nil {
			err = r.tokens.Unmarshal(r.plain[m:])
		}
		if err != nil {
			v.AddReason(key + " annotation does not open: placeholders left in the answer")
		}
	}
	if r.tokens.Len() == 0 {
		clear(r.plain)
		return false
	}
	return true
}
