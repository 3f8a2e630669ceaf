package ratelimit

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// Host tests use the SDK's in-process counters (real time): windows are
// long enough that no test depends on timing, and every test starts from
// ward.ResetState.

func loadCases(t testing.TB) []guesttest.Case {
	return guesttest.LoadCases(t, "testdata/cases.json")
}

// TestGolden runs every case through ward.Instance on fresh counters.
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			ward.ResetState()
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
	if d.Name != "ratelimit" || d.ABI != abi.Version || !reflect.DeepEqual(d.Phases, []string{"request", "response"}) {
		t.Fatalf("description %+v", d)
	}
	for _, k := range []string{"on_backend_error", "limits", "anomaly"} {
		if d.ConfigSchema[k] == "" {
			t.Errorf("config_schema lacks %q", k)
		}
	}
}

// request is an exchange of alice (key k1, roles intern,dev) from
// 10.1.2.3 on route llm, with one short user message (estimate: reply 3,
// message 4, "user" 1, "hello" 2: 10 tokens).
func request(mod func(x *ward.Exchange)) *ward.Exchange {
	x := &ward.Exchange{Phase: ward.PhaseRequest, API: ward.APIOpenAIChat, Route: "llm",
		Path: "/v1/chat/completions", Model: "gpt-4o-mini",
		Annotations: []ward.KV{{Key: "client.ip", Value: "10.1.2.3"},
			{Key: "identity.method", Value: "api_key"}, {Key: "identity.subject", Value: "alice"},
			{Key: "identity.key_id", Value: "k1"}, {Key: "identity.roles", Value: "intern, dev"}},
		Messages: []ward.Message{{Role: "user", Text: "hello"}}}
	if mod != nil {
		mod(x)
	}
	return x
}

const helloTokens = 10 // estimateTokens(request(nil))

func newConfigured(t testing.TB, config string) *ward.Instance {
	t.Helper()
	ward.ResetState()
	in, err := ward.NewInstance(New())
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Configure([]byte(config)); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return in
}

func check(t testing.TB, in *ward.Instance, x *ward.Exchange) abi.Verdict {
	t.Helper()
	v, err := in.Check(x)
	if err != nil {
		t.Fatal(err)
	}
	return v.Verdict
}

func kv(l []abi.KV, key string) (string, bool) {
	for _, e := range l {
		if e.Key == key {
			return e.Value, true
		}
	}
	return "", false
}

func counter(t testing.TB, key string) int64 {
	t.Helper()
	c, err := ward.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	return c.Value
}

func TestEstimate(t *testing.T) {
	tests := []struct {
		name string
		x    *ward.Exchange
		want int64
	}{
		{"empty", &ward.Exchange{}, 3},
		{"hello", request(nil), helloTokens},
		{"ascii rounds up per text", &ward.Exchange{Messages: []ward.Message{{Text: "abcde"}}}, 3 + 4 + 2},
		{"non-ascii: 2 bytes per token", &ward.Exchange{Messages: []ward.Message{{Text: "привет"}}}, 3 + 4 + 6},
		{"cjk", &ward.Exchange{Messages: []ward.Message{{Text: "你好"}}}, 3 + 4 + 3},
		{"tool call name counts", &ward.Exchange{Messages: []ward.Message{{Role: "assistant", Kind: ward.KindToolCall, Name: "get_weather", Text: "{}"}}}, 3 + 4 + 3 + 3 + 1},
		{"tools", &ward.Exchange{Tools: []ward.Tool{{Name: "search", Description: "web search"}}}, 3 + 8 + 2 + 3},
		{"max_tokens added", request(func(x *ward.Exchange) { x.MaxTokens = 500 }), helloTokens + 500},
	}
	for _, tt := range tests {
		if got := estimateTokens(tt.x); got != tt.want {
			t.Errorf("%s: estimate %d, want %d", tt.name, got, tt.want)
		}
	}
	x := request(nil)
	if n := testing.AllocsPerRun(100, func() { estimateTokens(x) }); n != 0 {
		t.Fatalf("estimateTokens allocates %v times", n)
	}
}

func TestRequestsLimit(t *testing.T) {
	in := newConfigured(t, `{"limits":[{"name":"per-key","by":"key","requests":3,"window":"1h"}]}`)
	for i := 1; i <= 3; i++ {
		v := check(t, in, request(nil))
		if v.Decision != abi.Allow {
			t.Fatalf("request %d denied: %+v", i, v)
		}
		want := "per-key limit=3 remaining=" + strconv.Itoa(3-i) + " reset=1h0m0s"
		if got, _ := kv(v.Annotations, annRequests); got != want {
			t.Fatalf("request %d: %s = %q, want %q", i, annRequests, got, want)
		}
		if len(v.SetHeaders) != 0 {
			t.Fatalf("allowed request sets headers %v (they would go upstream)", v.SetHeaders)
		}
	}
	v := check(t, in, request(nil))
	if v.Decision != abi.Deny || v.Status != 429 || v.Code != codeExceeded || v.Message != msgExceeded {
		t.Fatalf("4th request: %+v", v)
	}
	if want := []string{"per-key: 4 requests in 1h0m0s, limit 3"}; !reflect.DeepEqual(v.Reasons, want) {
		t.Fatalf("reasons %q, want %q", v.Reasons, want)
	}
	wantH := []abi.KV{{Key: "Retry-After", Value: "3600"}, {Key: hdrLimitReq, Value: "3"},
		{Key: hdrRemainingReq, Value: "0"}, {Key: hdrResetReq, Value: "1h0m0s"}}
	if !reflect.DeepEqual(v.SetHeaders, wantH) {
		t.Fatalf("headers %v, want %v", v.SetHeaders, wantH)
	}
	// Another key has its own counter.
	if v := check(t, in, request(func(x *ward.Exchange) { x.Annotations[3].Value = "k2" })); v.Decision != abi.Allow {
		t.Fatalf("other key denied: %+v", v)
	}
}

