package output

import (
	"math/bits"
	"strings"
	"unsafe"

	"github.com/wardgate/ward/plugins/injection/detector"
	"github.com/wardgate/ward/sdk/detect"
	"github.com/wardgate/ward/sdk/detect/redact"
	ward "github.com/wardgate/ward/sdk/go"
)

// class is a family of findings; each has one action (config "actions").
type class uint8

const (
	classCanary class = iota // the exchange's canary token
	classPrompt              // a verbatim run of the system prompt
	classSecret              // sdk/detect.Secrets
	classPII                 // sdk/detect.PII
	classDeny                // deny_terms, deny_patterns
	numClasses
)

var classNames = [numClasses]string{"canary", "system_prompt", "secret", "pii", "deny"}

// span is a finding of the scanner: bytes [start, end) of the scanned
// text.
type span struct {
	class      class
	label      string // rule id (secret), kind (pii), "deny_terms[i]" (deny)
	start, end int
	words      int // classPrompt: words in the run
}

// Streaming bounds (for the response_chunk phase, see chunk): a scan never
// holds back more than maxHold bytes, and the window of text before a
// delta must be at least streamWindow bytes for a chunked answer to get
// the findings of the whole answer.
const (
	maxHold      = 512
	streamWindow = 1024
)

// scanner finds the spans the guard acts on in texts of an answer. It is
// configured once (its settings are immutable) and prepared per exchange
// (prepare); it reuses scratch between calls: not safe for concurrent use,
// one per guard instance.
type scanner struct {
	set *settings

	// Per exchange, set by prepare.
	canary string   // the exchange's token; "" when no canary_key
	prompt bool     // the prompt index holds the exchange's system prompt
	users  []string // texts of the user's messages (echo exemption)
	system []string // scratch: the system texts the prompt index is of
	// values are the secrets' values the first system message gives and
	// forbids disclosing (values.go); prot parses that message, again only
	// when it changes.
	values []string
	prot   detector.Protected
	// encoded are the values' valueForms and valueHold their valuesHold,
	// both worked out once per exchange, not per scanned chunk.
	encoded   []string
	valueHold int

	// Scratch.
	spans  []span
	found  []detect.Finding
	hits   []hit
	lhits  []listHit
	allows []listHit
}

// prepare readies s for the answers of exchange x: the canary of its
// request id, the shingles of its system prompt and its user texts. The
// strings it keeps alias x: valid while x is.
func (s *scanner) prepare(x *ward.Exchange) {
	canary := s.set.canary != nil && s.set.act[classCanary] != redact.Allow
	s.canary = ""
	s.users, s.system = s.users[:0], s.system[:0]
	first := true    // the next system text message is the first
	withCanary := -1 // the index in s.system of the message the canary was read from
	// One pass over the messages: the roles are compared once (each
	// comparison is a call in Go's Wasm code).
	for i := range x.Messages {
		m := &x.Messages[i]
		switch r := roleOf(m.Role); {
		case r == roleSystem:
			if first && m.Kind == ward.KindText {
				first = false
				// The request phase appended the canary to the first
				// system message, after all of the client's text: read
				// it back there, which saves the MAC.
				if canary {
					if s.canary = canaryAt(m.Text); s.canary != "" {
						withCanary = len(s.system)
					}
				}
			}
			s.system = append(s.system, m.Text)
		case r == roleUser && m.Kind == ward.KindText && s.set.exemptEchoes:
			s.users = append(s.users, m.Text)
		}
	}
	if canary && s.canary == "" {
		// No system message, or a later guard rewrote it: derive it.
		s.canary = s.set.canary.canary(x.Route, x.RequestID)
	}
	s.values = nil
	if set := s.set; set.act[classPrompt] != redact.Allow && len(s.system) > 0 {
		first := s.system[0]
		if withCanary == 0 {
			first = first[:len(first)-appendedLen]
		}
		s.prot.Parse(first)
		s.values = s.prot.Values()
	}
	s.encoded, s.valueHold = s.encoded[:0], 0
	if len(s.values) > 0 {
		s.encoded, s.valueHold = valueForms(s.values, s.encoded), valuesHold(s.values)
	}
	s.prompt = false
	if p := s.set.prompt; p != nil {
		if withCanary >= 0 {
			// The set of the system prompt without this request's
			// canary is cached for the requests alike (loadCanary).
			full := s.system[withCanary]
			s.system[withCanary] = full[:len(full)-appendedLen]
			p.loadCanary(s.system, withCanary, full)
		} else {
			p.load(s.system)
		}
		s.prompt = !p.empty()
	}
	clear(s.system) // it aliases x
}

