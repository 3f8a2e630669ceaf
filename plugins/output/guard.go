package output

import (
	"maps"
	"slices"
	"strconv"
	"unsafe"

	"github.com/wardgate/ward/sdk/detect"
	"github.com/wardgate/ward/sdk/detect/redact"
	ward "github.com/wardgate/ward/sdk/go"
)

// defaultPIIKinds are the PII kinds scanned in answers unless pii_kinds
// says otherwise: values with a distinctive shape or a checksum. Left
// out: IP and MAC addresses, ABN/ACN (technical or public data, common in
// answers), and PERSON, LOCATION and DATE_OF_BIRTH (context-word
// detection: too uncertain to rewrite answers by default, and the word
// scan costs about as much as all other PII detectors together).
var defaultPIIKinds = []detect.Kind{
	detect.KindEmail, detect.KindPhone, detect.KindCreditCard, detect.KindIBAN,
	detect.KindUSSSN, detect.KindCrypto, detect.KindURLCredentials, detect.KindUKNHS,
	detect.KindESNIF, detect.KindESNIE, detect.KindITFiscalCode, detect.KindINAadhaar,
	detect.KindINPAN, detect.KindAUTFN, detect.KindAUMedicare, detect.KindSGNRIC,
}

// allPIIKinds is every kind detect.PII reports.
var allPIIKinds = append(append([]detect.Kind(nil), defaultPIIKinds...),
	detect.KindIPAddress, detect.KindMACAddress, detect.KindAUABN, detect.KindAUACN,
	detect.KindDateOfBirth, detect.KindPerson, detect.KindLocation)

const (
	defaultRunWords = 0 // off: see README.md, Metrics and limits
	minCanaryKey    = 32
	maxReasons      = 8
)

var schema = map[string]string{
	"actions":            `table CLASS = "redact"|"mask"|"block"|"allow" for the classes canary, system_prompt, secret, pii, deny; default redact for every class`,
	"canary_key":         "string of at least 32 bytes: enables the canary (added to the system prompt, looked for in the answer); put it in a config_text file",
	"min_run_words":      "integer 0 or 4-64, default 0 (off): a run of this many words of the system prompt, verbatim, in an answer is a leak (12 is a good value; costs ~17 us per 2 KB answer in Wasm)",
	"pii_kinds":          "array of PII kinds scanned in answers (EMAIL, PHONE, CREDIT_CARD, ...); default: every kind but IP_ADDRESS, MAC_ADDRESS, AU_ABN, AU_ACN, DATE_OF_BIRTH, PERSON, LOCATION",
	"pii_min_confidence": "number in (0, 1], default 0.35: PII findings less confident are ignored",
	"deny_terms":         "array of strings: terms never allowed in answers (case-insensitive, whole words)",
	"deny_patterns":      `array of patterns: literal text with \d \a \w \x classes and {n,m} + * ? quantifiers, with a literal anchor of 3 bytes or more (see README.md)`,
	"allow":              "array of strings: values and terms exempt from every finding but the canary (case-insensitive, whole words)",
	"exempt_echoes":      "boolean, default true: secret and PII values that occur in the user's own messages are not findings",
	"mask_keep":          redact.CommonSchema["mask_keep"],
}

// settings is a guard instance's configuration, written once by configure.
// canary and prompt carry scratch reused by calls (one call at a time).
type settings struct {
	act          [numClasses]redact.Action
	pii          detect.PIIOptions
	canary       *canaryMaker // nil without canary_key
	prompt       *promptIndex // nil when run detection is off
	lists        *lists       // nil without lists
	exemptEchoes bool
	maskKeep     int
	// piiPrefilter: every kind of pii is one of piiPrefilterKinds, so
	// text without a digit, '@' or long letter run needs no PII scan.
	piiPrefilter bool
}

// output is the configured guard and its scratch.
type output struct {
	set settings
	sc  scanner

	spans  []span
	rs     []redact.Span
	ends   []int // per answer message, the end of its spans in rs
	out    []byte
	acted  []acted
	counts []labelCount
	text   []byte // responseChunk: window + delta
}

// acted is a finding acted upon, for reasons and counts.
type acted struct {
	label  string
	msg    int
	action redact.Action
}

type labelCount struct {
	label string
	n     int
}

