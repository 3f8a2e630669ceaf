// Package config loads Ward's TOML configuration strictly: unknown keys,
// wrong types, bad enums, durations, sizes, URLs and dangling references are
// all reported, each positioned as "file:line: key.path: message", and all of
// them at once rather than only the first.
//
// Decoding is done by walking the generic tree BurntSushi/toml produces
// rather than by its struct decoder, for two reasons: the struct decoder stops
// at the first error, and it matches keys case-insensitively (so "Mode" would
// silently set "mode"). Every table of the schema lists its keys; anything
// else is an unknown key. Guard tables' "config" sub-tables are free-form:
// they are converted to JSON and validated by the guard, which can report
// positioned errors through (*Config).Errorf and (*Config).Line.
//
// The reference configuration with every key and its default is Example();
// README.md documents each key.
package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config is a validated configuration with every default filled in. It is
// not modified after Parse returns and is safe for concurrent readers; a
// reload builds a new Config.
type Config struct {
	File string // name used in errors (the path given to Load)
	// Dir is the directory relative guard paths and cache_dir are resolved
	// against: the absolute directory of the file for Load, filepath.Dir(name)
	// for Parse.
	Dir    string
	Server Server
	Log    Log
	Wasm   Wasm
	State  State
	Admin  Admin
	Audit  Audit
	Reload Reload
	// Incident configures automated incident response: quarantine rules
	// (referenced by routes) and the alert webhook.
	Incident Incident
	Guards   []*Guard // in the order they first appear in the file
	Routes   []*Route // in file order

	lines lineIndex
}

// Server configures the listeners.
type Server struct {
	Listen         []string      // host:port, at least one, no duplicates
	ReadTimeout    time.Duration // default 30s
	WriteTimeout   time.Duration // default 0 = none (streamed answers)
	IdleTimeout    time.Duration // default 90s
	MaxHeaderBytes int64         // default 16KiB
	Concurrency    int           // max concurrent connections; 0 = fasthttp default
	TLS            TLS           // tls_cert, tls_key, ...; TLS.Enabled() false = plain TCP
	// TrustedProxies are the peers (a load balancer, an nginx in front)
	// whose X-Forwarded-For is believed: for a request from one of them,
	// the client address (client.ip) is the right-most X-Forwarded-For
	// entry that is not itself trusted. Empty: client.ip is always the
	// peer. Addresses are unmapped (no IPv4-in-IPv6 forms).
	TrustedProxies []netip.Prefix
	// ReduceMemoryUsage makes the listener release a connection's read
	// and write buffers while it is idle between requests (fasthttp's
	// Server.ReduceMemoryUsage): less memory with many keep-alive
	// connections (16 KiB of read buffer each, max_header_bytes), about a
	// microsecond of CPU and one allocation per request. Default true.
	ReduceMemoryUsage bool
	// SoftMemoryLimit, in bytes, is the Go runtime's soft memory limit
	// (runtime/debug.SetMemoryLimit), set when the server starts: the
	// collector runs more often as the process nears it, so that garbage
	// does not double the heap. 0 (the default) leaves the runtime's
	// limit alone (GOMEMLIMIT, else none).
	SoftMemoryLimit int64
	Line            int // line of [server]
}

// TLS configures TLS on a listener ([server] or [admin]). The files are
// read when a snapshot is built (start-up and every reload), not by Parse:
// a reload re-reads them, so a renewed certificate is served without a
// restart. Turning TLS on or off needs a restart.
type TLS struct {
	Cert string // PEM certificate chain file, relative to Dir; "" = no TLS
	Key  string // PEM private key file, relative to Dir; required with Cert
	// MinVersion is tls.VersionTLS12 or tls.VersionTLS13; default
	// TLS 1.2 when tls_min_version is not written (DefaultTLSMinVersion).
	MinVersion uint16
	// ClientCA is a PEM file of CA certificates client certificates must
	// chain to; "" = client certificates are not asked for.
	ClientCA string
	// ClientAuth is ClientAuthRequire or ClientAuthVerifyIfGiven; it only
	// matters with ClientCA.
	ClientAuth string
}

// Enabled reports whether the listener serves TLS.
func (t *TLS) Enabled() bool { return t.Cert != "" }