func TestTokensLimit(t *testing.T) {
	in := newConfigured(t, `{"limits":[{"name":"tok","by":"subject","tokens":100,"window":"1h"}]}`)
	big := func(x *ward.Exchange) { x.MaxTokens = 40 } // 50 tokens
	for i := 1; i <= 2; i++ {
		v := check(t, in, request(big))
		if v.Decision != abi.Allow {
			t.Fatalf("request %d denied: %+v", i, v)
		}
		if got, _ := kv(v.Annotations, annReserved); got != "tok:50" {
			t.Fatalf("reserved %q", got)
		}
	}
	if got := counter(t, "tok:t:alice"); got != 100 {
		t.Fatalf("counter %d, want 100", got)
	}
	// Full: denied, nothing reserved.
	v := check(t, in, request(nil))
	if v.Decision != abi.Deny || v.Code != codeExceeded {
		t.Fatalf("third request: %+v", v)
	}
	if _, ok := kv(v.Annotations, annReserved); ok {
		t.Fatalf("denied request annotates a reservation: %v", v.Annotations)
	}
	if got := counter(t, "tok:t:alice"); got != 100 {
		t.Fatalf("counter after denial %d, want 100 (reservation given back)", got)
	}
	if rem, _ := kv(v.SetHeaders, hdrRemainingToken); rem != "0" {
		t.Fatalf("remaining tokens header %q", rem)
	}
	// A request larger than the limit itself: never allowed, no Retry-After.
	in = newConfigured(t, `{"limits":[{"name":"tok","by":"subject","tokens":100,"window":"1h"}]}`)
	v = check(t, in, request(func(x *ward.Exchange) { x.MaxTokens = 1000 }))
	if v.Decision != abi.Deny || v.Code != codeTooLarge || len(v.SetHeaders) != 0 {
		t.Fatalf("too large: %+v", v)
	}
	if got := counter(t, "tok:t:alice"); got != 0 {
		t.Fatalf("too large request charged %d", got)
	}
}

// TestTokensPartialFit: a reservation that does not fit in what remains is
// denied even though the window is not used up.
func TestTokensPartialFit(t *testing.T) {
	in := newConfigured(t, `{"limits":[{"name":"tok","by":"subject","tokens":100,"window":"1h"}]}`)
	check(t, in, request(func(x *ward.Exchange) { x.MaxTokens = 60 })) // 70
	v := check(t, in, request(func(x *ward.Exchange) { x.MaxTokens = 30 }))
	if v.Decision != abi.Deny || !strings.Contains(v.Reasons[0], "70 tokens used") {
		t.Fatalf("verdict %+v", v)
	}
	if rem, _ := kv(v.SetHeaders, hdrRemainingToken); rem != "30" {
		t.Fatalf("remaining %q, want 30", rem)
	}
	if v := check(t, in, request(func(x *ward.Exchange) { x.MaxTokens = 20 })); v.Decision != abi.Allow { // 30: fits exactly
		t.Fatalf("exact fit denied: %+v", v)
	}
}

// TestRollback: when a later limit denies, earlier reservations of the same
// request are given back.
func TestRollback(t *testing.T) {
	in := newConfigured(t, `{"limits":[
		{"name":"a","by":"key","tokens":1000,"window":"1h"},
		{"name":"b","by":"global","tokens":15,"window":"1h"}]}`)
	if v := check(t, in, request(nil)); v.Decision != abi.Allow {
		t.Fatalf("first: %+v", v)
	}
	v := check(t, in, request(nil))
	if v.Decision != abi.Deny {
		t.Fatalf("second allowed: %+v", v)
	}
	if a, b := counter(t, "a:t:k1"), counter(t, "b:t:*"); a != helloTokens || b != helloTokens {
		t.Fatalf("counters a=%d b=%d, want %d each", a, b, helloTokens)
	}
	// The headers describe the most restrictive limit (b: 5 left).
	if lim, _ := kv(v.SetHeaders, hdrLimitTokens); lim != "15" {
		t.Fatalf("headers %v", v.SetHeaders)
	}
}

func TestSubjects(t *testing.T) {
	tests := []struct {
		name  string
		limit string
		mod   func(x *ward.Exchange)
		key   string // "" when the limit must not apply
	}{
		{"key", `"by":"key"`, nil, "l:r:k1"},
		{"subject", `"by":"subject"`, nil, "l:r:alice"},
		{"ip", `"by":"ip"`, nil, "l:r:10.1.2.3"},
		{"global", `"by":"global"`, nil, "l:r:*"},
		{"role: first of identity.roles", `"by":"role"`, nil, "l:r:intern"},
		{"role: rbac.role first", `"by":"role"`, func(x *ward.Exchange) {
			x.Annotations = append(x.Annotations, ward.KV{Key: "rbac.role", Value: "dev"})
		}, "l:r:dev"},
		{"role: the first the list names", `"by":"role","roles":["dev"]`, nil, "l:r:dev"},
		{"role: rbac.role outside the list", `"by":"role","roles":["dev"]`, func(x *ward.Exchange) {
			x.Annotations = append(x.Annotations, ward.KV{Key: "rbac.role", Value: "intern"})
		}, "l:r:dev"},
		{"no key id: skipped", `"by":"key"`, func(x *ward.Exchange) { x.Annotations[3].Value = "" }, ""},
		{"no subject: skipped", `"by":"subject"`, func(x *ward.Exchange) { x.Annotations = x.Annotations[:1] }, ""},
		{"no roles: skipped", `"by":"role"`, func(x *ward.Exchange) { x.Annotations = x.Annotations[:4] }, ""},
		{"roles filter: no match", `"by":"key","roles":["admin"]`, nil, ""},
		{"roles filter: rbac.role matches", `"by":"key","roles":["admin"]`, func(x *ward.Exchange) {
			x.Annotations = append(x.Annotations, ward.KV{Key: "rbac.role", Value: "admin"})
		}, "l:r:k1"},
		{"routes filter: match", `"by":"key","routes":["batch","llm"]`, nil, "l:r:k1"},
		{"routes filter: no match", `"by":"key","routes":["batch"]`, nil, ""},
		{"first annotation wins", `"by":"subject"`, func(x *ward.Exchange) {
			x.Annotations = append(x.Annotations, ward.KV{Key: "identity.subject", Value: "mallory"})
		}, "l:r:alice"},
		{"long subject hashed", `"by":"subject"`, func(x *ward.Exchange) { x.Annotations[2].Value = strings.Repeat("x", 300) },
			"l:r:" + keySubject(strings.Repeat("x", 300))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newConfigured(t, `{"limits":[{"name":"l",`+tt.limit+`,"requests":5,"window":"1h"}]}`)
			v := check(t, in, request(tt.mod))
			got, _ := kv(v.Annotations, annRequests)
			if tt.key == "" {
				if got != "" {
					t.Fatalf("limit applied: %s", got)
				}
				return
			}
			if got == "" || counter(t, tt.key) != 1 {
				t.Fatalf("counter %s = %d (annotation %q)", tt.key, counter(t, tt.key), got)
			}
		})
	}
}

