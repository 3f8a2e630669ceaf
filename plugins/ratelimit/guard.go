package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
	"unsafe"

	ward "github.com/wardgate/ward/sdk/go"
)

// Codes and messages of the guard's denials. The client message says
// nothing about which limit or subject; the reasons (audit only) do.
const (
	codeExceeded    = "ratelimit.exceeded"
	codeTooLarge    = "ratelimit.too_large"
	codeAnomaly     = "ratelimit.anomaly"
	codeUnavailable = "ratelimit.unavailable"
	msgExceeded     = "rate limit exceeded"
	msgTooLarge     = "request too large for the token rate limit"
	msgAnomaly      = "unusual request rate: try again later"
	msgUnavailable  = "rate limiting unavailable: try again later"
)

// Annotations read.
const (
	annSubject  = "identity.subject"
	annKeyID    = "identity.key_id"
	annRoles    = "identity.roles"
	annRBACRole = "rbac.role"
	annClientIP = "client.ip"
)

// Annotations written (see README.md for their formats).
const (
	annRequests = "ratelimit.requests" // most restrictive requests limit: "NAME limit=N remaining=N reset=D"
	annTokens   = "ratelimit.tokens"   // most restrictive tokens limit, same form
	annReserved = "ratelimit.reserved" // "NAME:N,NAME:N": tokens reserved per limit
	annCharged  = "ratelimit.charged"  // response phase: "NAME:N,...": tokens finally charged
	annBackend  = "ratelimit.backend"  // "unavailable"
	annBurst    = "anomaly.burst"      // "signal=S ratio=R count=N baseline=B short=D"
)

// Answer headers, in the style of OpenAI's API.
const (
	hdrRetryAfter     = "Retry-After"
	hdrLimitReq       = "x-ratelimit-limit-requests"
	hdrRemainingReq   = "x-ratelimit-remaining-requests"
	hdrResetReq       = "x-ratelimit-reset-requests"
	hdrLimitTokens    = "x-ratelimit-limit-tokens"
	hdrRemainingToken = "x-ratelimit-remaining-tokens"
	hdrResetTokens    = "x-ratelimit-reset-tokens"
)

// Config bounds.
const (
	maxNameLen    = 32
	minWindow     = time.Second
	maxWindow     = 31 * 24 * time.Hour
	maxRequests   = 1_000_000_000
	maxTokens     = 1_000_000_000_000
	maxSubjectLen = 128 // longer subjects are hashed in counter keys
)

// by says whose counter a request is charged to.
type by uint8

const (
	byKey by = iota
	bySubject
	byRole
	byIP
	byGlobal
)

var byNames = map[string]by{"key": byKey, "subject": bySubject, "role": byRole, "ip": byIP, "global": byGlobal}

// limit is one configured limit.
type limit struct {
	name     string
	by       by
	roles    []string // nil: any caller
	routes   []string // nil: any route
	requests int64    // per window; 0: not limited
	tokens   int64    // per window; 0: not limited
	window   time.Duration

	// requests and tokens in decimal, for the summaries (formatted once).
	requestsText, tokensText string

	// keys is the instance's cache of this limit's counter keys (written
	// by the handlers, not configuration).
	keys counterKeys
}

// counterKeys holds a limit's two counter keys for the subject charged
// last, so that the same caller's next request (or its response phase)
// reuses them instead of building them again. The strings alias buf,
// overwritten by the next miss: keys are used only during the call that
// got them (the host copies them), and within a call a limit's subject
// is always the same.
type counterKeys struct {
	buf            []byte
	subject        string // "": empty
	reqKey, tokKey string
}

// get returns the keys of l's requests and tokens counters for subject
// (not ""), as counterKey builds them (TestCounterKeysAgree).
func (c *counterKeys) get(name, subject string) *counterKeys {
	if c.subject == subject && subject != "" {
		return c
	}
	ar := arena{buf: c.buf[:0]}
	if ar.buf == nil {
		ar.buf = make([]byte, 0, 256)
	}
	subject = ar.str(subject).since(0)
	// A grown buffer is kept; the strings of the old one stay valid.
	*c = counterKeys{subject: subject, reqKey: ar.counterKey(name, 'r', subject), tokKey: ar.counterKey(name, 't', subject)}
	c.buf = ar.buf
	return c
}

// ratelimit is the configured guard. configure writes it once; handlers
// read it and use its scratch slices (an instance handles one call at a
// time, so they are never shared between concurrent calls).
type ratelimit struct {
	failClosed bool
	limits     []limit
	anomaly    anomaly
	// usesEstimate: a limit counts tokens or the anomaly watches them, so
	// a request's token estimate is computed (once, up front: it has no
	// effects, and a closure computing it on demand costs more in Wasm).
	usesEstimate bool

	// epoch is this instance's reading of the anomaly clock (anomaly.go);
	// it outlives calls.
	epoch epochClock

	// Scratch, reused between calls; valid only during one call.
	subjects []string       // per limit: the subject charged, "" when the limit does not apply
	reserved []int64        // per limit: tokens reserved by this request
	reqOp    []int          // per limit: index in ops of its requests counter, -1 when none
	tokOp    []int          // per limit: index in ops of its token reservation, -1 when none
	ops      []ward.StateOp // the call's state ops (keys in ar)
	opLimit  []*limit       // response phase: per op, its limit
	ar       arena          // the call's keys and annotation values
	charged  []byte         // response phase: the charged annotation, reused

	// The handlers' structs, here rather than in their locals: inside Wasm
	// a local struct over 32 bytes is zeroed with memory.fill (see pushOp).
	// Each handler resets the fields it reads.
	id                    identity
	own                   ownAnnotations
	reqSum, tokSum, fresh summary
	out                   outcome
	an                    anomalyPlan
}

