package rbac

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

// Codes and messages of the guard's denials. The client message says
// nothing about roles or rules; the reasons (audit only) do.
const (
	codeForbidden  = "rbac.forbidden"
	codeNoIdentity = "rbac.no_identity"
	msgForbidden   = "not allowed for your role"
	msgNoIdentity  = "no identity: authentication required"
)

// Annotations read and written.
const (
	annSubject  = "identity.subject"
	annRoles    = "identity.roles"
	annClientIP = "client.ip"
	annRole     = "rbac.role"
	annDefault  = "rbac.default"
)

// Bounds that keep a denial's audit record small whatever the request.
const (
	maxReasons     = 16 // reasons per denial; further ones are summarised
	maxReasonValue = 80 // bytes of a client-supplied value quoted in a reason
)

// role is one configured role. A nil list means "any"; an empty non-nil
// list means "none" (only meaningful for tools).
type role struct {
	name             string
	routes           []string // nil: any route
	models           globSet  // nil: any model
	apis             uint64   // bit per abi.API; 0: any
	maxTokens        uint32   // 0: no limit
	requireMaxTokens bool
	tools            globSet // nil: any tool; empty: none
	sourceIPs        []netip.Prefix
	window           window
}

// rbac is the configured guard. configure writes it once; handlers only
// read it (an instance handles one call at a time).
type rbac struct {
	defaultAllow bool
	roles        []role
	byName       map[string]int
}

var schema = map[string]string{
	"default": `"deny" or "allow", default "deny": decision when no role of the subject allows the request, and for requests without identity`,
	"roles":   "array of tables, required: name (required), routes, models, apis, max_tokens, require_max_tokens, tools, source_ips, hours, weekdays; see README.md",
}

var roleKeys = []string{"name", "routes", "models", "apis", "max_tokens", "require_max_tokens", "tools", "source_ips", "hours", "weekdays"}

// New returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard {
	r := &rbac{}
	return ward.Guard{
		Name:         "rbac",
		Version:      "1.0.0",
		ConfigSchema: schema,
		Configure:    r.configure,
		Request:      r.request,
		ZeroCopy:     true, // request keeps no string of the exchange
		// The identity (annotations), the tools offered and the tool calls
		// in the messages; route, api, model and max_tokens are always sent.
		Reads: ward.ReadAnnotations | ward.ReadMessages | ward.ReadTools,
	}
}

func (r *rbac) configure(c *ward.Config) error {
	def, err := c.String("default", "deny")
	if err != nil {
		return err
	}
	if def != "deny" && def != "allow" {
		return c.Errorf("default", "unknown value %q (want deny|allow)", def)
	}
	raw, ok := c.Raw("roles")
	if !ok {
		return c.Errorf("roles", "required: list the roles ([[guards.NAME.config.roles]])")
	}
	list, ok := raw.([]any)
	if !ok {
		return c.Errorf("roles", "want array of tables, got %s", ward.TypeName(raw))
	}
	if len(list) == 0 {
		return c.Errorf("roles", "must not be empty")
	}
	roles := make([]role, len(list))
	byName := make(map[string]int, len(list))
	for i, e := range list {
		key := "roles[" + strconv.Itoa(i) + "]"
		m, ok := e.(map[string]any)
		if !ok {
			return c.Errorf(key, "want table, got %s", ward.TypeName(e))
		}
		if err := parseRole(m, &roles[i]); err != nil {
			return c.Within(key, err)
		}
		if j, dup := byName[roles[i].name]; dup {
			return c.Errorf(key+".name", "duplicate role %q (also roles[%d])", roles[i].name, j)
		}
		byName[roles[i].name] = i
	}
	*r = rbac{defaultAllow: def == "allow", roles: roles, byName: byName}
	return nil
}