func TestKeySubject(t *testing.T) {
	long := strings.Repeat("é", 200)
	for _, s := range []string{"alice", "#alice", long, strings.Repeat("a", maxSubjectLen)} {
		k := counterKey(strings.Repeat("n", maxNameLen), 't', s)
		if len(k) > ward.MaxStateKey {
			t.Errorf("key of %q is %d bytes", s, len(k))
		}
	}
	if keySubject("alice") != "alice" || keySubject(strings.Repeat("a", maxSubjectLen)) != strings.Repeat("a", maxSubjectLen) {
		t.Error("short subjects must be kept as they are")
	}
	if h := keySubject("#alice"); !strings.HasPrefix(h, "#") || len(h) != 33 || h == keySubject("#alicf") {
		t.Errorf("hashed subject %q", h)
	}
}

// response is the response phase of x with the request phase's verdict
// annotations applied, as the pipeline does.
func response(x *ward.Exchange, v abi.Verdict, status uint16, prompt, completion uint32) *ward.Exchange {
	x.Phase = ward.PhaseResponse
	x.Annotations = append(x.Annotations, v.Annotations...)
	x.Response = ward.Response{Status: status, PromptTokens: prompt, CompletionTokens: completion}
	return x
}

func TestResponseReconcile(t *testing.T) {
	const cfg = `{"limits":[{"name":"tok","by":"key","requests":10,"tokens":1000,"window":"1h"}]}`
	tests := []struct {
		name               string
		status             uint16
		prompt, completion uint32
		want               int64  // counter after the response phase
		charged            string // ratelimit.charged
	}{
		{"usage above the estimate", 200, 30, 70, 100, "tok:100"},
		{"usage below the estimate", 200, 2, 3, 5, "tok:5"},
		{"usage equal: no call", 200, 6, 4, 10, "tok:10"},
		{"no usage: reservation stands", 200, 0, 0, helloTokens, ""},
		{"error without usage: given back", 502, 0, 0, 0, "tok:0"},
		{"error with usage: charged", 400, 7, 0, 7, "tok:7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newConfigured(t, cfg)
			x := request(nil)
			v := check(t, in, x)
			if got, _ := kv(v.Annotations, annReserved); got != "tok:10" {
				t.Fatalf("reserved %q", got)
			}
			rv := check(t, in, response(x, v, tt.status, tt.prompt, tt.completion))
			if rv.Decision != abi.Allow {
				t.Fatalf("response denied: %+v", rv)
			}
			if got := counter(t, "tok:t:k1"); got != tt.want {
				t.Fatalf("counter %d, want %d", got, tt.want)
			}
			if got, _ := kv(rv.Annotations, annCharged); got != tt.charged {
				t.Fatalf("charged %q, want %q", got, tt.charged)
			}
			wantH := []abi.KV{{Key: hdrLimitReq, Value: "10"}, {Key: hdrRemainingReq, Value: "9"}, {Key: hdrResetReq, Value: "1h0m0s"},
				{Key: hdrLimitTokens, Value: "1000"}, {Key: hdrRemainingToken, Value: strconv.FormatInt(1000-tt.want, 10)}, {Key: hdrResetTokens, Value: "1h0m0s"}}
			if !reflect.DeepEqual(rv.SetHeaders, wantH) {
				t.Fatalf("headers\n got %v\nwant %v", rv.SetHeaders, wantH)
			}
		})
	}
}

// TestResponseClamp: a refund larger than the counter (its window expired
// and a new one started) leaves it at 0, not negative.
func TestResponseClamp(t *testing.T) {
	in := newConfigured(t, `{"limits":[{"name":"tok","by":"key","tokens":1000,"window":"1h"}]}`)
	x := request(nil)
	v := check(t, in, x)
	ward.ResetState() // the window "expired"
	check(t, in, response(x, v, 200, 1, 1))
	if got := counter(t, "tok:t:k1"); got != 0 {
		t.Fatalf("counter %d, want 0", got)
	}
}

func TestResponseMalformedReservation(t *testing.T) {
	in := newConfigured(t, `{"limits":[{"name":"tok","by":"key","tokens":1000,"window":"1h"}]}`)
	x := request(func(x *ward.Exchange) {
		x.Phase = ward.PhaseResponse
		x.Annotations = append(x.Annotations, ward.KV{Key: annReserved, Value: "tok:-5"})
		x.Response = ward.Response{Status: 200, PromptTokens: 10}
	})
	v := check(t, in, x)
	if v.Decision != abi.Allow || len(v.Reasons) != 1 || !strings.Contains(v.Reasons[0], "malformed") || counter(t, "tok:t:k1") != 0 {
		t.Fatalf("verdict %+v", v)
	}
}