var schema = map[string]string{
	"on_backend_error": `"allow" or "deny", default "allow": decision when the host's state backend is unavailable ("deny" answers 503 ratelimit.unavailable)`,
	"limits":           "array of tables: name (required), by (required: key|subject|role|ip|global), roles, routes, requests, tokens, window (required); see README.md",
	"anomaly":          "table, optional: short, baseline, multiple, min_requests, min_tokens, signals, deny; see README.md",
}

var limitKeys = []string{"name", "by", "roles", "routes", "requests", "tokens", "window"}

// New returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard {
	r := &ratelimit{}
	return ward.Guard{
		Name:         "ratelimit",
		Version:      "1.0.0",
		ConfigSchema: schema,
		Configure:    r.configure,
		Request:      r.request,
		Response:     r.response,
		ZeroCopy:     true, // handlers keep no string of the exchange past the call
		// The identity (annotations), the prompt and tools for the token
		// estimate; the answer's usage and status are always sent. Not the
		// answer's text: the host need not hold a stream for this guard,
		// which checks whole answers only (their usage).
		Reads: ward.ReadAnnotations | ward.ReadMessages | ward.ReadTools,
	}
}

func (r *ratelimit) configure(c *ward.Config) error {
	pol, err := c.String("on_backend_error", "allow")
	if err != nil {
		return err
	}
	if pol != "allow" && pol != "deny" {
		return c.Errorf("on_backend_error", "unknown value %q (want allow|deny)", pol)
	}
	var limits []limit
	if raw, ok := c.Raw("limits"); ok {
		list, ok := raw.([]any)
		if !ok {
			return c.Errorf("limits", "want array of tables, got %s", ward.TypeName(raw))
		}
		if len(list) == 0 {
			return c.Errorf("limits", "must not be empty (omit it when only anomaly is wanted)")
		}
		limits = make([]limit, len(list))
		seen := make(map[string]int, len(list))
		for i, e := range list {
			key := idx("limits", i)
			m, ok := e.(map[string]any)
			if !ok {
				return c.Errorf(key, "want table, got %s", ward.TypeName(e))
			}
			if err := parseLimit(m, &limits[i]); err != nil {
				return c.Within(key, err)
			}
			if j, dup := seen[limits[i].name]; dup {
				return c.Errorf(key+".name", "duplicate limit %q (also limits[%d])", limits[i].name, j)
			}
			seen[limits[i].name] = i
		}
	}
	var an anomaly
	if c.Has("anomaly") {
		t, err := c.Table("anomaly")
		if err != nil {
			return err
		}
		if err := parseAnomaly(t, &an); err != nil {
			return err
		}
	}
	if len(limits) == 0 && !an.on {
		return c.Errorf("limits", "required unless anomaly is set: list the limits ([[guards.NAME.config.limits]])")
	}
	uses := an.tokens
	for i := range limits {
		uses = uses || limits[i].tokens > 0
	}
	*r = ratelimit{
		usesEstimate: uses,
		failClosed:   pol == "deny",
		limits:       limits,
		anomaly:      an,
		subjects:     make([]string, len(limits)),
		reserved:     make([]int64, len(limits)),
		reqOp:        make([]int, len(limits)),
		tokOp:        make([]int, len(limits)),
		// Every limit's two counters, the epoch and three per signal.
		ops:     make([]ward.StateOp, 0, 2*len(limits)+7),
		opLimit: make([]*limit, 0, len(limits)),
	}
	return nil
}

// parseLimit validates one limit table. Errors are ConfigErrors whose keys
// are relative to the table.
func parseLimit(m map[string]any, l *limit) error {
	// The SDK's typed accessors (their error messages and unknown-key
	// tracking) apply to the table.
	c := ward.NewConfig(m)
	var err error
	if !c.Has("name") {
		return c.Errorf("name", "required")
	}
	if l.name, err = c.String("name", ""); err != nil {
		return err
	}
	if !validName(l.name) {
		return c.Errorf("name", "want 1 to %d characters of a-z, 0-9, '_' and '-', got %s", maxNameLen, quote(l.name))
	}
	if !c.Has("by") {
		return c.Errorf("by", "required (key|subject|role|ip|global)")
	}
	bs, err := c.String("by", "")
	if err != nil {
		return err
	}
	var ok bool
	if l.by, ok = byNames[bs]; !ok {
		return c.Errorf("by", "unknown value %s (want key|subject|role|ip|global)", quote(bs))
	}
	if l.roles, err = nonEmptyStrings(c, "roles"); err != nil {
		return err
	}
	if l.routes, err = nonEmptyStrings(c, "routes"); err != nil {
		return err
	}
	if l.requests, err = bounded(c, "requests", maxRequests); err != nil {
		return err
	}
	if l.tokens, err = bounded(c, "tokens", maxTokens); err != nil {
		return err
	}
	if !c.Has("window") {
		return c.Errorf("window", `required: a duration such as "1m" or "24h"`)
	}
	if l.window, err = window(c, "window"); err != nil {
		return err
	}
	if unused := c.Unused(); len(unused) > 0 {
		return c.Errorf(unused[0], "unknown key (known: %s)", strings.Join(limitKeys, ", "))
	}
	if l.requests == 0 && l.tokens == 0 {
		return c.Errorf("", "needs requests or tokens (or both)")
	}
	l.requestsText, l.tokensText = strconv.FormatInt(l.requests, 10), strconv.FormatInt(l.tokens, 10)
	return nil
}

// validName reports whether s is a limit name: 1..maxNameLen bytes of
// a-z, 0-9, '_' and '-' (so that it cannot contain the separators of
// counter keys and annotations).
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// bounded reads an optional integer in 1..max (0 when absent).
func bounded(c *ward.Config, key string, max int64) (int64, error) {
	n, err := c.Int(key, 0)
	if err != nil || !c.Has(key) {
		return 0, err
	}
	if n < 1 || int64(n) > max {
		return 0, c.Errorf(key, "must be 1 to %d, got %d", max, n)
	}
	return int64(n), nil
}