// New returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard {
	o := &output{}
	return ward.Guard{
		Name:          "output",
		Version:       "1.0.0",
		ConfigSchema:  maps.Clone(schema),
		Configure:     o.configure,
		Request:       o.request,
		Response:      o.response,
		ResponseChunk: o.responseChunk,
		ZeroCopy:      true, // nothing of the exchange is kept past a call
		Reads:         ward.ReadMessages | ward.ReadResponse | ward.ReadChunk,
	}
}

func validClass(name string) string {
	for _, n := range classNames {
		if n == name {
			return ""
		}
	}
	return "unknown class (want canary, system_prompt, secret, pii or deny)"
}

func validPIIKind(k string) bool {
	for _, a := range allPIIKinds {
		if string(a) == k {
			return true
		}
	}
	return false
}

func (o *output) configure(c *ward.Config) error {
	var set settings
	acts, err := redact.ReadActions(c, "actions", validClass)
	if err != nil {
		return err
	}
	for i, name := range classNames {
		a, ok := acts[name]
		if !ok {
			a = redact.Redact
		}
		if a == redact.Tokenize {
			return c.Errorf("actions."+name, `tokenize is not an action for answers (want redact|mask|block|allow)`)
		}
		set.act[i] = a
	}

	key, err := c.String("canary_key", "")
	if err != nil {
		return err
	}
	switch {
	case c.Has("canary_key") && len(key) < minCanaryKey:
		return c.Errorf("canary_key", "must be at least %d bytes (use a random value, e.g. openssl rand -base64 32)", minCanaryKey)
	case key != "":
		set.canary = newCanaryMaker(key)
	case acts["canary"] != redact.Allow && hasKey(acts, "canary"):
		return c.Errorf("actions.canary", "needs canary_key")
	}

	runWords, err := c.Int("min_run_words", defaultRunWords)
	if err != nil {
		return err
	}
	if runWords != 0 && (runWords < minRunWords || runWords > maxRunWords) {
		return c.Errorf("min_run_words", "must be 0 (off) or %d to %d, got %d", minRunWords, maxRunWords, runWords)
	}
	if runWords > 0 && set.act[classPrompt] != redact.Allow {
		set.prompt = newPromptIndex(runWords)
	}

	kinds, err := c.Strings("pii_kinds", nil)
	if err != nil {
		return err
	}
	if c.Has("pii_kinds") {
		if len(kinds) == 0 && set.act[classPII] != redact.Allow {
			return c.Errorf("pii_kinds", "empty: set actions.pii = \"allow\" to scan no PII")
		}
		for i, k := range kinds {
			if !validPIIKind(k) {
				return c.Errorf("pii_kinds["+strconv.Itoa(i)+"]", "unknown entity kind %q (want EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, ...; see README.md)", k)
			}
			set.pii.Kinds = append(set.pii.Kinds, detect.Kind(k))
		}
	} else {
		set.pii.Kinds = defaultPIIKinds
	}
	minConf, err := c.Float("pii_min_confidence", detect.DefaultPIIMinConfidence)
	if err != nil {
		return err
	}
	if !(minConf > 0 && minConf <= 1) {
		return c.Errorf("pii_min_confidence", "must be in (0, 1], got %v", minConf)
	}
	set.pii.MinConfidence = minConf
	set.pii.Prepare()
	set.piiPrefilter = true
	for _, k := range set.pii.Kinds {
		set.piiPrefilter = set.piiPrefilter && slices.Contains(piiPrefilterKinds, k)
	}

	terms, err := c.Strings("deny_terms", nil)
	if err != nil {
		return err
	}
	patterns, err := c.Strings("deny_patterns", nil)
	if err != nil {
		return err
	}
	allow, err := c.Strings("allow", nil)
	if err != nil {
		return err
	}
	l, lkey, msg := newLists(terms, patterns, allow)
	if msg != "" {
		return c.Errorf(lkey, "%s", msg)
	}
	set.lists = l

	if set.exemptEchoes, err = c.Bool("exempt_echoes", true); err != nil {
		return err
	}
	// mask_keep as sdk/detect/redact reads it (ReadCommon would also
	// read tokenize_key, which answers have no use for).
	if set.maskKeep, err = c.Int("mask_keep", 4); err != nil {
		return err
	}
	if set.maskKeep < 0 || set.maskKeep > 8 {
		return c.Errorf("mask_keep", "must be 0-8, got %d", set.maskKeep)
	}

	*o = output{set: set}
	o.sc.set = &o.set
	return nil
}

