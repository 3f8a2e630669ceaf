package operator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newFileAuth is newAuth with an operators file on disk (carol, and dave
// who is not in the Authenticator: added after start).
func newFileAuth(t *testing.T, clk *clock) (*Authenticator, []byte, string) {
	t.Helper()
	hash, _ := hashPassword("carol's password", 64, 1, 1)
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	path := filepath.Join(t.TempDir(), "operators.toml")
	ops := []Operator{{Name: "carol", Password: hash, TOTPSecret: secret}}
	if err := write(path, append(ops, Operator{Name: "dave", Password: hash, TOTPSecret: "JBSWY3DPEHPK3PXP"})); err != nil {
		t.Fatal(err)
	}
	a, err := NewAuthenticator(ops, Options{SessionTTL: time.Hour, MaxFailures: 5, FailWindow: time.Minute, Now: clk.Now, File: path})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := DecodeSecret(secret)
	return a, key, path
}

func TestCheckUsesUpTheCode(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	a, key := newAuth(t, clk)
	if err := a.Check("carol", "carol's password", clk.code(key), "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	// Check and Login share the replay rule.
	if _, _, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.1"); !errors.Is(err, ErrDenied) {
		t.Fatalf("login with the code Check used: %v", err)
	}
	if err := a.Check("carol", "wrong", clk.codeAt(key, 1), "10.0.0.1"); !errors.Is(err, ErrDenied) {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestReenrol(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	a, key, path := newFileAuth(t, clk)
	// Credentials are required: a wrong password or code starts nothing.
	for _, tc := range []struct{ pw, code string }{{"carol's passworD", clk.code(key)}, {"carol's password", clk.codeAt(key, 3)}, {"carol's password", ""}} {
		if e, err := a.Reenrol("carol", tc.pw, tc.code, "10.0.0.9"); !errors.Is(err, ErrDenied) || e != nil {
			t.Fatalf("Reenrol(%q, %q) = %v, %v", tc.pw, tc.code, e, err)
		}
	}
	clk.Advance(time.Minute) // past the failures' window
	e, err := a.Reenrol("carol", "carol's password", clk.code(key), "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Operator != "carol" || !strings.HasPrefix(e.URI, "otpauth://totp/Ward:carol?") || !strings.Contains(e.URI, "secret="+e.Secret) ||
		!e.Expires.Equal(clk.Now().Add(EnrolTTL)) {
		t.Fatalf("enrolment %+v", e)
	}
	newKey, _ := DecodeSecret(e.Secret)
	// Until confirmed, the old secret is the one that logs in, and the
	// file is unchanged.
	clk.Advance(TOTPStep)
	if _, _, err := a.Login("carol", "carol's password", clk.code(newKey), "10.0.0.1"); !errors.Is(err, ErrDenied) {
		t.Fatalf("login with the unconfirmed secret: %v", err)
	}
	if _, _, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.1"); err != nil {
		t.Fatalf("login with the old secret before the confirmation: %v", err)
	}
	if ops, _ := Load(path); ops[0].TOTPSecret == e.Secret {
		t.Fatal("the file has the unconfirmed secret")
	}
	// A code of the old secret does not confirm; nor does an unknown id.
	clk.Advance(TOTPStep)
	if _, err := a.Confirm(e.ID, clk.code(key), "10.0.0.1"); !errors.Is(err, ErrDenied) {
		t.Fatalf("confirm with the old secret's code: %v", err)
	}
	if _, err := a.Confirm("wso_unknown", clk.code(newKey), "10.0.0.1"); !errors.Is(err, ErrNoEnrolment) {
		t.Fatalf("unknown enrolment: %v", err)
	}
	name, err := a.Confirm(e.ID, clk.code(newKey), "10.0.0.1")
	if err != nil || name != "carol" {
		t.Fatalf("Confirm = %q, %v", name, err)
	}
	if _, err := a.Confirm(e.ID, clk.codeAt(newKey, 1), "10.0.0.1"); !errors.Is(err, ErrNoEnrolment) {
		t.Fatalf("second confirm: %v", err)
	}
	// The file holds the new secret, and dave (not loaded) is kept.
	ops, err := Load(path)
	if err != nil || len(ops) != 2 || ops[0].TOTPSecret != e.Secret || ops[1].Name != "dave" {
		t.Fatalf("file after confirm: %+v, %v", ops, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	// The confirming code is used up; the old secret no longer works;
	// the next code of the new one does.
	if _, _, err := a.Login("carol", "carol's password", clk.code(newKey), "10.0.0.2"); !errors.Is(err, ErrDenied) {
		t.Fatalf("login replaying the confirming code: %v", err)
	}
	clk.Advance(TOTPStep)
	if _, _, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.2"); !errors.Is(err, ErrDenied) {
		t.Fatalf("login with the old secret: %v", err)
	}
	if _, _, err := a.Login("carol", "carol's password", clk.codeAt(newKey, 1), "10.0.0.2"); err != nil {
		t.Fatalf("login with the new secret: %v", err)
	}
}

func TestResetEndsSessions(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	a, key, _ := newFileAuth(t, clk)
	tok, _, err := a.Login("carol", "carol's password", clk.code(key), "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reset("mallory"); !errors.Is(err, ErrUnknown) {
		t.Fatalf("reset of an unknown operator: %v", err)
	}
	first, _ := a.Reset("carol")
	e, err := a.Reset("carol") // replaces the first
	if err != nil {
		t.Fatal(err)
	}
	k, _ := DecodeSecret(e.Secret)
	if _, err := a.Confirm(first.ID, clk.code(k), "10.0.0.1"); !errors.Is(err, ErrNoEnrolment) {
		t.Fatalf("the replaced enrolment: %v", err)
	}
	if _, ok := a.Session(tok); !ok {
		t.Fatal("session ended before the reset was confirmed")
	}
	if _, err := a.Confirm(e.ID, clk.code(k), "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Session(tok); ok {
		t.Fatal("carol's session outlived the reset of her secret")
	}
}

func TestConfirmLimits(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	a, _, _ := newFileAuth(t, clk)
	e, _ := a.Reset("carol")
	k, _ := DecodeSecret(e.Secret)
	for range 5 {
		if _, err := a.Confirm(e.ID, "000000", "10.0.0.1"); !errors.Is(err, ErrDenied) {
			t.Fatalf("wrong code: %v", err)
		}
	}
	// Guessing codes is rate-limited like logins: even the right one waits.
	if _, err := a.Confirm(e.ID, clk.code(k), "10.0.0.2"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("after 5 wrong codes: %v", err)
	}
	clk.Advance(EnrolTTL)
	if _, err := a.Confirm(e.ID, clk.code(k), "10.0.0.2"); !errors.Is(err, ErrNoEnrolment) {
		t.Fatalf("expired enrolment: %v", err)
	}
	// Without a file there is nowhere to keep a new secret.
	b, _ := newAuth(t, clk)
	if _, err := b.Reset("carol"); !errors.Is(err, ErrNoFile) {
		t.Fatalf("no file: %v", err)
	}
}