// window reads a duration in minWindow..maxWindow, a whole number of
// milliseconds (the host's counters have millisecond expiries).
func window(c *ward.Config, key string) (time.Duration, error) {
	d, err := c.Duration(key, 0)
	if err != nil {
		return 0, err
	}
	if err := checkWindow(d); err != nil {
		return 0, c.Errorf(key, "%s", err)
	}
	return d, nil
}

func checkWindow(d time.Duration) error {
	if d < minWindow || d > maxWindow {
		return errors.New("must be 1s to 744h (31 days), got " + d.String())
	}
	if d%time.Millisecond != 0 {
		return errors.New("must be a whole number of milliseconds, got " + d.String())
	}
	return nil
}

// nonEmptyStrings reads an optional list that, when present, must have
// non-empty entries and not be empty itself (omit it for "any").
func nonEmptyStrings(c *ward.Config, key string) ([]string, error) {
	l, err := c.Strings(key, nil)
	if err != nil || l == nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, c.Errorf(key, "must not be empty (omit it to apply to any)")
	}
	for i, s := range l {
		if s == "" || strings.TrimSpace(s) != s {
			return nil, c.Errorf(idx(key, i), "must be non-empty, without surrounding spaces")
		}
	}
	return l, nil
}

func idx(key string, i int) string { return key + "[" + strconv.Itoa(i) + "]" }

// quote quotes a value for a message, cut to 80 bytes.
func quote(s string) string {
	if len(s) > 80 {
		return strconv.Quote(s[:80]) + "..."
	}
	return strconv.Quote(s)
}

// identity is what the handlers read from the annotations. For each key
// the first annotation is used: the host's client.ip comes first, and the
// authenticating guard's identity precedes anything later guards add.
type identity struct {
	subject, keyID, roles, rbacRole, ip string
	seen                                uint8 // bit per annotation found
}

// The seen bits, in the order of readIdentity's vals.
const (
	seenSubject = 1 << iota
	seenKeyID
	seenRoles
	seenRBAC
	seenIP
)

// readIdentity reads the identity from the annotations (readResponse,
// with the guard's own annotations read into a scratch nobody looks at).
//
// It writes *id field by field: see pushOp for why handlers keep such
// structs out of their locals and composite literals.
func readIdentity(x *ward.Exchange, id *identity) { readResponse(x, id, &discardOwn) }

// discardOwn is readIdentity's scratch (a guard instance runs one call at
// a time; a local of this size would be zeroed with memory.fill).
var discardOwn ownAnnotations

// vals views id's five strings as an array indexed like the seen bits
// (they are consecutive fields of one type: TestIdentityLayout).
func (id *identity) vals() *[5]string { return (*[5]string)(unsafe.Pointer(&id.subject)) }

// ownAnnotations are the guard's own request-phase annotations the
// response phase reads back: vals[0] ratelimit.reserved, vals[1]
// ratelimit.requests, vals[2] ratelimit.tokens (the first of each), seen a
// bit per value found.
type ownAnnotations struct {
	vals [3]string
	seen uint8
}

// readResponse reads the identity and the guard's own annotations
// (ownAnnotations) in one pass over the annotations. It finds the keys
// with annIndex (inlined by hand); the identity's values land in an array
// indexed like the seen bits, so that the loop has one branch per
// annotation that is not a key it reads (TestReadIdentityAgrees and
// TestReadResponseAgrees check it against a switch on the keys).
func readResponse(x *ward.Exchange, id *identity, own *ownAnnotations) {
	id.subject, id.keyID, id.roles, id.rbacRole, id.ip, id.seen = "", "", "", "", "", 0
	own.vals[0], own.vals[1], own.vals[2], own.seen = "", "", "", 0
	vals := id.vals()
	for i := range x.Annotations {
		a := &x.Annotations[i]
		j, n := -1, len(a.Key)
		if uint(n-9) <= 9 { // annIndex, inlined by hand (it is over the inliner's budget)
			w0, w1, w2 := load64(a.Key, 0), load64(a.Key, min(8, n-8)), load64(a.Key, n-8)
			c := &annTable[n-9]
			if (w0^c[0].w0)|(w1^c[0].w1)|(w2^c[0].w2) == 0 {
				j = c[0].idx
			}
			if (w0^c[1].w0)|(w1^c[1].w1)|(w2^c[1].w2) == 0 {
				j = c[1].idx
			}
		}
		if uint(j) < 5 {
			if id.seen&(1<<j) == 0 {
				vals[j], id.seen = a.Value, id.seen|1<<j
			}
		} else if o := j - 5; uint(o) < 3 && own.seen&(1<<o) == 0 {
			own.vals[o], own.seen = a.Value, own.seen|1<<o
		}
	}
}

// annKeys are the annotation keys the handlers read, in the order of
// annIndex's results: the identity's (the seen bits), then the guard's own
// (ownAnnotations.vals).
var annKeys = [8]string{annSubject, annKeyID, annRoles, annRBACRole, annClientIP, annReserved, annRequests, annTokens}

// annCand is a key of annKeys as three 64-bit words (its first, middle
// and last 8 bytes, overlapping) and its index; idx -1 marks no key.
type annCand struct {
	w0, w1, w2 uint64
	idx        int
}

// annTable holds annKeys by length (9 to 18 bytes), at most two per
// length.
var annTable = func() (t [10][2]annCand) {
	for i := range t {
		t[i][0].idx, t[i][1].idx = -1, -1
	}
	for i, k := range annKeys {
		n := len(k)
		c := &t[n-9][0]
		if c.idx >= 0 {
			c = &t[n-9][1]
		}
		if n < 9 || n > 18 || c.idx >= 0 {
			panic("ratelimit: annTable cannot hold " + k)
		}
		c.w0, c.w1, c.w2, c.idx = load64(k, 0), load64(k, min(8, n-8)), load64(k, n-8), i
	}
	return t
}()

