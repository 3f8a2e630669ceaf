package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	t0     = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

func issue(t testing.TB, c Claims) string {
	t.Helper()
	tok, err := Issue(secret, c, t0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// forge signs an arbitrary payload with secret, for payload-level cases.
func forge(payload string) string {
	enc := Prefix + base64.RawURLEncoding.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(enc))
	return enc + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func TestRoundTrip(t *testing.T) {
	c := Claims{Subject: "alice", Roles: []string{"reader", "writer"}, ExpiresAt: t0.Add(15 * time.Minute), ID: "t1"}
	tok := issue(t, c)
	if !strings.HasPrefix(tok, Prefix) || strings.ContainsAny(tok, "=+/ \r\n") {
		t.Fatalf("token %q", tok)
	}
	got, err := Verify(secret, tok, t0.Add(time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	c.IssuedAt = t0
	if !reflect.DeepEqual(got.Roles, c.Roles) || got.Subject != c.Subject || got.ID != "t1" ||
		!got.IssuedAt.Equal(t0) || !got.ExpiresAt.Equal(c.ExpiresAt) {
		t.Fatalf("claims %+v, want %+v", got, c)
	}
	// A generated id is 32 hex digits and differs between tokens.
	a, _ := Verify(secret, issue(t, Claims{Subject: "a", ExpiresAt: t0.Add(time.Hour)}), t0, 0)
	b, _ := Verify(secret, issue(t, Claims{Subject: "a", ExpiresAt: t0.Add(time.Hour)}), t0, 0)
	if len(a.ID) != 32 || a.ID == b.ID {
		t.Fatalf("ids %q %q", a.ID, b.ID)
	}
}

func TestVerifyRejects(t *testing.T) {
	good := issue(t, Claims{Subject: "alice", Roles: []string{"r"}, ExpiresAt: t0.Add(10 * time.Minute), ID: "x"})
	dot := strings.IndexByte(good, '.')
	otherSecret := []byte("ffffffffffffffffffffffffffffffff")
	bad, _ := Issue(otherSecret, Claims{Subject: "alice", ExpiresAt: t0.Add(time.Hour), ID: "x"}, t0)
	flipped := []byte(good)
	flipped[len(Prefix)+2] ^= 0x01 // a different payload character
	cases := []struct {
		name   string
		secret []byte
		tok    string
		now    time.Time
		leeway time.Duration
		code   string
	}{
		{"empty", secret, "", t0, 0, CodeMalformed},
		{"no prefix", secret, good[len(Prefix):], t0, 0, CodeMalformed},
		{"jwt shape", secret, "eyJhbGciOiJIUzI1NiJ9.e30.sig", t0, 0, CodeMalformed},
		{"no signature", secret, good[:dot], t0, 0, CodeMalformed},
		{"empty signature", secret, good[:dot+1], t0, 0, CodeMalformed},
		{"truncated signature", secret, good[:len(good)-3], t0, 0, CodeMalformed},
		{"two dots", secret, good + ".x", t0, 0, CodeMalformed},
		{"padding", secret, good + "=", t0, 0, CodeMalformed},
		{"std alphabet", secret, strings.Replace(good, "_", "/", 1) + strings.Repeat("", 0), t0, 0, ""},
		{"CRLF inside", secret, good[:dot] + "\r\n" + good[dot:], t0, 0, CodeMalformed},
		{"space", secret, good + " ", t0, 0, CodeMalformed},
		{"too large", secret, Prefix + strings.Repeat("A", MaxLen), t0, 0, CodeTooLarge},
		{"other secret", secret, bad, t0, 0, CodeBadSignature},
		{"tampered payload", secret, string(flipped), t0, 0, CodeBadSignature},
		{"weak secret", secret[:31], good, t0, 0, CodeWeakSecret},
		{"expired", secret, good, t0.Add(10 * time.Minute), 0, CodeExpired},
		{"expired beyond leeway", secret, good, t0.Add(11 * time.Minute), 30 * time.Second, CodeExpired},
		{"not yet valid", secret, good, t0.Add(-time.Second), 0, CodeNotYetValid},
		{"not yet valid beyond leeway", secret, good, t0.Add(-time.Minute), 30 * time.Second, CodeNotYetValid},
		{"within leeway after exp", secret, good, t0.Add(10*time.Minute + 29*time.Second), 30 * time.Second, "ok"},
		{"within leeway before iat", secret, good, t0.Add(-29 * time.Second), 30 * time.Second, "ok"},
		{"payload not json", secret, forge("nope"), t0, 0, CodeMalformed},
		{"payload unknown field", secret, forge(`{"sub":"a","iat":1,"exp":9999999999,"jti":"x","admin":true}`), t0, 0, CodeMalformed},
		{"payload trailing", secret, forge(`{"sub":"a","iat":1,"exp":9999999999,"jti":"x"}{}`), t0, 0, CodeMalformed},
		{"payload no sub", secret, forge(`{"iat":1,"exp":9999999999,"jti":"x"}`), t0, 0, CodeMalformed},
		{"payload no exp", secret, forge(`{"sub":"a","iat":1,"jti":"x"}`), t0, 0, CodeMalformed},
		{"payload control char", secret, forge(`{"sub":"a\r\nX-Admin: 1","iat":1,"exp":9999999999,"jti":"x"}`), t0, 0, CodeMalformed},
		{"payload role with comma", secret, forge(`{"sub":"a","roles":["a,admin"],"iat":1,"exp":9999999999,"jti":"x"}`), t0, 0, CodeMalformed},
		{"payload exp string", secret, forge(`{"sub":"a","iat":1,"exp":"9999999999","jti":"x"}`), t0, 0, CodeMalformed},
		{"payload ok", secret, forge(`{"sub":"a","iat":1,"exp":9999999999,"jti":"x"}`), t0, 0, "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.code == "" { // "std alphabet": only meaningful when the token has a '_'
				if !strings.Contains(good, "_") {
					t.Skip("token has no '_'")
				}
				c.code = CodeMalformed
			}
			_, err := Verify(c.secret, c.tok, c.now, c.leeway)
			if c.code == "ok" {
				if err != nil {
					t.Fatalf("Verify = %v, want ok", err)
				}
				return
			}
			var te *Error
			if !errors.As(err, &te) || te.Code != c.code {
				t.Fatalf("Verify = %v, want code %s", err, c.code)
			}
			if !errors.Is(err, &Error{Code: c.code}) {
				t.Fatalf("errors.Is(%v, code %s) = false", err, c.code)
			}
		})
	}
}

func TestExpiredReturnsClaims(t *testing.T) {
	tok := issue(t, Claims{Subject: "bob", ExpiresAt: t0.Add(time.Minute), ID: "id1"})
	c, err := Verify(secret, tok, t0.Add(time.Hour), 0)
	if !errors.Is(err, ErrExpired) || c.Subject != "bob" || c.ID != "id1" {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
}

func TestIssueRejects(t *testing.T) {
	exp := t0.Add(time.Hour)
	cases := []struct {
		name   string
		secret []byte
		c      Claims
		code   string
	}{
		{"weak secret", secret[:16], Claims{Subject: "a", ExpiresAt: exp}, CodeWeakSecret},
		{"no subject", secret, Claims{ExpiresAt: exp}, CodeInvalidClaims},
		{"no expiry", secret, Claims{Subject: "a"}, CodeInvalidClaims},
		{"expiry before issue", secret, Claims{Subject: "a", ExpiresAt: t0.Add(-time.Second)}, CodeInvalidClaims},
		{"newline in subject", secret, Claims{Subject: "a\nb", ExpiresAt: exp}, CodeInvalidClaims},
		{"bad utf-8", secret, Claims{Subject: "a\xff", ExpiresAt: exp}, CodeInvalidClaims},
		{"empty role", secret, Claims{Subject: "a", Roles: []string{""}, ExpiresAt: exp}, CodeInvalidClaims},
		{"comma in role", secret, Claims{Subject: "a", Roles: []string{"a,b"}, ExpiresAt: exp}, CodeInvalidClaims},
		{"too large", secret, Claims{Subject: strings.Repeat("a", MaxLen), ExpiresAt: exp}, CodeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Issue(c.secret, c.c, t0)
			var te *Error
			if !errors.As(err, &te) || te.Code != c.code {
				t.Fatalf("Issue = %v, want code %s", err, c.code)
			}
		})
	}
}

// FuzzVerify feeds arbitrary tokens to Verify (it must not panic, and may
// accept only what the secret signed) and checks the Issue->Verify round
// trip for arbitrary claims.
func FuzzVerify(f *testing.F) {
	f.Add(issue(f, Claims{Subject: "alice", Roles: []string{"r"}, ExpiresAt: t0.Add(time.Hour), ID: "x"}), "alice", "r", int64(60))
	f.Add(forge(`{"sub":"a","iat":1,"exp":9999999999,"jti":"x"}`), "b", "", int64(1))
	f.Add("wardat_.", "\x00", "a,b", int64(-5))
	f.Add("wardat_e30.AAAA", "sub", "role role", int64(1<<40))
	f.Fuzz(func(t *testing.T, tok, sub, role string, ttl int64) {
		c, err := Verify(secret, tok, t0, 30*time.Second)
		if err == nil {
			// Only a correctly signed token can pass: re-sign its payload.
			enc, sig, _ := strings.Cut(strings.TrimPrefix(tok, Prefix), ".")
			m := hmac.New(sha256.New, secret)
			m.Write([]byte(Prefix + enc))
			if base64.RawURLEncoding.EncodeToString(m.Sum(nil)) != sig || c.Subject == "" {
				t.Fatalf("accepted %q as %+v", tok, c)
			}
		} else if !errors.As(err, new(*Error)) {
			t.Fatalf("error %v is not a *Error", err)
		}
		var roles []string
		if role != "" {
			roles = []string{role}
		}
		in := Claims{Subject: sub, Roles: roles, ExpiresAt: t0.Add(time.Duration(ttl%(1<<32)) * time.Second), ID: "id"}
		tok2, err := Issue(secret, in, t0)
		if err != nil {
			return
		}
		out, err := Verify(secret, tok2, t0, 0)
		if err != nil {
			t.Fatalf("Verify(Issue(%+v)) = %v", in, err)
		}
		if out.Subject != in.Subject || !reflect.DeepEqual(out.Roles, in.Roles) || !out.ExpiresAt.Equal(in.ExpiresAt.Truncate(time.Second)) {
			t.Fatalf("round trip %+v -> %+v", in, out)
		}
	})
}
