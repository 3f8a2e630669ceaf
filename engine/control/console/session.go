package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// CookieName is the console's session cookie.
const CookieName = "ward_console"

// CSRFHeader must be sent, with the value "1", on every console request
// that changes state (login, logout, and the admin API's POSTs made with
// the session cookie). A cross-site page cannot send a custom header
// without a CORS preflight, which the admin listener never grants; the
// cookie is SameSite=Strict as well.
const CSRFHeader = "X-Ward-Console"

// Bounds of the session store and of login attempts.
const (
	maxSessions     = 64
	loginFailures   = 5  // failed logins per client address and minute
	globalFailures  = 30 // failed logins per minute, all addresses
	maxFailureAddrs = 1024
)

// sessions are the console's login sessions, keyed by the SHA-256 of the
// session id (the id itself is only in the browser's cookie).
type sessions struct {
	mu   sync.Mutex
	ttl  time.Duration
	now  func() time.Time
	byID map[[32]byte]*session

	failMu   sync.Mutex
	fails    map[string]*failures
	global   failures
	failSpan time.Duration
}

type session struct {
	// operator is who logged in: an operator's name, or
	// admin.ConsoleOperator for the admin token (admin true).
	operator string
	admin    bool
	expires  time.Time
	stream   chan struct{} // closed to end the session's event stream; nil: none
	// enrolID is the operator enrolment this session started and has
	// not confirmed (operator.Authenticator.Confirm); it never leaves
	// the server.
	enrolID string
}

type failures struct {
	n     int
	since time.Time
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, byID: map[[32]byte]*session{}, fails: map[string]*failures{}, failSpan: time.Minute}
}

// create starts a session of operator (admin: logged in with the admin
// token) and returns its id. Past maxSessions the session closest to
// expiry is dropped.
func (s *sessions) create(operator string, admin bool) (string, time.Time, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", time.Time{}, err
	}
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	exp := now.Add(s.ttl)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.byID {
		if !now.Before(v.expires) {
			s.drop(k)
		}
	}
	if len(s.byID) >= maxSessions {
		var oldest [32]byte
		var at time.Time
		for k, v := range s.byID {
			if at.IsZero() || v.expires.Before(at) {
				oldest, at = k, v.expires
			}
		}
		s.drop(oldest)
	}
	s.byID[sha256.Sum256([]byte(id))] = &session{operator: operator, admin: admin, expires: exp}
	return id, exp, nil
}

// drop removes a session; s.mu is held.
func (s *sessions) drop(k [32]byte) {
	if v, ok := s.byID[k]; ok {
		if v.stream != nil {
			close(v.stream)
		}
		delete(s.byID, k)
	}
}

// lookup returns the key of r's live session.
func (s *sessions) lookup(r *http.Request) ([32]byte, bool) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return [32]byte{}, false
	}
	k := sha256.Sum256([]byte(c.Value))
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byID[k]
	if ok && !s.now().Before(v.expires) {
		s.drop(k)
		ok = false
	}
	return k, ok
}

// get returns a copy of r's live session.
func (s *sessions) get(r *http.Request) (session, [32]byte, bool) {
	k, ok := s.lookup(r)
	if !ok {
		return session{}, k, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byID[k]
	if !ok {
		return session{}, k, false
	}
	return *v, k, true
}

// setEnrol records the enrolment id session k started ("" to forget it).
func (s *sessions) setEnrol(k [32]byte, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.byID[k]; ok {
		v.enrolID = id
	}
}

// endOperator ends every session of operator (its TOTP secret was reset).
func (s *sessions) endOperator(operator string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.byID {
		if !v.admin && v.operator == operator {
			s.drop(k)
		}
	}
}

// end ends r's session, if any.
func (s *sessions) end(r *http.Request) {
	if k, ok := s.lookup(r); ok {
		s.mu.Lock()
		s.drop(k)
		s.mu.Unlock()
	}
}

// openStream registers the session's event stream, ending the one it had
// before; the returned channel closes when the stream must end.
func (s *sessions) openStream(k [32]byte) (chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byID[k]
	if !ok {
		return nil, false
	}
	if v.stream != nil {
		close(v.stream)
	}
	v.stream = make(chan struct{})
	return v.stream, true
}

// closeStream unregisters stream if it is still the session's.
func (s *sessions) closeStream(k [32]byte, stream chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.byID[k]; ok && v.stream == stream {
		v.stream = nil
	}
}

// allowLogin reports whether addr may try a token now, and if not, how
// long it waits.
func (s *sessions) allowLogin(addr string) (time.Duration, bool) {
	now := s.now()
	s.failMu.Lock()
	defer s.failMu.Unlock()
	if wait := s.global.wait(now, s.failSpan, globalFailures); wait > 0 {
		return wait, false
	}
	if f, ok := s.fails[addr]; ok {
		if wait := f.wait(now, s.failSpan, loginFailures); wait > 0 {
			return wait, false
		}
	}
	return 0, true
}

func (f *failures) wait(now time.Time, span time.Duration, limit int) time.Duration {
	if now.Sub(f.since) >= span {
		f.n, f.since = 0, now
		return 0
	}
	if f.n >= limit {
		return f.since.Add(span).Sub(now)
	}
	return 0
}

// failed counts a wrong token from addr.
func (s *sessions) failed(addr string) {
	now := s.now()
	s.failMu.Lock()
	defer s.failMu.Unlock()
	s.global.count(now, s.failSpan)
	f, ok := s.fails[addr]
	if !ok {
		if len(s.fails) >= maxFailureAddrs {
			for k, v := range s.fails {
				if now.Sub(v.since) >= s.failSpan {
					delete(s.fails, k)
				}
			}
			if len(s.fails) >= maxFailureAddrs {
				return // the global limit still applies
			}
		}
		f = &failures{since: now}
		s.fails[addr] = f
	}
	f.count(now, s.failSpan)
}

func (f *failures) count(now time.Time, span time.Duration) {
	if now.Sub(f.since) >= span {
		f.n, f.since = 0, now
	}
	f.n++
}

// succeeded forgets addr's failures.
func (s *sessions) succeeded(addr string) {
	s.failMu.Lock()
	delete(s.fails, addr)
	s.failMu.Unlock()
}

// clientAddr is the address login attempts are counted by: the peer's IP
// (the admin listener is not behind a proxy Ward trusts).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// sameOrigin reports whether a state-changing request comes from the
// console's own page: the CSRF header is set and the Origin, when the
// browser sends one, is this host.
func sameOrigin(r *http.Request) bool {
	if r.Header.Get(CSRFHeader) != "1" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}