// annIndex returns the index of key in annKeys, or -1. The key is compared
// as three words with both candidates of its length, without the branches
// of a switch and of short-circuit compares: inside Wasm each taken branch
// of Go's code is a jump through the function's dispatch table
// (TestReadIdentityAgrees, TestReadResponseAgrees and TestAnnIndex check
// it against string compares).
func annIndex(key string) int {
	n := len(key)
	if uint(n-9) > 9 {
		return -1
	}
	w0, w1, w2 := load64(key, 0), load64(key, min(8, n-8)), load64(key, n-8)
	c := &annTable[n-9]
	j := -1
	if (w0^c[0].w0)|(w1^c[0].w1)|(w2^c[0].w2) == 0 {
		j = c[0].idx
	}
	if (w0^c[1].w0)|(w1^c[1].w1)|(w2^c[1].w2) == 0 {
		j = c[1].idx
	}
	return j
}

// hasRole reports whether the comma-separated list contains name (entries
// trimmed of spaces). It allocates nothing.
func hasRole(list, name string) bool {
	for list != "" {
		var item string
		item, list, _ = strings.Cut(list, ",")
		if strings.TrimSpace(item) == name {
			return true
		}
	}
	return false
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// callerHas reports whether the caller has role name, as rbac.role or in
// identity.roles.
func (id *identity) callerHas(name string) bool {
	return (id.rbacRole != "" && id.rbacRole == name) || hasRole(id.roles, name)
}

// subject returns whom the request is charged to under l, or "" when l does
// not apply to it (route or roles do not match, or the caller lacks what
// l counts by).
func (l *limit) subject(x *ward.Exchange, id *identity) string {
	if l.routes != nil && !contains(l.routes, x.Route) {
		return ""
	}
	if l.roles != nil {
		found := false
		for _, ro := range l.roles {
			if id.callerHas(ro) {
				found = true
				break
			}
		}
		if !found {
			return ""
		}
	}
	switch l.by {
	case byKey:
		return id.keyID
	case bySubject:
		return id.subject
	case byIP:
		return id.ip
	case byGlobal:
		return "*"
	case byRole:
		// The role rbac allowed the request under, else the first of the
		// caller's roles; with a roles list, the first that it names.
		if id.rbacRole != "" && (l.roles == nil || contains(l.roles, id.rbacRole)) {
			return id.rbacRole
		}
		for list := id.roles; list != ""; {
			var item string
			item, list, _ = strings.Cut(list, ",")
			if item = strings.TrimSpace(item); item != "" && (l.roles == nil || contains(l.roles, item)) {
				return item
			}
		}
	}
	return ""
}

// counterKey is the state key of l's counter of kind ('r' requests, 't'
// tokens) for subject: "NAME:K:SUBJECT". Subjects longer than maxSubjectLen
// or starting with '#' are replaced by '#' and 32 hex digits of their
// SHA-256, so keys stay within ward.MaxStateKey and cannot collide.
func counterKey(name string, kind byte, subject string) string {
	var a arena
	return a.counterKey(name, kind, subject)
}

func keySubject(s string) string {
	if len(s) <= maxSubjectLen && !strings.HasPrefix(s, "#") {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "#" + hex.EncodeToString(sum[:16])
}

// state wraps ward.Incr and ward.Batch for one call: after the backend has
// failed once, no further calls are made (each would wait for the state
// timeout) and every operation reports failure.
type state struct {
	failed bool
}

func (s *state) incr(key string, delta int64, ttl time.Duration) (ward.Counter, bool) {
	if s.failed {
		return ward.Counter{}, false
	}
	c, err := ward.Incr(key, delta, ttl)
	return c, s.check(err)
}

// batch runs ops with ward.Batch: one host call (one Redis round trip)
// for up to ward.MaxBatchOps ops, one per such chunk beyond (a config with
// more than 15 applicable limits).
func (s *state) batch(ops []ward.StateOp) bool {
	for len(ops) > 0 && !s.failed {
		n := min(len(ops), ward.MaxBatchOps)
		if !s.check(ward.Batch(ops[:n])) {
			return false
		}
		ops = ops[n:]
	}
	return !s.failed
}

// giveBatch applies ops (token counters; deltas may be negative: tokens
// given back) in one batch, then, in a second batch, clamps at 0 the
// counters that went negative: a counter that expired since the
// reservation would otherwise restart negative and grant extra tokens in
// the next window. The ops' Results are the final counters.
func (s *state) giveBatch(ops []ward.StateOp) bool {
	if !s.batch(ops) {
		return false
	}
	for i := range ops {
		if ops[i].Result.Value < 0 {
			return s.clamp(ops)
		}
	}
	return true
}

// clamp is giveBatch's second batch, apart so that the common path does
// not zero its 1.8 KB of ops (inside Wasm a memory.fill: a memmove call
// per doubling).
func (s *state) clamp(ops []ward.StateOp) bool {
	var clampBuf [ward.MaxBatchOps]ward.StateOp
	clamp := clampBuf[:0]
	for i := range ops {
		if c := ops[i].Result; c.Value < 0 {
			clamp = pushOp(clamp, ops[i].Key, -c.Value, ops[i].TTL, false)
		}
	}
	if len(clamp) == 0 {
		return true
	}
	if !s.batch(clamp) {
		return false
	}
	for i, j := 0, 0; i < len(ops) && j < len(clamp); i++ {
		if ops[i].Result.Value < 0 {
			ops[i].Result = clamp[j].Result
			j++
		}
	}
	return true
}

func (s *state) check(err error) bool {
	if err == nil {
		return true
	}
	if errors.Is(err, ward.ErrStateInvalid) {
		// Keys are bounded and windows at least 1s: a bug, not a policy
		// matter. Trap so that the host reports a guard fault.
		panic("ratelimit: state call rejected as invalid: " + err.Error())
	}
	s.failed = true
	return false
}

// summary is the most restrictive limit of one kind seen so far.
type summary struct {
	name             string
	limit, remaining int64
	reset            time.Duration
	set              bool
	// limitText is limit in decimal when known without formatting (from
	// the configured limit), else "".
	limitText string
}

// consider keeps the limit with the fewest remaining (on a tie, the later
// reset).
// limText is lim in decimal, or "" (then it is formatted when written).
func (s *summary) consider(name string, lim int64, limText string, remaining int64, reset time.Duration) {
	if remaining < 0 {
		remaining = 0
	}
	if s.set && (remaining > s.remaining || remaining == s.remaining && reset <= s.reset) {
		return
	}
	// Field by field: a 72-byte composite literal is zeroed and copied
	// (see pushOp).
	s.name, s.limit, s.remaining, s.reset, s.set, s.limitText = name, lim, remaining, reset, true, limText
}

// String formats s as an annotation: "NAME limit=N remaining=N reset=D".
func (s *summary) String() string { return string(s.appendTo(nil)) }

// in is String built in a.
func (s *summary) in(a *arena) string {
	m := a.mark()
	a.buf = s.appendTo(a.buf)
	return a.since(m)
}

func (s *summary) appendTo(b []byte) []byte {
	b = append(b, s.name...)
	b = append(b, " limit="...)
	b = s.appendLimit(b)
	b = append(b, " remaining="...)
	b = appendInt(b, s.remaining)
	b = append(b, " reset="...)
	return appendReset(b, s.reset)
}

func (s *summary) appendLimit(b []byte) []byte {
	if s.limitText != "" {
		return append(b, s.limitText...)
	}
	return appendInt(b, s.limit)
}

// parseSummary parses what String wrote; ok is false for anything else.
// The form String writes is read in one pass (parseSummaryFast: each
// ParseInt, ParseDuration and field split costs microseconds inside Wasm);
// anything else goes through the general parser, which decides.
func parseSummary(a string) (s summary, ok bool) {
	if s, ok = parseSummaryFast(a); ok {
		return s, true
	}
	return parseSummarySlow(a)
}

// parseSummaryFast reads exactly "NAME limit=N remaining=N reset=D" with
// single spaces, N of 1 to 18 digits and D of one to three components of 1
// to 9 digits and a unit h, m or s. ok is false for anything else, and
// when it is true parseSummarySlow returns the same summary.
func parseSummaryFast(a string) (s summary, ok bool) {
	i := 0
	for i < len(a) && a[i] != ' ' {
		i++
	}
	if i == len(a) || !validName(a[:i]) {
		return s, false
	}
	s.name = a[:i]
	rest := a[i+1:]
	if s.limit, rest, ok = fastInt(rest, "limit="); !ok {
		return summary{}, false
	}
	if s.remaining, rest, ok = fastInt(rest, "remaining="); !ok {
		return summary{}, false
	}
	if len(rest) < len("reset=") || rest[:len("reset=")] != "reset=" {
		return summary{}, false
	}
	rest = rest[len("reset="):]
	var d time.Duration
	for k := 0; ; k++ {
		if k == 3 || rest == "" {
			return summary{}, false
		}
		n, j := int64(0), 0
		for j < len(rest) && j < 10 && rest[j] >= '0' && rest[j] <= '9' {
			n = n*10 + int64(rest[j]-'0')
			j++
		}
		if j == 0 || j > 9 || j == len(rest) {
			return summary{}, false
		}
		var unit time.Duration
		switch rest[j] {
		case 'h':
			unit = time.Hour
		case 'm':
			unit = time.Minute
		case 's':
			unit = time.Second
		default:
			return summary{}, false
		}
		if n > int64(maxWindow/unit) { // past the window (and no overflow below)
			return summary{}, false
		}
		d += time.Duration(n) * unit
		if rest = rest[j+1:]; rest == "" {
			break
		}
	}
	if d > maxWindow {
		return summary{}, false
	}
	s.reset, s.set = d, true
	return s, true
}

// fastInt reads key, then 1 to 18 digits, then a space, at the start of s.
func fastInt(s, key string) (n int64, rest string, ok bool) {
	if len(s) < len(key) || s[:len(key)] != key {
		return 0, s, false
	}
	j := len(key)
	for j < len(s) && j-len(key) < 19 && s[j] >= '0' && s[j] <= '9' {
		n = n*10 + int64(s[j]-'0')
		j++
	}
	if d := j - len(key); d == 0 || d > 18 || j == len(s) || s[j] != ' ' {
		return 0, s, false
	}
	return n, s[j+1:], true
}

// parseSummarySlow is parseSummary's general parser.
func parseSummarySlow(a string) (s summary, ok bool) {
	f := strings.Fields(a)
	if len(f) != 4 || !validName(f[0]) {
		return s, false
	}
	s.name = f[0]
	var err error
	num := func(field, key string) int64 {
		v, found := strings.CutPrefix(field, key+"=")
		if !found {
			err = errors.New("missing " + key)
			return 0
		}
		n, e := strconv.ParseInt(v, 10, 64)
		if e != nil || n < 0 {
			err = errors.New("bad " + key)
		}
		return n
	}
	s.limit = num(f[1], "limit")
	s.remaining = num(f[2], "remaining")
	v, found := strings.CutPrefix(f[3], "reset=")
	if !found {
		return summary{}, false
	}
	if s.reset, ok = parseReset(v); !ok || err != nil {
		return summary{}, false
	}
	s.set = true
	return s, true
}

// parseReset parses a reset duration as appendReset writes it.
func parseReset(v string) (time.Duration, bool) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > maxWindow {
		return 0, false
	}
	return d, true
}

// setHeaders adds the OpenAI-style headers of s, of kind "requests" or
// "tokens".
// Their values are built in a (no allocation per header).
func (s *summary) setHeaders(a *arena, v *ward.Verdict, limitH, remainingH, resetH string) {
	if !s.set {
		return
	}
	m := a.mark()
	a.buf = s.appendLimit(a.buf)
	v.SetHeader(limitH, a.since(m))
	m = a.mark()
	v.SetHeader(remainingH, a.int(s.remaining).since(m))
	m = a.mark()
	a.buf = appendReset(a.buf, s.reset)
	v.SetHeader(resetH, a.since(m))
}

// ceilSeconds is d rounded up to whole seconds.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// appendReset appends d rounded up to whole seconds in Go's duration
// syntax, as OpenAI's x-ratelimit-reset-* headers write it: whole seconds
// as time.Duration's String writes them ("0s", "45s", "6m0s", "1h0m0s"),
// without its fractional formatting.
func appendReset(b []byte, d time.Duration) []byte {
	sec := ceilSeconds(d)
	if h := sec / 3600; h > 0 {
		b = appendInt(b, h)
		b = append(b, 'h')
		b = appendSmall(b, sec/60%60)
		b = append(b, 'm')
	} else if m := sec / 60; m > 0 {
		b = appendSmall(b, m)
		b = append(b, 'm')
	}
	b = appendSmall(b, sec%60)
	return append(b, 's')
}

// retryAfter is d in whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	n := ceilSeconds(d)
	if n < 1 {
		n = 1
	}
	return strconv.FormatInt(n, 10)
}