// canaryLead is "\n\n[ward:", which is eight bytes, as load64 reads it:
// appendedCanary compares it in one go (Go's string comparison inside
// Wasm takes a loop turn per byte).
var canaryLead = load64(canaryLeadText, 0)

const canaryLeadText = "\n\n" + canaryOpen

// The arrays have a length only if canaryLeadText is eight bytes long and
// canaryClose one (canaryAt compares its one byte).
var (
	_ = [1]struct{}{}[len(canaryLeadText)-8]
	_ = [1]struct{}{}[len(canaryClose)-1]
)

// appendedLen is the length of what the request phase appends to the
// first system message: "\n\n[ward:<token>]".
const appendedLen = len("\n\n"+canaryOpen) + canaryLen + len(canaryClose)

func isSystem(role string) bool { return roleOf(role) == roleSystem }

const (
	roleOther = iota
	roleSystem
	roleUser
)

// roleOf classifies a message's role: system (or developer), user, or
// other, with one length switch and one comparison.
func roleOf(role string) int {
	switch len(role) {
	case len("user"):
		if role == "user" {
			return roleUser
		}
	case len("system"):
		if role == "system" {
			return roleSystem
		}
	case len("developer"):
		if role == "developer" {
			return roleSystem
		}
	}
	return roleOther
}

// appendedCanary returns the token the request phase appended to the first
// system message of x ("\n\n[ward:<token>]" at its very end), or "" when
// that message does not end so. Only the end is read: the client's own
// text comes before it.
func appendedCanary(x *ward.Exchange) string {
	for i := range x.Messages {
		m := &x.Messages[i]
		if isSystem(m.Role) && m.Kind == ward.KindText {
			return canaryAt(m.Text)
		}
	}
	return ""
}

// canaryAt returns the token at the end of t when t ends with what the
// request phase appends ("\n\n[ward:<token>]"), else "". The token's
// bytes are checked without a branch per byte.
func canaryAt(t string) string {
	const n = appendedLen
	if len(t) < n || t[len(t)-1] != canaryClose[0] || load64(t, len(t)-n) != canaryLead {
		return ""
	}
	tok := t[len(t)-canaryLen-len(canaryClose) : len(t)-len(canaryClose)]
	p := (*[canaryLen]byte)(unsafe.Pointer(unsafe.StringData(tok)))
	ok := canarySymbol[p[0]] >> 1 // a digit first
	for j := 1; j < canaryLen; j++ {
		ok &= canarySymbol[p[j]]
	}
	if ok == 0 {
		return ""
	}
	return tok
}

// scan appends to dst the spans to act on in text that end after from, and
// returns how much of text is settled: safe is the offset up to which the
// findings cannot change whatever text follows. With final (a whole
// answer, or the last delta of a stream) safe is len(text).
//
// This is the whole scanning API, for whole answers and for streams
// (issue 6): a whole answer is scan(text, 0, true); a stream calls it on
// window+pending+delta with from = len(window), emits text[from:safe]
// with the spans applied and keeps text[safe:] pending for the next delta
// (see chunk). Findings entirely before from were acted on by an earlier
// call; spans found by this call never start before from when the window
// is at least streamWindow bytes and every finding is shorter than it.
//
// Exemptions are applied here: allow entries (a finding inside an
// occurrence of an allow value, except the canary), echoes (a secret or PII
// value that occurs in one of the user's messages of the request), and
// classes whose action is allow are not scanned at all.
func (s *scanner) scan(text string, from int, final bool, dst []span) (_ []span, safe int) {
	set := s.set
	s.spans = s.spans[:0]
	hold := 0
	if s.canary != "" && set.act[classCanary] != redact.Allow {
		s.spans = findCanary(text, s.canary, s.spans)
		if !final {
			hold = canaryHold(text, s.canary)
		}
	}
	if s.prompt {
		var h int
		s.spans, h = set.prompt.find(text, final, s.spans)
		hold = max(hold, h)
	}
	if len(s.values) > 0 {
		s.spans = findValues(text, s.values, s.encoded, s.spans)
		if !final {
			hold = max(hold, min(len(text), s.valueHold))
		}
	}
	s.allows = s.allows[:0]
	if set.lists != nil {
		var h int
		s.lhits = s.lhits[:0]
		s.hits, s.lhits, h = set.lists.find(text, final, s.hits, s.lhits)
		hold = max(hold, h)
		for _, lh := range s.lhits {
			e := &set.lists.entries[lh.entry]
			if e.kind == entryAllow {
				s.allows = append(s.allows, lh)
			} else if set.act[classDeny] != redact.Allow {
				s.spans = append(s.spans, span{class: classDeny, label: e.label, start: lh.start, end: lh.end})
			}
		}
	}
	if set.act[classSecret] != redact.Allow {
		s.found = detect.Secrets(text, s.found[:0])
		for i := range s.found {
			f := &s.found[i]
			s.spans = append(s.spans, span{class: classSecret, label: f.Rule, start: f.Start, end: f.End})
		}
	}
	if set.act[classPII] != redact.Allow && (!set.piiPrefilter || len(text) > piiPrefilterMax || piiPossible(text)) {
		s.found = detect.PII(text, s.found[:0], &set.pii)
		for i := range s.found {
			f := &s.found[i]
			s.spans = append(s.spans, span{class: classPII, label: string(f.Kind), start: f.Start, end: f.End})
		}
	}
	if !final && (set.act[classSecret] != redact.Allow || set.act[classPII] != redact.Allow) {
		hold = max(hold, detectorHold(text))
	}

	// Exemptions; spans settled before from are dropped.
	n := 0
	for _, sp := range s.spans {
		if sp.end <= from || s.exempt(text, &sp) {
			continue
		}
		s.spans[n] = sp
		n++
	}
	s.spans = s.spans[:n]

	safe = len(text)
	if !final {
		safe = len(text) - min(hold, maxHold)
		// A finding that reaches the end could grow; one that crosses
		// safe is held whole. Holding one can make safe cross another.
		for changed := true; changed; {
			changed = false
			for _, sp := range s.spans {
				if sp.start < safe && (sp.end > safe || sp.end == len(text)) && sp.start >= len(text)-maxHold {
					safe, changed = sp.start, true
				}
			}
		}
		safe = max(safe, from)
	}
	for _, sp := range s.spans {
		if sp.start < safe {
			dst = append(dst, sp)
		}
	}
	return dst, safe
}

