package rbac

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

func loadCases(t testing.TB) []guesttest.Case {
	return guesttest.LoadCases(t, "testdata/cases.json")
}

var normVerdict = guesttest.NormalizeVerdict

// setNow fixes the guard's clock for the test.
func setNow(t testing.TB, rfc3339 string) {
	t.Helper()
	if rfc3339 == "" {
		return
	}
	tm, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	old := now
	now = func() time.Time { return tm }
	t.Cleanup(func() { now = old })
}

// TestGolden runs every case through ward.Instance: the SDK's own dispatch
// and the binary codec, on the host.
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			setNow(t, c.Now)
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
	if d.Name != "rbac" || d.ABI != abi.Version || !reflect.DeepEqual(d.Phases, []string{"request"}) {
		t.Fatalf("description %+v", d)
	}
	for _, k := range []string{"default", "roles"} {
		if d.ConfigSchema[k] == "" {
			t.Errorf("config_schema lacks %q", k)
		}
	}
}

// testConfig has one role per aspect, so that each test names the role it
// exercises.
const testConfig = `{"roles":[
	{"name":"routes","routes":["llm","batch"]},
	{"name":"models","models":["gpt-4o*","claude-*-haiku*"]},
	{"name":"apis","apis":["openai.chat","anthropic.messages"]},
	{"name":"tokens","max_tokens":2048},
	{"name":"tokens_req","max_tokens":100,"require_max_tokens":true},
	{"name":"tools","tools":["search","get_*"]},
	{"name":"notools","tools":[]},
	{"name":"ips","source_ips":["10.0.0.0/8","127.0.0.1/32","::1/128","2001:db8::/32"]},
	{"name":"office","hours":"08:00-18:00","weekdays":["mon","tue","wed","thu","fri"]},
	{"name":"night","hours":"22:00-06:00"},
	{"name":"any"}
]}`

// request is a baseline exchange every role allows.
func request(roles string, mod func(x *ward.Exchange)) *ward.Exchange {
	x := &ward.Exchange{Phase: ward.PhaseRequest, API: ward.APIOpenAIChat, Route: "llm",
		Path: "/v1/chat/completions", Model: "gpt-4o-mini",
		Annotations: []ward.KV{{Key: "client.ip", Value: "10.1.2.3"},
			{Key: "identity.subject", Value: "alice"}, {Key: "identity.roles", Value: roles},
			{Key: "identity.method", Value: "api_key"}, {Key: "identity.key_id", Value: "k1"}},
		Messages: []ward.Message{{Role: "user", Text: "hello"}}}
	if mod != nil {
		mod(x)
	}
	return x
}

func newConfigured(t testing.TB, config string) *ward.Instance {
	t.Helper()
	in, err := ward.NewInstance(New())
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Configure([]byte(config)); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return in
}