// outcome collects the decision of a request as the limits are checked.
type outcome struct {
	code, msg string        // the first denial's; "" while allowed
	retry     time.Duration // longest wait among the exceeded limits
	retrySet  bool
	reasons   []string
}

func (o *outcome) deny(code, msg string, retry time.Duration, hasRetry bool, reason string) {
	if o.code == "" {
		o.code, o.msg = code, msg
	}
	if hasRetry {
		o.retrySet = true
		if retry > o.retry {
			o.retry = retry
		}
	}
	o.reasons = append(o.reasons, reason)
}

// request charges the request to every limit that applies, counts it for
// the anomaly baseline and reserves the estimated tokens, all in one state
// batch (one Redis round trip), then judges. A denied request gives its
// reservations back in a second batch. See README.md.
func (r *ratelimit) request(x *ward.Exchange, v *ward.Verdict) {
	r.ar.reset()
	id := &r.id
	readIdentity(x, id)
	reqSum, tokSum, out := &r.reqSum, &r.tokSum, &r.out
	reqSum.set, tokSum.set = false, false
	out.code, out.msg, out.retry, out.retrySet, out.reasons = "", "", 0, false, out.reasons[:0]
	var (
		st  state
		est int64
	)
	if r.usesEstimate {
		est = estimateTokens(x)
	}
	defer clear(r.subjects) // they may alias the exchange (ZeroCopy)

	// The batch: requests counters, then token reservations (none when the
	// request is too large for one of its limits: it will be denied),
	// then the anomaly counters.
	ops := r.ops[:0]
	tooLarge := -1
	for i := range r.limits {
		l := &r.limits[i]
		r.subjects[i], r.reserved[i], r.reqOp[i], r.tokOp[i] = l.subject(x, id), 0, -1, -1
		if r.subjects[i] == "" {
			continue
		}
		if l.requests > 0 {
			r.reqOp[i] = len(ops)
			ops = pushOp(ops, l.keys.get(l.name, r.subjects[i]).reqKey, 1, l.window, false)
		}
		if l.tokens > 0 && tooLarge < 0 && est > l.tokens {
			tooLarge = i
		}
	}
	if tooLarge < 0 {
		for i := range r.limits {
			l := &r.limits[i]
			if r.subjects[i] == "" || l.tokens == 0 {
				continue
			}
			r.tokOp[i] = len(ops)
			ops = pushOp(ops, l.keys.get(l.name, r.subjects[i]).tokKey, est, l.window, false)
		}
	}
	an, anOK := &r.an, false
	if r.anomaly.on {
		ops, anOK = r.anomaly.plan(&r.epoch, id, &st, est, ops, an)
	}
	r.ops = ops[:0] // keep a grown buffer

	// (With no op, batch only reports whether the epoch read failed.)
	if st.batch(ops) {
		// Requests.
		for i := range r.limits {
			k := r.reqOp[i]
			if k < 0 {
				continue
			}
			l, c := &r.limits[i], ops[k].Result
			reqSum.consider(l.name, l.requests, l.requestsText, l.requests-c.Value, c.TTL)
			if c.Value > l.requests {
				out.deny(codeExceeded, msgExceeded, c.TTL, true,
					l.name+": "+strconv.FormatInt(c.Value, 10)+" requests in "+l.window.String()+", limit "+strconv.FormatInt(l.requests, 10))
			}
		}
		// Anomaly: every attempt counts, denied or not.
		if anOK {
			r.anomaly.done(&r.epoch, an, ops, &r.ar, out, v)
		}
		// Tokens, unless already denied: a denied request consumes none.
		if out.code == "" {
			if tooLarge >= 0 {
				l := &r.limits[tooLarge]
				out.deny(codeTooLarge, msgTooLarge, 0, false,
					l.name+": request needs ~"+strconv.FormatInt(est, 10)+" tokens, more than the limit "+strconv.FormatInt(l.tokens, 10)+" per "+l.window.String())
			}
			for i := range r.limits {
				k := r.tokOp[i]
				if k < 0 {
					continue
				}
				l, c, n := &r.limits[i], ops[k].Result, ops[k].Delta
				before := c.Value - n
				if before >= l.tokens || c.Value > l.tokens {
					tokSum.consider(l.name, l.tokens, l.tokensText, l.tokens-before, c.TTL)
					out.deny(codeExceeded, msgExceeded, c.TTL, true,
						l.name+": "+strconv.FormatInt(before, 10)+" tokens used in "+l.window.String()+", ~"+strconv.FormatInt(n, 10)+" more requested, limit "+strconv.FormatInt(l.tokens, 10))
					break
				}
				tokSum.consider(l.name, l.tokens, l.tokensText, l.tokens-c.Value, c.TTL)
			}
		}
		if out.code == "" {
			for i, k := range r.tokOp {
				if k >= 0 {
					r.reserved[i] = ops[k].Delta
				}
			}
		} else {
			r.giveBack(&st, ops)
		}
	}

	if reqSum.set {
		v.Annotate(annRequests, reqSum.in(&r.ar))
	}
	if tokSum.set {
		v.Annotate(annTokens, tokSum.in(&r.ar))
	}
	if res := r.reservedString(); res != "" {
		v.Annotate(annReserved, res)
	}
	for _, s := range out.reasons {
		v.AddReason(s)
	}
	if st.failed {
		v.Annotate(annBackend, "unavailable")
		v.AddReason("state backend unavailable: limits not fully enforced (on_backend_error = " + r.policy() + ")")
		if r.failClosed && out.code == "" {
			v.Deny(503, codeUnavailable, msgUnavailable)
			return
		}
	}
	if out.code == "" {
		return
	}
	// Headers go on the 429 only: on an allow they would be sent upstream.
	v.Deny(429, out.code, out.msg)
	if out.retrySet {
		v.SetHeader(hdrRetryAfter, retryAfter(out.retry))
	}
	reqSum.setHeaders(&r.ar, v, hdrLimitReq, hdrRemainingReq, hdrResetReq)
	tokSum.setHeaders(&r.ar, v, hdrLimitTokens, hdrRemainingToken, hdrResetTokens)
}

