package proxy

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// authGuard is a stand-in authentication + path policy guard: "Bearer
// good" is alice, "Bearer limited" is rate limited, "Bearer fault"
// faults, no key is a 401; embeddings are forbidden; a message
// containing "forbidden" is denied (when a body is sent).
func authGuard() *fakeGuard {
	return &fakeGuard{name: "auth", phases: []abi.Phase{abi.PhaseRequest}, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		key := ""
		for _, h := range x.Headers {
			if h.Key == "authorization" {
				key = h.Value
			}
		}
		for _, m := range x.Messages {
			if strings.Contains(m.Text, "forbidden") {
				v.Decision, v.Status, v.Code = abi.Deny, 403, "kw.match"
				return nil
			}
		}
		switch {
		case key == "":
			v.Decision, v.Status, v.Code = abi.Deny, 401, "auth.missing"
			v.SetHeaders = append(v.SetHeaders, abi.KV{Key: "WWW-Authenticate", Value: `Bearer realm="ward"`})
		case key == "Bearer fault":
			return faultErr{}
		case key == "Bearer limited":
			v.Decision, v.Status, v.Code = abi.Deny, 429, "ratelimit.requests"
			v.SetHeaders = append(v.SetHeaders, abi.KV{Key: "Retry-After", Value: "7"})
		case key != "Bearer good":
			v.Decision, v.Status, v.Code = abi.Deny, 401, "auth.invalid"
		case x.API == abi.APIOpenAIEmbeddings:
			v.Decision, v.Status, v.Code = abi.Deny, 403, "rbac.api"
		default:
			v.Annotations = append(v.Annotations,
				abi.KV{Key: "identity.subject", Value: "alice"},
				abi.KV{Key: "identity.roles", Value: "analyst,admin"},
				abi.KV{Key: "identity.key_id", Value: "k1"},
				abi.KV{Key: "identity.bad", Value: "line\nbreak"},
				abi.KV{Key: "other", Value: "not identity"})
			v.SetHeaders = append(v.SetHeaders, abi.KV{Key: "X-Tenant", Value: "t1"}, abi.KV{Key: "X-Remove"},
				abi.KV{Key: "Content-Length", Value: "5"})
		}
		return nil
	}}
}

// start does not sort routes: the longer prefix comes first.
const authRoutes = `
[[routes]]
name = "auth-open"
prefix = "/_ward/auth-open"
mode = "auth_request"
unknown_paths = "refuse"
[[routes]]
name = "auth"
prefix = "/_ward/auth"
mode = "auth_request"
max_body = "1KiB"
`

func TestAuthRequest(t *testing.T) {
	e := start(t, authRoutes, map[string][]pipeline.Step{
		"auth":      {{Guard: authGuard()}},
		"auth-open": {{Guard: authGuard(), FailOpen: true}},
	}, mockllm.Options{})
	for _, c := range []struct {
		name, path, key, uri, method, body string
		status                             int
		wardStatus, code                   string
		hdrs                               map[string]string
	}{
		{name: "allowed", path: "/_ward/auth", key: "Bearer good", uri: "/v1/chat/completions", status: 200,
			hdrs: map[string]string{"X-Ward-Identity-Subject": "alice", "X-Ward-Identity-Roles": "analyst,admin", "X-Ward-Identity-Key-Id": "k1",
				"X-Ward-Identity-Bad": "", "X-Ward-Other": "", "X-Request-Id": "req-1",
				"X-Tenant": "t1", "Content-Length": "0"}},
		{name: "query and method", path: "/_ward/auth", key: "Bearer good", uri: "/v1/embeddings?x=1", method: "POST", status: 403, wardStatus: "403", code: "rbac.api"},
		{name: "no key", path: "/_ward/auth", uri: "/v1/chat/completions", status: 401, wardStatus: "401", code: "auth.missing",
			hdrs: map[string]string{"WWW-Authenticate": `Bearer realm="ward"`}},
		{name: "rate limited is 403 for nginx", path: "/_ward/auth", key: "Bearer limited", uri: "/v1/chat/completions", status: 403, wardStatus: "429",
			code: "ratelimit.requests", hdrs: map[string]string{"Retry-After": "7"}},
		{name: "fault, on_error deny", path: "/_ward/auth", key: "Bearer fault", uri: "/v1/chat/completions", status: 403, wardStatus: "503", code: "guard_trap"},
		{name: "fault, on_error allow", path: "/_ward/auth-open", key: "Bearer fault", uri: "/v1/chat/completions", status: 200},
		{name: "no original uri", path: "/_ward/auth", key: "Bearer good", status: 403, wardStatus: "400", code: "missing_original_uri"},
		{name: "unknown path refused", path: "/_ward/auth-open", key: "Bearer good", uri: "/admin", status: 403, wardStatus: "404", code: "unknown_path"},
		{name: "body read when sent", path: "/_ward/auth", key: "Bearer good", uri: "/v1/chat/completions", body: chat("this is forbidden"),
			status: 403, wardStatus: "403", code: "kw.match"},
		{name: "body too large", path: "/_ward/auth", key: "Bearer good", uri: "/v1/chat/completions", body: chat(strings.Repeat("a", 2000)),
			status: 403, wardStatus: "413", code: "request_too_large"},
		{name: "bad body", path: "/_ward/auth", key: "Bearer good", uri: "/v1/chat/completions", body: "{", status: 403, wardStatus: "400", code: "invalid_json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.base+c.path, strings.NewReader(c.body))
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if c.key != "" {
				req.Header.Set("Authorization", c.key)
			}
			if c.uri != "" {
				req.Header.Set("X-Original-URI", c.uri)
			}
			method := c.method
			if method == "" {
				method = "POST"
			}
			req.Header.Set("X-Original-Method", method)
			req.Header.Set("X-Request-Id", "req-1")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || len(b) != 0 {
				t.Fatalf("status %d body %q, want %d and no body", resp.StatusCode, b, c.status)
			}
			if got := resp.Header.Get("X-Ward-Status"); got != c.wardStatus {
				t.Errorf("X-Ward-Status %q, want %q", got, c.wardStatus)
			}
			if got := resp.Header.Get("X-Ward-Code"); got != c.code {
				t.Errorf("X-Ward-Code %q, want %q", got, c.code)
			}
			for k, want := range c.hdrs {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		})
	}
	if n := e.mock.Requests(); n != 0 {
		t.Errorf("the upstream saw %d requests", n)
	}
}