func TestRequest(t *testing.T) {
	setNow(t, "2026-11-25T10:30:00Z") // a Wednesday
	in := newConfigured(t, testConfig)
	tool := func(names ...string) func(x *ward.Exchange) {
		return func(x *ward.Exchange) {
			for _, n := range names {
				x.Tools = append(x.Tools, ward.Tool{Name: n})
			}
		}
	}
	call := func(name string) func(x *ward.Exchange) {
		return func(x *ward.Exchange) {
			x.Messages = append(x.Messages, ward.Message{Turn: 1, Role: "assistant", Kind: ward.KindToolCall, Name: name, Text: "{}"},
				ward.Message{Turn: 2, Role: "tool", Kind: ward.KindToolResult, Name: name, Text: "42"})
		}
	}
	ip := func(s string) func(x *ward.Exchange) {
		return func(x *ward.Exchange) { x.Annotations[0].Value = s }
	}
	tests := []struct {
		name   string
		x      *ward.Exchange
		role   string // allowed by this role; "" means denied
		reason string // with this first reason
	}{
		{"route allowed", request("routes", nil), "routes", ""},
		{"second route allowed", request("routes", func(x *ward.Exchange) { x.Route = "batch" }), "routes", ""},
		{"route denied", request("routes", func(x *ward.Exchange) { x.Route = "admin" }), "", `routes: route "admin" not allowed`},
		{"model glob", request("models", nil), "models", ""},
		{"model second glob", request("models", func(x *ward.Exchange) { x.Model = "claude-3-5-haiku-latest" }), "models", ""},
		{"model denied", request("models", func(x *ward.Exchange) { x.Model = "gpt-4" }), "", `models: model "gpt-4" not allowed`},
		{"model case-sensitive", request("models", func(x *ward.Exchange) { x.Model = "GPT-4o" }), "", `models: model "GPT-4o" not allowed`},
		{"api allowed", request("apis", func(x *ward.Exchange) { x.API = ward.APIAnthropicMessages }), "apis", ""},
		{"api denied", request("apis", func(x *ward.Exchange) { x.API = ward.APIOpenAIEmbeddings }), "", "apis: api openai.embeddings not allowed"},
		{"api unknown denied", request("apis", func(x *ward.Exchange) { x.API = ward.APIUnknown }), "", "apis: api unknown not allowed"},
		{"max_tokens at limit", request("tokens", func(x *ward.Exchange) { x.MaxTokens = 2048 }), "tokens", ""},
		{"max_tokens above", request("tokens", func(x *ward.Exchange) { x.MaxTokens = 2049 }), "", "tokens: max_tokens 2049 above 2048"},
		{"max_tokens absent, not required", request("tokens", nil), "tokens", ""},
		{"max_tokens absent, required", request("tokens_req", nil), "", "tokens_req: max_tokens missing (required, at most 100)"},
		{"max_tokens present, required", request("tokens_req", func(x *ward.Exchange) { x.MaxTokens = 50 }), "tokens_req", ""},
		{"tools offered allowed", request("tools", tool("search", "get_weather")), "tools", ""},
		{"tool offered denied", request("tools", tool("search", "delete_all")), "", `tools: tool "delete_all" not allowed`},
		{"tool call allowed", request("tools", call("get_time")), "tools", ""},
		{"tool call denied", request("tools", call("exec")), "", `tools: tool call "exec" not allowed`},
		{"tool call without name denied", request("tools", call("")), "", `tools: tool call "" not allowed`},
		{"no tools: none offered", request("notools", nil), "notools", ""},
		{"no tools: one offered", request("notools", tool("search")), "", `notools: tool "search" not allowed`},
		{"no tools: a tool call", request("notools", call("search")), "", `notools: tool call "search" not allowed`},
		{"tools unrestricted", request("any", tool("rm_rf")), "any", ""},
		{"ipv4 in range", request("ips", nil), "ips", ""},
		{"ipv4 host", request("ips", ip("127.0.0.1")), "ips", ""},
		{"ipv4 outside", request("ips", ip("192.168.1.1")), "", `ips: client ip "192.168.1.1" not allowed`},
		{"ipv4 neighbour of a /32", request("ips", ip("127.0.0.2")), "", `ips: client ip "127.0.0.2" not allowed`},
		{"ipv4-mapped ipv6", request("ips", ip("::ffff:10.9.9.9")), "ips", ""},
		{"ipv6 loopback", request("ips", ip("::1")), "ips", ""},
		{"ipv6 in range", request("ips", ip("2001:db8:1::5")), "ips", ""},
		{"ipv6 outside", request("ips", ip("2001:db9::1")), "", `ips: client ip "2001:db9::1" not allowed`},
		{"ipv6 with zone", request("ips", ip("::1%lo")), "ips", ""},
		{"ip garbage", request("ips", ip("not-an-ip")), "", `ips: client ip "not-an-ip" unparsable`},
		{"ip missing", request("ips", func(x *ward.Exchange) { x.Annotations = x.Annotations[1:] }), "", "ips: client ip unknown"},
		{"a later client.ip cannot override the host's", request("ips", func(x *ward.Exchange) {
			x.Annotations[0].Value = "8.8.8.8"
			x.Annotations = append(x.Annotations, ward.KV{Key: "client.ip", Value: "10.0.0.1"})
		}), "", `ips: client ip "8.8.8.8" not allowed`},
		{"office hours", request("office", nil), "office", ""},
		{"night outside", request("night", nil), "", "night: time 10:30 UTC outside 22:00-06:00"},
		{"multiple roles: first fails, second allows", request("routes, models", func(x *ward.Exchange) { x.Route = "admin" }), "models", ""},
		{"multiple roles: config order wins", request("models,routes", nil), "routes", ""},
		{"multiple roles: all fail", request("routes,models", func(x *ward.Exchange) { x.Route = "admin"; x.Model = "o1" }), "", `routes: route "admin" not allowed`},
		{"unknown role only", request("ghost", nil), "", `"ghost": no such role`},
		{"empty roles", request("", nil), "", "subject has no roles"},
		{"roles of only commas", request(" , ,", nil), "", "subject has no roles"},
		{"role names are exact", request("Routes,route", nil), "", `"Routes": no such role`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := in.Check(tt.x)
			if err != nil {
				t.Fatal(err)
			}
			if tt.role != "" {
				want := []abi.KV{{Key: "rbac.role", Value: tt.role}}
				if v.Decision != ward.Allowed || !reflect.DeepEqual(v.Annotations, want) || len(v.Reasons) != 0 {
					t.Fatalf("verdict %+v, want allow annotated rbac.role=%s", v.Verdict, tt.role)
				}
				return
			}
			if v.Decision != ward.Denied || v.Status != 403 || v.Code != "rbac.forbidden" || v.Message != "not allowed for your role" {
				t.Fatalf("verdict %+v, want 403 rbac.forbidden", v.Verdict)
			}
			if len(v.Reasons) == 0 || v.Reasons[0] != tt.reason {
				t.Fatalf("reasons %q, want first %q", v.Reasons, tt.reason)
			}
			if len(v.Annotations) != 0 {
				t.Fatalf("denial annotated %v", v.Annotations)
			}
		})
	}
}