// piiPrefilterKinds are the PII kinds that detect.PII finds only in a
// token with an ASCII digit, of exactly 16 letters (an Italian fiscal
// code, whose digits may be letters), or around an '@' (e-mail, URL
// credentials): its scanTokens walk, with scanAt. The others (IP and MAC
// addresses, dates of birth, names, places) need no digit. With only
// these kinds configured, piiPossible lets the scanner skip detect.PII on
// text that has none of those (TestPIIPrefilter checks that PII finds
// nothing there).
var piiPrefilterKinds = []detect.Kind{
	detect.KindEmail, detect.KindPhone, detect.KindCreditCard, detect.KindIBAN,
	detect.KindUSSSN, detect.KindCrypto, detect.KindURLCredentials, detect.KindUKNHS,
	detect.KindESNIF, detect.KindESNIE, detect.KindITFiscalCode, detect.KindINAadhaar,
	detect.KindINPAN, detect.KindAUTFN, detect.KindAUABN, detect.KindAUACN,
	detect.KindAUMedicare, detect.KindSGNRIC,
}

// piiByte classes bytes for piiPossible: 1 an ASCII digit or '@', 2 a
// byte that may be part of a letter token (ASCII letters, and every byte
// of a multi-byte UTF-8 sequence: more than detect's tokens take).
var piiByte = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	t['@'] = 1
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = 2, 2
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = 2
	}
	return t
}()

// piiPrefilterMax is the longest text piiPossible is asked about. Its
// pass cost ~5 ns a byte in Wasm when it was a byte loop (since
// 2026-11-27 it reads eight bytes at a time), more than detect.PII's own
// scan of text without candidates (~2 ns a byte): it pays where
// the detector's fixed cost dominates, a short text whose scan would bring
// the detector's code and tables into the caches, and not on a long one
// (a 2 KB answer without a digit: 13.5 us with the pass against 6.2 us
// without it, BenchmarkWasmResponse/only-pii-default-kinds).
const piiPrefilterMax = 256

