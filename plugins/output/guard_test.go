package output

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/detect"
	ward "github.com/wardgate/ward/sdk/go"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/go/guesttest"
)

const testCanaryKey = "test-canary-key-0123456789abcdefghijklmnop"

func loadCases(t testing.TB) []guesttest.Case {
	return guesttest.LoadCases(t, "testdata/cases.json")
}

func configured(tb testing.TB, config string) *ward.Instance {
	tb.Helper()
	in, err := ward.NewInstance(New())
	if err != nil {
		tb.Fatal(err)
	}
	if err := in.Configure([]byte(config)); err != nil {
		tb.Fatalf("configure %s: %v", config, err)
	}
	return in
}

// refWords is the word splitter of words.go written plainly, rune by
// rune: the reference the fast one is checked against.
func refWords(s string) (out []string, spans [][2]int) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			i += size
			continue
		}
		start := i
		var b []byte
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || i > start && unicode.Is(unicode.Mn, r)) {
				break
			}
			b = utf8.AppendRune(b, unicode.ToLower(r))
			i += size
		}
		out = append(out, string(b))
		spans = append(spans, [2]int{start, i})
	}
	return out, spans
}

// refRuns is promptIndex written plainly: words from refWords, windows of
// k words compared as strings, windows found merged into runs as find
// does (a window that shares a word with the current run extends it).
func refRuns(prompts []string, answer string, k int) []span {
	set := map[string]bool{}
	for _, p := range prompts {
		ws, _ := refWords(p)
		for i := 0; i+k <= len(ws); i++ {
			set[strings.Join(ws[i:i+k], "\x00")] = true
		}
	}
	ws, spans := refWords(answer)
	var out []span
	runStart, runEnd, runFirst, runLast := -1, 0, 0, -1
	for i := 0; i+k <= len(ws); i++ {
		if !set[strings.Join(ws[i:i+k], "\x00")] {
			continue
		}
		if runStart >= 0 && i <= runLast {
			runEnd, runLast = spans[i+k-1][1], i+k-1
			continue
		}
		if runStart >= 0 {
			out = append(out, span{class: classPrompt, start: runStart, end: runEnd, words: runLast - runFirst + 1})
		}
		runStart, runEnd, runFirst, runLast = spans[i][0], spans[i+k-1][1], i, i+k-1
	}
	if runStart >= 0 {
		out = append(out, span{class: classPrompt, start: runStart, end: runEnd, words: runLast - runFirst + 1})
	}
	return out
}

// randomText is words of vocab joined by random separators, with random
// case; quotes are runs of words taken from quote.
func randomText(r *rand.Rand, vocab []string, n int) string {
	seps := []string{" ", "  ", ", ", ". ", "\n", " — ", "**", " (", ") ", "'", "’", "\t", "_", "-", " «", "» "}
	var b strings.Builder
	for range n {
		w := vocab[r.IntN(len(vocab))]
		switch r.IntN(6) {
		case 0:
			w = strings.ToUpper(w)
		case 1:
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
		b.WriteString(seps[r.IntN(len(seps))])
	}
	return b.String()
}

var testVocab = []string{"the", "a", "assistant", "never", "reveal", "instructions", "supercalifragilistic", "eightchr", "sixteenchars1234",
	"école", "straße", "naïve", "日本語", "ﬁne", "x", "42", "2024", "İstanbul", "ǅungla", "e\u0301tude", "über", "ok", "answer", "politely"}

// TestPromptReference checks add and find (the two word loops, the
// rolling hash, the set and the run merging) against refRuns on random
// texts: quotes of the prompt at every alignment, in other case and with
// other separators, among other words.
func TestPromptReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// One index per k, reused as an instance reuses its own: more than
	// 255 exchanges each, so the generations wrap.
	indexes := map[int]*promptIndex{}
	for iter := range 4000 {
		k := minRunWords + r.IntN(6)
		prompt := randomText(r, testVocab, 5+r.IntN(60))
		pw, spans := refWords(prompt)
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteString(randomText(r, testVocab, r.IntN(8)))
			if len(pw) > 0 {
				// A quote: words i..j of the prompt, re-separated.
				i := r.IntN(len(pw))
				j := min(len(pw), i+1+r.IntN(3*k))
				if r.IntN(2) == 0 {
					b.WriteString(prompt[spans[i][0]:spans[j-1][1]])
				} else {
					b.WriteString(strings.Join(pw[i:j], " "))
				}
				b.WriteString(" ")
			}
		}
		answer := b.String()
		p := indexes[k]
		if p == nil {
			p = newPromptIndex(k)
			indexes[k] = p
		}
		p.reset(len(prompt))
		p.add(prompt)
		got, _ := p.find(answer, true, nil)
		want := refRuns([]string{prompt}, answer, k)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("iteration %d, k=%d\nprompt %q\nanswer %q\ngot  %v\nwant %v", iter, k, prompt, answer, got, want)
		}
	}
}

