package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

const goodTOML = `[server]
listen = ["127.0.0.1:8080", ":9090"]
read_timeout = "10s"
max_header_bytes = 32768
concurrency = 100

[log]
level = "debug"
format = "json"

[wasm]
cache_dir = "off"

[guards.pii]
path = "guards/pii.wasm"
sha256 = "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789"
mode = "observe"
on_error = "allow"
pool_size = 4
memory_limit = "128MiB"
cpu_budget = "20ms"
max_output = "64KiB"

[guards.denylist]
path = "builtin:denylist"
[guards.denylist.config]
phrases = ["a", "b"]

[[routes]]
name = "openai"
prefix = "/v1/"
upstream = "https://api.openai.com/base/"
guards = ["denylist", "pii"]

[[routes]]
name = "anthropic"
prefix = "/anthropic/"
upstream = "http://127.0.0.1:9000"
strip_prefix = true
host_header = "api.anthropic.com"
unknown_paths = "refuse"
max_body = "1MB"
max_response_body = "2 MiB"
hold_keepalive = "0s"
connect_timeout = "1s"
timeout = "1m"
max_conns = 8
max_idle_conn_duration = "10s"
identity_headers = ["X-Api-Key"]
`

func TestParseGood(t *testing.T) {
	c, err := Parse("dir/ward.toml", []byte(goodTOML))
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "dir/ward.toml" || c.Dir != "dir" {
		t.Errorf("File, Dir = %q, %q", c.File, c.Dir)
	}
	wantServer := Server{
		Listen:         []string{"127.0.0.1:8080", ":9090"},
		ReadTimeout:    10 * time.Second,
		WriteTimeout:   0,
		IdleTimeout:    90 * time.Second,
		MaxHeaderBytes: 32768,
		Concurrency:    100,
		TLS:            TLS{MinVersion: DefaultTLSMinVersion, ClientAuth: ClientAuthRequire},
		Line:           1,

		ReduceMemoryUsage: true,
	}
	if !reflect.DeepEqual(c.Server, wantServer) {
		t.Errorf("Server = %+v\nwant     %+v", c.Server, wantServer)
	}
	if c.Log != (Log{Level: "debug", Format: "json"}) || !reflect.DeepEqual(c.Wasm, Wasm{CacheDir: "off", IdleModules: DefaultIdleModules}) {
		t.Errorf("Log, Wasm = %+v, %+v", c.Log, c.Wasm)
	}
	wantGuards := []*Guard{{
		Name: "pii", Path: "guards/pii.wasm",
		SHA256: "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
		Mode:   "observe", OnError: "allow", PoolSize: 4, MemoryLimit: 128 << 20,
		CPUBudget: 20 * time.Millisecond, MaxOutput: 64 << 10, ConfigJSON: []byte("{}"), Line: 14, CandidateSample: 1,
	}, {
		Name: "denylist", Path: "builtin:denylist", Mode: "enforce", OnError: "deny",
		MemoryLimit: 64 << 20, CPUBudget: 50 * time.Millisecond, MaxOutput: 1 << 20,
		ConfigJSON: []byte(`{"phrases":["a","b"]}`), Line: 24, CandidateSample: 1,
	}}
	if !reflect.DeepEqual(c.Guards, wantGuards) {
		for i, g := range c.Guards {
			t.Errorf("Guards[%d] = %+v (config %s)", i, *g, g.ConfigJSON)
		}
	}
	if len(c.Routes) != 2 {
		t.Fatalf("%d routes", len(c.Routes))
	}
	r0, r1 := c.Routes[0], c.Routes[1]
	if r0.Upstream.String() != "https://api.openai.com/base" {
		t.Errorf("upstream = %s, want the path without trailing slash", r0.Upstream)
	}
	want0 := Route{
		Name: "openai", Prefix: "/v1/", Upstream: r0.Upstream, Guards: []string{"denylist", "pii"},
		UnknownPaths: "pass", MaxBody: 8 << 20, MaxResponseBody: 32 << 20, HoldKeepalive: 15 * time.Second,
		ConnectTimeout: 5 * time.Second, Timeout: 120 * time.Second, MaxIdleConnDuration: 90 * time.Second,
		MaxConns: 512, QueueTimeout: time.Second, IdentityHeaders: []string{"authorization", "x-api-key"}, Mode: RouteProxy, Line: 29,
	}
	if !reflect.DeepEqual(*r0, want0) {
		t.Errorf("route 0 = %+v\nwant      %+v", *r0, want0)
	}
	want1 := Route{
		Name: "anthropic", Prefix: "/anthropic/", Upstream: r1.Upstream, StripPrefix: true,
		HostHeader: "api.anthropic.com", UnknownPaths: "refuse", MaxBody: 1e6, MaxResponseBody: 2 << 20,
		ConnectTimeout: time.Second, Timeout: time.Minute, MaxIdleConnDuration: 10 * time.Second,
		MaxConns: 8, QueueTimeout: time.Second, IdentityHeaders: []string{"x-api-key"}, Mode: RouteProxy, Line: 35,
	}
	if !reflect.DeepEqual(*r1, want1) {
		t.Errorf("route 1 = %+v\nwant      %+v", *r1, want1)
	}
	if r1.Upstream.String() != "http://127.0.0.1:9000" {
		t.Errorf("upstream = %s", r1.Upstream)
	}
	if g := c.Guard("denylist"); g == nil || g.Name != "denylist" || c.Guard("nope") != nil {
		t.Errorf("Guard lookup: %v", g)
	}
	if name, ok := c.Guards[1].Builtin(); !ok || name != "denylist" {
		t.Errorf("Builtin() = %q, %v", name, ok)
	}
	if _, ok := c.Guards[0].Builtin(); ok {
		t.Error("file guard reported as builtin")
	}
}