func TestRequestReasonsPerRole(t *testing.T) {
	in := newConfigured(t, testConfig)
	v, err := in.Check(request("models, ghost,routes, tools", func(x *ward.Exchange) {
		x.Route, x.Model = "admin", "gpt-4"
		x.Tools = []ward.Tool{{Name: "shell"}}
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`routes: route "admin" not allowed`, `models: model "gpt-4" not allowed`,
		`tools: tool "shell" not allowed`, `"ghost": no such role`}
	if v.Decision != ward.Denied || !reflect.DeepEqual(v.Reasons, want) {
		t.Fatalf("verdict %+v, want reasons %q", v.Verdict, want)
	}
	// The client message never names a role, model or rule.
	if strings.Contains(v.Message, "gpt") || strings.Contains(v.Message, "models") {
		t.Fatalf("client message leaks internals: %q", v.Message)
	}
}

func TestRequestReasonsBounded(t *testing.T) {
	in := newConfigured(t, testConfig)
	long := strings.Repeat("x", 1000)
	roles := strings.Repeat("ghost,", 40) + "models"
	v, err := in.Check(request(roles, func(x *ward.Exchange) { x.Model = long }))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Reasons) != maxReasons+1 || v.Reasons[maxReasons] != "... more reasons omitted" {
		t.Fatalf("%d reasons, want %d with a summary", len(v.Reasons), maxReasons+1)
	}
	if n := len(v.Reasons[0]); n > maxReasonValue+60 {
		t.Fatalf("reason of %d bytes: a long model name was not cut", n)
	}
}

func TestRequestIdentity(t *testing.T) {
	noID := func(x *ward.Exchange) { x.Annotations = x.Annotations[:1] }
	tests := []struct {
		name, config string
		x            *ward.Exchange
		decision     ward.Decision
		code         string
		annotations  []abi.KV
	}{
		{"no identity, default deny", testConfig, request("any", noID), ward.Denied, "rbac.no_identity", nil},
		{"no identity, default allow", `{"default":"allow","roles":[{"name":"a","models":["x"]}]}`,
			request("any", noID), ward.Allowed, "", []abi.KV{{Key: "rbac.default", Value: "allow"}}},
		{"no role allows, default allow", `{"default":"allow","roles":[{"name":"a","models":["x"]}]}`,
			request("a", nil), ward.Allowed, "", []abi.KV{{Key: "rbac.default", Value: "allow"}}},
		{"a role allows, default allow", `{"default":"allow","roles":[{"name":"a"}]}`,
			request("a", nil), ward.Allowed, "", []abi.KV{{Key: "rbac.role", Value: "a"}}},
		{"subject without roles annotation is an identity without roles", testConfig,
			request("any", func(x *ward.Exchange) { x.Annotations = x.Annotations[:2] }), ward.Denied, "rbac.forbidden", nil},
		{"roles without subject still count", testConfig,
			request("any", func(x *ward.Exchange) { x.Annotations = append(x.Annotations[:1], x.Annotations[2]) }),
			ward.Allowed, "", []abi.KV{{Key: "rbac.role", Value: "any"}}},
		{"second identity.roles is tampering", `{"default":"allow","roles":[{"name":"a"}]}`,
			request("a", func(x *ward.Exchange) {
				x.Annotations = append(x.Annotations, ward.KV{Key: "identity.roles", Value: "admin"})
			}),
			ward.Denied, "rbac.no_identity", nil},
		{"second identity.subject is tampering", testConfig,
			request("any", func(x *ward.Exchange) {
				x.Annotations = append(x.Annotations, ward.KV{Key: "identity.subject", Value: "root"})
			}),
			ward.Denied, "rbac.no_identity", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := newConfigured(t, tt.config).Check(tt.x)
			if err != nil {
				t.Fatal(err)
			}
			if v.Decision != tt.decision || v.Code != tt.code || !reflect.DeepEqual(normVerdict(v.Verdict).Annotations, tt.annotations) {
				t.Fatalf("verdict %+v, want %v %q %v", v.Verdict, tt.decision, tt.code, tt.annotations)
			}
			if tt.decision == ward.Denied && (v.Status != 403 || len(v.Reasons) == 0) {
				t.Fatalf("denial %+v: want 403 with a reason", v.Verdict)
			}
		})
	}
}