// giveBack returns the token reservations of a denied request (the ops of
// r.tokOp in ops) in one batch. When it fails the reservations stand
// (st reports the failure).
func (r *ratelimit) giveBack(st *state, ops []ward.StateOp) {
	give := ops[len(ops):]
	for _, k := range r.tokOp {
		if k >= 0 {
			give = pushOp(give, ops[k].Key, -ops[k].Delta, ops[k].TTL, false)
		}
	}
	if len(give) > 0 {
		st.giveBatch(give)
	}
}

func (r *ratelimit) policy() string {
	if r.failClosed {
		return "deny"
	}
	return "allow"
}

// reservedString formats r.reserved as "NAME:N,NAME:N" ("" when nothing
// was reserved).
func (r *ratelimit) reservedString() string {
	m := r.ar.mark()
	b := r.ar.buf
	for i, n := range r.reserved {
		if n <= 0 {
			continue
		}
		if len(b) > m {
			b = append(b, ',')
		}
		b = append(b, r.limits[i].name...)
		b = append(b, ':')
		b = appendInt(b, n)
	}
	r.ar.buf = b
	return r.ar.since(m)
}

// validReserved reports whether s is a well-formed annReserved value: one
// or more "NAME:N" entries separated by commas, NAME a limit name and N
// what strconv.ParseInt reads (an optional sign, decimal digits) in
// 1..maxTokens. Its entries are then read with nextReserved.
//
// It and nextReserved replace a strings.Cut/strconv.ParseInt loop with a
// callback per entry: inside Wasm each call and each early return costs a
// jump through the function's dispatch table (TestReservedAgrees checks
// them against that loop).
func validReserved(s string) bool {
	if s == "" {
		return false
	}
	for s != "" {
		var ok bool
		if _, _, s, ok = reservedEntry(s); !ok {
			return false
		}
	}
	return true
}

