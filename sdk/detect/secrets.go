package detect

import "math"

// KindSecret is the kind of every finding reported by Secrets.
const KindSecret Kind = "SECRET"

// Secrets scans text for credentials (cloud, VCS, payment, chat and LLM
// provider keys and tokens, JWTs, PEM private keys, credentials in URLs and
// curl commands, and generic high-entropy values assigned to a secret-like
// keyword) and appends one Finding per secret to dst, which it returns.
//
// Rule is the gitleaks rule id where gitleaks has one ("aws-access-token",
// "github-pat", "jwt", "private-key", "generic-api-key", ...); Start/End
// delimit the secret value itself, never the keyword before it. The
// findings appended by one call are sorted by Start and never overlap:
// when two rules claim overlapping bytes the more specific rule (a provider
// prefix over a keyword-anchored provider rule over generic-api-key) and
// then the longer span wins.
//
// The scan is one pass of an Aho-Corasick automaton over the text that
// finds every trigger (a provider prefix such as "ghp_" or "AKIA", or a
// keyword such as "token" or "password") followed by a table-driven check
// of the bytes around each trigger; it uses no regular expressions. It
// does not allocate unless dst has to grow, so a caller that reuses dst
// (dst[:0]) scans in steady state without allocations. Secrets does not
// retain text or dst, and is safe for concurrent use (the rule tables are
// immutable after package initialisation).
func Secrets(text string, dst []Finding) []Finding {
	s := secScan{text: text, dst: dst, base: len(dst)}
	s.run()
	s.flushGeneric()
	s.finish()
	return s.dst
}

// secScan is the state of one Secrets call; it lives on the caller's stack.
type secScan struct {
	text string
	dst  []Finding
	base int
	// counts is scratch for entropy and placeholder, zero between uses.
	counts [256]uint16
	// prio[k] is the priority of dst[base+k].
	prio [32]uint8
	// pending generic-api-key candidates (keyword start and end, value
	// start), evaluated after the scan: see deferGeneric.
	pending  [8][3]int
	npending int
}

// run feeds the text through the automaton. The walk is a chain of
// dependent table lookups, so its speed is the latency of a lookup: run
// walks the two halves of the text at once (lanes), two independent
// chains the processor overlaps, and only notes the eight-byte blocks
// that reach an output. Those are then replayed in text order, so
// triggers fire in the same order as in one walk (runSerial). The second
// lane starts in state 0 a few bytes before its half: the automaton's
// state after a byte depends only on the last depth bytes (its literals
// are truncated to depth bytes).
func (s *secScan) run() {
	t := s.text
	const block = 8
	per := len(t) / (2 * block) // blocks per lane
	if per < 8 {
		s.runSerial()
		return
	}
	a := &secAC
	d := a.delta
	cls := &a.class
	p0, p1 := 0, per*block
	s0, s1 := uint16(0), s.warm(p1)
	var hits secHits
	for range per {
		x0, x1 := load8(t, p0), load8(t, p1)
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1)])]
		f0, f1 := s0, s1
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0>>8)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1>>8)])]
		f0, f1 = f0|s0, f1|s1
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0>>16)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1>>16)])]
		f0, f1 = f0|s0, f1|s1
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0>>24)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1>>24)])]
		f0, f1 = f0|s0, f1|s1
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0>>32)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1>>32)])]
		f0, f1 = f0|s0, f1|s1
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0>>40)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1>>40)])]
		f0, f1 = f0|s0, f1|s1
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0>>48)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1>>48)])]
		f0, f1 = f0|s0, f1|s1
		s0 = d[uint(s0&secStateMask)+uint(cls[byte(x0>>56)])]
		s1 = d[uint(s1&secStateMask)+uint(cls[byte(x1>>56)])]
		f0, f1 = f0|s0, f1|s1
		if (f0|f1)&secOutFlag != 0 {
			hits.add(0, f0, p0)
			hits.add(1, f1, p1)
		}
		p0, p1 = p0+block, p1+block
	}
	if hits.overflow {
		s.runSerial()
		return
	}
	for l := range hits.n {
		for _, p := range hits.at[l][:hits.n[l]] {
			s.step(s.warm(p), p, p+block)
		}
	}
	s.step(s1, p1, len(t))
}

