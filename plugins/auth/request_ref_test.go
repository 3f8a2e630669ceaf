package auth

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	ward "github.com/wardgate/ward/sdk/go"
)

// refRequest is request's header handling as first written (find the
// credential, then scan the headers again for strip_credentials), around
// the same checks: request must give the same verdict on every exchange.
func refRequest(a *auth, x *ward.Exchange, v *ward.Verdict) {
	var header, cred string
	for _, name := range a.headers {
		for i := range x.Headers {
			if k := x.Headers[i].Key; x.Headers[i].Value != "" && (k == name || strings.EqualFold(k, name)) {
				header, cred = name, x.Headers[i].Value
				break
			}
		}
		if header != "" {
			break
		}
	}
	if header == "" {
		a.deny(v, "no credentials")
		return
	}
	if sameString(header, "authorization") {
		scheme, rest, ok := strings.Cut(cred, " ")
		if !ok || !strings.EqualFold(scheme, "bearer") {
			a.deny(v, "authorization: not a Bearer credential")
			return
		}
		cred = strings.TrimLeft(rest, " ")
	}
	dots, clean := credentialShape(cred)
	if cred == "" || len(cred) > jwtMaxLen || !clean {
		a.deny(v, header+": malformed credential")
		return
	}
	if e := a.cache.get(cred, a.now); e != nil {
		v.Annotate(annMethod, e.method)
		v.Annotate(annSubject, e.subject)
		v.Annotate(annKeyID, e.keyID)
		v.Annotate(annRoles, e.roles)
	} else if !a.verify(v, cred, dots) {
		return
	}
	if a.strip {
		for _, name := range a.headers {
			for i := range x.Headers {
				if k := x.Headers[i].Key; k == name || strings.EqualFold(k, name) {
					v.SetHeader(name, "")
					break
				}
			}
		}
	}
}

// TestRequestMatchesReference compares request with refRequest on random
// header sets (names in any case, empty values, repeats, unknown names)
// under the default headers, a reordered list, strip off, and a list of
// 70 names (past the 64 that request notes in one pass).
func TestRequestMatchesReference(t *testing.T) {
	many := []string{}
	for i := range 70 {
		many = append(many, "h-"+strconv.Itoa(i))
	}
	many[3], many[66] = "x-api-key", "authorization"
	keys := `"api_keys":[{"id":"k1","sha256":"` + hashHex("key-one") + `","subject":"s","roles":["r"]}]`
	manyJSON, _ := json.Marshal(many)
	configs := []string{
		`{` + keys + `}`,
		`{"headers":["x_tok","kid","authorization","s"],` + keys + `}`,
		`{"headers":["x-api-key","authorization"],` + keys + `}`,
		`{"strip_credentials":false,` + keys + `}`,
		`{"headers":` + string(manyJSON) + `,` + keys + `}`,
	}
	names := []string{"authorization", "Authorization", "x-api-key", "X-API-Key", "other", "h-0", "h-3", "H-65", "h-69", "h-66",
		"x_tok", "X_TOK", "x_Tok", "kid", "KID", "\u212aid", "\u212a", "s", "S", "\u017f", "", "k", "ki"}
	values := []string{"", "Bearer key-one", "key-one", "Bearer nope", "bearer  key-one", "Basic key-one"}
	r := rand.New(rand.NewPCG(1, 2))
	for _, config := range configs {
		a, g := newAuthGuard(fixedClock(tNow))
		in, err := ward.NewInstance(g)
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Configure([]byte(config)); err != nil {
			t.Fatal(err)
		}
		for range 20000 {
			ex := x()
			for range r.IntN(5) {
				ex.Headers = append(ex.Headers, ward.KV{Key: names[r.IntN(len(names))], Value: values[r.IntN(len(values))]})
			}
			var got, want ward.Verdict
			a.request(ex, &got)
			refRequest(a, ex, &want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, headers %q:\n got %+v\nwant %+v", config, ex.Headers, got.Verdict, want.Verdict)
			}
		}
	}
}

// TestBearerCredential compares bearerCredential with the strings
// functions it replaces on random values over an alphabet with the
// scheme's letters in both cases, spaces, a tab, 'k' and 's' and their
// non-ASCII folds, and other non-ASCII bytes.
func TestBearerCredential(t *testing.T) {
	ref := func(value string) (string, bool) {
		scheme, rest, ok := strings.Cut(value, " ")
		if !ok || !strings.EqualFold(scheme, "bearer") {
			return "", false
		}
		return strings.TrimLeft(rest, " "), true
	}
	alphabet := []string{"b", "B", "e", "E", "a", "A", "r", "R", " ", "\t", "k", "s", "\u212a", "\u017f", "\u0280", "x", "\xff", "."}
	r := rand.New(rand.NewPCG(3, 4))
	check := func(value string) {
		got, gotOK := bearerCredential(value)
		want, wantOK := ref(value)
		if got != want || gotOK != wantOK {
			t.Fatalf("bearerCredential(%q) = %q, %v; want %q, %v", value, got, gotOK, want, wantOK)
		}
	}
	for _, v := range []string{"", "Bearer", "Bearer ", "bearer x", "BEARER   x y", "Bearer\tx", "Bearerx", "Bearer  ", " Bearer x", "Basic x", "beare x"} {
		check(v)
	}
	for range 200000 {
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteString([]string{"Bearer ", "bEaReR ", "BEARER  "}[r.IntN(3)])
		}
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		check(b.String())
	}
}