// parseRole validates one role table. Errors are ConfigErrors whose keys
// are relative to the table.
func parseRole(m map[string]any, ro *role) error {
	// The SDK's typed accessors (their error messages and unknown-key
	// tracking) apply to the table.
	c := ward.NewConfig(m)
	var err error
	if !c.Has("name") {
		return c.Errorf("name", "required")
	}
	if ro.name, err = c.String("name", ""); err != nil {
		return err
	}
	if ro.name == "" || strings.TrimSpace(ro.name) != ro.name || strings.Contains(ro.name, ",") {
		return c.Errorf("name", "must be non-empty, without commas or surrounding spaces")
	}

	routes, err := nonEmptyStrings(c, "routes")
	if err != nil {
		return err
	}
	ro.routes = routes
	for i, s := range routes {
		if s == "" {
			return c.Errorf(idx("routes", i), "must not be empty")
		}
		if s == "*" {
			ro.routes = nil // any
		}
	}

	if ro.models, err = globs(c, "models", false); err != nil {
		return err
	}

	apis, err := nonEmptyStrings(c, "apis")
	if err != nil {
		return err
	}
	anyAPI := false
	for i, s := range apis {
		if s == "*" {
			anyAPI = true
			continue
		}
		a, ok := abi.ParseAPI(s)
		if !ok {
			return c.Errorf(idx("apis", i), "unknown api %q (want openai.chat|openai.completions|openai.embeddings|openai.responses|anthropic.messages|unknown|*)", s)
		}
		ro.apis |= 1 << a
	}
	if anyAPI {
		ro.apis = 0
	}

	maxTokens, err := c.Int("max_tokens", 0)
	if err != nil {
		return err
	}
	if maxTokens < 0 || int64(maxTokens) > 1<<32-1 {
		return c.Errorf("max_tokens", "must be 0 (no limit) to 4294967295, got %d", maxTokens)
	}
	ro.maxTokens = uint32(maxTokens)
	if ro.requireMaxTokens, err = c.Bool("require_max_tokens", false); err != nil {
		return err
	}
	if ro.requireMaxTokens && ro.maxTokens == 0 {
		return c.Errorf("require_max_tokens", "needs max_tokens > 0")
	}

	if ro.tools, err = globs(c, "tools", true); err != nil {
		return err
	}

	ips, err := nonEmptyStrings(c, "source_ips")
	if err != nil {
		return err
	}
	for i, s := range ips {
		p, err := parsePrefix(s)
		if err != nil {
			return c.Errorf(idx("source_ips", i), "%s", err)
		}
		ro.sourceIPs = append(ro.sourceIPs, p)
	}

	hours, err := c.String("hours", "")
	if err != nil {
		return err
	}
	if c.Has("hours") {
		if ro.window.from, ro.window.to, err = parseHours(hours); err != nil {
			return c.Errorf("hours", "%s", err)
		}
		ro.window.hours, ro.window.src = true, hours
	}
	days, err := nonEmptyStrings(c, "weekdays")
	if err != nil {
		return err
	}
	for i, d := range days {
		wd, ok := weekdayNames[strings.ToLower(d)]
		if !ok {
			return c.Errorf(idx("weekdays", i), "unknown weekday %q (want mon|tue|wed|thu|fri|sat|sun)", d)
		}
		ro.window.days |= 1 << uint(wd)
	}

	if unused := c.Unused(); len(unused) > 0 {
		return c.Errorf(unused[0], "unknown key (known: %s)", strings.Join(roleKeys, ", "))
	}
	return nil
}

func idx(key string, i int) string { return key + "[" + strconv.Itoa(i) + "]" }

// nonEmptyStrings reads an optional list that, when present, must not be
// empty (an empty list would make the role useless; omit it for "any").
func nonEmptyStrings(c *ward.Config, key string) ([]string, error) {
	l, err := c.Strings(key, nil)
	if err != nil {
		return nil, err
	}
	if l != nil && len(l) == 0 {
		return nil, c.Errorf(key, "must not be empty (omit it to allow any)")
	}
	return l, nil
}