func hasKey(m map[string]redact.Action, k string) bool {
	_, ok := m[k]
	return ok
}

// request appends the canary to the first system (or developer) message.
// The ABI rewrites existing messages only: a request without one gets no
// canary (the reason says so, except for embeddings, which have no
// answer text), and its answers are still scanned for everything else.
//
// An embeddings answer is vectors: the host sends its response phase no
// messages (engine/exchange reads only its usage), and it is never
// streamed, so response would return at once and responseChunk is not
// called: the guard is done with the exchange after its request phase.
func (o *output) request(x *ward.Exchange, v *ward.Verdict) {
	if x.API == ward.APIOpenAIEmbeddings {
		v.Done()
		return
	}
	if o.set.canary == nil || o.set.act[classCanary] == redact.Allow {
		return
	}
	for i := range x.Messages {
		m := &x.Messages[i]
		if !isSystem(m.Role) || m.Kind != ward.KindText {
			continue
		}
		o.out = append(o.out[:0], m.Text...)
		o.out = append(o.out, canaryLeadText...)
		o.out = o.set.canary.appendCanary(o.out, x.Route, x.RequestID)
		o.out = append(o.out, canaryClose...)
		v.Rewrite(i, bstr(o.out))
		return
	}
	v.AddReason("no system message: canary not added")
}

// response scans every message of the answer and redacts, masks or blocks
// what it finds. In messages that are not plain text (tool calls), redact
// and mask become block: rewriting a tool's arguments could change what
// the tool does.
func (o *output) response(x *ward.Exchange, v *ward.Verdict) {
	msgs := x.Response.Messages
	if len(msgs) == 0 {
		return
	}
	o.sc.prepare(x)
	o.rs, o.ends, o.acted = o.rs[:0], o.ends[:0], o.acted[:0]
	blocked := -1
	for i := range msgs {
		m := &msgs[i]
		before := len(o.rs)
		o.spans, _ = o.sc.scan(m.Text, 0, true, o.spans[:0])
		for _, sp := range o.spans {
			a := o.set.act[sp.class]
			if m.Kind != ward.KindText && (a == redact.Redact || a == redact.Mask) {
				a = redact.Block
			}
			label := labelOf(&sp)
			o.rs = append(o.rs, redact.Span{Kind: kindOf(&sp), Label: label, Start: sp.start, End: sp.end, Action: a})
			o.acted = append(o.acted, acted{label: label, msg: i, action: a})
		}
		merged := redact.Merge(o.rs[before:])
		o.rs = o.rs[:before+len(merged)]
		o.ends = append(o.ends, len(o.rs))
		for k := range merged {
			if merged[k].Action == redact.Block && blocked < 0 {
				blocked = before + k
			}
		}
	}
	if len(o.rs) == 0 {
		return
	}
	o.out, o.counts = o.out[:0], o.counts[:0]
	if blocked >= 0 {
		s := &o.rs[blocked]
		o.out = append(o.out, "answer blocked: it contains "...)
		o.out = append(o.out, what(s.Kind)...)
		o.out = append(o.out, " ("...)
		o.out = append(o.out, s.Label...)
		o.out = append(o.out, ')')
		v.Deny(403, "output.blocked", bstr(o.out))
		o.reasons(v, true)
		v.Annotate("output.findings", o.findings())
		return
	}
	from := 0
	for i := range msgs {
		to := o.ends[i]
		if from == to {
			continue
		}
		n := len(o.out)
		o.out = o.apply(o.out, msgs[i].Text, o.rs[from:to])
		v.Rewrite(i, bstr(o.out[n:]))
		from = to
	}
	o.reasons(v, false)
	v.Annotate("output.findings", o.findings())
}