// secHits are the blocks of each lane of run that reach an output.
type secHits struct {
	at       [2][24]int
	n        [2]int
	overflow bool // a lane had more blocks than fit: walk the text again
}

func (h *secHits) add(lane int, flags uint16, p int) {
	if flags&secOutFlag == 0 {
		return
	}
	if h.n[lane] == len(h.at[lane]) {
		h.overflow = true
		return
	}
	h.at[lane][h.n[lane]] = p
	h.n[lane]++
}

// warm returns the automaton's state before t[p], from the depth bytes
// before p, without firing anything.
func (s *secScan) warm(p int) uint16 {
	a := &secAC
	off := uint16(0)
	for i := max(p-a.depth, 0); i < p; i++ {
		off = a.delta[uint(off&secStateMask)+uint(a.class[s.text[i]])]
	}
	return off & secStateMask
}

// runSerial feeds the whole text through the automaton in one walk, four
// bytes at a time with one branch per block (most blocks reach no output:
// a branch per byte costs much more in Wasm than the table lookups); a
// block that reaches an output is replayed byte by byte by step.
func (s *secScan) runSerial() {
	t := s.text
	a := &secAC
	d := a.delta
	cls := &a.class
	off := uint16(0)
	i := 0
	for ; i+4 <= len(t); i += 4 {
		b := t[i : i+4]
		v0 := d[uint(off&secStateMask)+uint(cls[b[0]])]
		v1 := d[uint(v0&secStateMask)+uint(cls[b[1]])]
		v2 := d[uint(v1&secStateMask)+uint(cls[b[2]])]
		v3 := d[uint(v2&secStateMask)+uint(cls[b[3]])]
		if (v0|v1|v2|v3)&secOutFlag != 0 {
			off = s.step(off, i, i+4)
			continue
		}
		off = v3
	}
	s.step(off, i, len(t))
}

// step runs the automaton from off over t[i:j], firing every trigger it
// reaches, and returns the state after t[j-1].
func (s *secScan) step(off uint16, i, j int) uint16 {
	t := s.text
	a := &secAC
	d := a.delta
	for ; i < j; i++ {
		v := d[uint(off&secStateMask)+uint(a.class[t[i]])]
		off = v & secStateMask
		if v&secOutFlag == 0 {
			continue
		}
		st := int(off) / a.nclass
		o := int(a.outOff[st])
		for k := o; k < o+int(a.outN[st]); k++ {
			tr := &secTriggers[a.out[k]]
			start := i + 1 - tr.short
			if tr.lb && start > 0 && secIsWord(t[start-1]) {
				continue
			}
			if tr.next != nil {
				if e := start + len(tr.lit); e >= len(t) || !tr.next.has(t[e]) {
					continue
				}
			}
			if tr.short < len(tr.lit) && (i+1 >= len(t) || secLower(t[i+1]) != tr.lit[tr.short]) {
				continue // the literal goes on past the automaton's depth, differently
			}
			s.fire(tr, i+1)
		}
	}
	return off
}

// fire handles one trigger occurrence whose first tr.short bytes end at
// p (exclusive).
func (s *secScan) fire(tr *secTrigger, p int) {
	start := p - tr.short
	end := start + len(tr.lit)
	if end > len(s.text) {
		return
	}
	if tr.short < len(tr.lit) && !secEqualFold(s.text[p:end], tr.lit[tr.short:]) {
		return
	}
	if tr.exact && s.text[start:end] != tr.orig {
		return
	}
	switch tr.kind {
	case trigToken:
		s.tokenRule(&secTokenRules[tr.rule], start, end)
	case trigKeyword:
		s.keyword(tr, start, end)
	case trigSpecial:
		s.special(secSpecialTriggers[tr.rule].fn, start, end)
	}
}