// TestGolden runs every case through ward.Instance: the SDK's own dispatch
// and the binary codec, on the host.
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			in, err := ward.NewInstance(New())
			if err != nil {
				t.Fatal(err)
			}
			guesttest.RunCase(t, guesttest.Native(in), c)
		})
	}
}

func TestDescription(t *testing.T) {
	g := New()
	d := g.Description()
	if d.Name != "output" || d.ABI != abi.Version || !reflect.DeepEqual(d.Phases, []string{"request", "response", "response_chunk"}) {
		t.Fatalf("description %+v", d)
	}
	for _, k := range []string{"actions", "canary_key", "min_run_words", "pii_kinds", "pii_min_confidence", "deny_terms", "deny_patterns", "allow", "exempt_echoes", "mask_keep"} {
		if d.ConfigSchema[k] == "" {
			t.Errorf("config_schema lacks %q", k)
		}
	}
}

func TestCanary(t *testing.T) {
	c := newCanaryMaker(testCanaryKey)
	a := strings.Clone(c.canary("chat", "req-1"))
	if len(a) != canaryLen || !strings.ContainsRune(canaryDigits, rune(a[0])) {
		t.Fatalf("canary %q: want %d symbols starting with a digit", a, canaryLen)
	}
	for i := 0; i < len(a); i++ {
		if !strings.ContainsRune(canaryAlphabet, rune(a[i])) {
			t.Fatalf("canary %q: %q is not in the alphabet", a, a[i])
		}
	}
	// The same inputs give the same canary in another instance; any other
	// key, route or request id another one.
	if b := newCanaryMaker(testCanaryKey).canary("chat", "req-1"); b != a {
		t.Fatalf("not deterministic: %q vs %q", a, b)
	}
	seen := map[string]bool{a: true}
	for _, in := range [][3]string{{"x", "chat", "req-1"}, {"", "chat", "req-2"}, {"", "chat2", "req-1"}, {"", "chat\x00req", "1"}, {"", "", ""}} {
		o := newCanaryMaker(testCanaryKey+in[0]).canary(in[1], in[2])
		if seen[o] {
			t.Fatalf("canary %q repeats", o)
		}
		seen[strings.Clone(o)] = true
	}
	// Symbols are spread: over many request ids every symbol of the
	// alphabet appears at every position but the first.
	var count [canaryLen][256]int
	for i := range 2000 {
		s := c.canary("r", strconv.Itoa(i))
		for j := 0; j < len(s); j++ {
			count[j][s[j]]++
		}
	}
	for j := 1; j < canaryLen; j++ {
		for k := 0; k < len(canaryAlphabet); k++ {
			if n := count[j][canaryAlphabet[k]]; n < 20 {
				t.Fatalf("position %d: %q appears %d times in 2000", j, canaryAlphabet[k], n)
			}
		}
	}
	// The canary is not itself a secret or PII finding (it sits in the
	// system prompt the data-protection guards scan).
	text := "You are a bot.\n\n" + canaryOpen + a + canaryClose
	if f := detect.Secrets(text, nil); len(f) != 0 {
		t.Errorf("secrets detector flags the canary: %+v", f)
	}
	if f := detect.PII(text, nil, nil); len(f) != 0 {
		t.Errorf("PII detector flags the canary: %+v", f)
	}
}