// TLS settings.
const (
	ClientAuthRequire       = "require"
	ClientAuthVerifyIfGiven = "verify_if_given"
	// DefaultTLSMinVersion applies when tls_min_version is not written:
	// TLS 1.2, like crypto/tls servers and Mozilla's "intermediate"
	// profile, so that an existing config gaining a certificate still
	// serves clients and load balancers without TLS 1.3. Example() and new
	// configs say "1.3".
	DefaultTLSMinVersion = tls.VersionTLS12
)

// Log configures logging.
type Log struct {
	Level  string // debug|info|warn|error; default info
	Format string // auto|json|text; default auto (json when stdout is not a terminal)
}

// Wasm configures the WebAssembly runtime.
type Wasm struct {
	// CacheDir is the compilation cache directory as written: "" means the
	// default location, "off" disables the on-disk cache. Use
	// (*Config).WasmCacheDir for the resolved value.
	CacheDir string
	// ModuleDirs, when not empty, are the only directories guard modules
	// may be loaded from, cleaned, as written (relative to Dir); see
	// (*Config).CheckModulePath.
	ModuleDirs []string
	// IdleModules is how many compiled modules no guard uses any more the
	// gateway keeps for a later reload or rollback (0: none); default
	// DefaultIdleModules.
	IdleModules int
}

// State configures where guards' counters live (rate limits, quotas,
// anomaly baselines): the store behind the state host functions.
type State struct {
	Backend   string        // memory|redis; default memory
	RedisURL  string        // redis://[user:pass@]host:port/db or rediss://...; required for redis
	Timeout   time.Duration // per operation; default 25ms, 1ms..1s
	KeyPrefix string        // prepended to every Redis key; default "ward:"
	MaxKeys   int           // in-process store capacity; default 1,000,000
}

// Defaults of [state].
const (
	DefaultStateTimeout = 25 * time.Millisecond
	DefaultStateMaxKeys = 1_000_000
)

// Admin configures the admin API listener (guards, reload, rollback,
// metrics, health). Changing it needs a restart.
type Admin struct {
	// Listen is host:port; "" = no admin listener.
	Listen string
	// TokenFile is the file holding the bearer token the admin API
	// requires (surrounding white space trimmed), relative to Dir; "" = no
	// token, allowed only on a loopback address unless OperatorsFile is
	// set.
	TokenFile string
	// Console serves the web console at /console/ on the admin listener;
	// default true.
	Console bool
	// ConsoleSession is how long a console login lasts; default 8h.
	ConsoleSession time.Duration
	// ConsoleTokenLogin lets the console's login form take the admin
	// token; default true. False (operators only) needs OperatorsFile;
	// the token keeps working as a bearer token.
	ConsoleTokenLogin bool
	// ModuleDir is where POST /modules stores uploaded guard modules (as
	// SHA256.wasm), relative to Dir; "" = uploads are refused.
	ModuleDir string
	TLS       TLS // as [server]'s
	// OperatorsFile is the operators file (engine/control/operator:
	// name, argon2id password hash, TOTP secret), relative to Dir; "" =
	// no operator logins. With it, POST /login opens sessions and every
	// endpoint but the health checks needs a session or the token; without
	// a token_file the admin token is off.
	OperatorsFile string
	// SessionTTL is how long an operator session lasts; default 1h.
	SessionTTL time.Duration
}

// DefaultSessionTTL is the [admin] session_ttl default.
const DefaultSessionTTL = time.Hour

// Incident configures automated incident response ([incident]).
type Incident struct {
	// SyncInterval is how often each replica reloads the quarantine list
	// from the state backend (quarantines set or lifted by another
	// replica take effect here within it); default 1s.
	SyncInterval time.Duration
	// Rules are the [incident.rules.NAME] tables in file order.
	Rules   []*QuarantineRule
	Webhook Webhook
}