// TestIdleModules: [wasm] idle_modules defaults to DefaultIdleModules; 0
// (keep none) and the maximum are accepted.
func TestIdleModules(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want int
	}{{"", DefaultIdleModules}, {"[wasm]\nidle_modules = 0\n", 0}, {"[wasm]\nidle_modules = 64\n", MaxIdleModules}} {
		c, err := Parse("ward.toml", []byte("[server]\nlisten = [\":1\"]\n"+tc.doc))
		if err != nil {
			t.Fatalf("%q: %v", tc.doc, err)
		}
		if c.Wasm.IdleModules != tc.want {
			t.Errorf("%q: idle_modules %d, want %d", tc.doc, c.Wasm.IdleModules, tc.want)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse("ward.toml", []byte("[server]\nlisten = [\"127.0.0.1:1\"]\n[guards.g]\npath = \"g.wasm\"\n[[routes]]\nname = \"r\"\nprefix = \"/\"\nupstream = \"http://u\"\nidentity_headers = []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Log != (Log{Level: "info", Format: "auto"}) || c.Wasm.CacheDir != "" || c.Wasm.IdleModules != DefaultIdleModules {
		t.Errorf("Log, Wasm = %+v, %+v", c.Log, c.Wasm)
	}
	s := c.Server
	if s.ReadTimeout != 30*time.Second || s.WriteTimeout != 0 || s.IdleTimeout != 90*time.Second || s.MaxHeaderBytes != 16<<10 || s.Concurrency != 0 ||
		!s.ReduceMemoryUsage || s.SoftMemoryLimit != 0 {
		t.Errorf("Server defaults = %+v", s)
	}
	r := c.Routes[0]
	if r.Guards != nil || r.IdentityHeaders == nil || len(r.IdentityHeaders) != 0 {
		t.Errorf("Guards = %#v, IdentityHeaders = %#v (want nil, empty non-nil)", r.Guards, r.IdentityHeaders)
	}
	if r.Upstream.String() != "http://u" || r.Upstream.Path != "" {
		t.Errorf("upstream = %s", r.Upstream)
	}
}

func TestDefaultIdentityHeadersNotShared(t *testing.T) {
	doc := "[server]\nlisten=[\":1\"]\n[[routes]]\nname=\"a\"\nprefix=\"/\"\nupstream=\"http://u\"\n"
	c, err := Parse("w", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	c.Routes[0].IdentityHeaders[0] = "mutated"
	if DefaultIdentityHeaders[0] != "authorization" {
		t.Fatal("Route.IdentityHeaders aliases DefaultIdentityHeaders")
	}
}

// base is a valid config; bad cases append to it or replace it.
const base = `[server]
listen = ["127.0.0.1:8080"]

[guards.pii]
path = "pii.wasm"

[[routes]]
name = "one"
prefix = "/v1/"
upstream = "http://127.0.0.1:9000"
guards = ["pii"]
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string // all errors, joined with newlines
		code string // code of the first error
	}{
		{"unknown top-level key", "bogus = 1\n" + base, `ward.toml:1: bogus: unknown key`, CodeUnknownKey},
		{"keys after [[routes]] belong to the route", base + "\nlisten = 1\n", `ward.toml:13: routes[0].listen: unknown key`, CodeUnknownKey},
		{"unknown key in second route", base + `
[[routes]]
name = "two"
prefix = "/v2/"
upstream = "http://127.0.0.1:9001"
prefx = "/x/"
`, `ward.toml:17: routes[1].prefx: unknown key (did you mean "prefix"?)`, CodeUnknownKey},
		{"case matters", strings.Replace(base, "path =", "Path =", 1),
			"ward.toml:4: guards.pii.path: missing required key\n" +
				`ward.toml:5: guards.pii.Path: unknown key (did you mean "path"?)`, CodeMissing},
		{"bad enum", base + "mode = \"x\"\n[guards.pii2]\npath = \"x\"\nmode = \"enforc\"\n",
			"ward.toml:12: routes[0].mode: unknown value \"x\" (want proxy|auth_request)\n" +
				`ward.toml:15: guards.pii2.mode: unknown value "enforc" (want enforce|observe)`, CodeValue},
		{"bad duration", "[server]\nlisten = [\":1\"]\nread_timeout = \"30x\"\nidle_timeout = 90\nwrite_timeout = true\n",
			"ward.toml:3: server.read_timeout: invalid duration \"30x\" (want a Go duration string such as \"30s\", \"1m30s\" or \"250ms\")\n" +
				"ward.toml:4: server.idle_timeout: integer 90 has no unit (want a Go duration string such as \"30s\", \"1m30s\" or \"250ms\")\n" +
				"ward.toml:5: server.write_timeout: want duration string, got boolean (want a Go duration string such as \"30s\", \"1m30s\" or \"250ms\")", CodeValue},
		{"negative duration", "[server]\nlisten = [\":1\"]\nread_timeout = \"-1s\"\n",
			`ward.toml:3: server.read_timeout: negative duration "-1s"`, CodeValue},
		{"bad size", "[server]\nlisten = [\":1\"]\nmax_header_bytes = \"16KB0\"\n",
			`ward.toml:3: server.max_header_bytes: invalid size "16KB0" (want bytes as an integer or a string with a unit: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)`, CodeValue},
		{"size out of range", "[server]\nlisten = [\":1\"]\nmax_header_bytes = \"2MiB\"\n",
			`ward.toml:3: server.max_header_bytes: 2MiB is out of range (want 1KiB..1MiB)`, CodeValue},
		{"bad trusted proxy", "[server]\nlisten = [\":1\"]\ntrusted_proxies = [\"10.0.0.1/8\", \"nginx\", \"::ffff:10.0.0.0/80\", \"fe80::1%eth0\"]\n",
			"ward.toml:3: server.trusted_proxies[0]: prefix \"10.0.0.1/8\" has host bits set (did you mean \"10.0.0.0/8\"?)\n" +
				"ward.toml:3: server.trusted_proxies[1]: invalid address \"nginx\" (want an IP address or a CIDR prefix such as \"10.0.0.0/8\")\n" +
				"ward.toml:3: server.trusted_proxies[2]: prefix \"::ffff:10.0.0.0/80\" has host bits set (did you mean \"::/80\"?)\n" +
				"ward.toml:3: server.trusted_proxies[3]: invalid address \"fe80::1%eth0\" (want an IP address or a CIDR prefix such as \"10.0.0.0/8\")", CodeValue},
		{"duplicate trusted proxy", "[server]\nlisten = [\":1\"]\ntrusted_proxies = [\"127.0.0.1\", \"127.0.0.1/32\"]\n",
			`ward.toml:3: server.trusted_proxies[1]: duplicate prefix "127.0.0.1/32"`, CodeDuplicate},
		{"missing required", "[log]\nlevel = \"warn\"\n[guards.g]\nmode = \"observe\"\n[[routes]]\nname = \"r\"\n",
			"ward.toml: server.listen: missing required key\n" +
				"ward.toml:3: guards.g.path: missing required key\n" +
				"ward.toml:5: routes[0].prefix: missing required key\n" +
				"ward.toml:5: routes[0].upstream: missing required key", CodeMissing},
		{"syntax error", "[server]\nlisten = [\"a\"\nx = 1\n",
			`ward.toml:3: expected a comma (',') or array terminator (']'), but got 'x'`, CodeSyntax},
		{"duplicate key is a syntax error", "[server]\nlisten = []\nlisten = []\n",
			`ward.toml:3: Key 'server.listen' has already been defined.`, CodeSyntax},
		{"wrong types", "server = 1\nlog = []\n[[routes]]\nname = 7\nguards = \"pii\"\n",
			"ward.toml:1: server: want table, got integer\n" +
				"ward.toml:2: log: want table, got array\n" +
				"ward.toml:3: routes[0].prefix: missing required key\n" +
				"ward.toml:3: routes[0].upstream: missing required key\n" +
				"ward.toml:4: routes[0].name: want string, got integer\n" +
				"ward.toml:5: routes[0].guards: want array of strings, got string", CodeType},
		{"listen addresses", "[server]\nlisten = [\n\"127.0.0.1\",\n\":99999\",\n\":80\",\n\":80\",\n3,\n]\n",
			"ward.toml:3: server.listen[0]: invalid address \"127.0.0.1\" (want host:port): missing port in address\n" +
				"ward.toml:4: server.listen[1]: invalid port \"99999\" in \":99999\" (want 0..65535)\n" +
				"ward.toml:6: server.listen[3]: duplicate address \":80\"\n" +
				"ward.toml:7: server.listen[4]: want string, got integer", CodeValue},
		{"empty listen", "[server]\nlisten = []\n", "ward.toml:2: server.listen: at least one address is required", CodeValue},
		{"guard checks", `[server]
listen = [":1"]
[guards.Bad]
path = "builtin:No Such"
sha256 = "abc"
pool_size = 257
memory_limit = "1000KiB"
cpu_budget = "11s"
max_output = 0
[guards.x]
path = ""
memory_limit = "1MiB"
max_output = "2MiB"
config = 3
`,
			"ward.toml:3: guards.Bad: invalid guard name \"Bad\" (want [a-z0-9_-]+)\n" +
				"ward.toml:4: guards.Bad.path: invalid built-in guard name \"No Such\" (want builtin:[a-z0-9_-]+)\n" +
				"ward.toml:5: guards.Bad.sha256: want 64 hexadecimal characters, got \"abc\"\n" +
				"ward.toml:6: guards.Bad.pool_size: 257 is out of range (want 0..256)\n" +
				"ward.toml:7: guards.Bad.memory_limit: 1000KiB is out of range (want 1MiB..4GiB)\n" +
				"ward.toml:8: guards.Bad.cpu_budget: 11s is out of range (want 1ms..10s)\n" +
				"ward.toml:9: guards.Bad.max_output: 0B is out of range (want >= 1B)\n" +
				"ward.toml:11: guards.x.path: must not be empty\n" +
				"ward.toml:13: guards.x.max_output: 2MiB exceeds memory_limit 1MiB\n" +
				"ward.toml:14: guards.x.config: want table, got integer", CodeValue},
		{"candidate checks", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g\"\ncandidate = \"builtin:Bad\"\ncandidate_sha256 = \"xyz\"\n[guards.h]\npath = \"h\"\ncandidate_sha256 = \"" + strings.Repeat("A", 64) + "\"\n",
			"ward.toml:5: guards.g.candidate: invalid built-in guard name \"Bad\" (want builtin:[a-z0-9_-]+)\n" +
				"ward.toml:6: guards.g.candidate_sha256: want 64 hexadecimal characters, got \"xyz\"\n" +
				"ward.toml:9: guards.h.candidate_sha256: pins no candidate (set candidate)", CodeValue},
		{"module_dir NUL", "[server]\nlisten = [\":1\"]\n[admin]\nmodule_dir = \"a\\u0000b\"\n",
			"ward.toml:4: admin.module_dir: must not contain NUL", CodeValue},
		{"memory not page multiple", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g\"\nmemory_limit = 1048577\n",
			"ward.toml:5: guards.g.memory_limit: 1048577B is not a multiple of 64KiB (the Wasm page size)", CodeValue},
		{"route checks", base + `
[[routes]]
name = "one"
prefix = "/v1/"
upstream = "ftp://x/"
guards = ["pii", "nope", "pii"]
unknown_paths = "drop"
host_header = "a b"
max_conns = 0
connect_timeout = "0s"
identity_headers = ["Authorization", "authorization", "bad header"]

[[routes]]
name = "Two"
prefix = "v2"
upstream = "https://user:pw@h/?q=1"
[[routes]]
name = "three"
prefix = "/3/"
upstream = "/relative"
[[routes]]
name = "four"
prefix = "/4/"
upstream = "http://h/?q"
`,
			"ward.toml:14: routes[1].name: duplicate route name \"one\" (first defined at line 7)\n" +
				"ward.toml:15: routes[1].prefix: duplicate prefix \"/v1/\" (also used by route \"one\" at line 7)\n" +
				"ward.toml:16: routes[1].upstream: unsupported URL \"ftp://x/\" (want an absolute http:// or https:// URL)\n" +
				"ward.toml:17: routes[1].guards[1]: unknown guard \"nope\" (not defined in [guards])\n" +
				"ward.toml:17: routes[1].guards[2]: guard \"pii\" listed twice\n" +
				"ward.toml:18: routes[1].unknown_paths: unknown value \"drop\" (want pass|refuse)\n" +
				"ward.toml:19: routes[1].host_header: invalid host \"a b\"\n" +
				"ward.toml:20: routes[1].max_conns: 0 is out of range (want 1..2147483647)\n" +
				"ward.toml:21: routes[1].connect_timeout: 0s is out of range (want >= 1ms)\n" +
				"ward.toml:22: routes[1].identity_headers[1]: header \"authorization\" listed twice\n" +
				"ward.toml:22: routes[1].identity_headers[2]: invalid header name \"bad header\"\n" +
				"ward.toml:25: routes[2].name: invalid route name \"Two\" (want [a-z0-9_-]+)\n" +
				"ward.toml:26: routes[2].prefix: \"v2\" must start with \"/\"\n" +
				"ward.toml:27: routes[2].upstream: URL \"https://user:pw@h/?q=1\" must not contain credentials\n" +
				"ward.toml:31: routes[3].upstream: unsupported URL \"/relative\" (want an absolute http:// or https:// URL)\n" +
				"ward.toml:35: routes[4].upstream: URL \"http://h/?q\" must not have a query or fragment", CodeDuplicate},
		{"nesting limit", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g\"\nconfig.a = 1\nconfig" + strings.Repeat(".a", 62) + " = 1\n",
			"ward.toml:6: keys, tables or arrays nested more than 64 levels deep", CodeSyntax},
		{"nesting limit in arrays", "x = " + strings.Repeat("[", 65) + strings.Repeat("]", 65) + "\n",
			"ward.toml:1: keys, tables or arrays nested more than 64 levels deep", CodeSyntax},
		{"reduce_memory_usage not a boolean", "[server]\nlisten = [\":1\"]\nreduce_memory_usage = \"yes\"\n",
			"ward.toml:3: server.reduce_memory_usage: want boolean, got string", CodeType},
		{"candidate_sample above 1", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g.wasm\"\ncandidate = \"c.wasm\"\ncandidate_sample = 1.5\n",
			"ward.toml:6: guards.g.candidate_sample: 1.5 is out of range (want a share in (0, 1], e.g. 0.1)", CodeValue},
		{"candidate_sample zero", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g.wasm\"\ncandidate = \"c.wasm\"\ncandidate_sample = 0\n",
			"ward.toml:6: guards.g.candidate_sample: 0 is out of range (want a share in (0, 1], e.g. 0.1)", CodeValue},
		{"candidate_sample not a number", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g.wasm\"\ncandidate = \"c.wasm\"\ncandidate_sample = \"10%\"\n",
			"ward.toml:6: guards.g.candidate_sample: want number, got string", CodeType},
		{"candidate_sample without candidate", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g.wasm\"\ncandidate_sample = 0.5\n",
			"ward.toml:5: guards.g.candidate_sample: samples no candidate (set candidate)", CodeValue},
		{"soft_memory_limit below the minimum", "[server]\nlisten = [\":1\"]\nsoft_memory_limit = \"1MiB\"\n",
			"ward.toml:3: server.soft_memory_limit: 1048576 bytes is below the minimum of 32MiB (0 = no limit)", CodeValue},
		{"soft_memory_limit negative", "[server]\nlisten = [\":1\"]\nsoft_memory_limit = -1\n",
			"ward.toml:3: server.soft_memory_limit: -1B is out of range (want >= 0B)", CodeValue},
		{"soft_memory_limit not a size", "[server]\nlisten = [\":1\"]\nsoft_memory_limit = \"150 megs\"\n",
			"ward.toml:3: server.soft_memory_limit: invalid size \"150 megs\" (want bytes as an integer or a string with a unit: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)", CodeValue},
		{"idle_modules out of range", "[server]\nlisten = [\":1\"]\n[wasm]\nidle_modules = 65\n",
			"ward.toml:4: wasm.idle_modules: 65 is out of range (want 0..64)", CodeValue},
		{"routes not tables", "routes = [1]\n[server]\nlisten = [\":1\"]\n",
			"ward.toml:1: routes[0]: want table, got integer", CodeType},
		{"NaN in guard config", "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g\"\nconfig = { a = { b = [1.0, nan] } }\n",
			"ward.toml:5: guards.g.config.a.b[1]: NaN cannot be represented in JSON", CodeValue},
		{"errors sorted by line", "[log]\nlevel = \"loud\"\n[server]\nlisten = [\":1\"]\nconcurrency = -1\n[wasm]\ncache_dri = \"x\"\n",
			"ward.toml:2: log.level: unknown value \"loud\" (want debug|info|warn|error)\n" +
				"ward.toml:5: server.concurrency: -1 is out of range (want 0..2147483647)\n" +
				"ward.toml:7: wasm.cache_dri: unknown key (did you mean \"cache_dir\"?)", CodeValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("ward.toml", []byte(tt.doc))
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			if c != nil {
				t.Error("non-nil Config with an error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			errs := Errors(err)
			if len(errs) != strings.Count(tt.want, "\n")+1 {
				t.Errorf("Errors() returned %d errors", len(errs))
			}
			if len(errs) > 0 && errs[0].Code != tt.code {
				t.Errorf("first code = %q, want %q", errs[0].Code, tt.code)
			}
		})
	}
}

func TestConfigJSON(t *testing.T) {
	doc := `[server]
listen = [":1"]
[guards.g]
path = "g"
[guards.g.config]
z = 1
a = "s<&>"
f = 1.5
big = 9007199254740993
b = false
list = [1, "two", 3.25, true]
odt = 1979-05-27T07:32:00.5-07:00
utc = 1979-05-27 07:32:00Z
ldt = 1979-05-27T07:32:00
ld = 1979-05-27
lt = 07:32:00.25
[guards.g.config.nested.deeper]
k = "v"
[[guards.g.config.rules]]
p = "x"
[[guards.g.config.rules]]
p = "y"
q = [[1, 2], []]
`
	c, err := Parse("w", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":"s<&>","b":false,"big":9007199254740993,"f":1.5,"ld":"1979-05-27","ldt":"1979-05-27T07:32:00",` +
		`"list":[1,"two",3.25,true],"lt":"07:32:00.25","nested":{"deeper":{"k":"v"}},"odt":"1979-05-27T07:32:00.5-07:00",` +
		`"rules":[{"p":"x"},{"p":"y","q":[[1,2],[]]}],"utc":"1979-05-27T07:32:00Z","z":1}`
	if got := string(c.Guards[0].ConfigJSON); got != want {
		t.Errorf("ConfigJSON:\n got %s\nwant %s", got, want)
	}
	if !json.Valid(c.Guards[0].ConfigJSON) {
		t.Error("invalid JSON")
	}
	// Deterministic: parse again, same bytes.
	for range 5 {
		c2, _ := Parse("w", []byte(doc))
		if string(c2.Guards[0].ConfigJSON) != want {
			t.Fatal("ConfigJSON not deterministic")
		}
	}
	if l := c.Line("guards", "g", "config", "rules[1]", "q"); l != 23 {
		t.Errorf("Line(rules[1].q) = %d, want 23", l)
	}
}

func TestLineAndErrorf(t *testing.T) {
	doc := `[server]
listen = [":1"]

[guards.denylist]
path = "builtin:denylist"

[guards.denylist.config]
phrases = [
  "a",
  "",
]
"odd[1]" = 1

[[routes]]
name = "a"
prefix = "/a/"
upstream = "http://u"

[[routes]]
name = "b"
prefix = "/b/"
upstream = "http://u"
`
	c, err := Parse("conf/ward.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  []string
		want int
	}{
		{[]string{"server", "listen"}, 2},
		{[]string{"guards", "denylist"}, 4},
		{[]string{"guards", "denylist", "config", "phrases"}, 8},
		{[]string{"guards", "denylist", "config", "phrases[1]"}, 10},
		{[]string{"guards", "denylist", "config", "phrases", "[1]"}, 10},
		{[]string{"guards", "denylist", "config", "phrases[9]"}, 8},
		{[]string{"guards", "denylist", "config", "odd[1]"}, 12},
		{[]string{"guards", "denylist", "mode"}, 4}, // default, not written
		{[]string{"routes", "[1]", "prefix"}, 21},
		{[]string{"routes[1]", "prefix"}, 21},
		{[]string{"routes[1]"}, 19},
		{[]string{"log", "level"}, 0},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := c.Line(tt.key...); got != tt.want {
			t.Errorf("Line(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
	if c.Guards[0].Line != 4 || c.Routes[1].Line != 19 || c.Server.Line != 1 {
		t.Errorf("Lines: guard %d, route %d, server %d", c.Guards[0].Line, c.Routes[1].Line, c.Server.Line)
	}
	e := c.Errorf([]string{"guards", "denylist", "config", "phrases[1]"}, "empty phrase at %d", 1)
	if got, want := e.Error(), "conf/ward.toml:10: guards.denylist.config.phrases[1]: empty phrase at 1"; got != want {
		t.Errorf("Errorf = %q, want %q", got, want)
	}
	if e.Code != CodeGuard {
		t.Errorf("code %q", e.Code)
	}
	var nilCfg *Config
	if nilCfg.Line("x") != 0 {
		t.Error("nil Config Line")
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "f", Line: 3, Key: "a.b", Msg: "m"}, "f:3: a.b: m"},
		{Error{File: "f", Key: "a", Msg: "m"}, "f: a: m"},
		{Error{File: "f", Line: 1, Msg: "m"}, "f:1: m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.e, got, tt.want)
		}
	}
	e1, e2 := &Error{Msg: "1"}, &Error{Msg: "2"}
	wrapped := errors.Join(e1, errors.Join(e2, errors.New("other")))
	if got := Errors(wrapped); len(got) != 2 || got[0] != e1 || got[1] != e2 {
		t.Errorf("Errors = %v", got)
	}
	if Errors(nil) != nil || Errors(errors.New("x")) != nil {
		t.Error("Errors of non-config error")
	}
}

func TestResolvePathAndCacheDir(t *testing.T) {
	c := &Config{Dir: "/etc/ward"}
	for in, want := range map[string]string{
		"builtin:denylist":   "builtin:denylist",
		"guards/x.wasm":      "/etc/ward/guards/x.wasm",
		"../x.wasm":          "/etc/x.wasm",
		"/opt/guards/x.wasm": "/opt/guards/x.wasm",
	} {
		if got := c.ResolvePath(in); got != want {
			t.Errorf("ResolvePath(%q) = %q, want %q", in, got, want)
		}
	}
	c.Wasm.CacheDir = "off"
	if d, err := c.WasmCacheDir(); d != "" || err != nil {
		t.Errorf("off: %q %v", d, err)
	}
	c.Wasm.CacheDir = "cache"
	if d, _ := c.WasmCacheDir(); d != "/etc/ward/cache" {
		t.Errorf("relative: %q", d)
	}
	c.Wasm.CacheDir = ""
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	t.Setenv("HOME", "/tmp/home")
	if d, err := c.WasmCacheDir(); err != nil || !strings.HasSuffix(d, filepath.Join("ward", "wazero")) {
		t.Errorf("default: %q %v", d, err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ward.toml")
	if err := os.WriteFile(p, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != p || c.Dir != dir {
		t.Errorf("File, Dir = %q, %q", c.File, c.Dir)
	}
	if got := c.ResolvePath(c.Guards[0].Path); got != filepath.Join(dir, "pii.wasm") {
		t.Errorf("resolved %q", got)
	}
	if err := os.WriteFile(p, []byte("[server]\nlisten = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p)
	if want := p + ":2: server.listen: want array of strings, got integer"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	_, err = Load(filepath.Join(dir, "missing.toml"))
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "config: ") {
		t.Errorf("missing file: %v", err)
	}
}

func TestExampleParses(t *testing.T) {
	c, err := Parse("example.toml", []byte(Example()))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Guards) != 1 || len(c.Routes) != 1 {
		t.Fatalf("guards %d routes %d", len(c.Guards), len(c.Routes))
	}
	// The example states the defaults: parsing it without the explicit
	// values must give the same config.
	var stripped []string
	for _, l := range strings.Split(Example(), "\n") {
		if strings.HasPrefix(l, "#") || l == "" {
			continue
		}
		switch strings.SplitN(l, " ", 2)[0] {
		case "listen", "tls_min_version", "path", "name", "prefix", "upstream", "guards", "phrases", "[server]", "[admin]", "[audit]", "[guards.denylist]", "[guards.denylist.config]", "[[routes]]",
			"[incident.rules.repeated-injection]", "reasons", "denials", "window", "period", "quarantine":
			stripped = append(stripped, l)
		}
	}
	d, err := Parse("stripped.toml", []byte(strings.Join(stripped, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	c.File, d.File, c.lines, d.lines = "", "", nil, nil
	for _, x := range []*Config{c, d} {
		x.Server.Line, x.Guards[0].Line, x.Routes[0].Line, x.Incident.Rules[0].Line = 0, 0, 0, 0
	}
	if !reflect.DeepEqual(c, d) {
		t.Errorf("Example's values differ from the defaults:\n%+v\n%+v", c, d)
	}
}

// TestParseServerMemory reads [server]'s memory settings.
func TestParseServerMemory(t *testing.T) {
	for _, c := range []struct {
		lines  string
		reduce bool
		limit  int64
	}{
		{"", true, 0},
		{"reduce_memory_usage = true\nsoft_memory_limit = \"150MiB\"\n", true, 150 << 20},
		{"reduce_memory_usage = false\nsoft_memory_limit = 0\n", false, 0},
		{"soft_memory_limit = 33554432\n", true, 32 << 20},
	} {
		cfg, err := Parse("ward.toml", []byte("[server]\nlisten = [\":1\"]\n"+c.lines))
		if err != nil {
			t.Fatalf("%q: %v", c.lines, err)
		}
		if cfg.Server.ReduceMemoryUsage != c.reduce || cfg.Server.SoftMemoryLimit != c.limit {
			t.Errorf("%q: reduce_memory_usage %v, soft_memory_limit %d; want %v, %d", c.lines,
				cfg.Server.ReduceMemoryUsage, cfg.Server.SoftMemoryLimit, c.reduce, c.limit)
		}
	}
}

// TestDocumentedKeys checks that Example and README.md mention every key the
// decoder accepts.
func TestDocumentedKeys(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"listen", "read_timeout", "write_timeout", "idle_timeout", "max_header_bytes", "concurrency", "trusted_proxies",
		"reduce_memory_usage", "soft_memory_limit",
		"level", "format", "cache_dir", "module_dirs", "idle_modules",
		"token_file", "module_dir", "console", "console_session", "console_token_login", "sink", "max_size", "max_files", "buffer", "key_file", "key_env", "prompts", "prompt_max", "checkpoint", "watch", "debounce",
		"path", "sha256", "candidate", "candidate_sha256", "candidate_sample", "mode", "on_error", "pool_size", "memory_limit", "cpu_budget", "max_output", "grants", "config", "config_file", "config_text",
		"name", "prefix", "upstream", "strip_prefix", "host_header", "guards", "unknown_paths", "max_body",
		"max_response_body", "hold_keepalive", "connect_timeout", "timeout", "max_conns", "max_idle_conn_duration", "identity_headers",
		"tls_cert", "tls_key", "tls_min_version", "client_ca", "client_auth",
		"operators_file", "session_ttl", "quarantine", "sync_interval", "identity", "reasons", "denials", "window", "period",
		"url", "secret_file", "max_attempts", "backoff", "max_backoff", "queue", "rules", "webhook",
		"max_concurrent", "queue", "queue_timeout",
	}
	for _, k := range keys {
		if !strings.Contains(Example(), "\n"+k+" = ") && k != "config" && k != "rules" && k != "webhook" {
			t.Errorf("Example lacks %q", k)
		}
		if !strings.Contains(string(readme), "`"+k+"`") {
			t.Errorf("README.md lacks `%s`", k)
		}
	}
	// Every key the decoder asks for is in the list above.
	c := &Config{lines: lineIndex{}}
	d := &decoder{c: c}
	var asked []string
	for _, tb := range []*table{d.table([]string{"server"}, map[string]any{}), d.table([]string{"log"}, nil), d.table([]string{"wasm"}, nil),
		d.table([]string{"admin"}, nil), d.table([]string{"audit"}, nil), d.table([]string{"reload"}, nil)} {
		switch tb.path[0] {
		case "admin":
			d.admin(tb)
		case "audit":
			d.audit(tb)
		case "reload":
			d.reload(tb)
		case "server":
			d.server(tb)
		case "log":
			d.log(tb)
		case "wasm":
			d.wasm(tb)
		}
		asked = append(asked, tb.known...)
	}
	gt := d.table([]string{"guards", "g"}, map[string]any{})
	d.guard(gt, "g")
	rt := d.table([]string{"routes", "[0]"}, map[string]any{})
	d.route(rt, nil)
	asked = append(append(asked, gt.known...), rt.known...)
	it := d.table([]string{"incident"}, nil)
	d.incident(it, nil)
	qt := d.table([]string{"incident", "rules", "r"}, map[string]any{})
	d.rule(qt, "r")
	wt := d.table([]string{"incident", "webhook"}, nil)
	d.webhook(wt, &Webhook{})
	asked = append(append(append(asked, it.known...), qt.known...), wt.known...)
	for _, k := range asked {
		found := false
		for _, kk := range keys {
			found = found || k == kk
		}
		if !found {
			t.Errorf("decoder key %q missing from the documented list", k)
		}
	}
}

func TestSizeAndDuration(t *testing.T) {
	sizes := []struct {
		in   string
		want int64
		err  bool
	}{
		{"0", 0, false}, {"1024", 1024, false}, {"1B", 1, false}, {"16KiB", 16 << 10, false},
		{"8 MiB", 8 << 20, false}, {"4GiB", 4 << 30, false}, {"1TiB", 1 << 40, false},
		{"1KB", 1000, false}, {"1kB", 1000, false}, {"2MB", 2e6, false}, {"3GB", 3e9, false}, {"1TB", 1e12, false},
		{"", 0, true}, {"MiB", 0, true}, {"-1", 0, true}, {"+1", 0, true}, {"1.5MiB", 0, true},
		{"1mib", 0, true}, {"1 KiB B", 0, true}, {"9223372036854775807", 1<<63 - 1, false},
		{"9223372036854775808", 0, true}, {"8388608TiB", 0, true},
	}
	for _, tt := range sizes {
		var z Size
		err := z.UnmarshalText([]byte(tt.in))
		if (err != nil) != tt.err || (!tt.err && int64(z) != tt.want) {
			t.Errorf("Size(%q) = %d, %v; want %d, err %v", tt.in, z, err, tt.want, tt.err)
		}
		if err == nil {
			text, _ := z.MarshalText()
			back, err := ParseSize(string(text))
			if err != nil || back != int64(z) {
				t.Errorf("round trip %q -> %s -> %d, %v", tt.in, text, back, err)
			}
		}
	}
	durs := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"30s", 30 * time.Second, false}, {"1m30s", 90 * time.Second, false}, {"0s", 0, false},
		{"250ms", 250 * time.Millisecond, false}, {"-1s", 0, true}, {"30", 0, true}, {"", 0, true},
	}
	for _, tt := range durs {
		var d Duration
		err := d.UnmarshalText([]byte(tt.in))
		if (err != nil) != tt.err || (!tt.err && time.Duration(d) != tt.want) {
			t.Errorf("Duration(%q) = %v, %v; want %v, err %v", tt.in, d, err, tt.want, tt.err)
		}
		if err == nil {
			text, _ := d.MarshalText()
			if back, err := ParseDuration(string(text)); err != nil || back != time.Duration(d) {
				t.Errorf("round trip %q -> %s", tt.in, text)
			}
		}
	}
}

func TestNestingAtLimit(t *testing.T) {
	// 64 elements: guards, g, config and 61 more.
	doc := "[server]\nlisten = [\":1\"]\n[guards.g]\npath = \"g\"\nconfig" + strings.Repeat(".a", 60) + " = [1]\n"
	c, err := Parse("w", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if l := c.Line(append([]string{"guards", "g", "config"}, strings.Split(strings.Repeat("a ", 60), " ")[:60]...)...); l != 5 {
		t.Errorf("line %d", l)
	}
}

func TestGrants(t *testing.T) {
	base := "[server]\nlisten = [\"127.0.0.1:1\"]\n[guards.a]\npath = \"a.wasm\"\n"
	c, err := Parse("ward.toml", []byte(base+"grants = [\"clock\"]\n"))
	if err != nil || !c.Guards[0].Granted(GrantClock) {
		t.Fatalf("clock grant: %v %+v", err, c)
	}
	c, err = Parse("ward.toml", []byte(base))
	if err != nil || c.Guards[0].Granted(GrantClock) {
		t.Fatalf("no grant: %v", err)
	}
	for text, want := range map[string]string{
		base + "grants = [\"network\"]\n":          `ward.toml:5: guards.a.grants[0]: unknown grant "network" (want clock|state)`,
		base + "grants = [\"clock\", \"clock\"]\n": `ward.toml:5: guards.a.grants[1]: grant "clock" listed twice`,
	} {
		_, err := Parse("ward.toml", []byte(text))
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}

func TestState(t *testing.T) {
	base := "[server]\nlisten = [\"127.0.0.1:1\"]\n"
	c, err := Parse("ward.toml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if want := (State{Backend: "memory", Timeout: DefaultStateTimeout, KeyPrefix: "ward:", MaxKeys: DefaultStateMaxKeys}); c.State != want {
		t.Fatalf("defaults = %+v, want %+v", c.State, want)
	}
	c, err = Parse("ward.toml", []byte(base+"[state]\nbackend = \"redis\"\nredis_url = \"redis://:pw@10.0.0.1:6379/2\"\ntimeout = \"5ms\"\nkey_prefix = \"x:\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (State{Backend: "redis", RedisURL: "redis://:pw@10.0.0.1:6379/2", Timeout: 5 * time.Millisecond, KeyPrefix: "x:", MaxKeys: DefaultStateMaxKeys}); c.State != want {
		t.Fatalf("redis = %+v, want %+v", c.State, want)
	}
	for text, want := range map[string]string{
		"[state]\nbackend = \"etcd\"\n":                         `ward.toml:4: state.backend: `,
		"[state]\nbackend = \"redis\"\n":                        `ward.toml:3: state.redis_url: missing required key`,
		"[state]\nredis_url = \"http://secret@h:1\"\n":          `ward.toml:4: state.redis_url: scheme "http" (want redis or rediss)`,
		"[state]\nredis_url = \"redis:///0\"\n":                 `ward.toml:4: state.redis_url: no host`,
		"[state]\ntimeout = \"2s\"\n":                           `ward.toml:4: state.timeout: `,
		"[state]\nmax_keys = 10\n":                              `ward.toml:4: state.max_keys: `,
		"[state]\nredis = \"x\"\n":                              `ward.toml:4: state.redis: unknown key`,
		"[guards.a]\npath = \"a.wasm\"\ngrants = [\"state\"]\n": "",
	} {
		_, err := Parse("ward.toml", []byte(base+text))
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", text, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%q: got %v, want prefix %s", text, err, want)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("error echoes the URL: %v", err)
		}
	}
}

func TestOperations(t *testing.T) {
	base := "[server]\nlisten = [\"127.0.0.1:1\"]\n"
	c, err := Parse("ward.toml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Admin != (Admin{SessionTTL: DefaultSessionTTL, Console: true, ConsoleSession: DefaultConsoleSession, ConsoleTokenLogin: true, TLS: TLS{MinVersion: DefaultTLSMinVersion, ClientAuth: ClientAuthRequire}}) {
		t.Errorf("admin defaults = %+v", c.Admin)
	}
	if want := (Audit{Sink: AuditOff, MaxSize: DefaultAuditMaxSize, MaxFiles: DefaultAuditMaxFiles, Buffer: DefaultAuditBuffer,
		Prompts: AuditPromptsOff, PromptMax: DefaultAuditPromptMax}); c.Audit != want {
		t.Errorf("audit defaults = %+v, want %+v", c.Audit, want)
	}
	if want := (Reload{Watch: true, Debounce: DefaultReloadDebounce}); c.Reload != want {
		t.Errorf("reload defaults = %+v, want %+v", c.Reload, want)
	}
	c, err = Parse("ward.toml", []byte(base+"[admin]\nlisten = \"0.0.0.0:9180\"\ntoken_file = \"admin.token\"\nconsole = false\nconsole_session = \"30m\"\n[audit]\nsink = \"file\"\npath = \"audit.log\"\nmax_size = \"1MiB\"\nmax_files = 2\nbuffer = 64\nkey_file = \"audit.keys\"\nprompts = \"masked\"\nprompt_max = \"1KiB\"\ncheckpoint = \"1m\"\n[reload]\nwatch = false\ndebounce = \"1s\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Admin.Listen != "0.0.0.0:9180" || c.Admin.TokenFile != "admin.token" || c.Admin.Console || c.Admin.ConsoleSession != 30*time.Minute || c.Audit.Path != "audit.log" || c.Audit.MaxSize != 1<<20 ||
		c.Audit.MaxFiles != 2 || c.Audit.Buffer != 64 || c.Audit.KeyFile != "audit.keys" || c.Audit.Prompts != AuditPromptsMasked ||
		c.Audit.PromptMax != 1024 || c.Audit.Checkpoint != time.Minute || c.Reload.Watch || c.Reload.Debounce != time.Second {
		t.Errorf("parsed %+v %+v %+v", c.Admin, c.Audit, c.Reload)
	}
	for text, want := range map[string]string{
		"[admin]\nlisten = \":9180\"\n":                                         `ward.toml:3: admin.token_file: an admin listener on a non-loopback address (:9180) needs a token`,
		"[admin]\nlisten = \"10.0.0.1:9180\"\n":                                 `ward.toml:3: admin.token_file: an admin listener on a non-loopback address (10.0.0.1:9180) needs a token`,
		"[admin]\nlisten = \"127.0.0.1:9180\"\n":                                "",
		"[admin]\nlisten = \"[::1]:9180\"\n":                                    "",
		"[admin]\nlisten = \"localhost:9180\"\n":                                "",
		"[admin]\nlisten = \"nope\"\n":                                          `ward.toml:4: admin.listen: invalid address "nope"`,
		"[audit]\nsink = \"file\"\n":                                            `ward.toml:3: audit.path: missing required key`,
		"[audit]\nsink = \"syslog\"\n":                                          `ward.toml:4: audit.sink: unknown value "syslog" (want off|stdout|file)`,
		"[audit]\nmax_files = 0\n":                                              `ward.toml:4: audit.max_files: 0 is out of range (want 1..1000)`,
		"[reload]\ndebounce = \"2m\"\n":                                         `ward.toml:4: reload.debounce: `,
		"[audit]\nprompts = \"raw\"\n":                                          `ward.toml:4: audit.prompts: unknown value "raw" (want off|masked)`,
		"[audit]\nprompt_max = 10\n":                                            `ward.toml:4: audit.prompt_max: 10B is out of range`,
		"[audit]\nkey_file = \"k\"\nkey_env = \"K\"\n":                          `ward.toml:5: audit.key_env: key_file and key_env are exclusive (set one)`,
		"[audit]\nkey_env = \"1BAD\"\n":                                         `ward.toml:4: audit.key_env: invalid environment variable name "1BAD"`,
		"[audit]\ncheckpoint = \"10ms\"\n":                                      `ward.toml:4: audit.checkpoint: 10ms is too often (want 0 or 1s..24h)`,
		"[audit]\nkey_env = \"WARD_AUDIT_KEYS\"\ncheckpoint = \"0s\"\n":         "",
		"[reload]\nwatch = \"yes\"\n":                                           `ward.toml:4: reload.watch: want boolean, got string`,
		"[admin]\nconsole = 1\n":                                                `ward.toml:4: admin.console: want boolean, got`,
		"[admin]\nconsole_session = \"10s\"\n":                                  `ward.toml:4: admin.console_session: `,
		"[admin]\nconsole_sesion = \"1h\"\n":                                    `ward.toml:4: admin.console_sesion: unknown key`,
		"[admin]\nconsole_token_login = false\n":                                `ward.toml:4: admin.console_token_login: false needs operators_file`,
		"[admin]\nconsole_token_login = \"no\"\n":                               `ward.toml:4: admin.console_token_login: want boolean, got string`,
		"[admin]\noperators_file = \"ops.toml\"\nconsole_token_login = false\n": "",
	} {
		_, err := Parse("ward.toml", []byte(base+text))
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", text, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%q: got %v, want %s...", text, err, want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Parse("ward.toml", []byte("[server]\nlisten = [\":1\"]\ntrusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\", \"fd00::/8\", \"::ffff:192.168.0.0/112\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Server.TrustedProxies {
		got = append(got, p.String())
	}
	want := []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8", "192.168.0.0/16"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