// add records a finding, resolving overlaps with the findings of this call.
func (s *secScan) add(rule string, prio uint8, start, end int, conf float64) {
	if start < 0 || end > len(s.text) || start >= end {
		return
	}
	for i := s.base; i < len(s.dst); i++ {
		f := &s.dst[i]
		if f.End <= start || end <= f.Start {
			continue
		}
		op := s.priority(i)
		if op > prio || (op == prio && f.End-f.Start >= end-start) {
			return // the existing finding wins
		}
		// The new finding wins: delete the old one (order is restored in finish).
		last := len(s.dst) - 1
		s.dst[i] = s.dst[last]
		if k, l := i-s.base, last-s.base; l < len(s.prio) {
			s.prio[k] = s.prio[l]
		} else if k < len(s.prio) {
			s.prio[k] = secPriority(s.dst[i].Rule)
		}
		s.dst = s.dst[:last]
		i--
	}
	if k := len(s.dst) - s.base; k < len(s.prio) {
		// By rule id, not prio: a rule that is both a token and a keyword
		// rule defends its findings at the keyword rules' priority.
		s.prio[k] = secPriority(rule)
	}
	s.dst = append(s.dst, Finding{Kind: KindSecret, Rule: rule, Start: start, End: end, Confidence: conf})
}

// priority is the priority of s.dst[i], from the scan's record for the
// first findings (a map lookup is slow in Wasm) and by rule id beyond.
func (s *secScan) priority(i int) uint8 {
	if k := i - s.base; k < len(s.prio) {
		return s.prio[k]
	}
	return secPriority(s.dst[i].Rule)
}

// finish sorts this call's findings by Start (insertion sort: they are few).
func (s *secScan) finish() {
	d := s.dst[s.base:]
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j].Start < d[j-1].Start; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// Rule priorities: which finding survives when two overlap.
const (
	prioGeneric uint8 = 1 // generic-api-key
	prioContext uint8 = 2 // keyword-anchored provider rules, curl, URLs
	prioToken   uint8 = 3 // distinctive provider prefixes, JWT, PEM
)

func secPriority(rule string) uint8 {
	if rule == ruleGeneric {
		return prioGeneric
	}
	if p, ok := secRulePrio[rule]; ok {
		return p
	}
	return prioToken
}

// ---- token (prefix) rules ----

func (s *secScan) tokenRule(r *secTokenRule, start, end int) {
	t := s.text
	if r.lb && start > 0 && secIsWord(t[start-1]) {
		return
	}
	budget := 4096
	e := secMatch(t, end, r.body, r.end, r.tail, &budget)
	if e < 0 {
		return
	}
	v := t[start:e]
	if r.ent > 0 && s.entropy(v) < r.ent {
		return
	}
	conf := r.conf
	if r.check != nil {
		c, ok := r.check(v)
		if !ok {
			return
		}
		if c > 0 {
			conf = c
		}
	}
	s.add(r.id, prioToken, start, e, conf)
}

// ---- keyword-anchored rules ----

func (s *secScan) keyword(tr *secTrigger, start, end int) {
	t := s.text
	if tr.caseMode == caseWordy && !secWordyCase(t[start:end]) {
		return
	}
	vs, comma := secAssignment(t, end)
	if vs < 0 {
		return
	}
	for _, ri := range tr.kwRules {
		r := &secKeywordRules[ri]
		budget := 4096
		e := secMatch(t, vs, r.body, endGL, nil, &budget)
		if e < 0 {
			continue
		}
		v := t[vs:e]
		if r.ent > 0 && s.entropy(v) < r.ent {
			continue
		}
		if s.placeholder(v) {
			continue
		}
		s.add(r.id, prioContext, vs, e, r.conf)
		return
	}
	// After a comma only a quoted value counts for generic-api-key:
	// getenv("api_token", "..."), not a list of identifiers.
	if tr.generic && (!comma || t[vs-1] == '"' || t[vs-1] == '\'' || t[vs-1] == '`') {
		s.deferGeneric(start, end, vs)
	}
}

