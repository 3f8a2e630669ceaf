package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/plugins/auth/token"
	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

func loadCases(t testing.TB) []guesttest.Case {
	return guesttest.LoadCases(t, "testdata/cases.json")
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func newInstance(t testing.TB, now time.Time, config string) *ward.Instance {
	t.Helper()
	in, err := ward.NewInstance(newGuardClock(fixedClock(now)))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Configure([]byte(config)); err != nil {
		t.Fatalf("Configure(%s): %v", config, err)
	}
	return in
}

// TestGolden runs every case through ward.Instance on the host, at a fixed
// time between the cases' past and future.
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			in, err := ward.NewInstance(newGuardClock(fixedClock(tNow)))
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
	if d.Name != "auth" || d.ABI != abi.Version || !reflect.DeepEqual(d.Phases, []string{"request"}) {
		t.Fatalf("description %+v", d)
	}
	for _, k := range []string{"headers", "strip_credentials", "realm", "leeway", "api_keys", "tokens", "jwt"} {
		if d.ConfigSchema[k] == "" {
			t.Errorf("config_schema lacks %q", k)
		}
	}
}

// TestClockRequired: without the clock grant a guest reads the epoch or
// wazero's fake 2022-01-01; configuration must say how to fix it.
func TestClockRequired(t *testing.T) {
	for _, now := range []time.Time{time.Unix(0, 0), time.Date(2022, 1, 1, 0, 0, 0, 5e6, time.UTC)} {
		in, _ := ward.NewInstance(newGuardClock(fixedClock(now)))
		err := in.Configure([]byte(`{"api_keys":[{"id":"a","sha256":"` + strings.Repeat("0", 64) + `"}]}`))
		var ce *ward.ConfigError
		if !errors.As(err, &ce) || ce.Key != "" || !strings.Contains(ce.Msg, `grants = ["clock"]`) {
			t.Fatalf("at %v: Configure = %v", now, err)
		}
	}
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func x(headers ...string) *ward.Exchange {
	e := &ward.Exchange{Phase: ward.PhaseRequest, Messages: []ward.Message{{Role: "user", Text: "hi"}}}
	for i := 0; i+1 < len(headers); i += 2 {
		e.Headers = append(e.Headers, ward.KV{Key: headers[i], Value: headers[i+1]})
	}
	return e
}

func annotation(v ward.Verdict, key string) string {
	for _, a := range v.Annotations {
		if a.Key == key {
			return a.Value
		}
	}
	return "<none>"
}

// TestRequestMethods exercises each method end to end on the host with
// asymmetric keys generated at test time.
func TestRequestMethods(t *testing.T) {
	k := keys(t)
	secret := []byte("ward-token-secret-of-32-bytes-xx")
	cfg, _ := json.Marshal(map[string]any{
		"api_keys": []any{
			map[string]any{"id": "k1", "sha256": hashHex("key-one"), "subject": "svc-one", "roles": []string{"reader"}},
			map[string]any{"id": "k2", "sha256": hashHex("key-two"), "expires": tNow.Add(time.Hour).Format(time.RFC3339)},
			map[string]any{"id": "k3", "sha256": hashHex("key-three"), "expires": tNow.Add(-time.Hour).Format(time.RFC3339)},
		},
		"tokens": map[string]any{"secret": base64.StdEncoding.EncodeToString(secret)},
		"jwt": map[string]any{"issuer": "https://idp.example", "audience": []string{"ward"},
			"algorithms": []string{"RS256", "ES256"}, "roles_claim": "scope", "subject_claim": "email",
			"keys": []any{map[string]any{"kid": "rsa1", "pem": pubPEM(t, &k.rsa.PublicKey)}, map[string]any{"kid": "ec", "pem": pubPEM(t, &k.p256.PublicKey)}}},
	})
	in := newInstance(t, tNow, string(cfg))
	wt, err := token.Issue(secret, token.Claims{Subject: "eve", Roles: []string{"ops", "dev"}, ExpiresAt: tNow.Add(15 * time.Minute), ID: "tid"}, tNow)
	if err != nil {
		t.Fatal(err)
	}
	claims := with(stdClaims(), "email", "alice@example.com", "scope", "chat embed")
	rs := signJWT(t, map[string]any{"alg": "RS256", "kid": "rsa1"}, claims, k.rsa)
	es := signJWT(t, map[string]any{"alg": "ES256", "kid": "ec"}, claims, k.p256)
	ed := signJWT(t, map[string]any{"alg": "EdDSA", "kid": "ec"}, claims, k.ed)
	confused := signJWT(t, map[string]any{"alg": "HS256", "kid": "rsa1"}, claims, []byte(pubPEM(t, &k.rsa.PublicKey)))
	cases := []struct {
		name                                 string
		ex                                   *ward.Exchange
		reason                               string // "" = allow
		method, subject, keyID, roles, strip string
	}{
		{"api key", x("x-api-key", "key-one"), "", "api_key", "svc-one", "k1", "reader", "x-api-key"},
		{"api key, subject defaults to id", x("authorization", "Bearer   key-two"), "", "api_key", "k2", "k2", "", "authorization"},
		{"api key expired", x("x-api-key", "key-three"), "api_key: expired", "", "", "", "", ""},
		{"api key header name case", x("X-Api-Key", "key-one"), "", "api_key", "svc-one", "k1", "reader", "x-api-key"},
		{"ward token", x("authorization", "Bearer "+wt), "", "ward_token", "eve", "tid", "ops,dev", "authorization"},
		{"ward token in x-api-key", x("x-api-key", wt), "", "ward_token", "eve", "tid", "ops,dev", "x-api-key"},
		{"ward token truncated", x("authorization", "Bearer "+wt[:len(wt)-4]), "ward_token: malformed", "", "", "", "", ""},
		{"RS256", x("authorization", "Bearer "+rs), "", "jwt", "alice@example.com", "rsa1", "chat,embed", "authorization"},
		{"ES256", x("authorization", "Bearer "+es), "", "jwt", "alice@example.com", "ec", "chat,embed", "authorization"},
		{"EdDSA not allowed", x("authorization", "Bearer "+ed), "jwt: alg_not_allowed", "", "", "", "", ""},
		{"HS/RS confusion", x("authorization", "Bearer "+confused), "jwt: alg_not_allowed", "", "", "", "", ""},
		{"bearer without token", x("authorization", "Bearer "), "authorization: malformed credential", "", "", "", "", ""},
		{"bearer without space", x("authorization", "Bearer"), "authorization: not a Bearer credential", "", "", "", "", ""},
		{"bearer only spaces", x("authorization", "Bearer    "), "authorization: malformed credential", "", "", "", "", ""},
		{"token with inner space", x("authorization", "Bearer a b"), "authorization: malformed credential", "", "", "", "", ""},
		{"NUL byte", x("x-api-key", "key-one\x00"), "x-api-key: malformed credential", "", "", "", "", ""},
		{"LF only", x("x-api-key", "key-one\nx-api-key: key-two"), "x-api-key: malformed credential", "", "", "", "", ""},
		{"non-ASCII", x("x-api-key", "kéy"), "x-api-key: malformed credential", "", "", "", "", ""},
		{"authorization wins over x-api-key", x("x-api-key", "key-one", "authorization", "Bearer nope"), "api_key: unknown", "", "", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := in.Check(c.ex)
			if err != nil {
				t.Fatal(err)
			}
			if c.reason != "" {
				want := []abi.KV{{Key: "WWW-Authenticate", Value: `Bearer realm="ward"`}}
				if v.Decision != abi.Deny || v.Status != 401 || v.Code != "auth.unauthenticated" || v.Message != "authentication required" ||
					!reflect.DeepEqual(v.Reasons, []string{c.reason}) || !reflect.DeepEqual(v.SetHeaders, want) || len(v.Annotations) != 0 {
					t.Fatalf("verdict %+v, want deny because %q", v.Verdict, c.reason)
				}
				return
			}
			if v.Decision != abi.Allow || len(v.Reasons) != 0 {
				t.Fatalf("verdict %+v, want allow", v.Verdict)
			}
			for key, want := range map[string]string{annMethod: c.method, annSubject: c.subject, annKeyID: c.keyID, annRoles: c.roles} {
				if got := annotation(v, key); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			if want := []abi.KV{{Key: c.strip, Value: ""}}; !reflect.DeepEqual(v.SetHeaders, want) {
				t.Errorf("set headers %+v, want %+v", v.SetHeaders, want)
			}
		})
	}
	// Time moves: the Ward token expires for a later instance.
	later := newInstance(t, tNow.Add(16*time.Minute), string(cfg))
	if v, _ := later.Check(x("authorization", "Bearer "+wt)); v.Decision != abi.Deny || v.Reasons[0] != "ward_token: expired" {
		t.Fatalf("after expiry: %+v", v.Verdict)
	}
}

// TestLookupKeyVisitsAll checks that the key lookup finds keys at every
// position (it must scan all of them, not stop at a match).
func TestLookupKeyVisitsAll(t *testing.T) {
	a := &auth{}
	for i := 0; i < 50; i++ {
		a.keys = append(a.keys, apiKey{id: string(rune('a' + i%26)), hash: sha256.Sum256([]byte{byte(i)})})
	}
	for i := 0; i < 50; i++ {
		if k := a.lookupKey(string([]byte{byte(i)})); k != &a.keys[i] {
			t.Fatalf("key %d: got %p", i, k)
		}
	}
	if a.lookupKey("nope") != nil {
		t.Fatal("unknown key found")
	}
}

func TestConfigErrors(t *testing.T) {
	k := keys(t)
	ed := pubPEM(t, k.ed.Public())
	hs := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	cases := []struct{ name, config, key, msg string }{
		{"not a table", `{"api_keys":{}}`, "api_keys", "want array of tables"},
		{"empty keys", `{"api_keys":[]}`, "api_keys", "must not be empty"},
		{"element not a table", `{"api_keys":["x"]}`, "api_keys[0]", "want table"},
		{"headers empty", `{"headers":[],"tokens":{"secret":"` + hs + `"}}`, "headers", "must not be empty"},
		{"duplicate header", `{"headers":["a","a"],"tokens":{"secret":"` + hs + `"}}`, "headers[1]", "duplicate"},
		{"leeway too big", `{"leeway":"1h","tokens":{"secret":"` + hs + `"}}`, "leeway", "between"},
		{"secret not base64", `{"tokens":{"secret":"!!!"}}`, "tokens.secret", "not base64"},
		{"tokens unknown key", `{"tokens":{"secret":"` + hs + `","ttl":"1m"}}`, "tokens.ttl", "unknown key"},
		{"jwt unknown key", `{"jwt":{"hmac_secret":"` + hs + `","algs":[]}}`, "jwt.algs", "unknown key"},
		{"jwt empty algorithms", `{"jwt":{"hmac_secret":"` + hs + `","algorithms":[]}}`, "jwt.algorithms", "must not be empty"},
		{"jwt hmac secret without HS alg", `{"jwt":{"hmac_secret":"` + hs + `","algorithms":["RS256"]}}`, "jwt.hmac_secret", "no HS"},
		{"jwt keys without asymmetric alg", `{"jwt":{"algorithms":["HS256"],"keys":[{"pem":` + jsonString(ed) + `}]}}`, "jwt.algorithms", "no asymmetric"},
		{"jwt two keys without kid", `{"jwt":{"keys":[{"pem":` + jsonString(ed) + `},{"kid":"b","pem":` + jsonString(ed) + `}]}}`, "jwt.keys", "needs a kid"},
		{"jwt duplicate kid", `{"jwt":{"keys":[{"kid":"a","pem":` + jsonString(ed) + `},{"kid":"a","pem":` + jsonString(ed) + `}]}}`, "jwt.keys", "duplicate kid"},
		{"jwt bad jwks", `{"jwt":{"jwks":"{\"keys\":[{\"kty\":\"oct\"}]}"}}`, "jwt.jwks", "keys[0]: symmetric"},
		{"jwt pem missing", `{"jwt":{"keys":[{"kid":"a"}]}}`, "jwt.keys[0].pem", "required"},
		{"jwt short hmac", `{"jwt":{"hmac_secret":"c2hvcnQ="}}`, "jwt.hmac_secret", "at least 32"},
		{"sha256 not hex", `{"api_keys":[{"id":"a","sha256":"` + strings.Repeat("g", 64) + `"}]}`, "api_keys[0].sha256", "64 hex digits"},
		{"sha256 too short", `{"api_keys":[{"id":"a","sha256":"` + strings.Repeat("a", 62) + `"}]}`, "api_keys[0].sha256", "64 hex digits"},
		{"sha256 too long", `{"api_keys":[{"id":"a","sha256":"` + strings.Repeat("a", 66) + `"}]}`, "api_keys[0].sha256", "64 hex digits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, _ := ward.NewInstance(newGuardClock(fixedClock(tNow)))
			err := in.Configure([]byte(c.config))
			var ce *ward.ConfigError
			if !errors.As(err, &ce) || ce.Key != c.key || !strings.Contains(ce.Msg, c.msg) {
				t.Fatalf("Configure = %v, want %s: ...%s...", err, c.key, c.msg)
			}
		})
	}
	// A valid config with every section is accepted.
	ok := `{"headers":["authorization"],"strip_credentials":false,"realm":"r","leeway":"5s",` +
		`"api_keys":[{"id":"a","sha256":"` + hashHex("x") + `","subject":"s","roles":["r"],"expires":"2030-01-01T00:00:00Z"}],` +
		`"tokens":{"secret":"` + hs + `"},"jwt":{"issuer":"i","audience":["a"],"hmac_secret":"` + hs + `","keys":[{"kid":"e","pem":` + jsonString(ed) + `}],"subject_claim":"sub","roles_claim":"groups"}}`
	newInstance(t, tNow, ok)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestCredentialShape: the 8-bytes-at-a-time credentialShape agrees with
// a byte loop on every byte value at every position of a block and in the
// tail, and on random credentials with dots.
func TestCredentialShape(t *testing.T) {
	ref := func(cred string) (int, bool) {
		dots := 0
		for i := 0; i < len(cred); i++ {
			if cred[i] <= ' ' || cred[i] > '~' {
				return 0, false
			}
			if cred[i] == '.' {
				dots++
			}
		}
		return dots, true
	}
	check := func(cred string) {
		t.Helper()
		d, ok := credentialShape(cred)
		if rd, rok := ref(cred); d != rd || ok != rok {
			t.Fatalf("credentialShape(%q) = %d, %v; want %d, %v", cred, d, ok, rd, rok)
		}
	}
	base := []byte("eyJhbGciOi.JIUzI1NiJ9.abcdefgh")
	for pos := range base {
		for c := range 256 {
			b := append([]byte(nil), base...)
			b[pos] = byte(c)
			check(string(b))
			// Next to a byte that borrows or carries.
			if pos+1 < len(b) {
				b[pos+1] = ' '
				check(string(b))
				b[pos+1] = 0x7f
				check(string(b))
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	const alphabet = "abcXYZ019-_.~!.\x7f \x80\xff\x00."
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(3) > 0 {
				b[i] = "abc.def"[r.IntN(7)]
			}
		}
		check(string(b))
	}
}