// responseChunk checks one delta of a streamed answer (phase
// response_chunk, see ward.Chunk): the chunk's window (raw text already
// consumed) gives the scan its left context, the delta starts with what
// this guard held at its previous call. It sends the settled part with its
// findings acted upon and holds the rest (at most maxHold bytes: text
// that may still begin or extend a finding); the final call holds nothing.
// For every way of cutting an answer into deltas the client gets what
// response gives for the whole answer (TestStreamMatchesWhole,
// TestResponseChunkProtocol). A block finding ends the stream with a
// denial before any of it is sent. Deltas are answer text (tool-call
// arguments are not streamed to guards).
func (o *output) responseChunk(x *ward.Exchange, v *ward.Verdict) {
	o.sc.prepare(x)
	w, in := x.Chunk.Window, x.Chunk.Delta
	o.text = append(append(o.text[:0], w...), in...)
	text := bstr(o.text)
	out, safe, block := o.chunk(o.out[:0], text, len(w), x.Chunk.Final, ward.KindText)
	o.out = out
	if block != "" {
		kind := ""
		for k := range o.rs {
			if o.rs[k].Action == redact.Block {
				kind = o.rs[k].Kind
				break
			}
		}
		o.out = append(o.out[:0], "answer stopped: it contains "...)
		o.out = append(o.out, what(kind)...)
		o.out = append(o.out, " ("...)
		o.out = append(o.out, block...)
		o.out = append(o.out, ')')
		v.Deny(403, "output.blocked", bstr(o.out))
		v.AddReason(block + " in the streamed answer")
		return
	}
	if len(text)-safe > ward.MaxHold {
		// Never hold more than the host accepts (chunk holds at most
		// maxHold, well below): send the excess as it is.
		o.out = append(o.out, text[safe:len(text)-ward.MaxHold]...)
		safe = len(text) - ward.MaxHold
	}
	send, hold := bstr(o.out), text[safe:]
	if hold == "" && send == in {
		return // a plain allow: the delta passes as it is
	}
	v.Stream(send, hold)
	for k := range o.rs {
		if k == maxReasons {
			break
		}
		v.AddReason(o.rs[k].Label + " in the streamed answer")
	}
}

// reasons adds one audit reason per finding acted upon (blockedOnly: the
// blocking ones), at most maxReasons: "canary in response.messages[0]".
// Findings are counted before overlapping ones merge, so a canary inside
// a quoted run of the prompt is reported as both.
func (o *output) reasons(v *ward.Verdict, blockedOnly bool) {
	n := 0
	for _, f := range o.acted {
		if blockedOnly && f.action != redact.Block {
			continue
		}
		o.count(f.label)
		if n < maxReasons {
			m := len(o.out)
			o.out = append(o.out, f.label...)
			o.out = append(o.out, " in response.messages["...)
			o.out = strconv.AppendInt(o.out, int64(f.msg), 10)
			o.out = append(o.out, ']')
			v.AddReason(bstr(o.out[m:]))
			n++
		}
	}
}

func (o *output) count(label string) {
	for i := range o.counts {
		if o.counts[i].label == label {
			o.counts[i].n++
			return
		}
	}
	o.counts = append(o.counts, labelCount{label, 1})
}

// findings renders the counts per label: "canary:1,EMAIL:2".
func (o *output) findings() string {
	n := len(o.out)
	for i, c := range o.counts {
		if i > 0 {
			o.out = append(o.out, ',')
		}
		o.out = append(o.out, c.label...)
		o.out = append(o.out, ':')
		o.out = strconv.AppendInt(o.out, int64(c.n), 10)
	}
	return bstr(o.out[n:])
}

// apply appends text with spans (merged: sorted, disjoint) redacted or
// masked.
func (o *output) apply(dst []byte, text string, spans []redact.Span) []byte {
	last := 0
	for k := range spans {
		s := &spans[k]
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
	return append(dst, text[last:]...)
}

// kindOf is what a redacted span becomes, in brackets.
func kindOf(s *span) string {
	switch s.class {
	case classCanary, classPrompt:
		return "SYSTEM_PROMPT"
	case classSecret:
		return string(detect.KindSecret)
	case classPII:
		return s.label
	}
	return "REDACTED"
}

// labelOf names a span in reasons and counts, never with its value.
func labelOf(s *span) string {
	switch s.class {
	case classCanary:
		return "canary"
	case classPrompt:
		return "system_prompt"
	}
	return s.label
}

// what names the data of a blocked span for the client's message.
func what(kind string) string {
	switch kind {
	case "SYSTEM_PROMPT":
		return "the system prompt"
	case "SECRET":
		return "a secret"
	case "REDACTED":
		return "a denied term"
	}
	return "personal data"
}

func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