func TestAnomalyNewSubject(t *testing.T) {
	in := newConfigured(t, `{"anomaly":{"short":"1m","baseline":"1h","multiple":10,"min_requests":5}}`)
	for i := 1; i <= 4; i++ {
		if v := check(t, in, request(nil)); len(v.Annotations) != 0 || len(v.Reasons) != 0 {
			t.Fatalf("request %d flagged: %+v", i, v)
		}
	}
	v := check(t, in, request(nil))
	want := "signal=requests ratio=inf count=5 baseline=0.0 short=1m0s"
	if got, _ := kv(v.Annotations, annBurst); got != want || v.Decision != abi.Allow {
		t.Fatalf("5th request: %+v, want %s = %q", v, annBurst, want)
	}
	if len(v.Reasons) != 1 || v.Reasons[0] != "anomaly: burst of requests: "+want {
		t.Fatalf("reasons %q", v.Reasons)
	}

	in = newConfigured(t, `{"anomaly":{"min_requests":2,"deny":true,"signals":["requests","tokens"],"min_tokens":15}}`)
	check(t, in, request(nil))
	v = check(t, in, request(nil))
	if v.Decision != abi.Deny || v.Status != 429 || v.Code != codeAnomaly || len(v.Reasons) != 2 {
		t.Fatalf("deny mode: %+v", v)
	}
	if ra, _ := kv(v.SetHeaders, "Retry-After"); ra == "" {
		t.Fatalf("no Retry-After: %v", v.SetHeaders)
	}
	wantR := []string{"anomaly: burst of requests: signal=requests ratio=inf count=2 baseline=0.0 short=1m0s",
		"anomaly: burst of tokens: signal=tokens ratio=inf count=20 baseline=0.0 short=1m0s"}
	if !reflect.DeepEqual(v.Reasons, wantR) {
		t.Fatalf("deny mode reasons\n got %q\nwant %q", v.Reasons, wantR)
	}

	// Both signals' texts, flagged and not denied, with another short.
	in = newConfigured(t, `{"anomaly":{"short":"90s","baseline":"3h","min_requests":1,"signals":["tokens","requests"],"min_tokens":5}}`)
	v = check(t, in, request(nil))
	wantA := []abi.KV{{Key: annBurst, Value: "signal=requests ratio=inf count=1 baseline=0.0 short=1m30s"},
		{Key: annBurst, Value: "signal=tokens ratio=inf count=10 baseline=0.0 short=1m30s"}}
	if got := v.Annotations[len(v.Annotations)-2:]; !reflect.DeepEqual(got, wantA) || len(v.Reasons) != 2 ||
		v.Reasons[0] != "anomaly: burst of requests: "+wantA[0].Value || v.Reasons[1] != "anomaly: burst of tokens: "+wantA[1].Value {
		t.Fatalf("both signals: %+v", v)
	}
}

// TestAnomalyStopsReservation: a burst denial reserves no tokens.
func TestAnomalyStopsReservation(t *testing.T) {
	in := newConfigured(t, `{"limits":[{"name":"tok","by":"key","tokens":1000,"window":"1h"}],"anomaly":{"min_requests":1,"deny":true}}`)
	v := check(t, in, request(nil))
	if v.Decision != abi.Deny || v.Code != codeAnomaly || counter(t, "tok:t:k1") != 0 {
		t.Fatalf("verdict %+v, counter %d", v, counter(t, "tok:t:k1"))
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	for _, s := range []summary{
		{name: "a", limit: 60, remaining: 0, reset: time.Second, set: true},
		{name: "per-key_2", limit: 1e12, remaining: 999, reset: 744 * time.Hour, set: true},
	} {
		got, ok := parseSummary(s.String())
		if !ok || got != s {
			t.Errorf("parseSummary(%q) = %+v, %v", s.String(), got, ok)
		}
	}
	for _, bad := range []string{"", "a", "A limit=1 remaining=1 reset=1s", "a limit=1 remaining=-1 reset=1s", "a limit=1 remaining=1 reset=x",
		"a remaining=1 limit=1 reset=1s", "a limit=1 remaining=1 reset=1s extra"} {
		if _, ok := parseSummary(bad); ok {
			t.Errorf("parseSummary(%q) accepted", bad)
		}
	}
}

func TestHeaderFormats(t *testing.T) {
	tests := []struct {
		d           time.Duration
		reset, rafx string
	}{
		{0, "0s", "1"},
		{time.Millisecond, "1s", "1"},
		{time.Second, "1s", "1"},
		{1001 * time.Millisecond, "2s", "2"},
		{6 * time.Minute, "6m0s", "360"},
		{59*time.Minute + 59*time.Second + 1, "1h0m0s", "3600"},
	}
	for _, tt := range tests {
		if got := string(appendReset(nil, tt.d)); got != tt.reset {
			t.Errorf("appendReset(%v) = %q, want %q", tt.d, got, tt.reset)
		}
		if got := retryAfter(tt.d); got != tt.rafx {
			t.Errorf("retryAfter(%v) = %q, want %q", tt.d, got, tt.rafx)
		}
	}
}

// FuzzConfigure feeds arbitrary config JSON to the guard: it must never
// panic, and an accepted config must satisfy the invariants the handlers
// rely on.
func FuzzConfigure(f *testing.F) {
	for _, c := range loadCases(f) {
		f.Add([]byte(c.Config))
	}
	f.Add([]byte(`{"limits":[{"name":"a","by":"ip","requests":1,"window":"1s"}],"anomaly":{}}`))
	f.Fuzz(func(t *testing.T, config []byte) {
		r := &ratelimit{}
		g := New()
		g.Configure = r.configure
		in, err := ward.NewInstance(g)
		if err != nil {
			t.Fatal(err)
		}
		if in.Configure(config) != nil {
			return
		}
		if len(r.limits) == 0 && !r.anomaly.on {
			t.Fatal("accepted a config that does nothing")
		}
		seen := map[string]bool{}
		for _, l := range r.limits {
			if !validName(l.name) || seen[l.name] || checkWindow(l.window) != nil || (l.requests == 0 && l.tokens == 0) ||
				l.requests < 0 || l.tokens < 0 || l.requests > maxRequests || l.tokens > maxTokens {
				t.Fatalf("accepted invalid limit %+v", l)
			}
			seen[l.name] = true
		}
		if a := r.anomaly; a.on && (a.baseline%a.short != 0 || a.baseline < 2*a.short || a.baseline > maxBaseline || !(a.multiple > 1)) {
			t.Fatalf("accepted invalid anomaly %+v", a)
		}
	})
}

// FuzzAnnotations feeds arbitrary values of the annotations the response
// phase parses: no panic, and what parses formats back to itself.
func FuzzAnnotations(f *testing.F) {
	f.Add("tok:10,b:5", "a limit=60 remaining=59 reset=1m0s")
	f.Add("x:", "a limit=1 remaining=1 reset=-1s")
	f.Fuzz(func(t *testing.T, reserved, sum string) {
		ok, b := readReserved(reserved)
		if ok && len(b) == 0 {
			t.Fatalf("validReserved(%q) accepted nothing", reserved)
		}
		if rok, rb := parseReservedRef(reserved); ok != rok || b != rb {
			t.Fatalf("%q: read %v %q, reference %v %q", reserved, ok, b, rok, rb)
		}
		if f, ok := parseSummaryFast(sum); ok {
			if g, gok := parseSummarySlow(sum); !gok || f != g {
				t.Fatalf("%q: fast parser %+v, general %+v %v", sum, f, g, gok)
			}
		}
		if s, ok := parseSummary(sum); ok {
			// String rounds the reset up to whole seconds.
			s.reset = time.Duration(ceilSeconds(s.reset)) * time.Second
			if s2, ok2 := parseSummary(s.String()); !ok2 || s2 != s {
				t.Fatalf("summary %q -> %+v does not round-trip", sum, s)
			}
		}
	})
}

// TestResetFormatAndNonASCII checks the hand-written formatters against the
// standard library's.
func TestResetFormatAndNonASCII(t *testing.T) {
	for _, d := range []time.Duration{0, -5, 1, time.Second, 59*time.Second + 1, time.Minute, 6 * time.Minute, time.Hour + 1, 744 * time.Hour, 90*time.Minute + 30*time.Second} {
		if got, want := string(appendReset(nil, d)), (time.Duration(ceilSeconds(d)) * time.Second).String(); got != want {
			t.Errorf("%v: %q want %q", d, got, want)
		}
	}
	for _, s := range []string{"", "abc", "héllo wörld ünïcode", strings.Repeat("日本語", 7), strings.Repeat("a", 17) + "é"} {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				n++
			}
		}
		if got := nonASCII(s); got != n {
			t.Errorf("%q: %d want %d", s, got, n)
		}
	}
}

