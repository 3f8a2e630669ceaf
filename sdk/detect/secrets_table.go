package detect

import "slices"

// This file compiles the secret rule tables (secrets_rules.go) once, at
// package initialisation, into the structures the scan reads: byte sets
// for each pattern element and one Aho-Corasick automaton over every
// trigger literal. Nothing here runs per scan.

// secTokenRule is a rule anchored on a distinctive literal prefix.
type secTokenRule struct {
	id    string
	pre   []string // prefixes, matched case-sensitively unless pfold
	pfold bool     // the prefix is case-insensitive
	fold  bool     // the body is case-insensitive
	pat   string   // the body after the prefix, in the pattern syntax of secPattern
	lb    bool     // require a word boundary before the prefix
	end   secEnd
	ent   float64 // minimum entropy of the whole token (0: none)
	conf  float64
	// check validates the whole token; it returns a confidence that
	// replaces conf when > 0, and false to reject the token.
	check func(v string) (float64, bool)

	body []secSeg
	tail *secSet // bytes that may not follow a match when end is endMax
}

// secKeywordRule is a rule anchored on a keyword followed by an assignment
// (gitleaks' keyword-anchored rules): `<keyword...> = <value>`.
type secKeywordRule struct {
	id   string
	kws  []string // keywords, case-insensitive
	cs   bool     // keyword must be all lower, all upper or capitalised
	pat  string   // the value
	fold bool
	ent  float64
	conf float64

	body []secSeg
}

type secTriggerKind uint8

const (
	trigToken secTriggerKind = iota
	trigKeyword
	trigSpecial
)

const (
	caseAny uint8 = iota
	caseWordy
)

// secTrigger is one literal of the automaton and what to do when it occurs.
type secTrigger struct {
	lit   string // lower case (the automaton folds case)
	short int    // length of lit in the automaton (lit, extended by ext bytes, is truncated to its depth)
	ext   int    // 1 if the automaton also matches the byte after lit (see secExtension)
	// Cheap conditions checked before fire, so that the scan rejects the
	// common non-matches (a plural at a sentence end for "s.") without
	// calls: lb requires a non-word byte before the literal, next (if not
	// nil) the set the byte after it must be in.
	lb       bool
	next     *secSet
	orig     string // exact spelling, checked when exact
	exact    bool
	kind     secTriggerKind
	rule     int // token rule or special index
	caseMode uint8
	kwRules  []int // keyword rules anchored on lit
	generic  bool  // lit is a generic-api-key keyword
}

var (
	secTriggers []secTrigger
	secAC       secAutomaton
	secRulePrio = map[string]uint8{}
)

func init() {
	for i := range secTokenRules {
		r := &secTokenRules[i]
		r.body = secPattern(r.pat, r.fold)
		r.tail = secTail(r.body)
		for _, p := range r.pre {
			tr := secTrigger{lit: secLowerString(p), orig: p, exact: !r.pfold, kind: trigToken, rule: i, lb: r.lb}
			if len(r.body) > 0 && r.body[0].min > 0 {
				tr.next = r.body[0].set
			}
			secTriggers = append(secTriggers, tr)
		}
	}
	// Keyword triggers: one per distinct (keyword, case mode).
	kwIndex := map[string]int{}
	kwTrig := func(kw string, cs bool) *secTrigger {
		key := kw
		mode := caseAny
		if cs {
			key += "\x00cs"
			mode = caseWordy
		}
		if i, ok := kwIndex[key]; ok {
			return &secTriggers[i]
		}
		secTriggers = append(secTriggers, secTrigger{lit: kw, kind: trigKeyword, caseMode: mode})
		kwIndex[key] = len(secTriggers) - 1
		return &secTriggers[len(secTriggers)-1]
	}
	for i := range secKeywordRules {
		r := &secKeywordRules[i]
		r.body = secPattern(r.pat, r.fold)
		secRulePrio[r.id] = prioContext
		for _, kw := range r.kws {
			tr := kwTrig(secLowerString(kw), r.cs)
			tr.kwRules = append(tr.kwRules, i)
		}
	}
	for _, kw := range secGenericKeywords {
		kwTrig(kw.lit, kw.cs).generic = true
	}
	for i, sp := range secSpecialTriggers {
		secTriggers = append(secTriggers, secTrigger{lit: secLowerString(sp.lit), orig: sp.lit, exact: sp.exact, kind: trigSpecial, rule: i, lb: sp.lb})
		if sp.prio != 0 {
			for _, id := range sp.ids {
				secRulePrio[id] = sp.prio
			}
		}
	}
	var lits []string
	var owners []uint16
	var exts []bool
	for i := range secTriggers {
		tr := &secTriggers[i]
		if ext := secExtension(tr); ext != nil {
			for _, b := range ext {
				lits = append(lits, tr.lit+string(b))
				owners = append(owners, uint16(i))
				exts = append(exts, true)
			}
			tr.ext = 1
			continue
		}
		lits = append(lits, tr.lit)
		owners = append(owners, uint16(i))
		exts = append(exts, false)
	}
	secAC = buildSecAutomaton(lits, owners, exts)
	for i := range secTriggers {
		tr := &secTriggers[i]
		tr.short = min(len(tr.lit)+tr.ext, secAC.depth)
	}
}