// Rule returns the rule with the given name, or nil.
func (i *Incident) Rule(name string) *QuarantineRule {
	for _, r := range i.Rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// QuarantineRule is one [incident.rules.NAME] table: Denials denials with
// one of Reasons by the same Identity within Window quarantine it for
// Period.
type QuarantineRule struct {
	Name     string
	Identity string   // IdentityIP | IdentityKey | IdentitySubject
	Reasons  []string // denial codes ("injection.detected") or "GUARD.*"
	Denials  int      // 1..1000000
	Window   time.Duration
	Period   time.Duration
	Line     int
}

// Identity sources of a quarantine rule.
const (
	IdentityIP      = "ip"      // the client address (client.ip)
	IdentityKey     = "key"     // identity.key_id from the authentication guard
	IdentitySubject = "subject" // identity.subject from the authentication guard
)

// Webhook is [incident.webhook]: an optional POST per quarantine.
type Webhook struct {
	URL         string        // "" = no webhook
	SecretFile  string        // HMAC-SHA256 key file, relative to Dir; required with URL
	Timeout     time.Duration // per attempt; default 5s
	MaxAttempts int           // default 5
	Backoff     time.Duration // first retry delay, doubled each retry with jitter; default 500ms
	MaxBackoff  time.Duration // default 30s
	Queue       int           // alerts waiting for delivery; beyond, dropped and counted; default 1024
}

// Defaults of [incident].
const (
	DefaultSyncInterval       = time.Second
	DefaultWebhookTimeout     = 5 * time.Second
	DefaultWebhookMaxAttempts = 5
	DefaultWebhookBackoff     = 500 * time.Millisecond
	DefaultWebhookMaxBackoff  = 30 * time.Second
	DefaultWebhookQueue       = 1024
)

// DefaultConsoleSession is the default [admin] console_session.
const DefaultConsoleSession = 8 * time.Hour

// Audit configures the audit log: one JSON line per request.
type Audit struct {
	Sink     string // off|stdout|file; default off
	Path     string // the file for sink = "file", relative to Dir
	MaxSize  int64  // bytes before the file is rotated; default 100MiB
	MaxFiles int    // rotated files kept (path.1 ... path.N); default 5
	Buffer   int    // lines queued for the writer; beyond, lines are dropped and counted; default 8192
	// KeyFile (relative to Dir) or KeyEnv (an environment variable) holds
	// the keys that seal records with AES-256-GCM: "ID:BASE64" entries
	// (32-byte keys), the first or the one named by "active:ID" used for
	// writing. At most one of them is set; both "" = records in clear.
	KeyFile string
	KeyEnv  string
	// Prompts is off|masked: whether the prompt (as it left the request
	// guards) and the whole answer are logged, masked host-side first.
	Prompts string
	// PromptMax caps the logged prompt and answer (bytes each, after
	// masking); default 4KiB.
	PromptMax int64
	// Checkpoint is how often the chain head (seq and hash) is written to
	// the process log, so that a truncated audit file can be told; 0 = never.
	Checkpoint time.Duration
}

// Defaults of [audit].
const (
	AuditOff              = "off"
	AuditStdout           = "stdout"
	AuditFile             = "file"
	DefaultAuditMaxSize   = 100 << 20
	DefaultAuditMaxFiles  = 5
	DefaultAuditBuffer    = 8192
	AuditPromptsOff       = "off"
	AuditPromptsMasked    = "masked"
	DefaultAuditPromptMax = 4 << 10
)

// Reload configures hot reloading.
type Reload struct {
	// Watch reloads when the config file, a guard module or a guard's
	// config files change on disk; default true.
	Watch bool
	// Debounce is how long file events are collected before one reload;
	// default 250ms.
	Debounce time.Duration
}

// DefaultReloadDebounce is the [reload] debounce default.
const DefaultReloadDebounce = 250 * time.Millisecond

// ResolveFile resolves a file named in the config: absolute paths are
// returned unchanged, relative ones are joined with Dir.
func (c *Config) ResolveFile(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// IsLoopback reports whether a host:port address listens on loopback only
// ("localhost", 127.0.0.0/8, ::1). An empty host (all interfaces) is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Guard is one [guards.NAME] table.
type Guard struct {
	Name   string
	Path   string // as written: relative, absolute or "builtin:NAME"; see ResolvePath
	SHA256 string // lower-case hex, or "" when not pinned
	// Candidate is the module of the guard's shadow version ("" = none),
	// in the forms of Path: it runs beside the guard with the same config
	// and limits, always observing, and its verdicts are compared.
	Candidate       string
	CandidateSHA256 string // the candidate's pin, like SHA256
	// CandidateSample is the share of exchanges the candidate runs on, in
	// (0, 1] (default 1: all), picked by a hash of the request ID
	// (pipeline.Step.CandidateSample).
	CandidateSample float64
	Mode            string // enforce|observe
	OnError         string // deny|allow
	PoolSize        int    // 0 = GOMAXPROCS
	MemoryLimit     int64  // bytes, multiple of 64KiB
	CPUBudget       time.Duration
	MaxOutput       int64 // bytes
	// Grants are capabilities beyond the sandbox's defaults, from Grants
	// (GrantClock: the real wall clock; GrantState: the state host
	// functions).
	Grants []string
	// ConfigJSON is the guard's [guards.NAME.config] table as a JSON object
	// with keys in sorted order; "{}" when absent. Datetimes become strings
	// (RFC 3339 for offset datetimes, the TOML text for local ones).
	ConfigJSON []byte
	// ConfigFile is config_file as written ("" = none): a TOML file whose
	// top-level keys are merged into the config table when the guard is
	// loaded (LoadGuardConfig). Relative to Dir.
	ConfigFile string
	// ConfigText is config_text, sorted by Key: config keys whose value is
	// the content of a file, read when the guard is loaded. No Key is
	// another's prefix. nil when absent.
	ConfigText []ConfigText
	Line       int // line of the guard's table
}

// Builtin reports whether the guard is embedded in the binary, and its
// built-in name.
func (g *Guard) Builtin() (name string, ok bool) {
	return strings.CutPrefix(g.Path, BuiltinPrefix)
}

// Route is one [[routes]] entry.
type Route struct {
	Name            string
	Prefix          string   // starts with "/"; the longest matching prefix wins
	Upstream        *url.URL // absolute http or https URL; its path is prepended
	StripPrefix     bool
	HostHeader      string   // "" = the upstream's host
	Guards          []string // guard names, in pipeline order
	UnknownPaths    string   // pass|refuse
	MaxBody         int64
	MaxResponseBody int64
	// HoldKeepalive is how long a stream held for a whole-answer guard
	// may keep the client waiting for its headers: after it the gateway
	// sends them (200, the upstream's) and an SSE comment every
	// HoldKeepalive until the answer is checked; a denial then ends the
	// stream with the API's error event. 0 = wait for the whole answer.
	HoldKeepalive       time.Duration
	ConnectTimeout      time.Duration
	Timeout             time.Duration
	MaxIdleConnDuration time.Duration
	MaxConns            int
	// MaxConcurrent is the number of the route's requests in flight
	// (streams until they end); 0 = no limit. Beyond it, up to Queue
	// requests wait up to QueueTimeout for a slot; the rest are refused
	// with 503 and Retry-After.
	MaxConcurrent   int
	Queue           int           // default max_concurrent
	QueueTimeout    time.Duration // default 1s
	IdentityHeaders []string      // lower-cased header names
	// Mode is RouteProxy (forward to Upstream) or RouteAuthRequest (answer
	// nginx's auth_request subrequests; Upstream is nil).
	Mode       string
	Quarantine []string // names of [incident.rules], in file order
	Line       int      // line of the route's [[routes]] header
}

// Route modes.
const (
	RouteProxy       = "proxy"
	RouteAuthRequest = "auth_request"
)

// Enumerations and defaults.
const (
	BuiltinPrefix = "builtin:"
	CacheOff      = "off"

	ModeEnforce   = "enforce"
	ModeObserve   = "observe"
	OnErrorDeny   = "deny"
	OnErrorAllow  = "allow"
	UnknownPass   = "pass"
	UnknownRefuse = "refuse"

	DefaultReadTimeout    = 30 * time.Second
	DefaultWriteTimeout   = time.Duration(0)
	DefaultIdleTimeout    = 90 * time.Second
	DefaultMaxHeaderBytes = 16 << 10
	// MinSoftMemoryLimit is the smallest [server] soft_memory_limit other
	// than 0: below it the collector would run all the time (Ward's guard
	// modules alone hold more).
	MinSoftMemoryLimit = 32 << 20

	DefaultMemoryLimit = 64 << 20
	DefaultCPUBudget   = 50 * time.Millisecond
	DefaultMaxOutput   = 1 << 20
	MaxPoolSize        = 256
	DefaultIdleModules = 4
	MaxIdleModules     = 64
	MinMemoryLimit     = 1 << 20
	MaxMemoryLimit     = 4 << 30
	WasmPageSize       = 64 << 10
	MinCPUBudget       = time.Millisecond
	MaxCPUBudget       = 10 * time.Second

	DefaultMaxBody             = 8 << 20
	DefaultMaxResponseBody     = 32 << 20
	DefaultHoldKeepalive       = 15 * time.Second
	DefaultConnectTimeout      = 5 * time.Second
	DefaultTimeout             = 120 * time.Second
	DefaultMaxConns            = 512
	DefaultMaxIdleConnDuration = 90 * time.Second
	DefaultQueueTimeout        = time.Second
	MaxConcurrentLimit         = 1 << 20
)

// DefaultIdentityHeaders is the identity_headers default. Callers must not
// modify it; Route.IdentityHeaders always holds a copy.
var DefaultIdentityHeaders = []string{"authorization", "x-api-key"}

// Load reads and parses the file at path. Errors name the file by path.
// Dir is set to the absolute directory of path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(c.Dir); err == nil {
		c.Dir = abs
	}
	if err := c.checkModuleDirs(); err != nil {
		return nil, err
	}
	return c, nil
}

