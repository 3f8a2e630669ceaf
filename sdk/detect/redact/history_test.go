package redact

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

// TestRequestHistory grows a conversation turn by turn, now and then
// editing an earlier message, with a Redactor that lives across the
// turns: every turn's verdict is what a new Redactor gives, and find is
// called on the last message and on the earlier ones it has not found
// clean before, never on a clean text it has seen.
func TestRequestHistory(t *testing.T) {
	s, err := NewSealer("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	find := func(text string, dst []Span) []Span {
		calls = append(calls, text)
		for i := 0; ; {
			j := strings.Index(text[i:], "secret")
			if j < 0 {
				return dst
			}
			dst = append(dst, Span{Kind: "SECRET", Label: "SECRET", Start: i + j, End: i + j + 6, Action: Tokenize})
			i += j + 6
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	r := &Redactor{Name: "secrets", Common: Common{Sealer: s}}
	x := &ward.Exchange{RequestID: "req-1"}
	cleanSeen := map[string]bool{}
	skipped := 0
	for turn := 0; turn < 60; turn++ {
		text := "turn " + strconv.Itoa(turn) + ": ordinary words about the harbour"
		if rng.IntN(4) == 0 {
			text += ", and a secret"
		}
		x.Messages = append(x.Messages, abi.Message{Turn: uint32(turn), Role: "user", Text: text})
		if turn > 2 && rng.IntN(4) == 0 {
			k := rng.IntN(len(x.Messages) - 1)
			x.Messages[k].Text += []string{" more", " secret"}[rng.IntN(2)]
		}
		want := map[string]bool{}
		last := len(x.Messages) - 1
		for i, m := range x.Messages {
			if i == last || !cleanSeen[m.Text] {
				want[m.Text] = true
			}
		}
		calls = calls[:0]
		var got, fresh ward.Verdict
		r.Request(x, &got, find)
		for _, c := range calls {
			if !want[c] {
				t.Fatalf("turn %d: find was called on %q, a clean text it had seen", turn, c)
			}
			if !strings.Contains(c, "secret") {
				cleanSeen[c] = true
			}
		}
		if len(calls) != len(want) {
			t.Fatalf("turn %d: find called %d times, want %d", turn, len(calls), len(want))
		}
		skipped += len(x.Messages) - len(calls)
		(&Redactor{Name: "secrets", Common: Common{Sealer: s}}).Request(x, &fresh, find)
		g, f := got.Verdict, fresh.Verdict
		if g.Decision != f.Decision || !reflect.DeepEqual(g.Rewrites, f.Rewrites) || len(g.Annotations) != len(f.Annotations) {
			t.Fatalf("turn %d: verdict %+v, a new Redactor gives %+v", turn, g, f)
		}
		for i := range g.Annotations {
			// The sealed mapping differs by its random nonce; the rest
			// is the same.
			if g.Annotations[i].Key != f.Annotations[i].Key || (g.Annotations[i].Key != "secrets.tokens" && g.Annotations[i].Value != f.Annotations[i].Value) {
				t.Fatalf("turn %d: annotation %+v, a new Redactor gives %+v", turn, g.Annotations[i], f.Annotations[i])
			}
		}
	}
	if skipped < 500 {
		t.Fatalf("only %d messages skipped over the conversation: the memo is not exercised", skipped)
	}
}