// TestParseSummaryFastAgrees: whenever the one-pass parser accepts a text,
// the general parser returns the same summary (random summaries as String
// writes them, and mutations of them).
func TestParseSummaryFastAgrees(t *testing.T) {
	seed := uint64(7)
	next := func(n uint64) uint64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return (seed >> 11) % n
	}
	mut := []string{" ", "  ", "0", "9", "h", "m", "s", "x", "-", "+", "=", "\t", "é", "1h", "99999999999"}
	fast := 0
	for n := 0; n < 50000; n++ {
		s := summary{name: []string{"a", "per-key", "tok_2", "x" + strconv.Itoa(int(next(1000)))}[next(4)],
			limit: int64(next(1 << 50)), remaining: int64(next(1 << 20)), reset: time.Duration(next(uint64(maxWindow/time.Second)+2)) * time.Second, set: true}
		text := s.String()
		text = mutate(text, next(3), next, mut) // up to two mutations
		got, ok := parseSummaryFast(text)
		if !ok {
			continue
		}
		fast++
		want, wok := parseSummarySlow(text)
		if !wok || got != want {
			t.Fatalf("%q: fast %+v, general %+v %v", text, got, want, wok)
		}
	}
	for _, text := range []string{"a limit=1 remaining=1 reset=999999999h", "a limit=1 remaining=1 reset=5124096h", "a limit=1 remaining=1 reset=307445735m", "a limit=1 remaining=1 reset=999999999h999999999m", "a limit=1 remaining=1 reset=745h",
		"a limit=1 remaining=1 reset=744h", "a limit=1 remaining=1 reset=743h59m60s", "a limit=1 remaining=1 reset=744h0m1s", "a limit=999999999999999999 remaining=0 reset=0s"} {
		got, ok := parseSummaryFast(text)
		want, wok := parseSummarySlow(text)
		if ok && (!wok || got != want) {
			t.Errorf("%q: fast %+v, general %+v %v", text, got, want, wok)
		}
	}
	if fast < 10000 {
		t.Fatalf("the fast parser accepted only %d texts", fast)
	}
}

// readReserved reads an annReserved value with validReserved and
// nextReserved, as reconcile does, and formats the entries it yields.
func readReserved(s string) (bool, string) {
	if !validReserved(s) {
		return false, ""
	}
	var b []byte
	for rest := s; rest != ""; {
		name, n, r := nextReserved(rest)
		rest = r
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = append(b, name+":"+strconv.FormatInt(n, 10)...)
	}
	return true, string(b)
}

// parseReservedRef is the parser validReserved and nextReserved replaced
// (strings.Cut and strconv.ParseInt, a callback per entry), formatting the
// entries it yields as readReserved does.
func parseReservedRef(s string) (bool, string) {
	if s == "" {
		return false, ""
	}
	var b []byte
	for pass := 0; pass < 2; pass++ {
		for rest := s; rest != ""; {
			var item string
			item, rest, _ = strings.Cut(rest, ",")
			name, num, ok := strings.Cut(item, ":")
			n, err := strconv.ParseInt(num, 10, 64)
			if !ok || !validName(name) || err != nil || n <= 0 || n > maxTokens {
				return false, ""
			}
			if pass == 1 {
				if len(b) > 0 {
					b = append(b, ',')
				}
				b = append(b, name+":"+strconv.FormatInt(n, 10)...)
			}
		}
	}
	return true, string(b)
}

// TestReservedAgrees: validReserved and nextReserved accept exactly what
// the previous parser did and yield the same entries (random values as
// reservedString writes them, and mutations of them).
func TestReservedAgrees(t *testing.T) {
	seed := uint64(11)
	next := func(n uint64) uint64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return (seed >> 11) % n
	}
	mut := []string{",", ",,", ":", "::", "0", "9", "+", "-", "+-", " ", "x", "A", "é", "_", "1000000000000", "1000000000001",
		"9223372036854775807", "9223372036854775808", "99999999999999999999999", "000000000000000000001"}
	accepted := 0
	for k := 0; k < 100000; k++ {
		var b []byte
		for e := next(3) + 1; e > 0; e-- {
			if len(b) > 0 {
				b = append(b, ',')
			}
			b = append(b, []string{"a", "per-key", "tok_2", "x" + strconv.Itoa(int(next(1000)))}[next(4)]...)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(next(2*maxTokens)), 10) // half of them within maxTokens
		}
		text := string(b)
		text = mutate(text, next(3), next, mut) // up to two mutations
		ok, got := readReserved(text)
		rok, want := parseReservedRef(text)
		if ok != rok || got != want {
			t.Fatalf("%q: read %v %q, reference %v %q", text, ok, got, rok, want)
		}
		if ok {
			accepted++
		}
	}
	for _, text := range []string{"", "a:1", "a:1,", ",a:1", "a:+1", "a:-1", "a:0", "a:-0", "a:+", "a:", ":1", "a:1:2", "a:1,,b:2",
		"a:1000000000000", "a:1000000000001", "a:9223372036854775808", "a:0001", "a:1 ", "a:1,b"} {
		ok, got := readReserved(text)
		rok, want := parseReservedRef(text)
		if ok != rok || got != want {
			t.Errorf("%q: read %v %q, reference %v %q", text, ok, got, rok, want)
		}
	}
	if accepted < 20000 {
		t.Fatalf("only %d values accepted", accepted)
	}
}

