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
	Guards []*Guard // in the order they first appear in the file
	Routes []*Route // in file order

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
	Line           int           // line of [server]
}

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
	// token, allowed only on a loopback address.
	TokenFile string
	// Console serves the web console at /console/ on the admin listener;
	// default true.
	Console bool
	// ConsoleSession is how long a console login lasts; default 8h.
	ConsoleSession time.Duration
	// ModuleDir is where POST /modules stores uploaded guard modules (as
	// SHA256.wasm), relative to Dir; "" = uploads are refused.
	ModuleDir string
}

// DefaultConsoleSession is the default [admin] console_session.
const DefaultConsoleSession = 8 * time.Hour

// Audit configures the audit log: one JSON line per request.
type Audit struct {
	Sink     string // off|stdout|file; default off
	Path     string // the file for sink = "file", relative to Dir
	MaxSize  int64  // bytes before the file is rotated; default 100MiB
	MaxFiles int    // rotated files kept (path.1 ... path.N); default 5
	Buffer   int    // lines queued for the writer; beyond, lines are dropped and counted; default 8192
}

// Defaults of [audit].
const (
	AuditOff             = "off"
	AuditStdout          = "stdout"
	AuditFile            = "file"
	DefaultAuditMaxSize  = 100 << 20
	DefaultAuditMaxFiles = 5
	DefaultAuditBuffer   = 8192
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
	Name                string
	Prefix              string   // starts with "/"; the longest matching prefix wins
	Upstream            *url.URL // absolute http or https URL; its path is prepended
	StripPrefix         bool
	HostHeader          string   // "" = the upstream's host
	Guards              []string // guard names, in pipeline order
	UnknownPaths        string   // pass|refuse
	MaxBody             int64
	MaxResponseBody     int64
	ConnectTimeout      time.Duration
	Timeout             time.Duration
	MaxIdleConnDuration time.Duration
	MaxConns            int
	IdentityHeaders     []string // lower-cased header names
	Line                int      // line of the route's [[routes]] header
}

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

	DefaultMemoryLimit = 64 << 20
	DefaultCPUBudget   = 50 * time.Millisecond
	DefaultMaxOutput   = 1 << 20
	MaxPoolSize        = 256
	MinMemoryLimit     = 1 << 20
	MaxMemoryLimit     = 4 << 30
	WasmPageSize       = 64 << 10
	MinCPUBudget       = time.Millisecond
	MaxCPUBudget       = 10 * time.Second

	DefaultMaxBody             = 8 << 20
	DefaultMaxResponseBody     = 32 << 20
	DefaultConnectTimeout      = 5 * time.Second
	DefaultTimeout             = 120 * time.Second
	DefaultMaxConns            = 512
	DefaultMaxIdleConnDuration = 90 * time.Second
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
	return c, nil
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
