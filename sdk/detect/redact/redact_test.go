package redact

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

func TestMerge(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []Span
		want []Span
	}{
		{"allow dropped, disjoint kept, sorted",
			[]Span{{"B", "B", 10, 12, Redact}, {"A", "A", 0, 3, Mask}, {"C", "C", 4, 6, Allow}},
			[]Span{{"A", "A", 0, 3, Mask}, {"B", "B", 10, 12, Redact}}},
		{"overlap: union extent, higher action wins",
			[]Span{{"PHONE", "PHONE", 0, 10, Redact}, {"AU_MEDICARE", "AU_MEDICARE", 2, 12, Tokenize}},
			[]Span{{"AU_MEDICARE", "AU_MEDICARE", 0, 12, Tokenize}}},
		{"overlap: same action, longer wins",
			[]Span{{"A", "a", 0, 4, Redact}, {"B", "b", 1, 9, Redact}, {"C", "c", 8, 10, Redact}},
			[]Span{{"B", "b", 0, 10, Redact}}},
		{"block beats everything",
			[]Span{{"A", "a", 0, 20, Tokenize}, {"S", "s", 5, 6, Block}},
			[]Span{{"S", "s", 0, 20, Block}}},
		{"touching spans do not merge",
			[]Span{{"A", "a", 0, 4, Redact}, {"B", "b", 4, 8, Mask}},
			[]Span{{"A", "a", 0, 4, Redact}, {"B", "b", 4, 8, Mask}}},
	} {
		if got := Merge(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestAppendMask(t *testing.T) {
	for _, c := range []struct {
		in   string
		keep int
		want string
	}{
		{"4111 1111 1111 1111", 4, "**** **** **** 1111"},
		{"536-22-1234", 4, "***-**-1234"},
		{"jane@example.com", 4, "****@******e.com"},
		{"10.0.0.1", 4, "**.*.0.1"},
		{"ab", 4, "*b"},
		{"x", 4, "*"},
		{"Zürich 8001", 2, "****** **01"},
		{"4111 1111 1111 1111", 0, "**** **** **** ****"},
		{"a\xffb c", 4, "*\x2a" + "b c"},
	} {
		if got := string(AppendMask(nil, c.in, c.keep)); got != c.want {
			t.Errorf("mask(%q, %d) = %q, want %q", c.in, c.keep, got, c.want)
		}
	}
}

func TestPlaceholderVariants(t *testing.T) {
	for _, c := range []struct {
		texts []string
		want  string
	}{
		{[]string{"plain text"}, "<EMAIL_1>"},
		{[]string{"<EMAIL_1_a> is not plain"}, "<EMAIL_1>"},
		{[]string{"<lower_1> <Mixed_1>"}, "<EMAIL_1>"},
		{[]string{"see <X_12>"}, "<EMAIL_1_a>"},
		{[]string{"<X_1>", "<Y_3_a> <Z_1_b> <Q_1_d>"}, "<EMAIL_1_c>"},
	} {
		var tk Tokens
		tk.Reset()
		for _, s := range c.texts {
			tk.Avoid(s)
		}
		if ph, ok := tk.Placeholder("EMAIL", "v"); !ok || ph != c.want {
			t.Errorf("%q: %q %v, want %q", c.texts, ph, ok, c.want)
		}
	}
	// Every tag taken: no placeholder at all.
	var tk Tokens
	var b strings.Builder
	b.WriteString("<A_1>")
	for k := 1; k <= maxTag; k++ {
		b.WriteString("<A_1_")
		b.Write(appendTag(nil, k))
		b.WriteString(">")
	}
	tk.Avoid(b.String())
	if ph, ok := tk.Placeholder("EMAIL", "v"); ok {
		t.Fatalf("got %q with every tag taken", ph)
	}
}

func TestTokensStableAndMany(t *testing.T) {
	var tk Tokens
	for round := 0; round < 2; round++ {
		tk.Reset()
		vals := make([]string, 40)
		for i := range vals {
			vals[i] = "v" + strings.Repeat("x", i)
		}
		var phs []string
		for _, v := range vals {
			ph, _ := tk.Placeholder("K", v)
			phs = append(phs, ph)
		}
		for i, v := range vals {
			if ph, _ := tk.Placeholder("K", v); ph != phs[i] {
				t.Fatalf("value %d: %q then %q", i, phs[i], ph)
			}
		}
		if ph, _ := tk.Placeholder("J", vals[0]); ph != "<J_1>" {
			t.Fatalf("another kind: %q", ph)
		}
		if phs[39] != "<K_40>" {
			t.Fatalf("40th: %q", phs[39])
		}
		text := strings.Join(phs, " ")
		got, ok := tk.Restore(nil, text)
		if !ok || string(got) != strings.Join(vals, " ") {
			t.Fatalf("restore %q", got)
		}
		var back Tokens
		back.Reset()
		if err := back.Unmarshal(tk.Marshal(nil)); err != nil || back.Len() != tk.Len() {
			t.Fatalf("unmarshal: %v, %d entries", err, back.Len())
		}
		if got2, _ := back.Restore(nil, text); string(got2) != string(got) {
			t.Fatalf("restore after unmarshal %q", got2)
		}
	}
}

func TestUnmarshalRejects(t *testing.T) {
	for _, b := range [][]byte{nil, {2}, {1, 5, '<', 'A'}, {1, 3, 'x', 'y', 'z', 0}, {1, 3, '<', 'A', '>', 9, 'v'}} {
		var tk Tokens
		if err := tk.Unmarshal(b); err == nil {
			t.Errorf("%q accepted", b)
		}
	}
}

func TestHoldBack(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{
		{"hello", 0}, {"hello <", 1}, {"hello <EMAIL_1", 8}, {"hello <EMAIL_1>", 0},
		{"a <EM AIL", 0}, {"<" + strings.Repeat("A", MaxPlaceholderLen), 0},
		{"x <" + strings.Repeat("A", MaxPlaceholderLen-2), MaxPlaceholderLen - 1},
	} {
		if got := HoldBack(c.s); got != c.want {
			t.Errorf("HoldBack(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

func TestSealer(t *testing.T) {
	s, err := NewSealer("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("\x01\x09<EMAIL_1>\x10jane@example.com")
	sealed := string(s.Seal(nil, "pii\x00r1", plain))
	if again := string(s.Seal(nil, "pii\x00r1", plain)); again != sealed {
		t.Fatal("seal is not deterministic")
	}
	if strings.Contains(sealed, "jane") || !strings.HasPrefix(sealed, "v1.") {
		t.Fatalf("sealed %q", sealed)
	}
	if got, err := s.Open(nil, "pii\x00r1", sealed); err != nil || string(got) != string(plain) {
		t.Fatalf("open %q, %v", got, err)
	}
	other, _ := NewSealer("0123456789abcdef0123456789abcdeX")
	flip := []byte(sealed)
	flip[10] ^= 1
	for name, try := range map[string]func() error{
		"other ad":  func() error { _, err := s.Open(nil, "pii\x00r2", sealed); return err },
		"other key": func() error { _, err := other.Open(nil, "pii\x00r1", sealed); return err },
		"tampered":  func() error { _, err := s.Open(nil, "pii\x00r1", string(flip)); return err },
		"truncated": func() error { _, err := s.Open(nil, "pii\x00r1", sealed[:20]); return err },
		"no prefix": func() error { _, err := s.Open(nil, "pii\x00r1", sealed[3:]); return err },
	} {
		if try() == nil {
			t.Errorf("%s opened", name)
		}
	}
	if _, err := NewSealer("short"); err == nil {
		t.Fatal("short key accepted")
	}
}

// TestRequestOrDone: done after a request phase that allows and leaves no
// tokens mapping in the exchange or the verdict; not done when it
// tokenized, when the exchange carries a mapping, or when it blocked.
func TestRequestOrDone(t *testing.T) {
	s, err := NewSealer("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	finder := func(a Action) Finder {
		return func(text string, dst []Span) []Span {
			if i := strings.Index(text, "secret"); i >= 0 {
				dst = append(dst, Span{Kind: "SECRET", Label: "SECRET", Start: i, End: i + 6, Action: a})
			}
			return dst
		}
	}
	for _, c := range []struct {
		name     string
		text     string
		action   Action
		carried  bool // the exchange already has a pii.tokens annotation
		wantDone bool
	}{
		{"clean", "hello", Redact, false, true},
		{"redacted", "a secret", Redact, false, true},
		{"tokenized", "a secret", Tokenize, false, false},
		{"mapping in the exchange", "hello", Redact, true, false},
		{"blocked", "a secret", Block, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &Redactor{Name: "pii", Common: Common{Sealer: s}}
			x := &ward.Exchange{RequestID: "req-1", Messages: []abi.Message{{Role: "user", Text: c.text}}}
			if c.carried {
				x.Annotations = []ward.KV{{Key: "pii.tokens", Value: "x"}}
			}
			var v ward.Verdict
			r.RequestOrDone(x, &v, finder(c.action))
			if got := v.Verdict.IsDone(); got != c.wantDone {
				t.Fatalf("done = %v, want %v (verdict %+v)", got, c.wantDone, v.Verdict)
			}
		})
	}
}