// TestSipHash checks sipHash24 against the reference vectors of SipHash-2-4
// (key 00 01 ... 0f, message 00 01 ... of each length; vectors of the
// reference implementation, as github.com/dchest/siphash computes them).
func TestSipHash(t *testing.T) {
	k0, k1 := uint64(0x0706050403020100), uint64(0x0f0e0d0c0b0a0908)
	msg := make([]byte, 64)
	for i := range msg {
		msg[i] = byte(i)
	}
	for _, c := range []struct {
		n    int
		want uint64
	}{
		{0, 0x726fdb47dd0e0e31}, {1, 0x74f839c593dc67fd}, {2, 0x0d6c8009d9a94f5a}, {3, 0x85676696d7fb7e2d},
		{7, 0xab0200f58b01d137}, {8, 0x93f5f5799a932462}, {15, 0xa129ca6149be45e5}, {63, 0x958a324ceb064572},
	} {
		if got := sipHash24(k0, k1, msg[:c.n]); got != c.want {
			t.Errorf("SipHash-2-4 of %d bytes = %#016x, want %#016x", c.n, got, c.want)
		}
	}
}

// TestSipHash2: sipHash24x2 is sipHash24 under each of its two keys, for
// every length up to 64 under varied keys.
func TestSipHash2(t *testing.T) {
	msg := make([]byte, 64)
	for i := range msg {
		msg[i] = byte(i*37 + 11)
	}
	for n := 0; n <= len(msg); n++ {
		k := [4]uint64{0x0706050403020100 * uint64(n+1), 0x0f0e0d0c0b0a0908 ^ uint64(n), 0x1716151413121110 + uint64(n), 0x1f1e1d1c1b1a1918}
		a, b := sipHash24x2(&k, msg[:n])
		if wa, wb := sipHash24(k[0], k[1], msg[:n]), sipHash24(k[2], k[3], msg[:n]); a != wa || b != wb {
			t.Errorf("%d bytes: sipHash24x2 = %#x, %#x, want %#x, %#x", n, a, b, wa, wb)
		}
	}
}

// TestSipHashTail: sipHash24, whose last bytes (sipTail, which the guard
// uses) and final rounds are unrolled, equals SipHash-2-4 written with
// plain loops for every length up to 64 (each tail length 0-7 several
// times) under varied keys.
func TestSipHashTail(t *testing.T) {
	loops := func(k0, k1 uint64, p []byte) uint64 {
		v0, v1, v2, v3 := k0^0x736f6d6570736575, k1^0x646f72616e646f6d, k0^0x6c7967656e657261, k1^0x7465646279746573
		b := uint64(len(p)) << 56
		for ; len(p) >= 8; p = p[8:] {
			m := binary.LittleEndian.Uint64(p)
			v3 ^= m
			for range 2 {
				v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
			}
			v0 ^= m
		}
		for i := len(p) - 1; i >= 0; i-- {
			b |= uint64(p[i]) << (8 * uint(i))
		}
		v3 ^= b
		for range 2 {
			v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		}
		v0 ^= b
		v2 ^= 0xff
		for range 4 {
			v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		}
		return v0 ^ v1 ^ v2 ^ v3
	}
	msg := make([]byte, 64)
	for i := range msg {
		msg[i] = byte(i*37 + 11)
	}
	for _, k := range [][2]uint64{{0, 0}, {0x0706050403020100, 0x0f0e0d0c0b0a0908}, {^uint64(0), 0x9E3779B97F4A7C15}} {
		for n := range len(msg) + 1 {
			if got, want := sipHash24(k[0], k[1], msg[:n]), loops(k[0], k[1], msg[:n]); got != want {
				t.Fatalf("keys %#x, %d bytes: %#016x, want %#016x", k, n, got, want)
			}
		}
	}
}