// globs reads an optional list of patterns. A "*" entry makes the set nil
// (any). An empty list is an error unless emptyOK, where it means "none".
func globs(c *ward.Config, key string, emptyOK bool) (globSet, error) {
	l, err := c.Strings(key, nil)
	if err != nil || l == nil {
		return nil, err
	}
	if len(l) == 0 {
		if !emptyOK {
			return nil, c.Errorf(key, "must not be empty (omit it to allow any)")
		}
		return globSet{}, nil
	}
	gs := make(globSet, 0, len(l))
	anyName := false
	for i, s := range l {
		g, err := compileGlob(s)
		if err != nil {
			return nil, c.Errorf(idx(key, i), "pattern %s", err)
		}
		anyName = anyName || g.any
		gs = append(gs, g)
	}
	if anyName {
		return nil, nil
	}
	return gs, nil
}

// parsePrefix accepts a CIDR prefix in canonical form (no host bits set) or
// a single address (a /32 or /128).
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, errors.New("want a CIDR prefix such as 10.0.0.0/8 or an address, got " + strconv.Quote(s))
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, errors.New("want a CIDR prefix such as 10.0.0.0/8, got " + strconv.Quote(s))
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, errors.New("prefix " + strconv.Quote(s) + " has host bits set (want " + m.String() + ")")
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, errors.New("IPv4-mapped prefix " + strconv.Quote(s) + ": write the IPv4 form")
	}
	return p, nil
}

// identity is what the request handler reads from the annotations.
type identity struct {
	present  bool   // identity.subject or identity.roles annotated
	conflict string // an identity key annotated more than once
	roles    string // comma-separated, as annotated
	ip       string // first client.ip annotation (the host's)
	ipSeen   bool
}

func readIdentity(x *ward.Exchange) identity {
	var id identity
	var nSubject, nRoles int
	for i := range x.Annotations {
		a := &x.Annotations[i]
		switch a.Key {
		case annSubject:
			nSubject++
			id.present = true
		case annRoles:
			nRoles++
			id.present = true
			id.roles = a.Value
		case annClientIP:
			if !id.ipSeen { // the host's comes first; a guard cannot override it
				id.ip, id.ipSeen = a.Value, true
			}
		}
	}
	// Annotations only accumulate: a second identity means some guard
	// contradicts the authenticator. Fail closed rather than pick one.
	if nSubject > 1 {
		id.conflict = annSubject
	} else if nRoles > 1 {
		id.conflict = annRoles
	}
	return id
}

// hasRole reports whether the comma-separated list contains name (entries
// are trimmed of spaces). It allocates nothing.
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

// request allows the exchange when one of the subject's roles, taken in
// config order, allows every aspect of it, annotating rbac.role. Otherwise
// it denies (or allows, with default = "allow") with a reason per role.
func (r *rbac) request(x *ward.Exchange, v *ward.Verdict) {
	id := readIdentity(x)
	if id.conflict != "" {
		// Never softened by default = "allow": this is tampering, not absence.
		v.Deny(403, codeNoIdentity, msgNoIdentity)
		v.AddReason("conflicting identity: " + id.conflict + " annotated more than once")
		return
	}
	if !id.present {
		if r.defaultAllow {
			v.Annotate(annDefault, "allow")
			v.AddReason("no identity: allowed by default")
			return
		}
		v.Deny(403, codeNoIdentity, msgNoIdentity)
		v.AddReason("no identity annotation (" + annRoles + "): is the auth guard before rbac?")
		return
	}
	matched := false
	for i := range r.roles {
		ro := &r.roles[i]
		if !hasRole(id.roles, ro.name) {
			continue
		}
		matched = true
		if ok, _ := ro.check(x, &id, false); ok {
			v.Annotate(annRole, ro.name)
			return
		}
	}
	// Denied (or default-allowed): now pay for the reasons.
	if matched {
		for i := range r.roles {
			ro := &r.roles[i]
			if hasRole(id.roles, ro.name) {
				_, why := ro.check(x, &id, true)
				r.reason(v, ro.name+": "+why)
			}
		}
	}
	for list := id.roles; list != ""; {
		var item string
		item, list, _ = strings.Cut(list, ",")
		if item = strings.TrimSpace(item); item != "" {
			if _, ok := r.byName[item]; !ok {
				r.reason(v, quote(item)+": no such role")
			}
		}
	}
	if strings.TrimSpace(strings.ReplaceAll(id.roles, ",", "")) == "" {
		r.reason(v, "subject has no roles")
	}
	if r.defaultAllow {
		v.Annotate(annDefault, "allow")
		return
	}
	v.Deny(403, codeForbidden, msgForbidden)
}

