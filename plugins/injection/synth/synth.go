// Package synth generates the injection detector's self-authored
// training corpus: attacks written from the attack taxonomy (instruction
// override, re-tasking, system-prompt extraction, fake turns and markup,
// tool hijacking, instructions hidden in documents and addressed to the
// model, refusal suppression, persona jailbreaks) and benign hard
// negatives written the same way (everyday requests, translation and
// summarisation tasks, security questions, fiction role-play, code and
// system-administration talk full of "ignore", "override" and
// "instructions", documents that only instruct their human reader), in
// twelve languages.
//
// Every text comes from templates and slot lists in this package, filled
// by a seeded PCG: the same seed gives the same corpus on every machine.
// None of it was taken from the evaluation files (see
// plugins/injection/README.md, "Synthetic corpus"): it is there so that
// the model learns the shape of an attack rather than the style of the
// few public sources.
package synth

import (
	"math/rand/v2"
	"strings"
)

// Example is one generated, labelled text.
type Example struct {
	Text   string
	Attack bool
}

// Source is one part of the corpus, generated as a whole. The parts are
// separate sources so that a model can be trained without one of them
// and scored on it (leave-one-source-out).
type Source struct {
	Name   string
	Attack bool // all of its examples are attacks (else all benign)
	n      int  // examples generated
	gen    func(g *gen) string
}

// Sources lists the corpus's parts in a fixed order.
var Sources = []Source{
	{"synthetic/attack_direct", true, 1400, (*gen).directAttack},
	{"synthetic/attack_indirect", true, 700, (*gen).indirectAttack},
	{"synthetic/benign_everyday", false, 1400, (*gen).everyday},
	{"synthetic/benign_hard", false, 1400, (*gen).hardNegative},
	{"synthetic/benign_documents", false, 700, (*gen).benignDocument},
	{"synthetic/attack_jailbreak", true, 700, (*gen).jailbreak},
	{"synthetic/attack_tricks", true, 700, (*gen).trickAttack},
	{"synthetic/benign_tricks", false, 700, (*gen).trickBenign},
}

// Lookup returns the source named name.
func Lookup(name string) (Source, bool) {
	for _, s := range Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// Seed is the corpus's seed.
const Seed = 20261126

// Generate returns the examples of s: distinct texts, in a fixed order.
func (s Source) Generate() []Example {
	g := &gen{rng: rand.New(rand.NewPCG(Seed, hashName(s.Name)))}
	seen := make(map[string]bool, s.n)
	out := make([]Example, 0, s.n)
	// Templates can repeat a combination; give up after enough tries so
	// that a small template set cannot loop forever.
	for tries := 0; len(out) < s.n && tries < 20*s.n; tries++ {
		t := g.style(s.gen(g))
		if seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, Example{Text: t, Attack: s.Attack})
	}
	return out
}

