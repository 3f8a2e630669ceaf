package operator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/state"
)

// TestTOTPVectors checks the RFC 6238 Appendix B test vectors for
// HMAC-SHA1 (8 digits there).
func TestTOTPVectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		if got := TOTP(key, time.Unix(v.unix, 0), 8); got != v.code {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.code)
		}
	}
	// RFC 4226 Appendix D: the 6-digit HOTP values of the same key.
	for i, want := range []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"} {
		if got := HOTP(key, uint64(i), 6); got != want {
			t.Errorf("HOTP(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestMatchTOTPWindowAndReplay(t *testing.T) {
	key := []byte("12345678901234567890")
	now := time.Unix(1234567890, 0) // step 41152263
	cur := Step(now)
	code := func(d int) string { return HOTP(key, uint64(int64(cur)+int64(d)), 6) }
	for _, tc := range []struct {
		name  string
		code  string
		after uint64
		ok    bool
		step  uint64
	}{
		{"current", code(0), 0, true, cur},
		{"previous step", code(-1), 0, true, cur - 1},
		{"next step", code(1), 0, true, cur + 1},
		{"two steps back", code(-2), 0, false, 0},
		{"two steps ahead", code(2), 0, false, 0},
		{"replayed", code(0), cur, false, 0},
		{"older than the last used", code(-1), cur, false, 0},
		{"newer than the last used", code(1), cur, true, cur + 1},
		{"wrong length", code(0)[:5], 0, false, 0},
		{"garbage", "abcdef", 0, false, 0},
	} {
		step, ok := MatchTOTP(key, tc.code, now, tc.after)
		if ok != tc.ok || step != tc.step {
			t.Errorf("%s: (%d, %v), want (%d, %v)", tc.name, step, ok, tc.step, tc.ok)
		}
	}
}

func TestSecretAndURI(t *testing.T) {
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	k, err := DecodeSecret(strings.ToLower(s))
	if err != nil || len(k) != SecretBytes {
		t.Fatalf("DecodeSecret: %d bytes, %v", len(k), err)
	}
	if _, err := DecodeSecret("not base32!"); err == nil {
		t.Error("bad secret accepted")
	}
	uri := URI("Ward", "carol", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Ward:carol?algorithm=SHA1&digits=6&issuer=Ward&period=30&secret=JBSWY3DPEHPK3PXP"
	if uri != want {
		t.Errorf("URI = %s\nwant  %s", uri, want)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %s", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal (no salt)")
	}
	if !VerifyPassword(h, "correct horse battery") || VerifyPassword(h, "correct horse batterY") || VerifyPassword("$argon2id$x", "x") {
		t.Error("VerifyPassword")
	}
}

func TestAddAndLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "operators.toml")
	s1, err := Add(path, "carol", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Add(path, "dave", "another long password"); err != nil {
		t.Fatal(err)
	}
	for name, pw := range map[string]string{"carol": "a long enough password x", "Bad Name": "a long enough password", "erin": "short",
		"console": "a long enough password", "token": "a long enough password"} {
		if _, err := Add(path, name, pw); err == nil {
			t.Errorf("Add(%q) accepted", name)
		}
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	ops, err := Load(path)
	if err != nil || len(ops) != 2 || ops[0].Name != "carol" || ops[0].TOTPSecret != s1 || !VerifyPassword(ops[0].Password, "a long enough password") {
		t.Fatalf("Load = %+v, %v", ops, err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "a long enough password") {
		t.Fatal("the password is in the file")
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[[operators]]\nname = \"x\"\npassword = \"plain\"\ntotp_secret = \"JBSWY3DPEHPK3PXP\"\n"), 0o600)
	if _, err := Load(bad); err == nil || strings.Contains(err.Error(), "plain") {
		t.Errorf("plain password: %v", err)
	}
	os.WriteFile(bad, []byte("[[operators]]\nname = \"x\"\nrole = \"admin\"\n"), 0o600)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Errorf("unknown key: %v", err)
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *clock) code(key []byte) string  { return TOTP(key, c.Now(), TOTPDigits) }
func (c *clock) codeAt(key []byte, d int) string {
	return HOTP(key, uint64(int64(Step(c.Now()))+int64(d)), TOTPDigits)
}

func newAuth(t *testing.T, clk *clock) (*Authenticator, []byte) {
	t.Helper()
	hash, _ := hashPassword("carol's password", 64, 1, 1) // cheap: the tests log in many times
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"          // "12345678901234567890"
	a, err := NewAuthenticator([]Operator{{Name: "carol", Password: hash, TOTPSecret: secret}},
		Options{SessionTTL: time.Hour, MaxFailures: 3, FailWindow: time.Minute, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := DecodeSecret(secret)
	return a, key
}

func TestLogin(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	a, key := newAuth(t, clk)
	for _, tc := range []struct{ name, op, pw, code string }{
		{"wrong password", "carol", "carol's passworD", clk.code(key)},
		{"wrong code", "carol", "carol's password", clk.codeAt(key, 3)},
		{"unknown operator", "mallory", "carol's password", clk.code(key)},
	} {
		if _, _, err := a.Login(tc.op, tc.pw, tc.code, "10.0.0."+tc.name[:1]); !errors.Is(err, ErrDenied) {
			t.Errorf("%s: err = %v, want ErrDenied", tc.name, err)
		}
	}
	tok, exp, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.1")
	if err != nil || !exp.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("login: %v (expires %v)", err, exp)
	}
	if op, ok := a.Session(tok); !ok || op != "carol" {
		t.Fatalf("Session = %q, %v", op, ok)
	}
	// The same code again, even from elsewhere and with the right password: refused.
	if _, _, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.2"); !errors.Is(err, ErrDenied) {
		t.Fatalf("replayed code: %v", err)
	}
	// The previous step's code is older than the one used: refused too.
	if _, _, err := a.Login("carol", "carol's password", clk.codeAt(key, -1), "10.0.0.2"); !errors.Is(err, ErrDenied) {
		t.Fatalf("older code: %v", err)
	}
	clk.Advance(TOTPStep)
	tok2, _, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.2")
	if err != nil {
		t.Fatalf("next step's code: %v", err)
	}
	if !a.Logout(tok) || a.Logout(tok) {
		t.Fatal("Logout")
	}
	if _, ok := a.Session(tok); ok {
		t.Fatal("revoked session still accepted")
	}
	if _, ok := a.Session(tok2); !ok {
		t.Fatal("the other session was revoked too")
	}
	clk.Advance(time.Hour)
	if _, ok := a.Session(tok2); ok {
		t.Fatal("expired session accepted")
	}
	if _, ok := a.Session("wso_forged"); ok {
		t.Fatal("forged token accepted")
	}
}

func TestLoginRateLimited(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	a, key := newAuth(t, clk)
	for range 3 {
		a.Login("carol", "guess", "000000", "192.0.2.1")
	}
	// Per operator: even the right password and code, from another address.
	if _, _, err := a.Login("carol", "carol's password", clk.code(key), "192.0.2.2"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("per operator: %v, want ErrRateLimited", err)
	}
	// Per address: another name from the flooding address.
	if _, _, err := a.Login("dave", "x", "000000", "192.0.2.1"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("per address: %v, want ErrRateLimited", err)
	}
	clk.Advance(time.Minute)
	if _, _, err := a.Login("carol", "carol's password", clk.code(key), "192.0.2.2"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestReplayAcrossReplicas: two replicas sharing a state backend refuse a
// code the other accepted; each alone would take it. A backend that
// cannot answer refuses the login.
func TestReplayAcrossReplicas(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	store := state.NewMemory(state.MemoryOptions{})
	defer store.Close()
	replica := func(used Steps) *Authenticator {
		hash, _ := hashPassword("carol's password", 64, 1, 1)
		a, err := NewAuthenticator([]Operator{{Name: "carol", Password: hash, TOTPSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}},
			Options{SessionTTL: time.Hour, MaxFailures: 10, FailWindow: time.Minute, Now: clk.Now, Used: used})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	key, _ := DecodeSecret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	a, b := replica(StateSteps{Store: store}), replica(StateSteps{Store: store})
	if _, _, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Login("carol", "carol's password", clk.code(key), "10.0.0.2"); !errors.Is(err, ErrDenied) {
		t.Fatalf("code replayed on the other replica: %v", err)
	}
	// Without the shared record the other replica would have taken it.
	if _, _, err := replica(nil).Login("carol", "carol's password", clk.code(key), "10.0.0.2"); err != nil {
		t.Fatalf("unshared replica: %v", err)
	}
	clk.Advance(TOTPStep)
	if _, _, err := b.Login("carol", "carol's password", clk.code(key), "10.0.0.2"); err != nil {
		t.Fatalf("next step on the other replica: %v", err)
	}
	if err := b.Check("carol", "carol's password", clk.code(key), "10.0.0.2"); !errors.Is(err, ErrDenied) {
		t.Fatalf("Check with a used code: %v", err)
	}
	clk.Advance(TOTPStep)
	down := replica(StateSteps{Store: failingStore{}})
	if _, _, err := down.Login("carol", "carol's password", clk.code(key), "10.0.0.3"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("backend down: %v", err)
	}
}

type failingStore struct{ state.Store }

func (failingStore) Incr(context.Context, string, int64, time.Duration) (state.Entry, error) {
	return state.Entry{}, state.ErrUnavailable
}
