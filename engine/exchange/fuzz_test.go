package exchange

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
)

// seedBodies adds every testdata body to f, for every API byte in apis.
func seedBodies(f *testing.F, add func(api byte, body []byte)) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		api, _ := abi.ParseAPI(filepath.Base(filepath.Dir(p)))
		add(byte(api), b)
	}
}

const numAPIs = 6

// checkParsed asserts the invariants of a successful parse of body.
func checkParsed(t *testing.T, p *parser, msgs []abi.Message, body []byte) {
	t.Helper()
	if !json.Valid(body) {
		t.Fatalf("accepted invalid JSON %q", body)
	}
	if len(p.segs) != len(msgs) || p.depth != 0 {
		t.Fatalf("%d segs for %d messages, depth %d", len(p.segs), len(msgs), p.depth)
	}
	for i, m := range msgs {
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Name) || !utf8.ValidString(m.Role) {
			t.Fatalf("message %d not valid UTF-8: %+v", i, m)
		}
		if s := p.segs[i]; s.start < 0 || s.end > len(body) || s.start >= s.end {
			t.Fatalf("message %d: bad span %+v", i, s)
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	seedBodies(f, func(api byte, b []byte) { f.Add(api, b) })
	f.Add(byte(abi.APIOpenAIChat), []byte(`{"messages":[{"role":"user","content":"\ud800\udc00\ud800"}]}`))
	f.Fuzz(func(t *testing.T, apiByte byte, body []byte) {
		api := abi.API(apiByte % numAPIs)
		orig := append([]byte(nil), body...)
		var r Request
		err := r.Parse(api, body)
		if !bytes.Equal(orig, body) {
			t.Fatal("Parse modified the body")
		}
		if err != nil {
			e := asError(t, err)
			if e.Status != 400 || e.Code == "" || e.Message == "" || len(r.X.Messages) != 0 {
				t.Fatalf("bad error %+v", e)
			}
			if e.Code == CodeInvalidJSON && json.Valid(body) {
				t.Fatalf("rejected valid JSON as invalid: %v", e)
			}
			return
		}
		if api == abi.APIUnknown {
			return
		}
		checkParsed(t, &r.p, r.X.Messages, body)
		out, err := r.Rewrite(nil, body, nil)
		if err != nil || !bytes.Equal(out, body) {
			t.Fatalf("no-op rewrite changed the body: %v", err)
		}
		dirty := make([]bool, len(r.X.Messages))
		for i := range dirty {
			dirty[i] = true
		}
		out, err = r.Rewrite(nil, body, dirty)
		if err != nil {
			t.Fatalf("identity rewrite: %v", err)
		}
		var r2 Request
		if err := r2.Parse(api, out); err != nil {
			t.Fatalf("re-parse of identity rewrite: %v\n%q\n%q", err, body, out)
		}
		if !sameMessages(r.X.Messages, r2.X.Messages) {
			t.Fatalf("identity rewrite changed messages:\n%v\n%v", r.X.Messages, r2.X.Messages)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	seedBodies(f, func(api byte, b []byte) { f.Add(api, uint16(200), b) })
	f.Add(byte(abi.APIOpenAIChat), uint16(500), []byte(`{"error":{}}`))
	f.Fuzz(func(t *testing.T, apiByte byte, status uint16, body []byte) {
		api := abi.API(apiByte % numAPIs)
		var rs Response
		err := rs.Parse(api, int(status), body)
		if err != nil {
			e := asError(t, err)
			if e.Status != 502 || e.Code != CodeBadUpstream || len(rs.R.Messages) != 0 || status < 200 || status > 299 {
				t.Fatalf("bad error %+v for status %d", e, status)
			}
			return
		}
		if rs.R.Status != status {
			t.Fatalf("status %d, want %d", rs.R.Status, status)
		}
		if len(rs.R.Messages) == 0 {
			return
		}
		checkParsed(t, &rs.p, rs.R.Messages, body)
		dirty := make([]bool, len(rs.R.Messages))
		for i := range dirty {
			dirty[i] = true
		}
		out, err := rs.Rewrite(nil, body, dirty)
		if err != nil {
			t.Fatal(err)
		}
		var rs2 Response
		if err := rs2.Parse(api, int(status), out); err != nil || !sameMessages(rs.R.Messages, rs2.R.Messages) {
			t.Fatalf("identity rewrite: %v", err)
		}
	})
}

// FuzzRewrite replaces one message's text with an arbitrary string and
// checks that the result is valid JSON which re-parses to the new text
// (repaired to valid UTF-8), all other messages unchanged; or, for a raw
// tool input that is not a JSON object, that Rewrite refuses.
func FuzzRewrite(f *testing.F) {
	seedBodies(f, func(api byte, b []byte) {
		f.Add(api, b, uint16(0), "new \"text\"\n\x00\xff 🎉")
		f.Add(api, b, uint16(1), `{"a":[1,{"b":null}]}`)
	})
	f.Fuzz(func(t *testing.T, apiByte byte, body []byte, idx uint16, text string) {
		api := abi.API(apiByte % numAPIs)
		var r Request
		if r.Parse(api, body) != nil || len(r.X.Messages) == 0 {
			return
		}
		i := int(idx) % len(r.X.Messages)
		old := make([]abi.Message, len(r.X.Messages))
		copy(old, r.X.Messages)
		r.X.Messages[i].Text = text
		dirty := make([]bool, i+1)
		dirty[i] = true
		out, err := r.Rewrite(nil, body, dirty)
		if r.p.segs[i].raw && checkObject(text, r.p.segs[i].depth) != nil {
			if e := asError(t, err); e == nil || e.Code != CodeBadRewrite {
				t.Fatalf("raw rewrite with %q: err %v", text, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("rewrite: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON:\n%q", out)
		}
		var r2 Request
		if err := r2.Parse(api, out); err != nil {
			t.Fatalf("re-parse: %v\n%q", err, out)
		}
		if len(r2.X.Messages) != len(old) {
			t.Fatalf("%d messages after rewrite, want %d", len(r2.X.Messages), len(old))
		}
		for j := range old {
			want := old[j]
			if j == i {
				want.Text = string([]rune(text))
			}
			if r2.X.Messages[j] != want {
				t.Fatalf("message %d: %+v, want %+v", j, r2.X.Messages[j], want)
			}
		}
		if s := r.p.segs[i]; !bytes.Equal(out[:s.start], body[:s.start]) || !bytes.Equal(out[len(out)-(len(body)-s.end):], body[s.end:]) {
			t.Fatal("bytes outside the rewritten text changed")
		}
	})
}