// secAssignment parses what follows a keyword the way gitleaks' keyword
// rules do: up to 20 identifier characters (the rest of the name), up to 3
// quotes or blanks, an assignment operator (=, :, :=, ::=, =>, ?=, ||, >,
// or a comma between call arguments), then up to 5 quotes, blanks or '='.
// It returns the offset of the value, or -1, and whether the operator was
// a comma. Unlike gitleaks it does not cross line ends: a value belongs to
// the line of its name.
func secAssignment(t string, i int) (int, bool) {
	n := 0
	for i < len(t) && n <= 20 && secIsIdentSp(t[i]) {
		i++
		n++
	}
	if n > 20 {
		return -1, false
	}
	for k := 0; k < 3 && i < len(t) && (t[i] == ' ' || t[i] == '\t' || t[i] == '"' || t[i] == '\''); k++ {
		i++
	}
	if i >= len(t) {
		return -1, false
	}
	comma := false
	switch t[i] {
	case '=':
		i++
		if i < len(t) && t[i] == '>' {
			i++
		}
	case ':':
		c := 0
		for i < len(t) && t[i] == ':' && c < 3 {
			i++
			c++
		}
		if i < len(t) && t[i] == '=' {
			i++
		} else if c > 1 {
			return -1, false
		}
	case '>':
		if i > 0 && t[i-1] == '-' { // "->" is a member access, not an assignment
			return -1, false
		}
		i++
	case '?':
		if i+1 >= len(t) || t[i+1] != '=' {
			return -1, false
		}
		i += 2
	case '|':
		if i+1 >= len(t) || t[i+1] != '|' {
			return -1, false
		}
		i += 2
	case ',':
		comma = true
		i++
	default:
		return -1, false
	}
	for k := 0; k < 5 && i < len(t); k++ {
		c := t[i]
		if c != '`' && c != '\'' && c != '"' && c != ' ' && c != '\t' && c != '=' {
			break
		}
		i++
	}
	if i >= len(t) {
		return -1, false
	}
	return i, comma
}

// ---- matching primitives ----

// secSet is a set of bytes.
type secSet [4]uint64

func (c *secSet) has(b byte) bool { return c[b>>6]&(1<<(b&63)) != 0 }
func (c *secSet) add(b byte)      { c[b>>6] |= 1 << (b & 63) }

// secSeg is one element of a compiled pattern: between min and max bytes
// of set.
type secSeg struct {
	set      *secSet
	min, max int
}

// End conditions after a match.
type secEnd uint8

const (
	endMax   secEnd = iota // next byte is not in the last segment's set (maximal munch)
	endGL                  // gitleaks' terminator: end of text, a quote, ;, white space, or an escaped \n / \r
	endWord                // \b: next byte is not a word byte
	endAny                 // nothing required
	endProse               // endGL, or , . ! ? followed by white space or the end: a value ending a clause of prose
)

// secMatch matches segs at t[i:] with backtracking over segment lengths
// (bounded by *budget steps) and returns the end offset or -1. tail is the
// set checked by endMax.
func secMatch(t string, i int, segs []secSeg, end secEnd, tail *secSet, budget *int) int {
	if len(segs) == 0 {
		return i
	}
	sg := &segs[0]
	n := 0
	for n < sg.max && i+n < len(t) && sg.set.has(t[i+n]) {
		n++
	}
	for ; n >= sg.min; n-- {
		*budget--
		if *budget < 0 {
			return -1
		}
		j := i + n
		if len(segs) == 1 {
			if secEndOK(t, j, end, tail) {
				return j
			}
			continue
		}
		if r := secMatch(t, j, segs[1:], end, tail, budget); r >= 0 {
			return r
		}
	}
	return -1
}

func secEndOK(t string, j int, end secEnd, last *secSet) bool {
	if j >= len(t) {
		return true
	}
	c := t[j]
	switch end {
	case endMax:
		return last == nil || !last.has(c)
	case endGL:
		return secIsGLEnd(t, j)
	case endProse:
		return secIsGLEnd(t, j) || secIsClauseEnd(t, j)
	case endWord:
		return !secIsWord(c) || !secIsWord(t[j-1])
	}
	return true
}

// secIsClauseEnd reports whether t[j] is punctuation that ends a clause of
// prose (, . ! ?) followed by white space or the end of the text: in a
// prompt a secret is as often written "my password is X, ..." as in a
// config file.
func secIsClauseEnd(t string, j int) bool {
	switch t[j] {
	case ',', '.', '!', '?':
		if j+1 == len(t) {
			return true
		}
		switch t[j+1] {
		case ' ', '\t', '\n', '\r':
			return true
		}
	}
	return false
}

// secIsGLEnd reports whether a value may end before t[j]: gitleaks'
// (?:[\x60'"\s;]|\\[nr]|$).
func secIsGLEnd(t string, j int) bool {
	if j >= len(t) {
		return true
	}
	switch t[j] {
	case '`', '\'', '"', ' ', '\t', '\n', '\r', '\f', '\v', ';':
		return true
	case '\\':
		return j+1 < len(t) && (t[j+1] == 'n' || t[j+1] == 'r')
	}
	return false
}