// TestAppendIntAgrees: appendInt and appendSmall write what strconv does
// (edges of every digit count and of the 32-bit path, and random values).
func TestAppendIntAgrees(t *testing.T) {
	vals := []int64{0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1 << 31, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1<<63 - 1, -1, -10, -1 << 63, maxTokens, maxRequests}
	for p := int64(1); p > 0 && p <= 1e18; p *= 10 {
		vals = append(vals, p-1, p, p+1)
	}
	seed := uint64(3)
	for k := 0; k < 200000; k++ {
		seed = seed*6364136223846793005 + 1442695040888963407
		vals = append(vals, int64(seed>>(1+seed%63)))
	}
	pre := []byte("x=")
	for _, n := range vals {
		if got, want := string(appendInt(pre, n)), string(strconv.AppendInt(pre, n, 10)); got != want {
			t.Fatalf("appendInt(%d) = %q, want %q", n, got, want)
		}
	}
	for k := 0; k < 100000; k++ { // appendReset against time.Duration's String
		seed = seed*6364136223846793005 + 1442695040888963407
		d := time.Duration(seed>>11) % (maxWindow + time.Second)
		if got, want := string(appendReset(nil, d)), (time.Duration(ceilSeconds(d)) * time.Second).String(); got != want {
			t.Fatalf("appendReset(%v) = %q, want %q", d, got, want)
		}
	}
	for n := int64(0); n < 100; n++ {
		if got, want := string(appendSmall(pre, n)), string(strconv.AppendInt(pre, n, 10)); got != want {
			t.Fatalf("appendSmall(%d) = %q, want %q", n, got, want)
		}
	}
}

// readIdentityRef is the switch readIdentity replaced.
func readIdentityRef(x *ward.Exchange) identity {
	var id identity
	for i := range x.Annotations {
		a := &x.Annotations[i]
		switch a.Key {
		case annSubject:
			if id.seen&seenSubject == 0 {
				id.subject, id.seen = a.Value, id.seen|seenSubject
			}
		case annKeyID:
			if id.seen&seenKeyID == 0 {
				id.keyID, id.seen = a.Value, id.seen|seenKeyID
			}
		case annRoles:
			if id.seen&seenRoles == 0 {
				id.roles, id.seen = a.Value, id.seen|seenRoles
			}
		case annRBACRole:
			if id.seen&seenRBAC == 0 {
				id.rbacRole, id.seen = a.Value, id.seen|seenRBAC
			}
		case annClientIP:
			if id.seen&seenIP == 0 {
				id.ip, id.seen = a.Value, id.seen|seenIP
			}
		}
	}
	return id
}

// withNearMisses returns keys followed by each key one byte off at every
// position, cut there, and extended there.
func withNearMisses(keys []string) []string {
	all := append([]string(nil), keys...)
	for _, k := range keys {
		for i := 0; i < len(k); i++ {
			all = append(all, k[:i]+"#"+k[i+1:], k[:i], k[:i]+"_"+k[i:])
		}
	}
	return all
}

// annotationLists returns a deterministic generator (a 64-bit LCG from
// seed) of exchanges with fewer than most annotations each: keys mostly,
// one in three drawn from all instead, values random numbers.
func annotationLists(seed uint64, most int, keys, all []string) func() *ward.Exchange {
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 11) % uint64(n))
	}
	return func() *ward.Exchange {
		x := &ward.Exchange{}
		for n := next(most); n > 0; n-- {
			key := keys[next(len(keys))]
			if next(3) == 0 {
				key = all[next(len(all))]
			}
			x.Annotations = append(x.Annotations, ward.KV{Key: key, Value: strconv.Itoa(next(1000))})
		}
		return x
	}
}

// TestReadIdentityAgrees: readIdentity and annIndex agree with comparing
// strings, on random lists of the keys, keys one byte off (each position),
// cut or extended, and other annotations.
func TestReadIdentityAgrees(t *testing.T) {
	keys := []string{annSubject, annKeyID, annRoles, annRBACRole, annClientIP, annReserved, annRequests, annTokens, annCharged, annBurst,
		"identity.method", "", "x", "identity", "identity.subjects", "client.ipv6"}
	all := withNearMisses(keys)
	for _, s := range all {
		want := -1
		for i, k := range annKeys {
			if s == k {
				want = i
			}
		}
		if got := annIndex(s); got != want {
			t.Fatalf("annIndex(%q) = %d, want %d", s, got, want)
		}
	}
	lists := annotationLists(5, 9, keys, all)
	for k := 0; k < 50000; k++ {
		x := lists()
		// Into a struct holding another caller's identity: readIdentity
		// must reset every field.
		got := identity{subject: "old", keyID: "old", roles: "old", rbacRole: "old", ip: "old", seen: 31}
		readIdentity(x, &got)
		if want := readIdentityRef(x); got != want {
			t.Fatalf("%v: %+v, want %+v", x.Annotations, got, want)
		}
	}
}

// ownRef is the loop over the annotations that the response phase made
// before readResponse read them with the identity in one pass.
func ownRef(x *ward.Exchange) (reserved, reqText, tokText string, reservedSeen, reqSeen, tokSeen bool) {
	for i := range x.Annotations {
		a := &x.Annotations[i]
		switch {
		case a.Key == annReserved && !reservedSeen:
			reserved, reservedSeen = a.Value, true
		case a.Key == annRequests && !reqSeen:
			reqText, reqSeen = a.Value, true
		case a.Key == annTokens && !tokSeen:
			tokText, tokSeen = a.Value, true
		}
	}
	return
}