// nextReserved returns the first entry of a value validReserved accepted,
// and the rest after its comma.
func nextReserved(s string) (name string, n int64, rest string) {
	name, n, rest, _ = reservedEntry(s)
	return name, n, rest
}

// reservedEntry reads "NAME:N" up to the first comma (or the end) of s.
func reservedEntry(s string) (name string, n int64, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] != ':' && s[i] != ',' {
		i++
	}
	if i == len(s) || s[i] != ':' || !validName(s[:i]) {
		return "", 0, "", false
	}
	name = s[:i]
	j := i + 1
	if j < len(s) && s[j] == '+' {
		j++
	}
	d := j
	for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
		if n = n*10 + int64(s[j]-'0'); n > maxTokens {
			return "", 0, "", false // too large (and no overflow)
		}
	}
	if j == d || n <= 0 {
		return "", 0, "", false
	}
	if j < len(s) {
		if s[j] != ',' {
			return "", 0, "", false
		}
		j++
	}
	return name, n, s[j:], true
}

// response charges the tokens the upstream reported instead of the
// reservation, and puts the x-ratelimit-* headers on the answer.
func (r *ratelimit) response(x *ward.Exchange, v *ward.Verdict) {
	r.ar.reset()
	reqSum, tokSum, fresh := &r.reqSum, &r.tokSum, &r.fresh
	reqSum.set, tokSum.set, fresh.set = false, false, false
	id, own := &r.id, &r.own
	readResponse(x, id, own)
	reserved, reqText, tokText := own.vals[0], own.vals[1], own.vals[2]
	reservedSeen, reqSeen, tokSeen := own.seen&1 != 0, own.seen&2 != 0, own.seen&4 != 0
	var updated []*limit
	if reservedSeen {
		updated = r.reconcile(x, id, reserved, v, fresh)
	}
	// A fresh reading replaces the tokens summary of its limit. The text
	// is not parsed when what precedes its first space names one of them
	// (a text that parses names its limit there; the general parser also
	// takes one after leading blanks, hence the check after parsing).
	if tokSeen {
		if i := strings.IndexByte(tokText, ' '); i <= 0 || !hasLimit(updated, tokText[:i]) {
			if *tokSum, _ = parseSummary(tokText); tokSum.set && hasLimit(updated, tokSum.name) {
				tokSum.set = false
			}
		}
	}
	if fresh.set {
		tokSum.consider(fresh.name, fresh.limit, fresh.limitText, fresh.remaining, fresh.reset)
	}
	// The requests summary gives its headers only: when written as the
	// request phase writes it, they are its own digits (no parsing and
	// formatting again).
	if lim, rem, reset, ok := canonicalSummary(reqText); ok {
		v.SetHeader(hdrLimitReq, lim)
		v.SetHeader(hdrRemainingReq, rem)
		v.SetHeader(hdrResetReq, reset)
	} else if reqSeen {
		*reqSum, _ = parseSummary(reqText)
	}
	reqSum.setHeaders(&r.ar, v, hdrLimitReq, hdrRemainingReq, hdrResetReq)
	tokSum.setHeaders(&r.ar, v, hdrLimitTokens, hdrRemainingToken, hdrResetTokens)
}

