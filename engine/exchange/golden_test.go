package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenRequest is what a request golden file holds.
type goldenRequest struct {
	API       abi.API       `json:"api"`
	Model     string        `json:"model,omitempty"`
	Stream    bool          `json:"stream,omitempty"`
	MaxTokens uint32        `json:"max_tokens,omitempty"`
	Messages  []abi.Message `json:"messages"`
	Tools     []abi.Tool    `json:"tools,omitempty"`
	Error     *Error        `json:"error,omitempty"`
}

type goldenResponse struct {
	API      abi.API      `json:"api"`
	Response abi.Response `json:"response"`
	Error    *Error       `json:"error,omitempty"`
}

// cases lists testdata/<dir>/<api>/*.json, skipping golden and sidecar
// files.
func cases(t *testing.T, dir string) (out []struct {
	api  abi.API
	path string
}) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".rw.json") {
			continue
		}
		api, ok := abi.ParseAPI(filepath.Base(filepath.Dir(f)))
		if !ok {
			t.Fatalf("%s: directory is not an API name", f)
		}
		out = append(out, struct {
			api  abi.API
			path string
		}{api, f})
	}
	if len(out) == 0 {
		t.Fatalf("no cases in testdata/%s", dir)
	}
	return out
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the result:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	return e
}

// TestParseRequestGolden parses every testdata/request/<api>/<name>.json
// and compares the abi view (or the error) with <name>.golden. Files named
// bad_* must fail, the others must parse, and every successful parse must
// pass the rewrite invariants.
func TestParseRequestGolden(t *testing.T) {
	for _, c := range cases(t, "request") {
		t.Run(c.api.String()+"/"+filepath.Base(c.path), func(t *testing.T) {
			body, err := os.ReadFile(c.path)
			if err != nil {
				t.Fatal(err)
			}
			var r Request
			perr := asError(t, r.Parse(c.api, body))
			bad := strings.HasPrefix(filepath.Base(c.path), "bad_")
			switch {
			case bad && perr == nil:
				t.Errorf("parsed without error, want an error")
			case !bad && perr != nil:
				t.Errorf("Parse: %v", perr)
			case perr != nil && perr.Status != 400:
				t.Errorf("status %d, want 400", perr.Status)
			}
			if perr != nil && len(r.X.Messages) != 0 {
				t.Errorf("failed Parse left %d messages", len(r.X.Messages))
			}
			g := goldenRequest{API: r.X.API, Model: r.X.Model, Stream: r.X.Stream, MaxTokens: r.X.MaxTokens,
				Messages: r.X.Messages, Tools: r.X.Tools, Error: perr}
			if perr != nil {
				g.Messages = nil
			}
			checkGolden(t, strings.TrimSuffix(c.path, ".json")+".golden", marshal(t, g))
			if perr == nil {
				checkRewriteInvariants(t, c.api, body, &r)
			}
		})
	}
}

// TestParseResponseGolden is TestParseRequestGolden for answers (status
// 200).
func TestParseResponseGolden(t *testing.T) {
	for _, c := range cases(t, "response") {
		t.Run(c.api.String()+"/"+filepath.Base(c.path), func(t *testing.T) {
			body, err := os.ReadFile(c.path)
			if err != nil {
				t.Fatal(err)
			}
			var rs Response
			perr := asError(t, rs.Parse(c.api, 200, body))
			bad := strings.HasPrefix(filepath.Base(c.path), "bad_")
			switch {
			case bad && perr == nil:
				t.Errorf("parsed without error, want an error")
			case !bad && perr != nil:
				t.Errorf("Parse: %v", perr)
			case perr != nil && perr.Status != 502:
				t.Errorf("status %d, want 502", perr.Status)
			}
			checkGolden(t, strings.TrimSuffix(c.path, ".json")+".golden", marshal(t, goldenResponse{API: c.api, Response: rs.R, Error: perr}))
			if perr == nil {
				checkResponseRewriteInvariants(t, c.api, body, &rs)
			}
		})
	}
}

// rewriteSpec is the sidecar <name>.rw.json of a rewrite case.
type rewriteSpec struct {
	Phase    string            `json:"phase"` // "request" (default) or "response"
	Rewrites map[string]string `json:"rewrites"`
	Error    string            `json:"error,omitempty"` // expected error code
}