// piiPossible reports whether text has an ASCII digit, an '@' or a run of
// 16 or more letter bytes (piiByte's class 2): without any of them
// detect.PII finds nothing of piiPrefilterKinds. Eight bytes at a time,
// branch-free within a block (SWAR tests of the word, as sdk/detect's
// scans do): a byte loop costs ~5 ns a byte in Wasm, every turn a jump
// through the function's dispatch table (the loadbench answer, 98 bytes:
// 13 turns instead of 98). It stops at the first block with a digit or an
// '@', or when a run reaches 16. A text with none (the loadbench answer,
// a line of prose) is read once, and the PII detector's code and tables,
// ~10 µs of a call when they are not in the processor's caches, stay
// untouched.
func piiPossible(text string) bool {
	n := len(text)
	run := 0 // letters at the end of the text read so far
	i := 0
	for ; i+8 <= n; i += 8 {
		x := load64(text, i)
		a := x &^ highs // the low seven bits of every byte (no carries below)
		// Digits and '@', among the bytes below 0x80.
		digit := (a + ones*(0x80-'0')) &^ (a + ones*(0x80-'9'-1))
		y := a ^ ones*'@'
		at := ^((y + (highs - ones)) | y)
		// Letters: ASCII letters (either case) and bytes >= 0x80.
		l := a | ones*0x20
		letter := (l+ones*(0x80-'a'))&^(l+ones*(0x80-'z'-1))&^x&highs | x&highs
		if (digit|at)&^x&highs != 0 {
			return true
		}
		other := ^letter & highs // high bit of every byte that is not a letter
		if other == 0 {
			if run += 8; run >= 16 {
				return true
			}
			continue
		}
		// Only the run into the block's first bytes and the one out of
		// its last can reach 16; one inside a block is shorter than 8.
		if run+bits.TrailingZeros64(other)/8 >= 16 {
			return true
		}
		run = bits.LeadingZeros64(other) / 8
	}
	for ; i < n; i++ {
		switch piiByte[text[i]] {
		case 1:
			return true
		case 2:
			if run++; run >= 16 {
				return true
			}
		default:
			run = 0
		}
	}
	return false
}

// exempt reports whether sp is exempt: inside an allowed value, or (secret
// and PII values) an echo of the user's own text.
func (s *scanner) exempt(text string, sp *span) bool {
	if sp.class == classCanary {
		return false
	}
	for _, a := range s.allows {
		if a.start <= sp.start && sp.end <= a.end {
			return true
		}
	}
	if sp.class == classSecret || sp.class == classPII {
		v := text[sp.start:sp.end]
		for _, u := range s.users {
			if strings.Contains(u, v) {
				return true
			}
		}
	}
	return false
}

// detectorHold is how many bytes at the end of s a secret or PII detector
// could still extend with more text: the last token (no white space) and,
// before it, the groups of a number or identifier written with spaces
// ("+1 415 555", "4111 1111", "DE89 3704", "0100000 000"): short tokens
// with a digit, and tokens of digits.
func detectorHold(s string) int {
	i := len(s)
	for i > 0 && s[i-1] == ' ' && len(s)-i < 2 {
		i--
	}
	j := tokenStart(s, i)
	if j == i {
		return len(s) - i
	}
	for j > 1 && s[j-1] == ' ' {
		k := tokenStart(s, j-1)
		// A group is a short token with a digit ("DE89", "+1", "(415)"),
		// or a token of digits and number punctuation up to the longest
		// number the detectors read as one (a 19-digit card, a 15-digit
		// phone number: "0100000 000" is a national phone number).
		if !(j-1-k <= 6 && hasDigit(s[k:j-1]) || j-1-k <= 24 && numberish(s[k:j-1])) {
			// The number may still begin inside a longer token: the
			// detectors start numbers after a byte that is neither letter
			// nor digit ("id:0 100", "\x180 100"), and a sign, parenthesis
			// or separator inside the token's numeric tail may be where
			// one starts, or a byte right before its first digit ("a+0 100",
			// "a+0)767 7200"). So the tail of digits and number punctuation
			// is held from its start when a non-alphanumeric byte precedes
			// it, else from its first punctuation byte; digits that follow
			// a letter directly begin no number ("aaaa0 100").
			d := j - 1
			for d > k && numberByte(s[d-1]) {
				d--
			}
			if d < j-1 && d > k && !isAlnumByte(s[d-1]) {
				j = d
			} else {
				for p := d; p < j-1; p++ {
					if c := s[p]; c < '0' || c > '9' {
						j = p
						break
					}
				}
			}
			break
		}
		j = k
	}
	if i == len(s) || hasDigit(s[j:i]) {
		return len(s) - j
	}
	return len(s) - i
}

func tokenStart(s string, i int) int {
	for i > 0 && !isSpaceByte(s[i-1]) && len(s)-i < maxHold {
		i--
	}
	return i
}

// numberish reports whether t holds a digit and nothing but digits and
// the punctuation numbers are written with.
func numberish(t string) bool {
	for i := 0; i < len(t); i++ {
		if !numberByte(t[i]) {
			return false
		}
	}
	return hasDigit(t)
}

// numberByte reports whether c is a digit or punctuation numbers are
// written with.
func numberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '+' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/'
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}