// secExtension returns, for a two-byte token prefix, the bytes (lower
// case) that may follow it, so that the automaton carries the prefix
// followed by each of them: "s." of a Vault token is otherwise reached at
// every plural ending a sentence. It returns nil for other triggers.
func secExtension(tr *secTrigger) []byte {
	if tr.kind != trigToken || len(tr.lit) > 2 || tr.next == nil {
		return nil
	}
	var ext []byte
	seen := secSet{}
	for b := 0; b < 128; b++ {
		if !tr.next.has(byte(b)) {
			continue
		}
		l := secLower(byte(b))
		if !seen.has(l) {
			seen.add(l)
			ext = append(ext, l)
		}
	}
	if len(ext) > 40 {
		return nil
	}
	return ext
}

func secLowerString(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = secLower(b[i])
	}
	return string(b)
}

// secPattern compiles the small pattern language of the rule tables: a
// sequence of elements, each a literal byte, an escaped byte (\. \- \\),
// \d (digit), \w (word byte), or a class [a-z0-9_\-], each optionally
// followed by {n}, {m,n}, {m,}, +, * or ?. There is no alternation: a rule
// with alternatives is several rules. fold makes letters match both cases.
// It panics on a malformed pattern (the tables are constants).
func secPattern(p string, fold bool) []secSeg {
	var segs []secSeg
	for i := 0; i < len(p); {
		set := new(secSet)
		switch c := p[i]; c {
		case '[':
			i++
			for i < len(p) && p[i] != ']' {
				lo := p[i]
				if lo == '\\' {
					i++
					lo = p[i]
					if lo == 'd' || lo == 'w' {
						secAddClass(set, lo)
						i++
						continue
					}
				}
				hi := lo
				if i+2 < len(p) && p[i+1] == '-' && p[i+2] != ']' {
					hi = p[i+2]
					i += 2
				}
				for b := int(lo); b <= int(hi); b++ {
					set.add(byte(b))
				}
				i++
			}
			if i >= len(p) {
				panic("detect: unterminated class in " + p)
			}
			i++
		case '\\':
			i++
			if p[i] == 'd' || p[i] == 'w' {
				secAddClass(set, p[i])
			} else {
				set.add(p[i])
			}
			i++
		default:
			set.add(c)
			i++
		}
		if fold {
			for b := 'a'; b <= 'z'; b++ {
				if set.has(byte(b)) || set.has(byte(b-'a'+'A')) {
					set.add(byte(b))
					set.add(byte(b - 'a' + 'A'))
				}
			}
		}
		min, max := 1, 1
		if i < len(p) {
			switch p[i] {
			case '+':
				min, max = 1, 1<<30
				i++
			case '*':
				min, max = 0, 1<<30
				i++
			case '?':
				min, max = 0, 1
				i++
			case '{':
				j := i + 1
				min = 0
				for p[j] >= '0' && p[j] <= '9' {
					min = min*10 + int(p[j]-'0')
					j++
				}
				max = min
				if p[j] == ',' {
					j++
					if p[j] == '}' {
						max = 1 << 30
					} else {
						max = 0
						for p[j] >= '0' && p[j] <= '9' {
							max = max*10 + int(p[j]-'0')
							j++
						}
					}
				}
				if p[j] != '}' {
					panic("detect: bad quantifier in " + p)
				}
				i = j + 1
			}
		}
		segs = append(segs, secSeg{set: set, min: min, max: max})
	}
	return segs
}

// secTail is the union of the sets of the trailing segments of a pattern,
// back to and including the last one that must match at least one byte:
// what may not follow a maximal match.
func secTail(segs []secSeg) *secSet {
	t := new(secSet)
	for i := len(segs) - 1; i >= 0; i-- {
		for k := range t {
			t[k] |= segs[i].set[k]
		}
		if segs[i].min > 0 {
			break
		}
	}
	return t
}

func secAddClass(set *secSet, c byte) {
	for b := 0; b < 256; b++ {
		if c == 'd' && secIsDigitByte(byte(b)) || c == 'w' && secIsWord(byte(b)) {
			set.add(byte(b))
		}
	}
}