func TestTimeWindows(t *testing.T) {
	in := newConfigured(t, `{"roles":[
		{"name":"office","hours":"08:00-18:00","weekdays":["Mon","tue","wed","thu","fri"]},
		{"name":"night","hours":"22:00-06:00"},
		{"name":"weekend","weekdays":["sat","sun"]},
		{"name":"late","hours":"20:00-24:00"}]}`)
	tests := []struct {
		role, at string
		want     string // "" allowed, else the reason
	}{
		{"office", "2026-11-25T08:00:00Z", ""},
		{"office", "2026-11-25T17:59:59Z", ""},
		{"office", "2026-11-25T18:00:00Z", "office: time 18:00 UTC outside 08:00-18:00"},
		{"office", "2026-11-25T07:59:00Z", "office: time 07:59 UTC outside 08:00-18:00"},
		{"office", "2026-11-25T10:00:00+05:00", ""}, // 05:00 UTC? no: 10:00+05:00 is 05:00Z
		{"office", "2026-11-28T10:00:00Z", "office: weekday sat not allowed"},
		{"night", "2026-11-25T23:30:00Z", ""},
		{"night", "2026-11-25T05:59:00Z", ""},
		{"night", "2026-11-25T06:00:00Z", "night: time 06:00 UTC outside 22:00-06:00"},
		{"night", "2026-11-25T12:00:00Z", "night: time 12:00 UTC outside 22:00-06:00"},
		{"weekend", "2026-11-29T12:00:00Z", ""},
		{"weekend", "2026-11-30T12:00:00Z", "weekend: weekday mon not allowed"},
		{"late", "2026-11-25T23:59:00Z", ""},
		{"late", "2026-11-25T00:00:00Z", "late: time 00:00 UTC outside 20:00-24:00"},
	}
	tests[4].want = "office: time 05:00 UTC outside 08:00-18:00" // evaluated in UTC
	for _, tt := range tests {
		setNow(t, tt.at)
		v, err := in.Check(request(tt.role, nil))
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == "" {
			if v.Decision != ward.Allowed {
				t.Errorf("%s at %s: denied %q", tt.role, tt.at, v.Reasons)
			}
		} else if v.Decision != ward.Denied || len(v.Reasons) == 0 || v.Reasons[0] != tt.want {
			t.Errorf("%s at %s: %v %q, want denied %q", tt.role, tt.at, v.Decision, v.Reasons, tt.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	role := func(s string) string { return `{"roles":[{"name":"ok"},` + s + `]}` }
	tests := []struct {
		config, key, msg string
	}{
		{`{}`, "roles", "required: list the roles ([[guards.NAME.config.roles]])"},
		{`{"roles":[]}`, "roles", "must not be empty"},
		{`{"roles":{"name":"a"}}`, "roles", "want array of tables, got table"},
		{`{"roles":["a"]}`, "roles[0]", "want table, got string"},
		{`{"default":"maybe","roles":[{"name":"a"}]}`, "default", `unknown value "maybe" (want deny|allow)`},
		{`{"default":true,"roles":[{"name":"a"}]}`, "default", "want string, got boolean"},
		{`{"roles":[{"name":"a"}],"role":[]}`, "role", "unknown key (known: default, roles)"},
		{role(`{}`), "roles[1].name", "required"},
		{role(`{"name":""}`), "roles[1].name", "must be non-empty, without commas or surrounding spaces"},
		{role(`{"name":"a,b"}`), "roles[1].name", "must be non-empty, without commas or surrounding spaces"},
		{role(`{"name":" a"}`), "roles[1].name", "must be non-empty, without commas or surrounding spaces"},
		{role(`{"name":7}`), "roles[1].name", "want string, got number"},
		{role(`{"name":"ok"}`), "roles[1].name", `duplicate role "ok" (also roles[0])`},
		{role(`{"name":"b","modles":["x"]}`), "roles[1].modles", "unknown key (known: name, routes, models, apis, max_tokens, require_max_tokens, tools, source_ips, hours, weekdays)"},
		{role(`{"name":"b","routes":[]}`), "roles[1].routes", "must not be empty (omit it to allow any)"},
		{role(`{"name":"b","routes":["a",""]}`), "roles[1].routes[1]", "must not be empty"},
		{role(`{"name":"b","routes":"llm"}`), "roles[1].routes", "want array of strings, got string"},
		{role(`{"name":"b","models":["gpt*","x\\"]}`), "roles[1].models[1]", `pattern ends with an unpaired '\'`},
		{role(`{"name":"b","models":[""]}`), "roles[1].models[0]", "pattern must not be empty"},
		{role(`{"name":"b","models":[]}`), "roles[1].models", "must not be empty (omit it to allow any)"},
		{role(`{"name":"b","models":[3]}`), "roles[1].models[0]", "want string, got number"},
		{role(`{"name":"b","apis":["openai.chat","openai.chats"]}`), "roles[1].apis[1]", `unknown api "openai.chats" (want openai.chat|openai.completions|openai.embeddings|openai.responses|anthropic.messages|unknown|*)`},
		{role(`{"name":"b","max_tokens":-1}`), "roles[1].max_tokens", "must be 0 (no limit) to 4294967295, got -1"},
		{role(`{"name":"b","max_tokens":1.5}`), "roles[1].max_tokens", "want integer, got 1.5"},
		{role(`{"name":"b","max_tokens":4294967296}`), "roles[1].max_tokens", "must be 0 (no limit) to 4294967295, got 4294967296"},
		{role(`{"name":"b","require_max_tokens":true}`), "roles[1].require_max_tokens", "needs max_tokens > 0"},
		{role(`{"name":"b","tools":["ok","a\\"]}`), "roles[1].tools[1]", `pattern ends with an unpaired '\'`},
		{role(`{"name":"b","source_ips":["10.0.0.0/33"]}`), "roles[1].source_ips[0]", `want a CIDR prefix such as 10.0.0.0/8, got "10.0.0.0/33"`},
		{role(`{"name":"b","source_ips":["10.0.0.1/8"]}`), "roles[1].source_ips[0]", `prefix "10.0.0.1/8" has host bits set (want 10.0.0.0/8)`},
		{role(`{"name":"b","source_ips":["::1/128","10.0.0.300"]}`), "roles[1].source_ips[1]", `want a CIDR prefix such as 10.0.0.0/8 or an address, got "10.0.0.300"`},
		{role(`{"name":"b","source_ips":["fe80::1%eth0"]}`), "roles[1].source_ips[0]", `want a CIDR prefix such as 10.0.0.0/8 or an address, got "fe80::1%eth0"`},
		{role(`{"name":"b","source_ips":["::ffff:10.0.0.0/104"]}`), "roles[1].source_ips[0]", `IPv4-mapped prefix "::ffff:10.0.0.0/104": write the IPv4 form`},
		{role(`{"name":"b","source_ips":[]}`), "roles[1].source_ips", "must not be empty (omit it to allow any)"},
		{role(`{"name":"b","hours":"8-18"}`), "roles[1].hours", `want "HH:MM-HH:MM" in UTC, got "8-18"`},
		{role(`{"name":"b","hours":"08:00-25:00"}`), "roles[1].hours", `want "HH:MM-HH:MM" in UTC, got "08:00-25:00"`},
		{role(`{"name":"b","hours":"24:00-08:00"}`), "roles[1].hours", `want "HH:MM-HH:MM" in UTC, got "24:00-08:00"`},
		{role(`{"name":"b","hours":"08:60-09:00"}`), "roles[1].hours", `want "HH:MM-HH:MM" in UTC, got "08:60-09:00"`},
		{role(`{"name":"b","hours":"08:00-08:00"}`), "roles[1].hours", `empty window "08:00-08:00" (omit hours to allow any time)`},
		{role(`{"name":"b","weekdays":["mon","funday"]}`), "roles[1].weekdays[1]", `unknown weekday "funday" (want mon|tue|wed|thu|fri|sat|sun)`},
	}
	for _, tt := range tests {
		in, err := ward.NewInstance(New())
		if err != nil {
			t.Fatal(err)
		}
		err = in.Configure([]byte(tt.config))
		var ce *ward.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("Configure(%s) = %v, want ConfigError", tt.config, err)
			continue
		}
		if ce.Key != tt.key || ce.Msg != tt.msg {
			t.Errorf("Configure(%s)\n = {%q, %q}\nwant {%q, %q}", tt.config, ce.Key, ce.Msg, tt.key, tt.msg)
		}
	}
}

func TestConfigWildcards(t *testing.T) {
	in := newConfigured(t, `{"roles":[{"name":"a","routes":["x","*"],"models":["*","y"],"apis":["*","openai.chat"],"tools":["nope","*"]}]}`)
	v, err := in.Check(request("a", func(x *ward.Exchange) {
		x.Route, x.Model, x.API = "other", "any-model", ward.APIOpenAIEmbeddings
		x.Tools = []ward.Tool{{Name: "anything"}}
	}))
	if err != nil || v.Decision != ward.Allowed {
		t.Fatalf("verdict %+v, %v: a \"*\" entry must allow any value", v.Verdict, err)
	}
}

func TestAllowDoesNotAllocate(t *testing.T) {
	in := newConfigured(t, `{"roles":[{"name":"viewer","models":["nothing"]},
		{"name":"analyst","routes":["llm"],"models":["gpt-4o*"],"apis":["openai.chat"],"max_tokens":4096,
		 "tools":["search","get_*"],"source_ips":["10.0.0.0/8","::1/128"]}]}`)
	x := request("viewer, analyst", func(x *ward.Exchange) {
		x.MaxTokens = 1000
		x.Tools = []ward.Tool{{Name: "search"}, {Name: "get_weather"}}
	})
	buf := abi.AppendExchange(nil, x)
	out, err := in.Handle(ward.PhaseRequest, buf)
	if err != nil || out == nil {
		t.Fatalf("Handle = %x, %v", out, err)
	}
	if n := testing.AllocsPerRun(100, func() { in.Handle(ward.PhaseRequest, buf) }); n != 0 {
		t.Fatalf("allowed request allocates %v times", n)
	}
}

func BenchmarkRequestAllow(b *testing.B) {
	in := newConfigured(b, testConfig)
	buf := abi.AppendExchange(nil, request("routes,models,ips", nil))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if out, err := in.Handle(ward.PhaseRequest, buf); err != nil || out == nil {
			b.Fatal(out, err)
		}
	}
}
