package mockllm

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestTextHelpers(t *testing.T) {
	long := strings.Repeat("é", 100)
	if got := AnswerFor(long); got != AnswerPrefix+strings.Repeat("é", EchoRunes) {
		t.Errorf("AnswerFor did not keep %d runes: %q", EchoRunes, got)
	}
	for _, tc := range []struct {
		in    string
		words int
	}{
		{"", 0}, {"  ", 0}, {"one", 1}, {" one  two\tthree\n", 3}, {"日本 語", 2},
	} {
		if got := countWords(tc.in); got != tc.words {
			t.Errorf("countWords(%q) = %d, want %d", tc.in, got, tc.words)
		}
	}
	for _, tc := range []struct {
		in   string
		n    int
		want string
		cut  bool
	}{
		{"a b c", 2, "a b", true},
		{"a  b\n c", 2, "a  b", true},
		{"a b", 2, "a b", false},
		{"a b ", 2, "a b ", false},
		{"a", 5, "a", false},
	} {
		got, cut := cutWords(tc.in, tc.n)
		if got != tc.want || cut != tc.cut {
			t.Errorf("cutWords(%q, %d) = %q, %v; want %q, %v", tc.in, tc.n, got, cut, tc.want, tc.cut)
		}
	}
	for _, tc := range []struct {
		in   string
		n    int
		want []string
	}{
		{"", 4, nil},
		{"abcdefg", 3, []string{"abc", "def", "g"}},
		{"héllo", 2, []string{"hé", "ll", "o"}},
		{"ab", 4, []string{"ab"}},
	} {
		got := splitRunes(tc.in, tc.n)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("splitRunes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestContentText(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		want    string
		wantErr bool
	}{
		{``, "", false},
		{`null`, "", false},
		{`"hi"`, "hi", false},
		{`[{"type":"text","text":"a"},{"type":"image"},{"type":"input_text","text":"b"}]`, "a\nb", false},
		{`[]`, "", false},
		{`5`, "", true},
		{`{"text":"x"}`, "", true},
		{`[{"text":5}]`, "", true},
	} {
		got, err := contentText(json.RawMessage(tc.raw))
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("contentText(%s) = %q, %v", tc.raw, got, err)
		}
	}
}

func TestParseFault(t *testing.T) {
	for _, tc := range []struct {
		value, delay string
		want         fault
		wantErr      bool
	}{
		{"", "", fault{}, false},
		{"reset", "", fault{kind: faultReset}, false},
		{" Truncate ", "", fault{kind: faultTruncate}, false},
		{"stream-cut", "", fault{kind: faultStreamCut}, false},
		{"slow", "", fault{kind: faultSlow, delay: time.Second}, false},
		{"slow", "250ms", fault{kind: faultSlow, delay: 250 * time.Millisecond}, false},
		{"slow", "-1s", fault{}, true},
		{"slow", "10m", fault{}, true},
		{"status:503", "", fault{kind: faultStatus, status: 503}, false},
		{"STATUS:429", "", fault{kind: faultStatus, status: 429}, false},
		{"status:399", "", fault{}, true},
		{"status:", "", fault{}, true},
		{"boom", "", fault{}, true},
	} {
		got, err := parseFault([]byte(tc.value), []byte(tc.delay))
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("parseFault(%q, %q) = %+v, %v", tc.value, tc.delay, got, err)
		}
	}
}

func TestEmbedVectorDeterministic(t *testing.T) {
	a := embedVector("m", []byte(`"x"`), 20)
	b := embedVector("m", []byte(`"x"`), 20)
	c := embedVector("m", []byte(`"y"`), 20)
	if len(a) != 20 {
		t.Fatalf("len %d", len(a))
	}
	same, diff := true, false
	for i := range a {
		same = same && a[i] == b[i]
		diff = diff || a[i] != c[i]
	}
	if !same || !diff {
		t.Errorf("same input equal=%v, different input differs=%v", same, diff)
	}
}

// FuzzBuild feeds arbitrary bodies to every endpoint: the mock must never
// panic and must always answer valid JSON or well-formed SSE.
func FuzzBuild(f *testing.F) {
	for _, s := range []string{chatBody, chatPartsBody, complBody, embBody, respBody, anthBody,
		withStream(chatBody, `,"stream_options":{"include_usage":true}`), withStream(respBody, ""),
		`{"prompt":[[1],[2,3],"x"]}`, `{"input":[1,2,3]}`, `{}`, `null`, `[]`, `"`} {
		f.Add(s)
	}
	s := New(Options{ChunkSize: 3})
	f.Fuzz(func(t *testing.T, body string) {
		for ep := epChat; ep <= epMessages; ep++ {
			a := s.build(ep, []byte("POST"), []byte(body), reqInfo{})
			if a.events != nil {
				if _, err := parseSSE(joinEvents(a.events)); err != nil {
					t.Fatalf("endpoint %d: bad SSE: %v", ep, err)
				}
				continue
			}
			if !json.Valid(a.body) {
				t.Fatalf("endpoint %d: invalid JSON %q", ep, a.body)
			}
		}
	})
}

func joinEvents(evs [][]byte) []byte {
	var out []byte
	for _, e := range evs {
		out = append(out, e...)
	}
	return out
}
