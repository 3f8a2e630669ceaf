package operator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Errors of Login. ErrDenied does not say which factor was wrong.
var (
	ErrDenied      = errors.New("operator: wrong operator, password or code")
	ErrRateLimited = errors.New("operator: too many failed logins; try again later")
)

// Defaults of Options.
const (
	DefaultSessionTTL  = time.Hour
	DefaultMaxFailures = 5
	DefaultFailWindow  = 5 * time.Minute
	maxTracked         = 100_000 // failure counters kept (expired ones are dropped first)
)

// Options configure an Authenticator.
type Options struct {
	SessionTTL time.Duration // default DefaultSessionTTL
	// MaxFailures failed logins within FailWindow (counted from the first
	// one) per operator name, and separately per client address, refuse
	// further attempts until the window ends.
	MaxFailures int
	FailWindow  time.Duration
	Now         func() time.Time // nil = time.Now
	// File is the operators file new TOTP secrets are written to
	// (Reenrol, Reset, Confirm); "" refuses enrolments.
	File string
	// Issuer labels enrolment URIs; default "Ward".
	Issuer string
	// Used, when set, is where accepted TOTP steps are claimed, so that
	// several replicas refuse a code any of them accepted (nil: this
	// process only). See Steps.
	Used Steps
}

// Steps records which TOTP steps have been used, across replicas (the
// state backend of rate limits and quarantines, engine/state).
type Steps interface {
	// Claim marks operator's step used and reports whether it was not
	// before. An error (the backend unreachable) refuses the login.
	Claim(operator string, step uint64) (first bool, err error)
}

// ErrUnavailable is returned when the shared record of used codes cannot
// be reached: the login is refused, not accepted unchecked.
var ErrUnavailable = errors.New("operator: the record of used codes is unavailable; try again")

// Authenticator checks operator logins and holds their sessions. It is
// safe for concurrent use.
type Authenticator struct {
	o Options

	mu       sync.Mutex
	ops      map[string]*account
	sessions map[[sha256.Size]byte]session  // by SHA-256 of the token
	fails    map[string]*failures           // "op:NAME" and "ip:ADDR"
	pending  map[[sha256.Size]byte]*pending // enrolments, by SHA-256 of their id

	fileMu sync.Mutex // one write of File at a time
}

type account struct {
	hash     string
	key      []byte
	lastStep uint64 // the last TOTP step accepted: codes of it and earlier are refused
}

type session struct {
	operator string
	expires  time.Time
}

type failures struct {
	n     int
	until time.Time
}

// dummyHash is checked for unknown operators, so that a login takes as
// long whether the name exists or not. Made on first use: it costs an
// argon2id hash.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("ward-dummy-password")
	return h
})

// NewAuthenticator returns an Authenticator for ops (as Load returns them).
func NewAuthenticator(ops []Operator, o Options) (*Authenticator, error) {
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = DefaultMaxFailures
	}
	if o.FailWindow <= 0 {
		o.FailWindow = DefaultFailWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Issuer == "" {
		o.Issuer = "Ward"
	}
	a := &Authenticator{o: o, ops: map[string]*account{}, sessions: map[[sha256.Size]byte]session{}, fails: map[string]*failures{},
		pending: map[[sha256.Size]byte]*pending{}}
	for _, op := range ops {
		key, err := DecodeSecret(op.TOTPSecret)
		if err != nil {
			return nil, fmt.Errorf("operator %q: %w", op.Name, err)
		}
		a.ops[op.Name] = &account{hash: op.Password, key: key}
	}
	return a, nil
}

// Known reports whether name is an operator.
func (a *Authenticator) Known(name string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ops[name] != nil
}

// Operators returns the number of operators.
func (a *Authenticator) Operators() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.ops)
}

