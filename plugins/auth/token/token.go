// Package token issues and verifies Ward access tokens: short-lived,
// HMAC-SHA256-signed bearer tokens that the auth guard accepts until they
// expire.
//
// A token is
//
//	wardat_<base64url(JSON payload)>.<base64url(HMAC-SHA256(secret, "wardat_"+<base64url(JSON payload)>))>
//
// with unpadded base64url (RFC 4648 section 5) and a payload of the form
// {"sub":"alice","roles":["reader"],"iat":1700000000,"exp":1700000900,"jti":"..."}
// (times in Unix seconds). The signature covers the prefix and the encoded
// payload exactly as sent, so a token is verified before its payload is
// decoded. Tokens are at most MaxLen bytes.
//
// The package uses only the standard library and builds for the host and
// for wasip1. Its functions are safe for concurrent use.
package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
)

const (
	// Prefix starts every Ward access token.
	Prefix = "wardat_"
	// MaxLen is the largest token Verify accepts, in bytes.
	MaxLen = 4 << 10
	// MinSecretLen is the shortest HMAC secret Issue and Verify accept.
	MinSecretLen = 32
)

// Error codes. They are stable: tools and tests compare them, never the
// message.
const (
	CodeMalformed     = "malformed"      // not the token format, or a bad payload
	CodeBadSignature  = "bad_signature"  // signature does not match the secret
	CodeExpired       = "expired"        // now >= exp + leeway
	CodeNotYetValid   = "not_yet_valid"  // iat > now + leeway
	CodeTooLarge      = "too_large"      // longer than MaxLen
	CodeWeakSecret    = "weak_secret"    // secret shorter than MinSecretLen
	CodeInvalidClaims = "invalid_claims" // Issue: claims that cannot make a valid token
)

// Error is a rejected token (or, from Issue, rejected claims). Code is one
// of the Code constants; Detail says more for logs and operators and is
// not meant for clients.
type Error struct {
	Code   string
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "token: " + e.Code
	}
	return "token: " + e.Code + ": " + e.Detail
}

// Is makes errors.Is(err, ErrExpired) (and the other sentinels) match any
// *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Detail == "" && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrMalformed     = &Error{Code: CodeMalformed}
	ErrBadSignature  = &Error{Code: CodeBadSignature}
	ErrExpired       = &Error{Code: CodeExpired}
	ErrNotYetValid   = &Error{Code: CodeNotYetValid}
	ErrTooLarge      = &Error{Code: CodeTooLarge}
	ErrWeakSecret    = &Error{Code: CodeWeakSecret}
	ErrInvalidClaims = &Error{Code: CodeInvalidClaims}
)

func fail(code, detail string) error { return &Error{Code: code, Detail: detail} }

// Claims is what a token says. Times have a resolution of one second.
type Claims struct {
	Subject   string    // who the token is for; non-empty
	Roles     []string  // roles granted; may be empty
	IssuedAt  time.Time // start of validity
	ExpiresAt time.Time // end of validity (exclusive)
	ID        string    // unique token id, for audit and revocation lists
}

// payload is the token's JSON payload (payload.go writes and reads it).
type payload struct {
	Sub   string   `json:"sub"`
	Roles []string `json:"roles,omitempty"`
	Iat   int64    `json:"iat"`
	Exp   int64    `json:"exp"`
	Jti   string   `json:"jti"`
}

var b64 = base64.RawURLEncoding.Strict()

// Issue signs c with secret. A zero c.IssuedAt means now; a zero c.ID gets
// 16 random bytes in hex. c.ExpiresAt must be after c.IssuedAt. Subject,
// roles and id must be valid UTF-8 without control characters; roles must
// be non-empty and contain no comma or space (the guard joins them with
// commas). Errors are *Error with CodeWeakSecret, CodeInvalidClaims or
// CodeTooLarge.
func Issue(secret []byte, c Claims, now time.Time) (string, error) {
	if len(secret) < MinSecretLen {
		return "", fail(CodeWeakSecret, "secret must be at least 32 bytes")
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if c.ID == "" {
		var id [16]byte
		if _, err := rand.Read(id[:]); err != nil {
			return "", fail(CodeInvalidClaims, "no randomness for the token id: "+err.Error())
		}
		c.ID = hexString(id[:])
	}
	p := payload{Sub: c.Subject, Roles: c.Roles, Iat: c.IssuedAt.Unix(), Exp: c.ExpiresAt.Unix(), Jti: c.ID}
	if err := p.check(); err != nil {
		return "", fail(CodeInvalidClaims, err.Error())
	}
	js := p.appendJSON(nil)
	n := len(Prefix) + b64.EncodedLen(len(js)) + 1 + b64.EncodedLen(sha256.Size)
	if n > MaxLen {
		return "", fail(CodeTooLarge, "token would be longer than 4 KiB")
	}
	out := make([]byte, 0, n)
	out = append(out, Prefix...)
	out = b64.AppendEncode(out, js)
	sig := sign(secret, out)
	out = append(out, '.')
	out = b64.AppendEncode(out, sig)
	return string(out), nil
}

// hexString is hex.EncodeToString (encoding/hex would link fmt into the
// auth guard, for its error type).
func hexString(b []byte) string {
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = hexDigits[c>>4], hexDigits[c&0xf]
	}
	return string(out)
}

