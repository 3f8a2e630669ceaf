// Package guardtables holds the guard tables of the benchmarks' Ward
// configs: loadbench's targets and the in-process benchmarks that run the
// same pipelines (benchmarks/proxyalloc_test.go), and the chat request
// both send (ChatBody).
package guardtables

import (
	"fmt"
	"strconv"
	"strings"
)

// DenyPhrase is in the denylist guard's phrases. The benchmark body never
// contains it (allowed traffic); loadbench's preflight sends it once to
// prove the guard is active.
const DenyPhrase = "forbidden phrase"

// Tables are the built-in guards' tables, by guard name, as in the demo
// config except for the rate limits (the demo's 60 requests a minute would
// refuse a load run).
var Tables = map[string]string{
	"auth": `[guards.auth]
path = "builtin:auth"
grants = ["clock"]

[guards.auth.config]
headers = ["authorization", "x-api-key"]

[[guards.auth.config.api_keys]]
id = "demo-analyst"
sha256 = "97c7b71607ec8a8074483721fd8d17ac0b066c8191dd2b46949018aff2b528f2"
subject = "alice"
roles = ["analyst"]
`,
	"rbac": `[guards.rbac]
path = "builtin:rbac"

[[guards.rbac.config.roles]]
name = "analyst"
models = ["gpt-4o*", "claude-*"]
max_tokens = 4096
`,
	"ratelimit": `[guards.ratelimit]
path = "builtin:ratelimit"
grants = ["state"]

[guards.ratelimit.config]
on_backend_error = "allow"

[[guards.ratelimit.config.limits]]
name = "per-key"
by = "key"
requests = 1000000000
tokens = 1000000000000
window = "1m"

[guards.ratelimit.config.anomaly]
short = "1m"
baseline = "1h"
multiple = 10
min_requests = 30
`,
	"denylist": `[guards.denylist]
path = "builtin:denylist"

[guards.denylist.config]
phrases = ["` + DenyPhrase + `", "ignore previous instructions", "reveal your system prompt", "-----BEGIN PRIVATE KEY-----"]
`,
	"injection": `[guards.injection]
path = "builtin:injection"
`,
	"output": `[guards.output]
path = "builtin:output"

[guards.output.config]
canary_key = "ward-loadbench-canary-key-never-use-in-production"
min_run_words = 12
`,
	"secrets": `[guards.secrets]
path = "builtin:secrets"
`,
	"pii": `[guards.pii]
path = "builtin:pii"

[guards.pii.config]
tokenize_key = "ward-loadbench-tokenize-key-never-use-in-production"

[guards.pii.config.actions]
EMAIL = "tokenize"
CREDIT_CARD = "tokenize"
`,
}

// Join returns the tables of guards, in order, each followed by a blank
// line. It panics on a guard without a table (a benchmark's own mistake).
func Join(guards ...string) string {
	var b strings.Builder
	for _, g := range guards {
		t, ok := Tables[g]
		if !ok {
			panic("guardtables: no table for guard " + g)
		}
		b.WriteString(t)
		b.WriteString("\n")
	}
	return b.String()
}

// Fused is the table of the guard "fused" (benchmarks/guards/fused: the
// guards in one guest call per phase, a measuring device) loaded from the
// module at path, with each guard's config table of Tables as its
// sub-table. Only the core pipeline's guards are in that module.
func Fused(path string, guards ...string) string {
	var b strings.Builder
	b.WriteString("[guards.fused]\npath = " + strconv.Quote(path) + "\ngrants = [\"clock\"]\n\n")
	for _, g := range guards {
		t, ok := Tables[g]
		if !ok {
			panic("guardtables: no table for guard " + g)
		}
		head := "[guards." + g + ".config"
		i := strings.Index(t, head)
		if i < 0 { // no config: an empty table
			b.WriteString("[guards.fused.config." + g + "]\n\n")
			continue
		}
		if i > 0 && t[i-1] == '[' { // an array of tables comes first
			i--
		}
		b.WriteString(strings.ReplaceAll(t[i:], head, "[guards.fused.config."+g))
		b.WriteString("\n")
	}
	return b.String()
}

// Route is the one route of the benchmarks' configs: every path under
// /v1/ to upstream (host:port) through guards, with the identity headers
// auth reads.
func Route(upstream string, guards []string) string {
	quoted := make([]string, len(guards))
	for i, g := range guards {
		quoted[i] = strconv.Quote(g)
	}
	return fmt.Sprintf("[[routes]]\nname = \"openai\"\nprefix = \"/v1/\"\nupstream = %s\nguards = [%s]\nidentity_headers = [\"authorization\", \"x-api-key\"]\n",
		strconv.Quote("http://"+upstream), strings.Join(quoted, ", "))
}

// ChatHead and ChatTail frame the user text of the benchmarks' OpenAI chat
// completion request: a system prompt, then one user message.
const (
	ChatHead = `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant. Answer briefly and precisely."},{"role":"user","content":"`
	ChatTail = `"}],"temperature":0.2,"max_tokens":128,"stream":false}`
)

// ChatBody returns the benchmarks' chat request with user as the user's
// message, which must need no JSON escaping.
func ChatBody(user string) []byte { return []byte(ChatHead + user + ChatTail) }