// TestCanaryDerivation: the canary's 128 bits are SipHash-2-4 of
// "route\x00request id" under the two halves of
// HMAC-SHA256(canary_key, canaryDomain), for keys shorter and longer than
// a SHA-256 block and request ids of every length class, call after call
// on one maker; and appendedCanary reads back exactly the tokens it makes.
func TestCanaryDerivation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, keyLen := range []int{32, 64, 65, 200} {
		key := make([]byte, keyLen)
		for i := range key {
			key[i] = byte(rng.Uint32())
		}
		c := newCanaryMaker(string(key))
		m := hmac.New(sha256.New, key)
		m.Write([]byte(canaryDomain))
		sub := m.Sum(nil)
		le := binary.LittleEndian.Uint64
		for _, n := range []int{0, 1, 7, 8, 9, 32, 128} {
			rid := strings.Repeat("r", n)
			in := []byte("openai\x00" + rid)
			hi, lo := c.mac("openai", rid)
			if w0, w1 := sipHash24(le(sub[0:]), le(sub[8:]), in), sipHash24(le(sub[16:]), le(sub[24:]), in); hi != w0 || lo != w1 {
				t.Fatalf("key %d bytes, request id %d bytes: mac %x %x, want %x %x", keyLen, n, hi, lo, w0, w1)
			}
			tok := strings.Clone(c.canary("openai", rid))
			x := &ward.Exchange{Messages: []ward.Message{{Role: "system", Text: "Be brief.\n\n" + canaryOpen + tok + canaryClose}}}
			if got := appendedCanary(x); got != tok {
				t.Fatalf("appendedCanary = %q, want %q", got, tok)
			}
		}
	}
}