// TestReadResponseAgrees: readResponse reads the identity as readIdentity
// (and the switch it replaced) does, and the guard's own annotations as
// ownRef, on random annotation lists with repeated and near-miss keys.
func TestReadResponseAgrees(t *testing.T) {
	keys := []string{annSubject, annKeyID, annRoles, annRBACRole, annClientIP, annReserved, annRequests, annTokens, annCharged, annBurst,
		"identity.method", "", "x", "identity", "identity.subjects", "client.ipv6", "ratelimit.tokenz", "ratelimit.reservex"}
	all := withNearMisses(keys)
	lists := annotationLists(11, 12, keys, all)
	for k := 0; k < 50000; k++ {
		x := lists()
		id := identity{subject: "old", keyID: "old", roles: "old", rbacRole: "old", ip: "old", seen: 31}
		own := ownAnnotations{vals: [3]string{"old", "old", "old"}, seen: 7}
		readResponse(x, &id, &own)
		if want := readIdentityRef(x); id != want {
			t.Fatalf("%v: identity %+v, want %+v", x.Annotations, id, want)
		}
		res, req, tok, resSeen, reqSeen, tokSeen := ownRef(x)
		want := ownAnnotations{vals: [3]string{res, req, tok}}
		for i, b := range []bool{resSeen, reqSeen, tokSeen} {
			if b {
				want.seen |= 1 << i
			}
		}
		if own != want {
			t.Fatalf("%v: own %+v, want %+v", x.Annotations, own, want)
		}
	}
}

// TestIdentityLayout: identity's five strings are consecutive, in the
// order of the seen bits, as identity.vals assumes.
func TestIdentityLayout(t *testing.T) {
	var id identity
	vals := id.vals()
	for i, p := range []*string{&id.subject, &id.keyID, &id.roles, &id.rbacRole, &id.ip} {
		if &vals[i] != p {
			t.Fatalf("vals()[%d] is not the field of seen bit %d", i, i)
		}
	}
}

// TestAppendTenthsAgrees: appendTenths writes what strconv does.
func TestAppendTenthsAgrees(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 0.05, 0.25, 0.95, 1, 1.5, 9.95, 10, 1 << 52, 1<<53 - 1, 1 << 53, 1<<53 + 2, 1e300, -1, -0.5, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64}
	seed := uint64(9)
	for k := 0; k < 100000; k++ {
		seed = seed*6364136223846793005 + 1442695040888963407
		switch k % 3 {
		case 0:
			vals = append(vals, float64(seed>>(11+seed%53))) // whole numbers
		case 1:
			vals = append(vals, float64(seed>>40)/float64(1+seed%1000))
		default:
			vals = append(vals, math.Float64frombits(seed))
		}
	}
	for _, f := range vals {
		if got, want := string(appendTenths([]byte("r="), f)), string(strconv.AppendFloat([]byte("r="), f, 'f', 1, 64)); got != want {
			t.Fatalf("appendTenths(%v) = %q, want %q", f, got, want)
		}
	}
}

// TestResponseTokensSummary: the tokens summary the response phase reads
// is replaced by the fresh reading of its limit, kept when of another
// limit, or dropped when malformed, exactly as when it was always parsed
// first (the reference below), for texts whose name follows blanks too.
func TestResponseTokensSummary(t *testing.T) {
	const cfg = `{"limits":[{"name":"tok","by":"key","tokens":1000,"window":"1h"},{"name":"other","by":"subject","tokens":5000,"window":"1h"}]}`
	var texts []string
	for _, name := range []string{"tok", "other", "zzz", "to", "tok2"} {
		for _, rem := range []string{"0", "5", "950", "4990"} {
			s := name + " limit=5000 remaining=" + rem + " reset=1m0s"
			texts = append(texts, s, " "+s, "\t"+s, strings.Replace(s, " ", "\t", 1), s+" x", name+" limit=x remaining=1 reset=1s", name)
		}
	}
	texts = append(texts, "", " ", "tok ")
	for _, text := range texts {
		in := newConfigured(t, cfg)
		x := request(nil)
		v := check(t, in, x)
		if got, _ := kv(v.Annotations, annReserved); got != "tok:10,other:10" {
			t.Fatalf("reserved %q", got)
		}
		rx := response(x, v, 200, 40, 60)
		for i := range rx.Annotations {
			if rx.Annotations[i].Key == annTokens {
				rx.Annotations[i].Value = text
			}
		}
		rv := check(t, in, rx)
		// The reference: parse, drop when of an updated limit, then
		// consider the fresh reading.
		ref, _ := parseSummary(text)
		if ref.set && (ref.name == "tok" || ref.name == "other") {
			ref = summary{}
		}
		var fresh summary
		fresh.consider("tok", 1000, "", 1000-counter(t, "tok:t:k1"), time.Hour)
		fresh.consider("other", 5000, "", 5000-counter(t, "other:t:alice"), time.Hour)
		ref.consider(fresh.name, fresh.limit, "", fresh.remaining, fresh.reset)
		lim, _ := kv(rv.SetHeaders, hdrLimitTokens)
		rem, _ := kv(rv.SetHeaders, hdrRemainingToken)
		if lim != strconv.FormatInt(ref.limit, 10) || rem != strconv.FormatInt(ref.remaining, 10) {
			t.Fatalf("%q: limit %q remaining %q, want %+v", text, lim, rem, ref)
		}
	}
}