// secAutomaton is a dense Aho-Corasick DFA over case-folded bytes, with
// bytes that occur in no literal mapped to class 0. It is built over the
// literals truncated to their first depth bytes, which keeps the table
// small enough for 16-bit transitions and for the cache (the scan spends
// nearly all its time in shallow states); fire checks the rest of a
// literal. A transition is next*nclass, or'ed with secOutFlag when the next
// state ends a (truncated) literal, so the scan can test several steps
// with one branch.
type secAutomaton struct {
	class    [256]uint8
	nclass   int
	extClass uint8 // the class of bytes that only extensions use (0: none)
	depth    int
	delta    *[secDeltaCap + 256]uint16
	outOff   []uint16 // per state: offset in out
	outN     []uint16 // per state: number of literals ending here
	out      []uint16 // literal (trigger) indexes
}

const (
	// secOutFlag marks, in a transition, a next state where literals end.
	secOutFlag = 1 << 15
	// secStateMask extracts state*nclass from a transition.
	secStateMask = secOutFlag - 1
	// secDeltaCap bounds states*nclass. The array has 256 spare entries
	// so that (t & secStateMask) + class is always in range.
	secDeltaCap = 1 << 15
	// secMaxDepth is the longest literal prefix in the automaton.
	secMaxDepth = 5
)

// buildSecAutomaton builds the automaton at the greatest depth up to
// secMaxDepth whose table fits. Literal i reports owners[i]; ext[i] marks
// a literal extended by the byte after its trigger (secExtension).
func buildSecAutomaton(lits []string, owners []uint16, ext []bool) secAutomaton {
	for d := secMaxDepth; d >= 2; d-- {
		if a, ok := buildSecAutomatonDepth(lits, owners, ext, d); ok {
			return a
		}
	}
	panic("detect: secret automaton too large")
}

func buildSecAutomatonDepth(lits []string, owners []uint16, ext []bool, depth int) (secAutomaton, bool) {
	var a secAutomaton
	a.depth = depth
	a.nclass = 1
	cut := func(l string) string {
		if len(l) > depth {
			return l[:depth]
		}
		return l
	}
	// The last byte of an extended literal gets no class of its own: the
	// bytes that only extensions use share one class, extClass (an
	// over-approximation that step's check of the next byte resolves).
	for li, l := range lits {
		n := len(cut(l))
		if ext[li] && n == len(l) {
			n--
		}
		for i := 0; i < n; i++ {
			c := l[i]
			if a.class[c] == 0 {
				a.class[c] = uint8(a.nclass)
				if c >= 'a' && c <= 'z' {
					a.class[c-'a'+'A'] = uint8(a.nclass)
				}
				a.nclass++
			}
		}
	}
	for li, l := range lits {
		if c := l[len(l)-1]; ext[li] && len(cut(l)) == len(l) && a.class[c] == 0 {
			if a.extClass == 0 {
				a.extClass = uint8(a.nclass)
				a.nclass++
			}
			a.class[c] = a.extClass
			if c >= 'a' && c <= 'z' {
				a.class[c-'a'+'A'] = a.extClass
			}
		}
	}
	nc := a.nclass
	// Trie.
	trie := [][]int32{make([]int32, nc)}
	outs := [][]uint16{nil}
	for li, l := range lits {
		l = cut(l)
		st := 0
		for i := 0; i < len(l); i++ {
			c := a.class[l[i]]
			nx := trie[st][c]
			if nx == 0 {
				trie = append(trie, make([]int32, nc))
				outs = append(outs, nil)
				nx = int32(len(trie) - 1)
				trie[st][c] = nx
			}
			st = int(nx)
		}
		if !slices.Contains(outs[st], owners[li]) { // extensions may share a class
			outs[st] = append(outs[st], owners[li])
		}
	}
	// Breadth-first failure links, turning the trie into a DFA.
	fail := make([]int32, len(trie))
	queue := make([]int32, 0, len(trie))
	for c := 0; c < nc; c++ {
		if nx := trie[0][c]; nx != 0 {
			queue = append(queue, nx)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		st := queue[qi]
		outs[st] = append(outs[st], outs[fail[st]]...)
		for c := 0; c < nc; c++ {
			nx := trie[st][c]
			if nx != 0 { // a child (the root is no one's child)
				fail[nx] = trie[fail[st]][c]
				queue = append(queue, nx)
			} else {
				trie[st][c] = trie[fail[st]][c]
			}
		}
	}
	if len(trie)*nc > secDeltaCap {
		return a, false
	}
	a.delta = new([secDeltaCap + 256]uint16)
	a.outOff = make([]uint16, len(trie))
	a.outN = make([]uint16, len(trie))
	for st := range trie {
		for c := 0; c < nc; c++ {
			nx := trie[st][c]
			v := uint16(int(nx) * nc)
			if len(outs[nx]) > 0 {
				v |= secOutFlag
			}
			a.delta[st*nc+c] = v
		}
		if len(a.out) > 0xFFFF {
			panic("detect: secret automaton has too many outputs")
		}
		a.outOff[st] = uint16(len(a.out))
		a.outN[st] = uint16(len(outs[st]))
		a.out = append(a.out, outs[st]...)
	}
	return a, true
}
