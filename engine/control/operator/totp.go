package operator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP parameters (RFC 6238 with the defaults authenticator apps assume):
// HMAC-SHA1, 6 digits, 30-second steps from the Unix epoch.
const (
	TOTPDigits = 6
	TOTPStep   = 30 * time.Second
	// TOTPSkew is the number of steps accepted either side of the current
	// one (clock drift between the server and the operator's device).
	TOTPSkew = 1
	// SecretBytes is the size of generated TOTP secrets (160 bits, as
	// RFC 4226 recommends for HMAC-SHA1).
	SecretBytes = 20
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a random TOTP secret in base32 without padding, as
// otpauth URIs carry it.
func NewSecret() (string, error) {
	b := make([]byte, SecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return b32.EncodeToString(b), nil
}

// DecodeSecret decodes a base32 secret (case-insensitive, padding and
// spaces allowed).
func DecodeSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimRight(s, "="), " ", ""))
	b, err := b32.DecodeString(s)
	if err != nil || len(b) < 10 {
		return nil, fmt.Errorf("operator: invalid TOTP secret (want base32, at least 80 bits)")
	}
	return b, nil
}

// HOTP returns the RFC 4226 one-time password of counter with digits
// digits (HMAC-SHA1, dynamic truncation).
func HOTP(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, code%mod)
}

// Step returns the RFC 6238 time step of t.
func Step(t time.Time) uint64 { return uint64(t.Unix()) / uint64(TOTPStep/time.Second) }

// TOTP returns the code of t (RFC 6238: HOTP of t's step).
func TOTP(key []byte, t time.Time, digits int) string { return HOTP(key, Step(t), digits) }

// MatchTOTP returns the step, within TOTPSkew steps of now, whose code is
// code, and whether there is one. Codes are compared in constant time.
// Steps at or below after are not accepted (they were used already).
func MatchTOTP(key []byte, code string, now time.Time, after uint64) (uint64, bool) {
	if len(code) != TOTPDigits {
		return 0, false
	}
	cur := Step(now)
	var found uint64
	ok := 0
	for d := -TOTPSkew; d <= TOTPSkew; d++ {
		s := cur + uint64(d)
		if d < 0 && cur < uint64(-d) {
			continue
		}
		m := subtle.ConstantTimeCompare([]byte(HOTP(key, s, TOTPDigits)), []byte(code))
		if m == 1 && s > after && ok == 0 {
			found, ok = s, 1
		}
	}
	return found, ok == 1
}

// URI returns the otpauth:// URI (Key Uri Format) enrolling name's secret
// in an authenticator app, labelled issuer:name.
func URI(issuer, name, secret string) string {
	label := url.PathEscape(issuer + ":" + name)
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(TOTPDigits))
	q.Set("period", fmt.Sprint(int(TOTPStep/time.Second)))
	return "otpauth://totp/" + label + "?" + q.Encode()
}