// TestCanonicalSummary: whenever canonicalSummary accepts a text, the
// parsed summary formats back to the same header values (so the response
// phase's headers are what parsing and formatting gave), and it accepts
// every text summary.String writes.
func TestCanonicalSummary(t *testing.T) {
	seed := uint64(13)
	next := func(n uint64) uint64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return (seed >> 11) % n
	}
	mut := []string{" ", "0", "00", "9", "h", "m", "s", "x", "-", "+", "60", "59", "744h", "743h", "1h", "0m", "99999999999", "\t"}
	accepted, mutated := 0, 0
	check := func(text string, mustAccept bool) {
		lim, rem, reset, ok := canonicalSummary(text)
		if !ok {
			if mustAccept {
				t.Fatalf("%q not accepted", text)
			}
			return
		}
		accepted++
		s, pok := parseSummary(text)
		if !pok {
			t.Fatalf("%q accepted, but parseSummary fails", text)
		}
		if got := string(appendInt(nil, s.limit)); got != lim {
			t.Fatalf("%q: limit %q, formatted %q", text, lim, got)
		}
		if got := string(appendInt(nil, s.remaining)); got != rem {
			t.Fatalf("%q: remaining %q, formatted %q", text, rem, got)
		}
		if got := string(appendReset(nil, s.reset)); got != reset {
			t.Fatalf("%q: reset %q, formatted %q", text, reset, got)
		}
	}
	for n := 0; n < 100000; n++ {
		s := summary{name: []string{"a", "per-key", "tok_2", "x" + strconv.Itoa(int(next(1000)))}[next(4)],
			limit: int64(next(1e18)), remaining: int64(next(1 << uint64(next(60)+1))), set: true}
		switch next(3) {
		case 0:
			s.reset = time.Duration(next(uint64(maxWindow/time.Second)+1)) * time.Second
		case 1:
			s.reset = time.Duration(next(3600)) * time.Second
		default:
			s.reset = time.Duration(next(120)) * time.Second
		}
		text := s.String()
		check(text, true)
		text = mutate(text, next(3)+1, next, mut) // one to three mutations
		before := accepted
		check(text, false)
		mutated += accepted - before
	}
	for _, text := range []string{"a limit=1 remaining=1 reset=744h0m0s", "a limit=1 remaining=1 reset=744h0m1s", "a limit=1 remaining=1 reset=0m5s",
		"a limit=1 remaining=1 reset=1h60m0s", "a limit=01 remaining=1 reset=1s", "a limit=1 remaining=00 reset=1s", "a limit=1 remaining=1 reset=60s",
		"a limit=1 remaining=1 reset=05s", "a limit=1 remaining=1 reset=1h5s", "a limit=1 remaining=1 reset=1m", "a limit=1 remaining=1 reset="} {
		check(text, false)
	}
	if mutated < 1000 {
		t.Fatalf("only %d mutated texts accepted", mutated)
	}
}

// mutate applies n random mutations to text (next draws below its
// argument): insert, replace or cut at a random place, with pieces from
// mut.
func mutate(text string, n uint64, next func(uint64) uint64, mut []string) string {
	for ; n > 0; n-- {
		i := int(next(uint64(len(text) + 1)))
		switch next(3) {
		case 0:
			text = text[:i] + mut[next(uint64(len(mut)))] + text[i:]
		case 1:
			if i < len(text) {
				text = text[:i] + mut[next(uint64(len(mut)))] + text[i+1:]
			}
		case 2:
			text = text[:i]
		}
	}
	return text
}

// TestCounterKeysAgree: a limit's key cache returns the keys counterKey
// builds, over a random sequence of repeated, new, long (hashed) and
// '#'-prefixed subjects, also when the caller's subject string is
// overwritten after the call (it aliases the exchange).
func TestCounterKeysAgree(t *testing.T) {
	subjects := []string{"k1", "k2", "alice", "#x", strings.Repeat("s", maxSubjectLen), strings.Repeat("s", maxSubjectLen+1), "k1 ", "a:b", strings.Repeat("é", 100)}
	subjects = append(subjects, "k3", "k4", "k5") // same lengths as k1, k2
	var c counterKeys
	seed := uint64(3)
	buf := make([]byte, 512) // the exchange's memory, reused by every call
	for k := 0; k < 20000; k++ {
		seed = seed*6364136223846793005 + 1442695040888963407
		s := subjects[(seed>>11)%uint64(len(subjects))]
		n := copy(buf, s)
		got := c.get("per-key", unsafe.String(&buf[0], n))
		if got.reqKey != counterKey("per-key", 'r', s) || got.tokKey != counterKey("per-key", 't', s) {
			t.Fatalf("%d: subject %q: keys %q, %q", k, s, got.reqKey, got.tokKey)
		}
	}
}

// anomalySubject is the reference for whom the baseline is kept, written
// as a plain switch: "s:SUBJECT", else "k:KEYID", else "i:IP" ("" when
// none).
func anomalySubject(id *identity) string {
	switch {
	case id.subject != "":
		return "s:" + id.subject
	case id.keyID != "":
		return "k:" + id.keyID
	case id.ip != "":
		return "i:" + id.ip
	}
	return ""
}

// TestSlotKeysAgree: the anomaly's key cache returns the keys anomalyKey
// builds from anomalySubject, over random subjects and slots, with one or
// both signals.
func TestSlotKeysAgree(t *testing.T) {
	ids := []identity{{subject: "alice"}, {keyID: "k1"}, {ip: "10.0.0.1"}, {subject: "bob", keyID: "k1"}, {subject: strings.Repeat("s", maxSubjectLen)},
		{keyID: "#k"}, {ip: "k1"}, {subject: "k1"}, {subject: "k2"}, {keyID: "k2"}}
	for _, sig := range [][2]bool{{true, false}, {false, true}, {true, true}} {
		a := anomaly{requests: sig[0], tokens: sig[1]}
		seed := uint64(7)
		buf := make([]byte, 512)
		for k := 0; k < 20000; k++ {
			seed = seed*6364136223846793005 + 1442695040888963407
			id := ids[(seed>>11)%uint64(len(ids))]
			sSlot := int64((seed >> 20) % 3 * 100000)
			bSlot := int64((seed >> 30) % 3)
			kind, who := anomalyWho(&id)
			n := copy(buf, who) // the exchange's memory, reused by every call
			got := a.keys.get(&a, kind, unsafe.String(&buf[0], n), sSlot, bSlot)
			subj := keySubject(anomalySubject(&id))
			for i, s := range []struct {
				on  bool
				sig byte
			}{{a.requests, 'r'}, {a.tokens, 't'}} {
				var want [3]string
				if s.on {
					var ar arena
					want[0], want[1] = ar.anomalyKey(s.sig, 's', sSlot, subj), ar.anomalyKey(s.sig, 'b', bSlot, subj)
					if bSlot > 0 {
						want[2] = ar.anomalyKey(s.sig, 'b', bSlot-1, subj)
					}
				}
				if got[i] != want {
					t.Fatalf("%v %+v slots %d %d: %q, want %q", sig, id, sSlot, bSlot, got[i], want)
				}
			}
		}
	}
}