func sign(secret, signed []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(signed)
	return m.Sum(nil)
}

type claimError string

func (e claimError) Error() string { return string(e) }

// check validates decoded or to-be-encoded claims.
func (p *payload) check() error {
	if p.Sub == "" {
		return claimError("sub is empty")
	}
	if !CleanText(p.Sub) {
		return claimError("sub has control characters or is not UTF-8")
	}
	if p.Jti == "" || !CleanText(p.Jti) {
		return claimError("jti is empty, has control characters or is not UTF-8")
	}
	for _, r := range p.Roles {
		if r == "" || !CleanText(r) || strings.ContainsAny(r, ", ") {
			return claimError("role " + quote(r) + " is empty or has a comma, space or control character")
		}
	}
	if p.Iat <= 0 {
		return claimError("iat is missing")
	}
	if p.Exp <= p.Iat {
		return claimError("exp is not after iat")
	}
	return nil
}

// CleanText reports whether s is valid UTF-8 without control characters
// (C0, DEL, C1): such a value is safe to put into an annotation or a log
// line.
func CleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return false
		}
	}
	return true
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return string(abi.AppendJSONString(nil, s))
}

// Verify checks tok against secret at time now and returns its claims. A
// token is valid from IssuedAt-leeway until ExpiresAt+leeway (exclusive).
// The signature is checked, in constant time, before the payload is
// decoded. Errors are *Error with CodeTooLarge, CodeMalformed,
// CodeBadSignature, CodeExpired, CodeNotYetValid or CodeWeakSecret. With
// CodeExpired and CodeNotYetValid the (authentic) claims are returned too,
// so that tools can explain the rejection.
func Verify(secret []byte, tok string, now time.Time, leeway time.Duration) (Claims, error) {
	if len(secret) < MinSecretLen {
		return Claims{}, fail(CodeWeakSecret, "secret must be at least 32 bytes")
	}
	if len(tok) > MaxLen {
		return Claims{}, fail(CodeTooLarge, "longer than 4 KiB")
	}
	rest, ok := strings.CutPrefix(tok, Prefix)
	if !ok {
		return Claims{}, fail(CodeMalformed, "no "+Prefix+" prefix")
	}
	encPayload, encSig, ok := strings.Cut(rest, ".")
	if !ok || encPayload == "" || encSig == "" {
		return Claims{}, fail(CodeMalformed, "want payload.signature")
	}
	// The decoder skips CR and LF: reject anything outside the alphabet
	// first so that a token has exactly one spelling.
	if !IsBase64URL(encPayload) || !IsBase64URL(encSig) {
		return Claims{}, fail(CodeMalformed, "not unpadded base64url")
	}
	var sigBuf [sha256.Size + 3]byte
	sig, err := b64.AppendDecode(sigBuf[:0], []byte(encSig))
	if err != nil || len(sig) != sha256.Size {
		return Claims{}, fail(CodeMalformed, "signature is not 32 bytes of base64url")
	}
	want := sign(secret, []byte(tok[:len(Prefix)+len(encPayload)]))
	if !hmac.Equal(sig, want) {
		return Claims{}, fail(CodeBadSignature, "")
	}
	js, err := b64.DecodeString(encPayload)
	if err != nil {
		return Claims{}, fail(CodeMalformed, "payload is not base64url")
	}
	var p payload
	if err := p.decode(js); err != nil {
		return Claims{}, fail(CodeMalformed, "payload: "+err.Error())
	}
	if err := p.check(); err != nil {
		return Claims{}, fail(CodeMalformed, "payload: "+err.Error())
	}
	c := Claims{Subject: p.Sub, Roles: p.Roles, IssuedAt: time.Unix(p.Iat, 0), ExpiresAt: time.Unix(p.Exp, 0), ID: p.Jti}
	if now.Add(leeway).Before(c.IssuedAt) {
		return c, fail(CodeNotYetValid, "issued at "+c.IssuedAt.UTC().Format(time.RFC3339))
	}
	if !now.Add(-leeway).Before(c.ExpiresAt) {
		return c, fail(CodeExpired, "expired at "+c.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return c, nil
}

// IsBase64URL reports whether s uses only the unpadded base64url alphabet
// (RFC 4648 section 5), as JWT and Ward token segments must.
func IsBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