// reason appends a reason, up to maxReasons.
func (r *rbac) reason(v *ward.Verdict, s string) {
	switch n := len(v.Reasons); {
	case n < maxReasons:
		v.AddReason(s)
	case n == maxReasons:
		v.AddReason("... more reasons omitted")
	}
}

// check reports whether ro allows every aspect of x. When it does not and
// explain is set, why names the first failing aspect, in the order route,
// api, model, max_tokens, tools, source ip, time; without explain nothing
// is allocated (the allow path tries roles that fail).
func (ro *role) check(x *ward.Exchange, id *identity, explain bool) (ok bool, why string) {
	if ro.routes != nil && !contains(ro.routes, x.Route) {
		if !explain {
			return false, ""
		}
		return false, "route " + quote(x.Route) + " not allowed"
	}
	if ro.apis != 0 && (x.API >= 64 || ro.apis&(1<<x.API) == 0) {
		if !explain {
			return false, ""
		}
		return false, "api " + x.API.String() + " not allowed"
	}
	if ro.models != nil && !ro.models.Match(x.Model) {
		if !explain {
			return false, ""
		}
		return false, "model " + quote(x.Model) + " not allowed"
	}
	if ro.maxTokens > 0 {
		if x.MaxTokens > ro.maxTokens {
			if !explain {
				return false, ""
			}
			return false, "max_tokens " + strconv.FormatUint(uint64(x.MaxTokens), 10) + " above " + strconv.FormatUint(uint64(ro.maxTokens), 10)
		}
		if x.MaxTokens == 0 && ro.requireMaxTokens {
			if !explain {
				return false, ""
			}
			return false, "max_tokens missing (required, at most " + strconv.FormatUint(uint64(ro.maxTokens), 10) + ")"
		}
	}
	if ro.tools != nil {
		for i := range x.Tools {
			if n := x.Tools[i].Name; !ro.tools.Match(n) {
				if !explain {
					return false, ""
				}
				return false, "tool " + quote(n) + " not allowed"
			}
		}
		for i := range x.Messages {
			if m := &x.Messages[i]; m.Kind == ward.KindToolCall && !ro.tools.Match(m.Name) {
				if !explain {
					return false, ""
				}
				return false, "tool call " + quote(m.Name) + " not allowed"
			}
		}
	}
	if ro.sourceIPs != nil {
		if !id.ipSeen {
			if !explain {
				return false, ""
			}
			return false, "client ip unknown"
		}
		a, err := netip.ParseAddr(id.ip)
		if err != nil {
			if !explain {
				return false, ""
			}
			return false, "client ip " + quote(id.ip) + " unparsable"
		}
		a = a.WithZone("").Unmap()
		if !containsAddr(ro.sourceIPs, a) {
			if !explain {
				return false, ""
			}
			return false, "client ip " + quote(id.ip) + " not allowed"
		}
	}
	if ro.window.set() {
		if ok, why := ro.window.allows(now(), explain); !ok {
			return false, why
		}
	}
	return true, ""
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

func containsAddr(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// quote quotes a client-supplied value for a reason, cut to maxReasonValue
// bytes so that a huge model or tool name cannot bloat the audit record.
func quote(s string) string {
	if len(s) > maxReasonValue {
		return strconv.Quote(s[:maxReasonValue]) + "..."
	}
	return strconv.Quote(s)
}