// checkModuleDirs checks, for Load, that every [wasm] module_dirs entry is
// a directory and every guard module path is inside one of them.
func (c *Config) checkModuleDirs() error {
	var errs []error
	for i, d := range c.Wasm.ModuleDirs {
		if fi, err := os.Stat(c.ResolveFile(d)); err != nil {
			errs = append(errs, c.positioned([]string{"wasm", "module_dirs", indexElem(i)}, "%v", err))
		} else if !fi.IsDir() {
			errs = append(errs, c.positioned([]string{"wasm", "module_dirs", indexElem(i)}, "%s is not a directory", d))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, g := range c.Guards {
		if _, err := c.CheckModulePath(c.ResolvePath(g.Path)); err != nil {
			errs = append(errs, c.positioned([]string{"guards", g.Name, "path"}, "%v", err))
		}
		if g.Candidate == "" {
			continue
		}
		if _, err := c.CheckModulePath(c.ResolvePath(g.Candidate)); err != nil {
			errs = append(errs, c.positioned([]string{"guards", g.Name, "candidate"}, "%v", err))
		}
	}
	// Uploaded modules (POST /modules) must be loadable.
	if d := c.Admin.ModuleDir; d != "" && len(c.Wasm.ModuleDirs) > 0 && !c.insideModuleDirs(c.ResolveFile(d)) {
		errs = append(errs, c.positioned([]string{"admin", "module_dir"}, "%s is %v: modules uploaded there could not be loaded", d, ErrOutsideModuleDirs))
	}
	return errors.Join(errs...)
}

func (c *Config) positioned(key []string, format string, args ...any) *Error {
	e := c.Errorf(key, format, args...)
	e.Code = CodeValue
	return e
}

// under reports whether real (absolute, symlinks resolved) lies inside
// one of module_dirs (symlinks resolved); orEqual accepts a directory
// itself.
func (c *Config) under(real string, orEqual bool) bool {
	for _, d := range c.Wasm.ModuleDirs {
		rd, err := filepath.EvalSymlinks(c.ResolveFile(d))
		if err != nil {
			continue
		}
		if rd, err = filepath.Abs(rd); err != nil {
			continue
		}
		rel, err := filepath.Rel(rd, real)
		if err != nil || filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if rel != "." || orEqual {
			return true
		}
	}
	return false
}

// insideModuleDirs reports whether directory dir (which may not exist
// yet) is one of module_dirs or inside one.
func (c *Config) insideModuleDirs(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	// Resolve the longest existing ancestor; the rest is created later.
	rest := ""
	for {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return c.under(filepath.Join(real, rest), true)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// ErrOutsideModuleDirs is wrapped by CheckModulePath's error for a module
// outside [wasm] module_dirs.
var ErrOutsideModuleDirs = errors.New("outside wasm.module_dirs")

// CheckModulePath checks a resolved guard path (ResolvePath) against
// [wasm] module_dirs and returns the path to read the module from: the
// path itself when module_dirs is empty or for a built-in, else the path
// with every symlink resolved, which must lie inside one of the
// directories (themselves with symlinks resolved). Callers read the
// returned path, so a symlink swapped after the check cannot redirect the
// read; a directory on the path that an attacker may write defeats any
// such check, so module_dirs should be writable by the operator only.
func (c *Config) CheckModulePath(p string) (string, error) {
	if len(c.Wasm.ModuleDirs) == 0 || strings.HasPrefix(p, BuiltinPrefix) {
		return p, nil
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	if real, err = filepath.Abs(real); err != nil {
		return "", err
	}
	if c.under(real, false) {
		return real, nil
	}
	if real != p {
		return "", fmt.Errorf("%s (resolves to %s) is %w", p, real, ErrOutsideModuleDirs)
	}
	return "", fmt.Errorf("%s is %w", p, ErrOutsideModuleDirs)
}

// Parse decodes and validates a configuration. name is used in error
// messages and its directory becomes Dir. The returned error, if any, is an
// errors.Join of *Error values sorted by line (see Errors); the Config is then
// nil. Parse does not touch the file system: guard files are neither read
// nor checked for existence.
func Parse(name string, data []byte) (*Config, error) {
	c := &Config{File: name, Dir: filepath.Dir(name)}
	if err := c.decode(data); err != nil {
		return nil, err
	}
	return c, nil
}

// ResolvePath resolves a guard path: "builtin:" paths and absolute paths are
// returned unchanged, relative paths are joined with Dir.
func (c *Config) ResolvePath(p string) string {
	if strings.HasPrefix(p, BuiltinPrefix) || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// WasmCacheDir returns the compilation cache directory to use: "" when the
// cache is off, os.UserCacheDir()/ward/wazero by default, else cache_dir
// resolved like a guard path. The error is os.UserCacheDir's.
func (c *Config) WasmCacheDir() (string, error) {
	switch c.Wasm.CacheDir {
	case CacheOff:
		return "", nil
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("config: wasm.cache_dir: %w", err)
		}
		return filepath.Join(base, "ward", "wazero"), nil
	}
	return c.ResolvePath(c.Wasm.CacheDir), nil
}

// Guard returns the guard with the given name, or nil.
func (c *Config) Guard(name string) *Guard {
	for _, g := range c.Guards {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Line returns the line where a key is defined, e.g.
// Line("guards", "denylist", "config", "phrases", "[2]"). Elements may carry
// index suffixes ("phrases[2]"); routes are indexed in file order
// ("routes", "[1]", "prefix", or "routes[1]", "prefix"). When the exact key is
// not known (for instance an array element the index did not record, or a
// default that is not in the file), the line of its closest written ancestor
// is returned; 0 when none is written.
func (c *Config) Line(key ...string) int {
	if c == nil || c.lines == nil {
		return 0
	}
	split := splitIndexes(key)
	if l, ok := c.lines[joinPath(split)]; ok {
		return l
	}
	if l, ok := c.lines[joinPath(key)]; ok { // a key literally named "x[1]"
		return l
	}
	return c.lines.lookup(split)
}

// Errorf builds an *Error positioned at key (see Line) with code CodeGuard,
// for problems found after Parse, typically a guard rejecting its config:
//
//	c.Errorf([]string{"guards", g.Name, "config", "phrases[2]"}, "empty phrase")
//	// ward.toml:14: guards.denylist.config.phrases[2]: empty phrase
func (c *Config) Errorf(key []string, format string, args ...any) *Error {
	return &Error{
		File: c.File,
		Line: c.Line(key...),
		Key:  FormatKey(key...),
		Msg:  fmt.Sprintf(format, args...),
		Code: CodeGuard,
	}
}

// GrantClock gives a guard the real wall clock (guards that check token
// expiry need it); without it a guest sees wazero's fixed fake time.
const GrantClock = "clock"

// GrantState gives a guard the state host functions (counters shared
// through [state]); rate-limit and quota guards need it.
const GrantState = "state"

// Grants lists the capabilities a guard's `grants` may name.
var Grants = []string{GrantClock, GrantState}

// Granted reports whether g was granted capability c.
func (g *Guard) Granted(c string) bool { return slices.Contains(g.Grants, c) }
