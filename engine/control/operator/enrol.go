package operator

import (
	"crypto/sha256"
	"errors"
	"time"
)

// Errors of enrolments.
var (
	ErrNoFile      = errors.New("operator: no operators file to keep a new secret in")
	ErrUnknown     = errors.New("operator: no such operator")
	ErrNoEnrolment = errors.New("operator: no such enrolment, or it expired")
)

// EnrolTTL is how long an enrolment waits for its first code.
const EnrolTTL = 10 * time.Minute

// maxPending bounds the enrolments waiting at once (one per operator).
const maxPending = 256

// Enrolment is a new TOTP secret for an operator, waiting for a first
// code of it (Confirm) before it replaces the operator's secret: a secret
// mistyped or badly scanned never locks the operator out.
type Enrolment struct {
	// ID names the enrolment in Confirm: random, 256 bits. Only the one
	// who started the enrolment has it.
	ID       string
	Operator string
	// Secret is the new base32 secret and URI its otpauth:// URI. They
	// are handed out once, here, and never shown again.
	Secret  string
	URI     string
	Expires time.Time
}

type pending struct {
	operator string
	key      []byte
	secret   string
	reset    bool // started without the operator's credentials (Reset)
	expires  time.Time
}

// Reenrol checks name's password and current code, as Login does (rate
// limits, and the code is used up), and starts the enrolment of a new
// TOTP secret for name. The old secret stays valid until Confirm.
func (a *Authenticator) Reenrol(name, password, code, ip string) (*Enrolment, error) {
	if err := a.Check(name, password, code, ip); err != nil {
		return nil, err
	}
	return a.begin(name, false)
}

// Reset starts the enrolment of a new TOTP secret for name without the
// operator's credentials, for an operator who lost their device: the
// caller must have checked that the request comes from the admin (the
// holder of the admin token). Confirm then also ends name's sessions.
func (a *Authenticator) Reset(name string) (*Enrolment, error) {
	return a.begin(name, true)
}

func (a *Authenticator) begin(name string, reset bool) (*Enrolment, error) {
	if a.o.File == "" {
		return nil, ErrNoFile
	}
	secret, err := NewSecret()
	if err != nil {
		return nil, err
	}
	key, _ := DecodeSecret(secret)
	id, err := newToken()
	if err != nil {
		return nil, err
	}
	now := a.o.Now()
	exp := now.Add(EnrolTTL)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ops[name] == nil {
		return nil, ErrUnknown
	}
	for k, p := range a.pending {
		// One enrolment per operator: a new one replaces the last.
		if p.operator == name || !now.Before(p.expires) {
			delete(a.pending, k)
		}
	}
	if len(a.pending) >= maxPending {
		return nil, errors.New("operator: too many enrolments under way")
	}
	a.pending[sha256.Sum256([]byte(id))] = &pending{operator: name, key: key, secret: secret, reset: reset, expires: exp}
	return &Enrolment{ID: id, Operator: name, Secret: secret, URI: URI(a.o.Issuer, name, secret), Expires: exp}, nil
}

// Confirm completes the enrolment id with a code of its new secret, sent
// from client address ip: the secret is written to the operators file
// (Options.File) and replaces the operator's old one, the code is used up
// (Login refuses it and older ones), and after a Reset the operator's
// sessions end. A wrong code is ErrDenied and counts as a failed login of
// the operator (so ErrRateLimited applies); the enrolment stays until it
// expires. It returns the operator's name.
func (a *Authenticator) Confirm(id, code, ip string) (string, error) {
	now := a.o.Now()
	k := sha256.Sum256([]byte(id))
	a.mu.Lock()
	p := a.pending[k]
	if p == nil || !now.Before(p.expires) {
		delete(a.pending, k)
		a.mu.Unlock()
		return "", ErrNoEnrolment
	}
	if a.limited("op:"+p.operator, now) || a.limited("ip:"+ip, now) {
		a.mu.Unlock()
		return "", ErrRateLimited
	}
	step, ok := MatchTOTP(p.key, code, now, 0)
	if !ok {
		a.fail("op:"+p.operator, now)
		a.fail("ip:"+ip, now)
		a.mu.Unlock()
		return "", ErrDenied
	}
	delete(a.pending, k)
	a.mu.Unlock()

	// The file first (I/O, not under mu): the secret is live only once it
	// survives a restart. Writes are one at a time.
	a.fileMu.Lock()
	err := SetSecret(a.o.File, p.operator, p.secret)
	a.fileMu.Unlock()
	if err != nil {
		return "", err
	}
	if a.o.Used != nil {
		// Other replicas refuse the confirming code too (best effort: the
		// new secret is already written).
		_, _ = a.o.Used.Claim(p.operator, step)
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	acc := a.ops[p.operator]
	if acc == nil {
		return "", ErrUnknown
	}
	acc.key = p.key
	acc.lastStep = max(acc.lastStep, step)
	if p.reset {
		for sk, s := range a.sessions {
			if s.operator == p.operator {
				delete(a.sessions, sk)
			}
		}
	}
	return p.operator, nil
}