// canonicalSummary returns the limit, remaining and reset texts of a
// summary exactly as summary.appendTo writes them: a limit name, numbers of
// 1 to 18 digits without leading zeros, and a reset as appendReset writes
// it (at most 744h). For such a text, parsing it and formatting the parsed
// values gives the same texts (TestCanonicalSummary); ok is false for
// anything else.
func canonicalSummary(a string) (lim, rem, reset string, ok bool) {
	i := 0
	for i < len(a) && a[i] != ' ' {
		i++
	}
	if i == len(a) || !validName(a[:i]) {
		return "", "", "", false
	}
	rest := a[i+1:]
	if lim, rest, ok = canonicalInt(rest, "limit="); !ok {
		return "", "", "", false
	}
	if rem, rest, ok = canonicalInt(rest, "remaining="); !ok {
		return "", "", "", false
	}
	if len(rest) < len("reset=") || rest[:len("reset=")] != "reset=" {
		return "", "", "", false
	}
	reset = rest[len("reset="):]
	// [H "h" M "m"] or [M "m"], then S "s": H 1..744 (744 only with 0m0s),
	// M below 60 (at least 1 without hours), S below 60, no leading zeros.
	var n [3]int
	var units [3]byte
	k, j := 0, 0
	for j < len(reset) {
		if k == 3 {
			return "", "", "", false
		}
		d := j
		v := 0
		for j < len(reset) && j-d < 4 && reset[j] >= '0' && reset[j] <= '9' {
			v = v*10 + int(reset[j]-'0')
			j++
		}
		if j == d || j == len(reset) || j-d > 1 && reset[d] == '0' {
			return "", "", "", false
		}
		n[k], units[k] = v, reset[j]
		k++
		j++
	}
	switch {
	case k == 1 && units[0] == 's' && n[0] < 60:
	case k == 2 && units[0] == 'm' && units[1] == 's' && n[0] >= 1 && n[0] < 60 && n[1] < 60:
	case k == 3 && units[0] == 'h' && units[1] == 'm' && units[2] == 's' && n[0] >= 1 && n[1] < 60 && n[2] < 60 &&
		(n[0] < 744 || n[0] == 744 && n[1] == 0 && n[2] == 0):
	default:
		return "", "", "", false
	}
	return lim, rem, reset, true
}

// canonicalInt reads key, then 1 to 18 digits without a leading zero (or
// "0"), then a space, at the start of s.
func canonicalInt(s, key string) (num, rest string, ok bool) {
	if len(s) < len(key) || s[:len(key)] != key {
		return "", s, false
	}
	j := len(key)
	for j < len(s) && j-len(key) < 19 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	d := j - len(key)
	if d == 0 || d > 18 || j == len(s) || s[j] != ' ' || d > 1 && s[len(key)] == '0' {
		return "", s, false
	}
	return s[len(key):j], s[j+1:], true
}

// reconcile replaces each reservation by the usage the upstream reported:
// prompt plus completion tokens when reported; nothing when the answer is
// an error without usage (the upstream charged nothing); otherwise the
// reservation stands.
//
// fresh (reset by the caller) becomes the most restrictive of the counters
// it updated, updated their limits (valid until the next call).
func (r *ratelimit) reconcile(x *ward.Exchange, id *identity, reserved string, v *ward.Verdict, fresh *summary) (updated []*limit) {
	usage := int64(x.Response.PromptTokens) + int64(x.Response.CompletionTokens)
	refund := usage == 0 && x.Response.Status >= 400
	if usage == 0 && !refund {
		return nil // no usage reported: the reservation stands
	}
	var st state
	charged := r.charged[:0]
	ops, lims := r.ops[:0], r.opLimit[:0]
	ok := validReserved(reserved)
	for rest := reserved; ok && rest != ""; {
		var (
			name string
			n    int64
		)
		name, n, rest = nextReserved(rest)
		l := r.limit(name)
		if l == nil || l.tokens == 0 {
			continue // not ours (another config); nothing to reconcile
		}
		subj := l.subject(x, id)
		if subj == "" {
			continue
		}
		delta := usage - n
		if refund {
			delta = -n
		}
		final := n + delta
		if len(charged) > 0 {
			charged = append(charged, ',')
		}
		charged = append(charged, name...)
		charged = append(charged, ':')
		charged = appendInt(charged, final)
		if delta == 0 {
			continue
		}
		ops = pushOp(ops, l.keys.get(l.name, subj).tokKey, delta, l.window, false)
		lims = append(lims, l)
	}
	r.ops, r.opLimit, r.charged = ops[:0], lims[:0], charged[:0]
	if ok && len(ops) > 0 && st.giveBatch(ops) {
		for i, l := range lims {
			c := ops[i].Result
			fresh.consider(l.name, l.tokens, l.tokensText, l.tokens-c.Value, c.TTL)
		}
		updated = lims
	}
	if !ok {
		v.AddReason("malformed " + annReserved + " annotation " + quote(reserved) + ": usage not reconciled")
		return updated
	}
	if len(charged) > 0 {
		m := r.ar.mark()
		r.ar.buf = append(r.ar.buf, charged...)
		v.Annotate(annCharged, r.ar.since(m))
	}
	if st.failed {
		v.Annotate(annBackend, "unavailable")
		v.AddReason("state backend unavailable: token usage not reconciled")
	}
	return updated
}

func hasLimit(l []*limit, name string) bool {
	for _, e := range l {
		if e.name == name {
			return true
		}
	}
	return false
}

// limit returns the configured limit called name, or nil.
func (r *ratelimit) limit(name string) *limit {
	for i := range r.limits {
		if r.limits[i].name == name {
			return &r.limits[i]
		}
	}
	return nil
}