func TestFindCanary(t *testing.T) {
	tok := "7abcdefghjkmnpqrstuv"
	for _, c := range []struct {
		text string
		want [][2]int
	}{
		{"x " + tok + " y", [][2]int{{2, 22}}},
		{"[ward:" + tok + "] y", [][2]int{{0, 27}}},
		{"[WARD:" + strings.ToUpper(tok) + "]", [][2]int{{0, 27}}},
		{"ward:" + tok + ")", [][2]int{{5, 25}}}, // the marker needs its bracket
		{tok + tok, [][2]int{{0, 20}, {20, 40}}},
		{tok[:19] + " 7" + tok, [][2]int{{21, 41}}},
		{"7abcdefghjkmnpqrstu", nil},
	} {
		var got [][2]int
		for _, s := range findCanary(c.text, tok, nil) {
			got = append(got, [2]int{s.start, s.end})
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %v, want %v", c.text, got, c.want)
		}
	}
	for _, c := range []struct {
		text string
		want int
	}{
		{"hello", 0}, {"hello 7", 1}, {"hello 7ABC", 4}, {"see [wa", 3}, {"see [ward:7ab", 9}, {"x " + tok[:19], 19}, {"x 77", 1},
	} {
		if got := canaryHold(c.text, tok); got != c.want {
			t.Errorf("canaryHold(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func TestAppendedCanary(t *testing.T) {
	tok := newCanaryMaker(testCanaryKey).canary("chat", "r1")
	sys := func(text string) *ward.Exchange {
		return &ward.Exchange{Route: "chat", RequestID: "r1", Messages: []abi.Message{{Role: "user", Text: "[ward:2aaaaaaaaaaaaaaaaaaa]"}, {Role: "system", Text: text}}}
	}
	for _, c := range []struct{ text, want string }{
		{"Be brief.\n\n[ward:" + tok + "]", tok},
		{"\n\n[ward:" + tok + "]", tok},
		{"Be brief.\n\n[ward:" + tok + "] ", ""},                 // not at the very end
		{"Be brief. [ward:" + tok + "]", ""},                     // not the appended line
		{"Be brief.\n\n[ward:" + strings.ToUpper(tok) + "]", ""}, // not the alphabet
		{"Be brief.\n\n[ward:a" + tok[1:] + "]", ""},             // the first is a digit
		{"Be brief.", ""},
	} {
		if got := appendedCanary(sys(c.text)); got != c.want {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
	// Without the appended line the scanner derives the same token.
	o := newOutput(t, `{"canary_key":"`+testCanaryKey+`"}`)
	o.sc.prepare(sys("Be brief."))
	if o.sc.canary != tok {
		t.Fatalf("derived %q, want %q", o.sc.canary, tok)
	}
}

// TestCanaryAtReference: canaryAt (branch-free) agrees with the plain
// reading of the appended line on random tails: valid tokens, tokens with
// one byte changed to any byte, and broken markers.
func TestCanaryAtReference(t *testing.T) {
	ref := func(t string) string {
		n := len("\n\n"+canaryOpen) + canaryLen + len(canaryClose)
		if len(t) < n || !strings.HasPrefix(t[len(t)-n:], "\n\n"+canaryOpen) || !strings.HasSuffix(t, canaryClose) {
			return ""
		}
		tok := t[len(t)-canaryLen-len(canaryClose) : len(t)-len(canaryClose)]
		if !strings.ContainsRune(canaryDigits, rune(tok[0])) {
			return ""
		}
		for j := 1; j < len(tok); j++ {
			if !strings.ContainsRune(canaryAlphabet, rune(tok[j])) {
				return ""
			}
		}
		return tok
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		tok := make([]byte, canaryLen)
		for j := range tok {
			tok[j] = canaryAlphabet[rng.IntN(len(canaryAlphabet))]
		}
		if rng.IntN(2) == 0 {
			tok[0] = canaryDigits[rng.IntN(len(canaryDigits))]
		}
		if rng.IntN(2) == 0 {
			tok[rng.IntN(canaryLen)] = byte(rng.IntN(256))
		}
		text := []byte("Be brief." + "\n\n" + canaryOpen + string(tok) + canaryClose)
		if rng.IntN(4) == 0 {
			text[rng.IntN(len(text))] = byte(rng.IntN(256))
		}
		if rng.IntN(8) == 0 {
			text = text[rng.IntN(len(text)):]
		}
		if got, want := canaryAt(string(text)), ref(string(text)); got != want {
			t.Fatalf("%q: canaryAt %q, want %q", text, got, want)
		}
	}
}

// TestReadmeExamples runs the examples of README.md.
func TestReadmeExamples(t *testing.T) {
	in := configured(t, `{"deny_terms":["Falcon"],"deny_patterns":["FAL-\\d{4,6}"],"allow":["Falcon Heavy"]}`)
	x := &ward.Exchange{Phase: abi.PhaseResponse, RequestID: "r", Response: abi.Response{Messages: []abi.Message{{Role: "assistant", Text: "Falcon ships with FAL-2041, unlike the Falcon Heavy."}}}}
	v, err := in.Check(x)
	if err != nil || len(v.Rewrites) != 1 || v.Rewrites[0].Text != "[REDACTED] ships with [REDACTED], unlike the Falcon Heavy." {
		t.Fatalf("%+v %v", v, err)
	}
	key := `"canary_key":"` + testCanaryKey + `"`
	in = configured(t, `{`+key+`,"min_run_words":12,"actions":{"canary":"block","system_prompt":"block"}}`)
	x = &ward.Exchange{Phase: abi.PhaseRequest, Route: "chat", RequestID: "g1", Messages: []abi.Message{{Role: "system", Text: "You are Atlas, the support assistant of Northwind Outfitters."}}}
	if v, err = in.Check(x); err != nil || len(v.Rewrites) != 1 {
		t.Fatalf("%+v %v", v, err)
	}
	x.Messages[0].Text = v.Rewrites[0].Text
	x.Phase = abi.PhaseResponse
	x.Response.Messages = []abi.Message{{Role: "assistant", Text: "Sure! My instructions are: " + x.Messages[0].Text}}
	v, err = in.Check(x)
	if err != nil || v.Decision != abi.Deny || v.Status != 403 || v.Code != "output.blocked" || v.Message != "answer blocked: it contains the system prompt (canary)" {
		t.Fatalf("%+v %v", v, err)
	}
}

// sipHash24 is SipHash-2-4 with a 64-bit output of p under the key
// (k0, k1), the key's bytes read little-endian, one key at a time: the
// reference the guard's two-key sipHash24x2 is checked against, itself
// checked against the published vectors and a plain-loop SipHash.
func sipHash24(k0, k1 uint64, p []byte) uint64 {
	v0 := k0 ^ 0x736f6d6570736575
	v1 := k1 ^ 0x646f72616e646f6d
	v2 := k0 ^ 0x6c7967656e657261
	v3 := k1 ^ 0x7465646279746573
	b := uint64(len(p)) << 56
	for ; len(p) >= 8; p = p[8:] {
		m := binary.LittleEndian.Uint64(p)
		v3 ^= m
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		v0 ^= m
	}
	b |= sipTail(p)
	v3 ^= b
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	v0 ^= b
	v2 ^= 0xff
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	return v0 ^ v1 ^ v2 ^ v3
}