// Login checks name's password and TOTP code, from client address ip, and
// returns a new session token and its expiry. Failures are ErrDenied
// (counted against the name and the address) or ErrRateLimited (not
// checked at all). A code is accepted once: a later login with the same
// code, or an older one, is refused.
func (a *Authenticator) Login(name, password, code, ip string) (token string, expires time.Time, err error) {
	now := a.o.Now()
	if err := a.check(name, password, code, ip, now); err != nil {
		return "", time.Time{}, err
	}
	token, err = newToken()
	if err != nil {
		return "", time.Time{}, err
	}
	expires = now.Add(a.o.SessionTTL)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.dropExpiredSessions(now)
	a.sessions[sha256.Sum256([]byte(token))] = session{operator: name, expires: expires}
	return token, expires, nil
}

// Check checks name's password and TOTP code as Login does (the same rate
// limits, and the code is used up: it is refused afterwards, by Login
// too) without opening a session. Callers use it to confirm an operator's
// credentials before a sensitive action (a new TOTP secret).
func (a *Authenticator) Check(name, password, code, ip string) error {
	return a.check(name, password, code, ip, a.o.Now())
}

func (a *Authenticator) check(name, password, code, ip string, now time.Time) error {
	a.mu.Lock()
	if a.limited("op:"+name, now) || a.limited("ip:"+ip, now) {
		a.mu.Unlock()
		return ErrRateLimited
	}
	acc := a.ops[name]
	var hash string
	if acc != nil {
		hash = acc.hash
	}
	a.mu.Unlock()
	if acc == nil {
		hash = dummyHash()
	}

	// The password check is slow (argon2id): not under the lock.
	pwOK := VerifyPassword(hash, password) && acc != nil

	a.mu.Lock()
	defer a.mu.Unlock()
	if pwOK {
		if step, ok := MatchTOTP(acc.key, code, now, acc.lastStep); ok {
			if a.o.Used != nil {
				// The claim is the arbiter between replicas (and between
				// two logins here with one code): not under the lock.
				a.mu.Unlock()
				first, err := a.o.Used.Claim(name, step)
				a.mu.Lock()
				if err != nil {
					return fmt.Errorf("%w: %v", ErrUnavailable, err)
				}
				ok = first && step > acc.lastStep
			}
			if ok {
				acc.lastStep = step
				delete(a.fails, "op:"+name)
				delete(a.fails, "ip:"+ip)
				return nil
			}
		}
	}
	a.fail("op:"+name, now)
	a.fail("ip:"+ip, now)
	return ErrDenied
}

// limited reports whether k has used up its failures. The caller holds mu.
func (a *Authenticator) limited(k string, now time.Time) bool {
	f := a.fails[k]
	return f != nil && now.Before(f.until) && f.n >= a.o.MaxFailures
}

// fail counts a failed login against k. The caller holds mu.
func (a *Authenticator) fail(k string, now time.Time) {
	f := a.fails[k]
	if f == nil || !now.Before(f.until) {
		if len(a.fails) >= maxTracked {
			for key, x := range a.fails {
				if !now.Before(x.until) {
					delete(a.fails, key)
				}
			}
			if len(a.fails) >= maxTracked {
				return // flooded with distinct names or addresses: keep what is tracked
			}
		}
		f = &failures{until: now.Add(a.o.FailWindow)}
		a.fails[k] = f
	}
	f.n++
}

func (a *Authenticator) dropExpiredSessions(now time.Time) {
	for k, s := range a.sessions {
		if !now.Before(s.expires) {
			delete(a.sessions, k)
		}
	}
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "wso_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// Session returns the operator of a live session token.
func (a *Authenticator) Session(token string) (operator string, ok bool) {
	if token == "" {
		return "", false
	}
	sum := sha256.Sum256([]byte(token))
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[sum]
	if !ok {
		return "", false
	}
	if !a.o.Now().Before(s.expires) {
		delete(a.sessions, sum)
		return "", false
	}
	return s.operator, true
}

// Logout revokes a session token and reports whether it was live.
func (a *Authenticator) Logout(token string) bool {
	sum := sha256.Sum256([]byte(token))
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[sum]
	delete(a.sessions, sum)
	return ok && a.o.Now().Before(s.expires)
}
