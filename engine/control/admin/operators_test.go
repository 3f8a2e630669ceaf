package admin_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/incident"
	"github.com/wardgate/ward/engine/control/operator"
)

// fakeQuarantines holds ids; Lift records the operator.
type fakeQuarantines struct {
	mu     sync.Mutex
	ids    map[string]bool
	liftBy []string
}

func (f *fakeQuarantines) List(context.Context) ([]incident.Quarantine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []incident.Quarantine
	for id := range f.ids {
		out = append(out, incident.Quarantine{ID: id})
	}
	return out, nil
}

func (f *fakeQuarantines) Lift(_ context.Context, id, op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.Contains(id, ":") {
		return incident.ErrInvalidID
	}
	if !f.ids[id] {
		return incident.ErrNotFound
	}
	delete(f.ids, id)
	f.liftBy = append(f.liftBy, op+" "+id)
	return nil
}

const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"

// startOps serves the admin API with one operator, carol, and tok as the
// admin token ("" = the token is off).
func startOperators(t *testing.T, tok string) (string, *fakeQuarantines) {
	t.Helper()
	// Cheap argon2id parameters (the hash carries them): the tests log in
	// many times.
	salt := []byte("0123456789abcdef")
	hash := "$argon2id$v=19$m=64,t=1,p=1$" + base64.RawStdEncoding.EncodeToString(salt) + "$" +
		base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte("carol's password"), salt, 1, 64, 1, 32))
	auth, err := operator.NewAuthenticator([]operator.Operator{{Name: "carol", Password: hash, TOTPSecret: secret}},
		operator.Options{MaxFailures: 3})
	if err != nil {
		t.Fatal(err)
	}
	q := &fakeQuarantines{ids: map[string]bool{"ip:203.0.113.9": true, "subject:mallory": true}}
	srv := admin.New(admin.Options{Token: tok, Operators: auth, Quarantines: q})
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String(), q
}

func send(t *testing.T, method, url, tok, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func code(d int) string {
	key, _ := operator.DecodeSecret(secret)
	return operator.HOTP(key, uint64(int64(operator.Step(time.Now()))+int64(d)), operator.TOTPDigits)
}

func login(pw, totp string) string {
	b, _ := json.Marshal(admin.LoginRequest{Operator: "carol", Password: pw, TOTP: totp})
	return string(b)
}

func TestOperatorLogin(t *testing.T) {
	base, q := startOperators(t, "") // operators only: the admin token is off
	for _, c := range []struct {
		name, body string
		want       int
	}{
		{"wrong password", login("carol's passworD", code(0)), 401},
		{"wrong code", login("carol's password", code(5)), 401},
		{"no body", "", 400},
		{"unknown field", `{"operator":"carol","password":"x","totp":"1","role":"admin"}`, 400},
	} {
		if got, body := send(t, "POST", base+"/login", "", c.body); got != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, got, c.want, body)
		}
	}
	c0 := code(0)
	st, body := send(t, "POST", base+"/login", "", login("carol's password", c0))
	var lr admin.LoginResponse
	if st != 200 || json.Unmarshal([]byte(body), &lr) != nil || lr.Token == "" || lr.Operator != "carol" || time.Until(lr.Expires) < 50*time.Minute {
		t.Fatalf("login: %d %s", st, body)
	}
	// The code just used cannot be used again.
	if st, body := send(t, "POST", base+"/login", "", login("carol's password", c0)); st != 401 {
		t.Fatalf("replayed code: %d %s", st, body)
	}
	for _, c := range []struct {
		method, path, tok, body string
		want                    int
	}{
		{"GET", "/status", "", "", 401},
		{"GET", "/quarantines", "", "", 401},
		{"GET", "/quarantines", "forged", "", 401},
		{"GET", "/quarantines", lr.Token, "", 200},
		{"POST", "/quarantines/lift", lr.Token, `{"identity":"ip:203.0.113.9"}`, 200},
		{"POST", "/quarantines/lift", lr.Token, `{"identity":"ip:203.0.113.9"}`, 404},
		{"POST", "/quarantines/lift", lr.Token, `{"identity":"nonsense"}`, 400},
		{"POST", "/quarantines/lift", lr.Token, `{"who":"x"}`, 400},
		{"DELETE", "/quarantines/subject:mallory", lr.Token, "", 200},
		{"GET", "/healthz", "", "", 200},
	} {
		if got, body := send(t, c.method, base+c.path, c.tok, c.body); got != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, got, c.want, body)
		}
	}
	q.mu.Lock()
	if len(q.liftBy) != 2 || q.liftBy[0] != "carol ip:203.0.113.9" || q.liftBy[1] != "carol subject:mallory" {
		t.Errorf("lifts: %q, want both by carol", q.liftBy)
	}
	q.mu.Unlock()
	if st, body := send(t, "POST", base+"/logout", lr.Token, ""); st != 200 {
		t.Fatalf("logout: %d %s", st, body)
	}
	if st, _ := send(t, "GET", base+"/quarantines", lr.Token, ""); st != 401 {
		t.Fatalf("revoked session: %d, want 401", st)
	}
}

func TestOperatorLoginRateLimited(t *testing.T) {
	base, _ := startOperators(t, "")
	for range 3 {
		send(t, "POST", base+"/login", "", login("guess", "000000"))
	}
	st, body := send(t, "POST", base+"/login", "", login("carol's password", code(0)))
	if st != 429 {
		t.Fatalf("after 3 failures: %d %s, want 429", st, body)
	}
}

func TestTokenAndOperators(t *testing.T) {
	base, q := startOperators(t, token)
	if st, body := send(t, "POST", base+"/quarantines/lift", token, `{"identity":"subject:mallory"}`); st != 200 || !strings.Contains(body, admin.TokenOperator) {
		t.Fatalf("lift with the admin token: %d %s", st, body)
	}
	if q.liftBy[0] != admin.TokenOperator+" subject:mallory" {
		t.Errorf("lift by %q", q.liftBy)
	}
	// The admin token is not a session.
	if st, _ := send(t, "POST", base+"/logout", token, ""); st != 400 {
		t.Errorf("logout with the admin token: %d, want 400", st)
	}
}

func TestListenWithOperatorsOnly(t *testing.T) {
	auth, _ := operator.NewAuthenticator(nil, operator.Options{})
	ln, err := admin.New(admin.Options{Operators: auth}).Listen("0.0.0.0:0")
	if err != nil {
		t.Fatalf("operators without a token: %v", err)
	}
	ln.Close()
	if _, err := admin.New(admin.Options{}).Listen("0.0.0.0:0"); !errors.Is(err, admin.ErrNoToken) {
		t.Fatalf("neither: %v", err)
	}
}

func TestOperatorContext(t *testing.T) {
	ctx := admin.WithOperator(context.Background(), "carol")
	if admin.Operator(ctx) != "carol" || admin.Operator(context.Background()) != "" {
		t.Fatal("Operator(ctx)")
	}
}
