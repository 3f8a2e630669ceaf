package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

var nameRE = regexp.MustCompile(`^[a-z0-9_-]+$`)
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// decoder walks the generic tree produced by BurntSushi/toml, filling c and
// collecting every error.
type decoder struct {
	c    *Config
	errs []*Error
}

// MaxDepth bounds the nesting of keys, tables and arrays (a path such as
// guards.g.config.a[0].b has 6 elements). BurntSushi/toml takes time
// quadratic in the nesting depth, so the bound is checked, with the line
// scanner, before the file is handed to it.
const MaxDepth = 64

func (c *Config) decode(data []byte) error {
	root, md, lines, perr := parseTOML(c.File, data)
	if perr != nil {
		return errors.Join(perr)
	}
	c.lines = lines
	d := &decoder{c: c}
	t := d.table(nil, root)
	d.server(t.sub("server"))
	d.log(t.sub("log"))
	d.wasm(t.sub("wasm"))
	d.state(t.sub("state"))
	d.admin(t.sub("admin"))
	d.audit(t.sub("audit"))
	d.reload(t.sub("reload"))
	d.incident(t.sub("incident"), ruleOrder(md))
	d.guards(t, guardOrder(md))
	d.routes(t)
	t.done()
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Line < d.errs[j].Line })
	errs := make([]error, len(d.errs))
	for i, e := range d.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// parseTOML decodes a TOML document into its generic tree and builds its
// line index. The nesting depth is checked first (see MaxDepth). A syntax
// error is returned as an *Error positioned in file with code CodeSyntax.
func parseTOML(file string, data []byte) (map[string]any, toml.MetaData, lineIndex, *Error) {
	lines, depth, depthLine := scanDepth(data)
	if depth > MaxDepth {
		return nil, toml.MetaData{}, nil, &Error{File: file, Line: depthLine, Code: CodeSyntax,
			Msg: fmt.Sprintf("keys, tables or arrays nested more than %d levels deep", MaxDepth)}
	}
	var root map[string]any
	md, err := toml.Decode(string(data), &root)
	if err != nil {
		e := &Error{File: file, Msg: err.Error(), Code: CodeSyntax}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			e.Line, e.Msg = pe.Position.Line, pe.Message
		}
		return nil, md, nil, e
	}
	return root, md, lines, nil
}

// guardOrder returns guard names in the order they first appear in the file.
func guardOrder(md toml.MetaData) []string {
	var names []string
	seen := map[string]bool{}
	for _, k := range md.Keys() {
		if len(k) >= 2 && k[0] == "guards" && !seen[k[1]] {
			seen[k[1]] = true
			names = append(names, k[1])
		}
	}
	return names
}

// ruleOrder returns [incident.rules] names in the order they first appear.
func ruleOrder(md toml.MetaData) []string {
	var names []string
	seen := map[string]bool{}
	for _, k := range md.Keys() {
		if len(k) >= 3 && k[0] == "incident" && k[1] == "rules" && !seen[k[2]] {
			seen[k[2]] = true
			names = append(names, k[2])
		}
	}
	return names
}

func (d *decoder) errorf(code string, path []string, format string, args ...any) {
	d.errs = append(d.errs, &Error{
		File: d.c.File,
		Line: d.c.lines.lookup(path),
		Key:  FormatKey(path...),
		Msg:  fmt.Sprintf(format, args...),
		Code: code,
	})
}

func (d *decoder) typeError(path []string, want string, v any) {
	d.errorf(CodeType, path, "want %s, got %s", want, tomlType(v))
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case time.Time:
		return "datetime"
	case []any:
		return "array"
	case []map[string]any:
		return "array of tables"
	case map[string]any:
		return "table"
	}
	return fmt.Sprintf("%T", v)
}

func with(path []string, elems ...string) []string {
	return append(slices.Clip(path), elems...)
}

// table is one TOML table of the schema. Every key read through get is
// known; done reports the others as unknown.
type table struct {
	d     *decoder
	path  []string
	m     map[string]any
	known []string
	bad   bool // the value was not a table: suppress "missing key" errors
}

// table wraps v, which must be a table or absent (nil).
func (d *decoder) table(path []string, v any) *table {
	t := &table{d: d, path: path}
	switch m := v.(type) {
	case nil:
	case map[string]any:
		t.m = m
	default:
		d.typeError(path, "table", v)
		t.bad = true
	}
	return t
}

func (t *table) at(key string) []string { return with(t.path, key) }

func (t *table) get(key string) (any, bool) {
	t.known = append(t.known, key)
	v, ok := t.m[key]
	return v, ok
}

func (t *table) sub(key string) *table {
	v, _ := t.get(key)
	return t.d.table(t.at(key), v)
}

// missing reports a required key that is absent.
func (t *table) missing(key string) {
	if !t.bad {
		t.d.errorf(CodeMissing, t.at(key), "missing required key")
	}
}