func hashName(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

type gen struct{ rng *rand.Rand }

// pick returns one of list.
func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// maybe returns s with probability p, else "".
func (g *gen) maybe(p float64, s string) string {
	if g.rng.Float64() < p {
		return s
	}
	return ""
}

// fill replaces every {name} in t by a pick from slots[name] (or from the
// shared English slots), recursively, so that a slot value can hold slots.
func (g *gen) fill(t string, slots map[string][]string) string {
	var b strings.Builder
	for depth := 0; depth < 4 && strings.IndexByte(t, '{') >= 0; depth++ {
		b.Reset()
		for {
			i := strings.IndexByte(t, '{')
			if i < 0 {
				b.WriteString(t)
				break
			}
			j := strings.IndexByte(t[i:], '}')
			if j < 0 {
				b.WriteString(t)
				break
			}
			name := t[i+1 : i+j]
			list, ok := slots[name]
			if !ok {
				list, ok = enSlots[name]
			}
			if !ok {
				// Not a slot (JSON or code in a template): keep the brace
				// and look for a slot after it.
				b.WriteString(t[:i+1])
				t = t[i+1:]
				continue
			}
			b.WriteString(t[:i])
			b.WriteString(g.pick(list))
			t = t[i+j+1:]
		}
		t = b.String()
	}
	return t
}

// style varies the surface of a text the same way for attacks and benign
// texts (case, a greeting or a closing, trailing punctuation), so that the
// model cannot tell the two apart by a template's habits.
func (g *gen) style(t string) string {
	switch r := g.rng.IntN(20); {
	case r == 0:
		t = strings.ToUpper(t)
	case r == 1:
		t = strings.ToLower(t)
	case r == 2:
		t = strings.TrimRight(t, ".!?。")
	}
	if g.rng.IntN(6) == 0 {
		t = g.pick(openers) + t
	}
	if g.rng.IntN(8) == 0 {
		t += g.pick(closers)
	}
	return t
}

var openers = []string{"Hi! ", "Hello, ", "Hey. ", "Quick question: ", "OK so ", "Please help. ", "Thanks in advance. ", "Good morning! ", "Hola. ", "Bonjour, ", "Hallo! ", "Ciao. ", "你好。", "こんにちは。", "Привет. ", "مرحبا. ", "नमस्ते। "}
var closers = []string{" Thanks!", " Thank you.", " Keep it short.", " :)", " Be quick please.", " Answer in one paragraph.", " Gracias.", " Merci !", " Danke.", " 谢谢。", " ありがとう。", " Спасибо.", " شكرا.", " धन्यवाद।"}

// lang is one language's templates and slots. Attack templates are
// written from the taxonomy; benign ones are ordinary use, including hard
// negatives that share an attack's words but not its intent.
type lang struct {
	attack []string // direct attacks
	inject []string // one sentence addressed to the model, to hide in a document
	benign []string // everyday requests
	hard   []string // benign texts with attack-like words
	docs   []string // sentences of ordinary documents (emails, pages, notes)
	slots  map[string][]string
}

func (g *gen) lang() *lang {
	// English weighs as much as all the other languages together: most
	// traffic and most evaluation data are English.
	if g.rng.IntN(2) == 0 {
		return &langs[0]
	}
	return &langs[1+g.rng.IntN(len(langs)-1)]
}

func (g *gen) directAttack() string {
	l := g.lang()
	a := g.fill(g.pick(l.attack), l.slots)
	switch g.rng.IntN(8) {
	case 0: // after an innocent request
		return g.fill(g.pick(l.benign), l.slots) + " " + a
	case 1: // a benign lead-in and a fake separator
		return g.fill(g.pick(l.benign), l.slots) + g.pick(separators) + a
	}
	return a
}

var separators = []string{"\n\n", "\n---\n", "\n\n===\n\n", " ... ", "\n\n\n\n", "\n***\n", " || ", "\n\"\"\"\n"}

// document returns a few sentences of an ordinary document in l, with
// slot at index at (or none when at < 0).
func (g *gen) document(l *lang, n, at int, slot string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i == at {
			b.WriteString(slot)
			b.WriteString(g.pick([]string{" ", "\n", "\n\n"}))
		}
		b.WriteString(g.fill(g.pick(l.docs), l.slots))
		b.WriteString(g.pick([]string{" ", " ", "\n", "\n\n"}))
	}
	if at >= n {
		b.WriteString(slot)
	}
	return strings.TrimSpace(b.String())
}

func (g *gen) indirectAttack() string {
	l := g.lang()
	n := 2 + g.rng.IntN(6)
	inj := g.fill(g.pick(l.inject), l.slots)
	switch g.rng.IntN(6) {
	case 0:
		inj = "<!-- " + inj + " -->"
	case 1:
		inj = "[" + inj + "]"
	}
	doc := g.document(l, n, g.rng.IntN(n+1), inj)
	return g.wrapDocument(l, doc)
}

func (g *gen) benignDocument() string {
	l := g.lang()
	n := 2 + g.rng.IntN(6)
	doc := g.document(l, n, -1, "")
	return g.wrapDocument(l, doc)
}

// wrapDocument frames a document as a user would paste it, or as a tool
// result arrives (bare, or with a header).
func (g *gen) wrapDocument(l *lang, doc string) string {
	switch g.rng.IntN(4) {
	case 0:
		return g.fill(g.pick(docAsks), l.slots) + "\n\n" + doc
	case 1:
		return g.fill(g.pick(docHeaders), l.slots) + doc
	}
	return doc
}

var docAsks = []string{
	"Summarise this email:", "Can you summarize the following page?", "Translate this into English:", "What is this message about?",
	"Please extract the action items:", "Here is the document:", "Proofread this for me:", "Give me the key points of this article.",
	"Resume este texto:", "Résume ce texte :", "Fasse diesen Text zusammen:", "请总结以下内容：", "次の文章を要約してください：", "Кратко перескажи текст:",
}

var docHeaders = []string{
	"Subject: {subject}\nFrom: {name} <{email}>\n\n", "Search result 1 of 5 - {site}\n", "Tool output (fetch_url):\n", "{\"page_content\": \"",
	"# {subject}\n\n", "Review by {name} (4 stars):\n", "From: {email}\nTo: team@{site}\n\n", "README.md\n\n", "Ticket #{num}: {subject}\n",
}

func (g *gen) everyday() string {
	l := g.lang()
	return g.fill(g.pick(l.benign), l.slots)
}

func (g *gen) hardNegative() string {
	l := g.lang()
	t := g.fill(g.pick(l.hard), l.slots)
	if g.rng.IntN(6) == 0 {
		t = g.fill(g.pick(l.benign), l.slots) + " " + t
	}
	return t
}