// TestRewriteGolden applies testdata/rewrite/<api>/<name>.rw.json to
// <name>.json and compares the new body with <name>.golden byte for byte.
func TestRewriteGolden(t *testing.T) {
	for _, c := range cases(t, "rewrite") {
		t.Run(c.api.String()+"/"+filepath.Base(c.path), func(t *testing.T) {
			body, err := os.ReadFile(c.path)
			if err != nil {
				t.Fatal(err)
			}
			specData, err := os.ReadFile(strings.TrimSuffix(c.path, ".json") + ".rw.json")
			if err != nil {
				t.Fatal(err)
			}
			var spec rewriteSpec
			dec := json.NewDecoder(bytes.NewReader(specData))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&spec); err != nil {
				t.Fatal(err)
			}
			var msgs []abi.Message
			var rw func(dst, body []byte, dirty []bool) ([]byte, error)
			var reparse func([]byte) []abi.Message
			if spec.Phase == "response" {
				var rs Response
				if err := rs.Parse(c.api, 200, body); err != nil {
					t.Fatal(err)
				}
				msgs, rw = rs.R.Messages, rs.Rewrite
				reparse = func(b []byte) []abi.Message {
					var rs2 Response
					if err := rs2.Parse(c.api, 200, b); err != nil {
						t.Fatalf("re-parse: %v\n%s", err, b)
					}
					return rs2.R.Messages
				}
			} else {
				var r Request
				if err := r.Parse(c.api, body); err != nil {
					t.Fatal(err)
				}
				msgs, rw = r.X.Messages, r.Rewrite
				reparse = func(b []byte) []abi.Message {
					var r2 Request
					if err := r2.Parse(c.api, b); err != nil {
						t.Fatalf("re-parse: %v\n%s", err, b)
					}
					return r2.X.Messages
				}
			}
			dirty := make([]bool, len(msgs))
			want := make([]string, len(msgs))
			for i := range msgs {
				want[i] = msgs[i].Text
			}
			for k, v := range spec.Rewrites {
				var i int
				if err := json.Unmarshal([]byte(k), &i); err != nil || i < 0 || i >= len(msgs) {
					t.Fatalf("rewrite index %q out of range (have %d messages)", k, len(msgs))
				}
				dirty[i], msgs[i].Text, want[i] = true, v, v
			}
			prefix := []byte("prefix:")
			out, err := rw(append([]byte(nil), prefix...), body, dirty)
			if spec.Error != "" {
				e := asError(t, err)
				if e == nil || e.Code != spec.Error {
					t.Fatalf("error %v, want code %s", err, spec.Error)
				}
				if string(out) != string(prefix) {
					t.Errorf("failed rewrite changed dst: %q", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, prefix) {
				t.Fatalf("dst prefix lost")
			}
			out = out[len(prefix):]
			if !json.Valid(out) {
				t.Fatalf("output is not valid JSON:\n%s", out)
			}
			got := reparse(out)
			if len(got) != len(msgs) {
				t.Fatalf("re-parse gives %d messages, want %d", len(got), len(msgs))
			}
			for i := range got {
				if got[i].Text != want[i] && !(msgs[i].Kind == abi.KindToolCall && dirty[i] && sameJSON(got[i].Text, want[i])) {
					t.Errorf("message %d after rewrite: %q, want %q", i, got[i].Text, want[i])
				}
			}
			checkGolden(t, strings.TrimSuffix(c.path, ".json")+".golden", out)
		})
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil &&
		string(marshalAny(x)) == string(marshalAny(y))
}

func marshalAny(v any) []byte { b, _ := json.Marshal(v); return b }

// checkRewriteInvariants: no dirty message gives the body back; all dirty
// with unchanged texts gives valid JSON that parses to the same view.
func checkRewriteInvariants(t *testing.T, api abi.API, body []byte, r *Request) {
	t.Helper()
	if r.p.depth != 0 {
		t.Fatalf("depth %d after Parse", r.p.depth)
	}
	out, err := r.Rewrite(nil, body, nil)
	if err != nil || !bytes.Equal(out, body) {
		t.Fatalf("Rewrite with nothing dirty: err %v, body changed: %v", err, !bytes.Equal(out, body))
	}
	dirty := make([]bool, len(r.X.Messages))
	for i := range dirty {
		dirty[i] = true
	}
	out, err = r.Rewrite(nil, body, dirty)
	if err != nil {
		t.Fatalf("Rewrite all unchanged: %v", err)
	}
	if !json.Valid(out) {
		t.Fatalf("Rewrite all unchanged: invalid JSON\n%s", out)
	}
	var r2 Request
	if err := r2.Parse(api, out); err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	if !sameMessages(r.X.Messages, r2.X.Messages) {
		t.Fatalf("re-parse differs:\n%v\n%v", r.X.Messages, r2.X.Messages)
	}
}

func checkResponseRewriteInvariants(t *testing.T, api abi.API, body []byte, rs *Response) {
	t.Helper()
	if rs.p.depth != 0 {
		t.Fatalf("depth %d after Parse", rs.p.depth)
	}
	out, err := rs.Rewrite(nil, body, nil)
	if err != nil || !bytes.Equal(out, body) {
		t.Fatalf("Rewrite with nothing dirty: err %v, body changed", err)
	}
	dirty := make([]bool, len(rs.R.Messages))
	for i := range dirty {
		dirty[i] = true
	}
	out, err = rs.Rewrite(nil, body, dirty)
	if err != nil || !json.Valid(out) {
		t.Fatalf("Rewrite all unchanged: %v\n%s", err, out)
	}
	var rs2 Response
	if err := rs2.Parse(api, 200, out); err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	if !sameMessages(rs.R.Messages, rs2.R.Messages) {
		t.Fatalf("re-parse differs:\n%v\n%v", rs.R.Messages, rs2.R.Messages)
	}
}

func sameMessages(a, b []abi.Message) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