// done reports the keys of t that no getter asked for.
func (t *table) done() {
	var unknown []string
	for k := range t.m {
		if !slices.Contains(t.known, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		msg := "unknown key"
		if s := suggest(k, t.known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		t.d.errorf(CodeUnknownKey, t.at(k), "%s", msg)
	}
}

// suggest returns the known key closest to k when it is plausibly a typo.
func suggest(k string, known []string) string {
	best, bestDist := "", 3
	for _, cand := range known {
		if strings.EqualFold(cand, k) {
			return cand
		}
		if d := editDistance(k, cand); d < bestDist && d <= len(cand)/3+1 {
			best, bestDist = cand, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// str reads an optional string; present is false when absent or mistyped.
func (t *table) str(key string, dst *string) (present bool) {
	v, ok := t.get(key)
	if !ok {
		return false
	}
	s, ok := v.(string)
	if !ok {
		t.d.typeError(t.at(key), "string", v)
		return false
	}
	*dst = s
	return true
}

// requiredStr reads a string that must be present and non-empty.
func (t *table) requiredStr(key string, dst *string) bool {
	if _, ok := t.m[key]; !ok {
		t.get(key)
		t.missing(key)
		return false
	}
	if !t.str(key, dst) {
		return false
	}
	if *dst == "" {
		t.d.errorf(CodeValue, t.at(key), "must not be empty")
		return false
	}
	return true
}

func (t *table) enum(key string, dst *string, allowed ...string) {
	var s string
	if !t.str(key, &s) {
		return
	}
	if !slices.Contains(allowed, s) {
		t.d.errorf(CodeValue, t.at(key), "unknown value %q (want %s)", s, strings.Join(allowed, "|"))
		return
	}
	*dst = s
}

func (t *table) boolean(key string, dst *bool) {
	v, ok := t.get(key)
	if !ok {
		return
	}
	b, ok := v.(bool)
	if !ok {
		t.d.typeError(t.at(key), "boolean", v)
		return
	}
	*dst = b
}

// integer reads an integer in [lo, hi].
func (t *table) integer(key string, dst *int, lo, hi int64) {
	v, ok := t.get(key)
	if !ok {
		return
	}
	n, ok := v.(int64)
	if !ok {
		t.d.typeError(t.at(key), "integer", v)
		return
	}
	if n < lo || n > hi {
		t.d.errorf(CodeValue, t.at(key), "%d is out of range (want %d..%d)", n, lo, hi)
		return
	}
	*dst = int(n)
}

// fraction reads a number in (0, 1] (an integer 1 too), reporting
// whether the key was set to one.
func (t *table) fraction(key string, dst *float64) bool {
	v, ok := t.get(key)
	if !ok {
		return false
	}
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int64:
		f = float64(n)
	default:
		t.d.typeError(t.at(key), "number", v)
		return false
	}
	if !(f > 0 && f <= 1) {
		t.d.errorf(CodeValue, t.at(key), "%v is out of range (want a share in (0, 1], e.g. 0.1)", v)
		return false
	}
	*dst = f
	return true
}

// duration reads a Duration in [lo, hi].
func (t *table) duration(key string, dst *time.Duration, lo, hi time.Duration) {
	v, ok := t.get(key)
	if !ok {
		return
	}
	var d time.Duration
	switch x := v.(type) {
	case string:
		var err error
		if d, err = ParseDuration(x); err != nil {
			t.d.errorf(CodeValue, t.at(key), "%v", err)
			return
		}
	case int64:
		if x != 0 {
			t.d.errorf(CodeType, t.at(key), "integer %d has no unit (%s)", x, durationWant)
			return
		}
	default:
		t.d.errorf(CodeType, t.at(key), "want duration string, got %s (%s)", tomlType(v), durationWant)
		return
	}
	if d < lo || d > hi {
		t.d.errorf(CodeValue, t.at(key), "%s is out of range (want %s)", d, durRange(lo, hi))
		return
	}
	*dst = d
}

func durRange(lo, hi time.Duration) string {
	if hi == math.MaxInt64 {
		return fmt.Sprintf(">= %s", lo)
	}
	return fmt.Sprintf("%s..%s", lo, hi)
}

// size reads a Size in [lo, hi].
func (t *table) size(key string, dst *int64, lo, hi int64) bool {
	v, ok := t.get(key)
	if !ok {
		return false
	}
	var n int64
	switch x := v.(type) {
	case string:
		var err error
		if n, err = ParseSize(x); err != nil {
			t.d.errorf(CodeValue, t.at(key), "%v", err)
			return false
		}
	case int64:
		n = x
	default:
		t.d.errorf(CodeType, t.at(key), "want size, got %s (%s)", tomlType(v), sizeWant)
		return false
	}
	if n < lo || n > hi {
		t.d.errorf(CodeValue, t.at(key), "%s is out of range (want %s)", Size(n), sizeRange(lo, hi))
		return false
	}
	*dst = n
	return true
}

func sizeRange(lo, hi int64) string {
	if hi == math.MaxInt64 {
		return fmt.Sprintf(">= %s", Size(lo))
	}
	return fmt.Sprintf("%s..%s", Size(lo), Size(hi))
}

// strList reads an array of strings. It returns the elements with their
// paths; ok is false when the key is absent or not an array. Non-string
// elements are reported and skipped.
func (t *table) strList(key string) (elems []string, paths [][]string, ok bool) {
	v, present := t.get(key)
	if !present {
		return nil, nil, false
	}
	arr, isArr := v.([]any)
	if !isArr {
		t.d.typeError(t.at(key), "array of strings", v)
		return nil, nil, false
	}
	elems = []string{}
	for i, e := range arr {
		p := with(t.at(key), indexElem(i))
		s, isStr := e.(string)
		if !isStr {
			t.d.typeError(p, "string", e)
			continue
		}
		elems = append(elems, s)
		paths = append(paths, p)
	}
	return elems, paths, true
}

func (d *decoder) server(t *table) {
	s := &d.c.Server
	*s = Server{
		ReadTimeout:    DefaultReadTimeout,
		WriteTimeout:   DefaultWriteTimeout,
		IdleTimeout:    DefaultIdleTimeout,
		MaxHeaderBytes: DefaultMaxHeaderBytes,
		Line:           d.c.lines.lookup(t.path),

		ReduceMemoryUsage: true,
	}
	if _, ok := t.m["listen"]; !ok {
		t.get("listen")
		t.missing("listen")
	} else if addrs, paths, ok := t.strList("listen"); ok {
		if len(addrs) == 0 && len(paths) == 0 {
			d.errorf(CodeValue, t.at("listen"), "at least one address is required")
		}
		for i, a := range addrs {
			if err := checkListen(a); err != nil {
				d.errorf(CodeValue, paths[i], "%v", err)
				continue
			}
			if slices.Contains(s.Listen, a) {
				d.errorf(CodeDuplicate, paths[i], "duplicate address %q", a)
				continue
			}
			s.Listen = append(s.Listen, a)
		}
	}
	t.duration("read_timeout", &s.ReadTimeout, 0, math.MaxInt64)
	t.duration("write_timeout", &s.WriteTimeout, 0, math.MaxInt64)
	t.duration("idle_timeout", &s.IdleTimeout, 0, math.MaxInt64)
	t.size("max_header_bytes", &s.MaxHeaderBytes, 1<<10, 1<<20)
	t.integer("concurrency", &s.Concurrency, 0, math.MaxInt32)
	t.boolean("reduce_memory_usage", &s.ReduceMemoryUsage)
	if t.size("soft_memory_limit", &s.SoftMemoryLimit, 0, math.MaxInt64) && s.SoftMemoryLimit > 0 && s.SoftMemoryLimit < MinSoftMemoryLimit {
		d.errorf(CodeValue, t.at("soft_memory_limit"), "%d bytes is below the minimum of 32MiB (0 = no limit)", s.SoftMemoryLimit)
		s.SoftMemoryLimit = 0
	}
	d.listenerTLS(t, &s.TLS)
	if elems, paths, ok := t.strList("trusted_proxies"); ok {
		for i, e := range elems {
			p, err := parsePrefix(e)
			if err != nil {
				d.errorf(CodeValue, paths[i], "%v", err)
				continue
			}
			if slices.Contains(s.TrustedProxies, p) {
				d.errorf(CodeDuplicate, paths[i], "duplicate prefix %q", e)
				continue
			}
			s.TrustedProxies = append(s.TrustedProxies, p)
		}
	}
	t.done()
}

// parsePrefix reads a trusted proxy: a CIDR prefix ("10.0.0.0/8",
// "fd00::/8") or one address ("127.0.0.1", "::1"). IPv4-mapped IPv6 forms
// are unmapped, as client addresses are; a prefix with host bits set is
// refused (it says something other than what it matches).
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("invalid address %q (want an IP address or a CIDR prefix such as \"10.0.0.0/8\")", s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid prefix %q (want a CIDR prefix such as \"10.0.0.0/8\" or an IP address)", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("prefix %q has host bits set (did you mean %q?)", s, p.Masked().String())
	}
	if p.Addr().Is4In6() {
		// Masked() == p leaves all 96 mapping bits in the prefix.
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p, nil
}

// listenerTLS reads a listener's TLS keys from its table. Files are not read here
// (Parse does not touch the file system); see TLS.
func (d *decoder) listenerTLS(t *table, c *TLS) {
	*c = TLS{MinVersion: DefaultTLSMinVersion, ClientAuth: ClientAuthRequire}
	file := func(key string, dst *string) {
		if t.str(key, dst) && strings.ContainsRune(*dst, 0) {
			d.errorf(CodeValue, t.at(key), "must not contain NUL")
			*dst = ""
		}
	}
	file("tls_cert", &c.Cert)
	file("tls_key", &c.Key)
	switch {
	case c.Cert != "" && c.Key == "":
		if _, ok := t.m["tls_key"]; ok {
			d.errorf(CodeValue, t.at("tls_key"), "must not be empty when tls_cert is set")
		} else {
			t.missing("tls_key")
		}
	case c.Cert == "" && c.Key != "":
		d.errorf(CodeValue, t.at("tls_key"), "tls_key without tls_cert")
	}
	var v string
	t.enum("tls_min_version", &v, "1.2", "1.3")
	if v == "1.3" {
		c.MinVersion = tls.VersionTLS13
	}
	file("client_ca", &c.ClientCA)
	if c.ClientCA != "" && c.Cert == "" {
		d.errorf(CodeValue, t.at("client_ca"), "client certificates need TLS: set tls_cert and tls_key")
	}
	t.enum("client_auth", &c.ClientAuth, ClientAuthRequire, ClientAuthVerifyIfGiven)
	if c.ClientAuth != ClientAuthRequire && c.ClientCA == "" {
		d.errorf(CodeValue, t.at("client_auth"), "%q needs client_ca", c.ClientAuth)
	}
}

func checkListen(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("invalid address %q (want host:port): %v", a, strings.TrimPrefix(err.Error(), "address "+a+": "))
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil || port[0] == '+' {
		return fmt.Errorf("invalid port %q in %q (want 0..65535)", port, a)
	}
	if strings.ContainsAny(host, " \t/") {
		return fmt.Errorf("invalid host %q in %q", host, a)
	}
	return nil
}

func (d *decoder) log(t *table) {
	l := &d.c.Log
	*l = Log{Level: "info", Format: "auto"}
	t.enum("level", &l.Level, "debug", "info", "warn", "error")
	t.enum("format", &l.Format, "auto", "json", "text")
	t.done()
}

func (d *decoder) wasm(t *table) {
	d.c.Wasm.IdleModules = DefaultIdleModules
	t.integer("idle_modules", &d.c.Wasm.IdleModules, 0, MaxIdleModules)
	t.str("cache_dir", &d.c.Wasm.CacheDir)
	if strings.ContainsRune(d.c.Wasm.CacheDir, 0) {
		d.errorf(CodeValue, t.at("cache_dir"), "must not contain NUL")
		d.c.Wasm.CacheDir = ""
	}
	if dirs, paths, ok := t.strList("module_dirs"); ok {
		for i, dir := range dirs {
			switch {
			case dir == "":
				d.errorf(CodeValue, paths[i], "empty directory")
			case strings.ContainsRune(dir, 0):
				d.errorf(CodeValue, paths[i], "must not contain NUL")
			case slices.Contains(d.c.Wasm.ModuleDirs, filepath.Clean(dir)):
				d.errorf(CodeDuplicate, paths[i], "directory %q listed twice", dir)
			default:
				d.c.Wasm.ModuleDirs = append(d.c.Wasm.ModuleDirs, filepath.Clean(dir))
			}
		}
	}
	t.done()
}

func (d *decoder) state(t *table) {
	s := &d.c.State
	*s = State{Backend: "memory", Timeout: DefaultStateTimeout, KeyPrefix: "ward:", MaxKeys: DefaultStateMaxKeys}
	t.enum("backend", &s.Backend, "memory", "redis")
	if t.str("redis_url", &s.RedisURL) && s.RedisURL != "" {
		u, err := url.Parse(s.RedisURL)
		switch {
		case err != nil:
			d.errorf(CodeValue, t.at("redis_url"), "invalid URL")
		case u.Scheme != "redis" && u.Scheme != "rediss":
			d.errorf(CodeValue, t.at("redis_url"), "scheme %q (want redis or rediss)", u.Scheme)
		case u.Host == "":
			d.errorf(CodeValue, t.at("redis_url"), "no host")
		}
	}
	if s.Backend == "redis" && s.RedisURL == "" {
		t.missing("redis_url")
	}
	t.duration("timeout", &s.Timeout, time.Millisecond, time.Second)
	t.str("key_prefix", &s.KeyPrefix)
	t.integer("max_keys", &s.MaxKeys, 1000, 1<<30)
	t.done()
}

func (d *decoder) admin(t *table) {
	a := &d.c.Admin
	*a = Admin{SessionTTL: DefaultSessionTTL, Console: true, ConsoleSession: DefaultConsoleSession, ConsoleTokenLogin: true}
	valid := false
	if t.str("listen", &a.Listen) && a.Listen != "" {
		if err := checkListen(a.Listen); err != nil {
			d.errorf(CodeValue, t.at("listen"), "%v", err)
		} else {
			valid = true
		}
	}
	t.str("token_file", &a.TokenFile)
	if t.str("module_dir", &a.ModuleDir) && strings.ContainsRune(a.ModuleDir, 0) {
		d.errorf(CodeValue, t.at("module_dir"), "must not contain NUL")
		a.ModuleDir = ""
	}
	t.str("operators_file", &a.OperatorsFile)
	t.duration("session_ttl", &a.SessionTTL, time.Minute, 24*time.Hour)
	t.boolean("console", &a.Console)
	t.duration("console_session", &a.ConsoleSession, time.Minute, 7*24*time.Hour)
	t.boolean("console_token_login", &a.ConsoleTokenLogin)
	if !a.ConsoleTokenLogin && a.OperatorsFile == "" {
		d.errorf(CodeValue, t.at("console_token_login"), "false needs operators_file (nobody could log in to the console)")
	}
	if valid && a.TokenFile == "" && a.OperatorsFile == "" && !IsLoopback(a.Listen) {
		d.errorf(CodeMissing, t.at("token_file"), "an admin listener on a non-loopback address (%s) needs a token or operators_file", a.Listen)
	}
	d.listenerTLS(t, &a.TLS)
	t.done()
}

// codeRE is a denial code as guards write them ("injection.detected"),
// optionally ending in ".*" for every code of a guard.
var codeRE = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?$`)

func (d *decoder) incident(t *table, order []string) {
	in := &d.c.Incident
	*in = Incident{SyncInterval: DefaultSyncInterval}
	t.duration("sync_interval", &in.SyncInterval, 10*time.Millisecond, time.Minute)
	rt := t.sub("rules")
	for _, name := range order {
		v, ok := rt.get(name)
		if !ok {
			continue
		}
		path := rt.at(name)
		if !nameRE.MatchString(name) {
			d.errorf(CodeValue, path, "invalid rule name %q (want [a-z0-9_-]+)", name)
		}
		if r := d.rule(d.table(path, v), name); r != nil {
			in.Rules = append(in.Rules, r)
		}
	}
	d.webhook(t.sub("webhook"), &in.Webhook)
	t.done()
}

func (d *decoder) rule(t *table, name string) *QuarantineRule {
	if t.bad {
		return nil
	}
	r := &QuarantineRule{Name: name, Identity: IdentityIP, Line: d.c.lines.lookup(t.path)}
	t.enum("identity", &r.Identity, IdentityIP, IdentityKey, IdentitySubject)
	if _, ok := t.m["reasons"]; !ok {
		t.get("reasons")
		t.missing("reasons")
	} else if codes, paths, ok := t.strList("reasons"); ok {
		if len(codes) == 0 && len(paths) == 0 {
			d.errorf(CodeValue, t.at("reasons"), "at least one denial code is required")
		}
		for i, c := range codes {
			switch {
			case !codeRE.MatchString(c):
				d.errorf(CodeValue, paths[i], "invalid denial code %q (want a code such as \"injection.detected\", or \"GUARD.*\")", c)
			case slices.Contains(r.Reasons, c):
				d.errorf(CodeDuplicate, paths[i], "code %q listed twice", c)
			default:
				r.Reasons = append(r.Reasons, c)
			}
		}
	}
	if _, ok := t.m["denials"]; !ok {
		t.get("denials")
		t.missing("denials")
	}
	t.integer("denials", &r.Denials, 1, 1_000_000)
	if _, ok := t.m["window"]; !ok {
		t.get("window")
		t.missing("window")
	}
	t.duration("window", &r.Window, time.Second, 7*24*time.Hour)
	if _, ok := t.m["period"]; !ok {
		t.get("period")
		t.missing("period")
	}
	t.duration("period", &r.Period, time.Second, 30*24*time.Hour)
	t.done()
	return r
}

func (d *decoder) webhook(t *table, w *Webhook) {
	*w = Webhook{Timeout: DefaultWebhookTimeout, MaxAttempts: DefaultWebhookMaxAttempts, Backoff: DefaultWebhookBackoff,
		MaxBackoff: DefaultWebhookMaxBackoff, Queue: DefaultWebhookQueue}
	if t.str("url", &w.URL) && w.URL != "" {
		if _, err := parseUpstream(w.URL); err != nil {
			d.errorf(CodeValue, t.at("url"), "%v", err)
		}
	}
	t.str("secret_file", &w.SecretFile)
	if w.URL != "" && w.SecretFile == "" {
		t.missing("secret_file")
	}
	t.duration("timeout", &w.Timeout, time.Millisecond, time.Minute)
	t.integer("max_attempts", &w.MaxAttempts, 1, 100)
	t.duration("backoff", &w.Backoff, time.Millisecond, time.Hour)
	t.duration("max_backoff", &w.MaxBackoff, time.Millisecond, 24*time.Hour)
	t.integer("queue", &w.Queue, 1, 1<<20)
	if w.MaxBackoff < w.Backoff {
		d.errorf(CodeValue, t.at("max_backoff"), "%s is less than backoff %s", w.MaxBackoff, w.Backoff)
	}
	t.done()
}

func (d *decoder) audit(t *table) {
	a := &d.c.Audit
	*a = Audit{Sink: AuditOff, MaxSize: DefaultAuditMaxSize, MaxFiles: DefaultAuditMaxFiles, Buffer: DefaultAuditBuffer,
		Prompts: AuditPromptsOff, PromptMax: DefaultAuditPromptMax}
	t.enum("sink", &a.Sink, AuditOff, AuditStdout, AuditFile)
	t.str("path", &a.Path)
	if a.Sink == AuditFile && a.Path == "" {
		t.missing("path")
	}
	t.size("max_size", &a.MaxSize, 1<<10, 1<<40)
	t.integer("max_files", &a.MaxFiles, 1, 1000)
	t.integer("buffer", &a.Buffer, 16, 1<<20)
	t.str("key_file", &a.KeyFile)
	if t.str("key_env", &a.KeyEnv) && a.KeyEnv != "" {
		if a.KeyFile != "" {
			d.errorf(CodeValue, t.at("key_env"), "key_file and key_env are exclusive (set one)")
		} else if !envNameRE.MatchString(a.KeyEnv) {
			d.errorf(CodeValue, t.at("key_env"), "invalid environment variable name %q (want [A-Za-z_][A-Za-z0-9_]*)", a.KeyEnv)
		}
	}
	t.enum("prompts", &a.Prompts, AuditPromptsOff, AuditPromptsMasked)
	t.size("prompt_max", &a.PromptMax, 64, 1<<20)
	t.duration("checkpoint", &a.Checkpoint, 0, 24*time.Hour)
	if a.Checkpoint > 0 && a.Checkpoint < time.Second {
		d.errorf(CodeValue, t.at("checkpoint"), "%s is too often (want 0 or 1s..24h)", a.Checkpoint)
	}
	t.done()
}

func (d *decoder) reload(t *table) {
	r := &d.c.Reload
	*r = Reload{Watch: true, Debounce: DefaultReloadDebounce}
	t.boolean("watch", &r.Watch)
	t.duration("debounce", &r.Debounce, time.Millisecond, time.Minute)
	t.done()
}

func (d *decoder) guards(root *table, order []string) {
	gt := root.sub("guards")
	names := slices.Clone(order)
	for name := range gt.m { // keys the metadata did not order (defensive)
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, name := range names {
		v, ok := gt.get(name)
		if !ok {
			continue
		}
		path := gt.at(name)
		if !nameRE.MatchString(name) {
			d.errorf(CodeValue, path, "invalid guard name %q (want [a-z0-9_-]+)", name)
		}
		if g := d.guard(d.table(path, v), name); g != nil {
			d.c.Guards = append(d.c.Guards, g)
		}
	}
	// Every key of [guards] is a guard name: gt.done has nothing to report.
}

func (d *decoder) guard(t *table, name string) *Guard {
	if t.bad {
		return nil
	}
	g := &Guard{
		Name:        name,
		Mode:        ModeEnforce,
		OnError:     OnErrorDeny,
		MemoryLimit: DefaultMemoryLimit,
		CPUBudget:   DefaultCPUBudget,
		MaxOutput:   DefaultMaxOutput,
		ConfigJSON:  []byte("{}"),

		CandidateSample: 1,
		Line:            d.c.lines.lookup(t.path),
	}
	if t.requiredStr("path", &g.Path) {
		d.modulePath(t, "path", g.Path)
	}
	d.pin(t, "sha256", &g.SHA256)
	if t.str("candidate", &g.Candidate) && g.Candidate != "" {
		d.modulePath(t, "candidate", g.Candidate)
	}
	if d.pin(t, "candidate_sha256", &g.CandidateSHA256) && g.CandidateSHA256 != "" && g.Candidate == "" {
		d.errorf(CodeValue, t.at("candidate_sha256"), "pins no candidate (set candidate)")
	}
	if t.fraction("candidate_sample", &g.CandidateSample) && g.CandidateSample != 1 && g.Candidate == "" {
		d.errorf(CodeValue, t.at("candidate_sample"), "samples no candidate (set candidate)")
	}
	t.enum("mode", &g.Mode, ModeEnforce, ModeObserve)
	t.enum("on_error", &g.OnError, OnErrorDeny, OnErrorAllow)
	t.integer("pool_size", &g.PoolSize, 0, MaxPoolSize)
	if t.size("memory_limit", &g.MemoryLimit, MinMemoryLimit, MaxMemoryLimit) && g.MemoryLimit%WasmPageSize != 0 {
		d.errorf(CodeValue, t.at("memory_limit"), "%s is not a multiple of 64KiB (the Wasm page size)", Size(g.MemoryLimit))
		g.MemoryLimit = DefaultMemoryLimit
	}
	t.duration("cpu_budget", &g.CPUBudget, MinCPUBudget, MaxCPUBudget)
	t.size("max_output", &g.MaxOutput, 1, math.MaxInt64)
	if gs, paths, ok := t.strList("grants"); ok {
		for i, c := range gs {
			switch {
			case !slices.Contains(Grants, c):
				d.errorf(CodeValue, paths[i], "unknown grant %q (want %s)", c, strings.Join(Grants, "|"))
			case slices.Contains(g.Grants, c):
				d.errorf(CodeDuplicate, paths[i], "grant %q listed twice", c)
			default:
				g.Grants = append(g.Grants, c)
			}
		}
	}
	if g.MaxOutput > g.MemoryLimit {
		d.errorf(CodeValue, t.at("max_output"), "%s exceeds memory_limit %s", Size(g.MaxOutput), Size(g.MemoryLimit))
	}
	d.guardFiles(t, g)
	if v, ok := t.get("config"); ok {
		if _, isTable := v.(map[string]any); !isTable {
			d.typeError(t.at("config"), "table", v)
		} else if js, ok := d.configJSON(t.at("config"), v); ok {
			g.ConfigJSON = js
		}
	}
	t.done()
	return g
}

// modulePath checks a guard module path (path, candidate) written at key.
func (d *decoder) modulePath(t *table, key, p string) {
	if b, ok := strings.CutPrefix(p, BuiltinPrefix); ok && !nameRE.MatchString(b) {
		d.errorf(CodeValue, t.at(key), "invalid built-in guard name %q (want builtin:[a-z0-9_-]+)", b)
	} else if strings.ContainsRune(p, 0) {
		d.errorf(CodeValue, t.at(key), "must not contain NUL")
	}
}

// pin reads the optional SHA-256 pin at key into dst (lower-cased) and
// reports whether the key is set.
func (d *decoder) pin(t *table, key string, dst *string) bool {
	if !t.str(key, dst) {
		return false
	}
	if *dst != "" {
		*dst = strings.ToLower(*dst)
		if !ValidSHA256(*dst) {
			d.errorf(CodeValue, t.at(key), "want 64 hexadecimal characters, got %q", *dst)
		}
	}
	return true
}

// ValidSHA256 reports whether s is 64 lower-case hexadecimal characters.
func ValidSHA256(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

func (d *decoder) routes(root *table) {
	v, ok := root.get("routes")
	if !ok {
		return
	}
	var list []any
	switch x := v.(type) {
	case []map[string]any:
		for _, m := range x {
			list = append(list, m)
		}
	case []any:
		list = x
	default:
		d.typeError([]string{"routes"}, "array of tables ([[routes]])", v)
		return
	}
	guardNames := map[string]bool{}
	if gm, ok := root.m["guards"].(map[string]any); ok {
		for name := range gm {
			guardNames[name] = true
		}
	}
	names := map[string]*Route{}
	prefixes := map[string]*Route{}
	for i, rv := range list {
		t := d.table([]string{"routes", indexElem(i)}, rv)
		if t.bad {
			continue
		}
		r := d.route(t, guardNames)
		if r.Name != "" {
			if o := names[r.Name]; o != nil {
				d.errorf(CodeDuplicate, t.at("name"), "duplicate route name %q (first defined at line %d)", r.Name, o.Line)
			} else {
				names[r.Name] = r
			}
		}
		if r.Prefix != "" {
			if o := prefixes[r.Prefix]; o != nil {
				d.errorf(CodeDuplicate, t.at("prefix"), "duplicate prefix %q (also used by route %q at line %d)", r.Prefix, o.Name, o.Line)
			} else {
				prefixes[r.Prefix] = r
			}
		}
		d.c.Routes = append(d.c.Routes, r)
	}
}

func (d *decoder) route(t *table, guardNames map[string]bool) *Route {
	r := &Route{
		UnknownPaths:        UnknownPass,
		MaxBody:             DefaultMaxBody,
		MaxResponseBody:     DefaultMaxResponseBody,
		HoldKeepalive:       DefaultHoldKeepalive,
		ConnectTimeout:      DefaultConnectTimeout,
		Timeout:             DefaultTimeout,
		MaxIdleConnDuration: DefaultMaxIdleConnDuration,
		MaxConns:            DefaultMaxConns,
		QueueTimeout:        DefaultQueueTimeout,
		IdentityHeaders:     slices.Clone(DefaultIdentityHeaders),
		Mode:                RouteProxy,
		Line:                d.c.lines.lookup(t.path),
	}
	t.enum("mode", &r.Mode, RouteProxy, RouteAuthRequest)
	if t.requiredStr("name", &r.Name) && !nameRE.MatchString(r.Name) {
		d.errorf(CodeValue, t.at("name"), "invalid route name %q (want [a-z0-9_-]+)", r.Name)
	}
	if t.requiredStr("prefix", &r.Prefix) {
		if !strings.HasPrefix(r.Prefix, "/") {
			d.errorf(CodeValue, t.at("prefix"), "%q must start with \"/\"", r.Prefix)
			r.Prefix = ""
		} else if i := strings.IndexFunc(r.Prefix, func(c rune) bool {
			return c <= ' ' || c == 0x7f || c == '?' || c == '#'
		}); i >= 0 {
			d.errorf(CodeValue, t.at("prefix"), "%q contains %q (want a URL path)", r.Prefix, r.Prefix[i])
			r.Prefix = ""
		}
	}
	var up string
	if r.Mode == RouteAuthRequest {
		// The answer goes back to nginx, which forwards the request
		// itself: the upstream keys would silently do nothing.
		for _, k := range []string{"upstream", "strip_prefix", "host_header", "max_response_body", "hold_keepalive",
			"connect_timeout", "timeout", "max_conns", "max_idle_conn_duration"} {
			if _, ok := t.m[k]; ok {
				t.get(k)
				d.errorf(CodeValue, t.at(k), "not used by a route with mode = %q (nginx forwards the request)", RouteAuthRequest)
			}
		}
	} else if t.requiredStr("upstream", &up) {
		u, err := parseUpstream(up)
		if err != nil {
			d.errorf(CodeValue, t.at("upstream"), "%v", err)
		}
		r.Upstream = u
	}
	t.boolean("strip_prefix", &r.StripPrefix)
	if t.str("host_header", &r.HostHeader) {
		if i := strings.IndexFunc(r.HostHeader, func(c rune) bool {
			return c <= ' ' || c >= 0x7f || strings.ContainsRune("/?#@\\", c)
		}); i >= 0 {
			d.errorf(CodeValue, t.at("host_header"), "invalid host %q", r.HostHeader)
			r.HostHeader = ""
		}
	}
	if names, paths, ok := t.strList("quarantine"); ok {
		for i, n := range names {
			switch {
			case d.c.Incident.Rule(n) == nil:
				d.errorf(CodeReference, paths[i], "unknown quarantine rule %q (not defined in [incident.rules])", n)
			case slices.Contains(r.Quarantine, n):
				d.errorf(CodeDuplicate, paths[i], "rule %q listed twice", n)
			default:
				r.Quarantine = append(r.Quarantine, n)
			}
		}
	}
	if names, paths, ok := t.strList("guards"); ok {
		r.Guards = []string{}
		for i, n := range names {
			switch {
			case !guardNames[n]:
				d.errorf(CodeReference, paths[i], "unknown guard %q (not defined in [guards])", n)
			case slices.Contains(r.Guards, n):
				d.errorf(CodeDuplicate, paths[i], "guard %q listed twice", n)
			default:
				r.Guards = append(r.Guards, n)
			}
		}
	}
	t.enum("unknown_paths", &r.UnknownPaths, UnknownPass, UnknownRefuse)
	t.size("max_body", &r.MaxBody, 1, math.MaxInt64)
	t.size("max_response_body", &r.MaxResponseBody, 1, math.MaxInt64)
	t.duration("hold_keepalive", &r.HoldKeepalive, 0, time.Hour)
	if r.HoldKeepalive > 0 && r.HoldKeepalive < time.Millisecond {
		d.errorf(CodeValue, t.at("hold_keepalive"), "%v is too short (want 0, which turns it off, or at least 1ms)", r.HoldKeepalive)
	}
	t.duration("connect_timeout", &r.ConnectTimeout, time.Millisecond, math.MaxInt64)
	t.duration("timeout", &r.Timeout, time.Millisecond, math.MaxInt64)
	t.integer("max_conns", &r.MaxConns, 1, math.MaxInt32)
	t.integer("max_concurrent", &r.MaxConcurrent, 0, MaxConcurrentLimit)
	r.Queue = r.MaxConcurrent
	t.integer("queue", &r.Queue, 0, MaxConcurrentLimit)
	t.duration("queue_timeout", &r.QueueTimeout, time.Millisecond, time.Minute)
	if r.Queue > 0 && r.MaxConcurrent == 0 {
		d.errorf(CodeValue, t.at("queue"), "%d needs max_concurrent (without a limit nothing is queued)", r.Queue)
	}
	t.duration("max_idle_conn_duration", &r.MaxIdleConnDuration, time.Millisecond, math.MaxInt64)
	if hs, paths, ok := t.strList("identity_headers"); ok {
		r.IdentityHeaders = []string{}
		for i, h := range hs {
			h = strings.ToLower(h)
			switch {
			case !isToken(h):
				d.errorf(CodeValue, paths[i], "invalid header name %q", hs[i])
			case slices.Contains(r.IdentityHeaders, h):
				d.errorf(CodeDuplicate, paths[i], "header %q listed twice", h)
			default:
				r.IdentityHeaders = append(r.IdentityHeaders, h)
			}
		}
	}
	t.done()
	return r
}

// parseUpstream checks an upstream URL. On success the path has no trailing
// slash ("" for the root), so the proxy can prepend it to a request path.
func parseUpstream(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %v", s, errors.Unwrap(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("unsupported URL %q (want an absolute http:// or https:// URL)", s)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("URL %q has no host", s)
	case u.User != nil:
		return nil, fmt.Errorf("URL %q must not contain credentials", s)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("URL %q must not have a query or fragment", s)
	}
	if p := u.Port(); p != "" {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return nil, fmt.Errorf("URL %q has an invalid port", s)
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// isToken reports whether s is a non-empty RFC 9110 token (a header name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