// Byte classes, from one table: a lookup is much cheaper than a chain of
// comparisons in Wasm.
const (
	ctWord    = 1 << iota // \w
	ctAlnum               // [A-Za-z0-9]
	ctIdentSp             // [ \t\w.-]
	ctB64URL              // [A-Za-z0-9_-]
)

var secCT = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		alnum := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
		if alnum {
			t[c] |= ctAlnum
		}
		if alnum || b == '_' {
			t[c] |= ctWord | ctIdentSp | ctB64URL
		}
		if b == ' ' || b == '\t' || b == '.' || b == '-' {
			t[c] |= ctIdentSp
		}
		if b == '-' {
			t[c] |= ctB64URL
		}
	}
	return t
}()

func secIsWord(c byte) bool { return secCT[c]&ctWord != 0 }

func secIsAlnum(c byte) bool { return secCT[c]&ctAlnum != 0 }

func secIsDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// secIsIdentSp is gitleaks' [ \t\w.-].
func secIsIdentSp(c byte) bool { return secCT[c]&ctIdentSp != 0 }

func secLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// secWordyCase reports whether w is all lower case, all upper case, or
// capitalised: how a provider name appears in an identifier (Sumo, SUMO,
// sumo, but not sUmO inside an unrelated word).
func secWordyCase(w string) bool {
	lower, upper := true, true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			lower = false
		} else if c >= 'a' && c <= 'z' {
			upper = false
		}
	}
	if lower || upper {
		return true
	}
	if w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			return false
		}
	}
	return true
}

// entropy is the Shannon entropy (bits per byte) of v, computed after
// removing runs of five or more consecutive ascending characters
// ("abcdefg", "123456"): such runs are how people write placeholders, and
// they inflate entropy without carrying any.
//
// It uses the scan's scratch counts, which it leaves zeroed: zeroing 512
// bytes per call costs more in Wasm than the rest.
func (s *secScan) entropy(v string) float64 {
	if len(v) == 0 {
		return 0
	}
	// H = log2(n) - sum(c*log2(c))/n over the byte counts c, with c*log2(c)
	// from a table: Log2 is a slow software routine in Wasm.
	c := &s.counts
	c[v[0]]++
	run, long := 1, false
	for i := 1; i < len(v); i++ {
		b := v[i]
		c[b]++
		if b == v[i-1]+1 {
			run++
			long = long || run >= 5
		} else {
			run = 1
		}
	}
	n := len(v)
	if long {
		// Uncount ascending runs of five or more.
		for i := 0; i < len(v); {
			j := i + 1
			for j < len(v) && v[j] == v[j-1]+1 {
				j++
			}
			if j-i >= 5 {
				for k := i; k < j; k++ {
					c[v[k]]--
				}
				n -= j - i
			}
			i = j
		}
	}
	sum := 0.0
	for i := 0; i < len(v); i++ {
		if k := c[v[i]]; k != 0 {
			sum += secCLog2(int(k))
		}
		c[v[i]] = 0 // count each byte value once, and leave the scratch zeroed
	}
	if n == 0 {
		return 0
	}
	return secCLog2(n)/float64(n) - sum/float64(n)
}

// secCLog2Table holds c*log2(c) for small c.
var secCLog2Table = func() (t [512]float64) {
	for c := 1; c < len(t); c++ {
		t[c] = float64(c) * math.Log2(float64(c))
	}
	return t
}()

func secCLog2(c int) float64 {
	if c < len(secCLog2Table) {
		return secCLog2Table[c]
	}
	return float64(c) * math.Log2(float64(c))
}

// placeholder reports values that are templates or masks rather than
// secrets: ${VAR}, $VAR, {{ x }}, <your key>, %s, ****, xxxx, ....
func (s *secScan) placeholder(v string) bool {
	if len(v) == 0 {
		return true
	}
	switch v[0] {
	case '$', '<', '{', '%', '*':
		return true
	}
	// Mostly one repeated character (xxxxxxxx, 00000000, ********).
	c := &s.counts
	max := uint16(0)
	for i := 0; i < len(v); i++ {
		k := c[v[i]] + 1
		c[v[i]] = k
		if k > max {
			max = k
		}
	}
	for i := 0; i < len(v); i++ {
		c[v[i]] = 0
	}
	return int(max)*10 >= len(v)*7
}
