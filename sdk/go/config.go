package ward

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"time"
)

// ConfigError is a rejected configuration: Key is the path of the offending
// value inside the guard's table ("phrases[2]", "limits.burst", or "" for
// the table as a whole) and Msg says what is wrong with it. The host
// reports it as "ward.toml:LINE: guards.NAME.KEY: MSG".
type ConfigError struct {
	Key string
	Msg string
}

func (e ConfigError) Error() string {
	if e.Key == "" {
		return "config: " + e.Msg
	}
	return e.Key + ": " + e.Msg
}

// Config is a guard's config table, decoded from the JSON the host sends
// (the TOML table converted to JSON). Accessors return the value of a key or
// the given default when the key is absent, and a *ConfigError naming the
// key when the value has the wrong type. Each accessor marks its key as
// read; keys never read are reported as unknown after Configure.
//
// Config is meant for Configure only; it is not safe for concurrent use.
type Config struct {
	path     string // key path of this table
	nested   bool   // false for the top-level table
	m        map[string]any
	read     map[string]bool
	children []*Config
}

// ParseConfig decodes a JSON object. Empty or whitespace-only input is an
// empty table. Anything else that is not a single JSON object is a
// *ConfigError with an empty key.
func ParseConfig(data []byte) (*Config, error) {
	if isJSONSpace(data) {
		return newConfig("", map[string]any{}), nil
	}
	v, err := decodeJSON(data)
	if err != nil {
		return nil, &ConfigError{Msg: "config is not a JSON object: " + err.Error()}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &ConfigError{Msg: "config is not a JSON object: got " + TypeName(v)}
	}
	return newConfig("", m), nil
}

// isJSONSpace reports whether data holds only JSON whitespace.
func isJSONSpace(data []byte) bool {
	for _, c := range data {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// NewConfig returns a table over m, a table of values as Raw returns them
// (say an element of an array of tables), so that it is read with the
// typed accessors and its unread keys are reported by Unused. Its keys and
// errors are relative to m: Config.Within places them in the enclosing
// table. m is used as is, not copied.
func NewConfig(m map[string]any) *Config {
	if m == nil {
		m = map[string]any{}
	}
	return newConfig("", m)
}

func newConfig(path string, m map[string]any) *Config {
	return &Config{path: path, m: m, read: make(map[string]bool, len(m))}
}

func (c *Config) child(key string, m map[string]any) *Config {
	ch := newConfig(c.Path(key), m)
	ch.nested = true
	return ch
}

// Path returns the full key path of key in this table ("limits.burst").
func (c *Config) Path(key string) string {
	if !c.nested {
		return key
	}
	return c.path + "." + key
}

// Errorf returns a *ConfigError for key (a key of this table, optionally
// followed by an index such as "phrases[2]"), prefixed with the table's
// path.
//
// The format is fmt's, reduced to what messages need: the verbs %v, %s,
// %q, %d, %x and %% for strings, errors, Stringers, booleans, integers and
// floats, without flags or widths (anything else is written
// "%!c(unsupported)"). Errorf does not use fmt, so that the package does
// not link fmt into guard modules; format with fmt.Sprintf and pass the
// result as "%s" when more is needed.
func (c *Config) Errorf(key, format string, args ...any) error {
	return &ConfigError{Key: c.Path(key), Msg: sprintf(format, args)}
}

// Has reports whether key is present. It does not mark the key as read.
func (c *Config) Has(key string) bool {
	_, ok := c.m[key]
	return ok
}

// Keys returns the keys of the table, sorted. It does not mark them read.
func (c *Config) Keys() []string {
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Raw returns the decoded JSON value of key (string, Number, bool,
// []any, map[string]any or nil) and marks it read; for types the typed
// accessors do not cover.
func (c *Config) Raw(key string) (any, bool) {
	v, ok := c.m[key]
	if ok {
		c.read[key] = true
	}
	return v, ok
}

// Unused returns the full paths of keys, in this table and in tables
// obtained through Table, that no accessor read; sorted.
func (c *Config) Unused() []string {
	var out []string
	for k := range c.m {
		if !c.read[k] {
			out = append(out, c.Path(k))
		}
	}
	for _, ch := range c.children {
		out = append(out, ch.Unused()...)
	}
	sort.Strings(out)
	return out
}

// TypeName names the JSON type of a value decoded from a guard's config
// ("string", "number", "boolean", "array", "table", "null"; "unknown" for
// any other Go value), for messages such as "want array of tables, got
// string".
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "table"
	}
	return "unknown"
}

func (c *Config) wrongType(key string, want string, got any) error {
	return &ConfigError{Key: c.Path(key), Msg: "want " + want + ", got " + TypeName(got)}
}

// String returns the string at key, or def when key is absent.
func (c *Config) String(key, def string) (string, error) {
	v, ok := c.Raw(key)
	if !ok {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return def, c.wrongType(key, "string", v)
	}
	return s, nil
}

// Strings returns the array of strings at key (a fresh slice), or def when
// key is absent. A non-string element is reported as "key[i]".
func (c *Config) Strings(key string, def []string) ([]string, error) {
	v, ok := c.Raw(key)
	if !ok {
		return def, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return def, c.wrongType(key, "array of strings", v)
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			return def, c.wrongType(key+"["+strconv.Itoa(i)+"]", "string", e)
		}
		out[i] = s
	}
	return out, nil
}

// Int returns the integer at key, or def when key is absent. A number with
// a fraction or outside the range of int is an error.
func (c *Config) Int(key string, def int) (int, error) {
	v, ok := c.Raw(key)
	if !ok {
		return def, nil
	}
	n, ok := v.(Number)
	if !ok {
		return def, c.wrongType(key, "integer", v)
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil && int64(int(i)) == i {
		return int(i), nil
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || f < math.MinInt || f >= math.MaxInt {
		return def, &ConfigError{Key: c.Path(key), Msg: "want integer, got " + string(n)}
	}
	return int(f), nil
}

// Float returns the number at key, or def when key is absent.
func (c *Config) Float(key string, def float64) (float64, error) {
	v, ok := c.Raw(key)
	if !ok {
		return def, nil
	}
	n, ok := v.(Number)
	if !ok {
		return def, c.wrongType(key, "number", v)
	}
	f, err := n.Float64()
	if err != nil {
		return def, &ConfigError{Key: c.Path(key), Msg: "want number, got " + string(n)}
	}
	return f, nil
}

// Bool returns the boolean at key, or def when key is absent.
func (c *Config) Bool(key string, def bool) (bool, error) {
	v, ok := c.Raw(key)
	if !ok {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return def, c.wrongType(key, "boolean", v)
	}
	return b, nil
}

// Duration returns the duration at key, written as a Go duration string
// ("250ms", "1m30s"), or def when key is absent.
func (c *Config) Duration(key string, def time.Duration) (time.Duration, error) {
	v, ok := c.Raw(key)
	if !ok {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return def, c.wrongType(key, `duration string such as "250ms"`, v)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return def, &ConfigError{Key: c.Path(key), Msg: `want duration such as "250ms", got ` + strconv.Quote(s)}
	}
	return d, nil
}

// Table returns the sub-table at key; an absent key yields an empty table.
// Keys of the sub-table are checked for use like the top-level ones, and
// its errors carry the full path ("limits.burst").
func (c *Config) Table(key string) (*Config, error) {
	v, ok := c.Raw(key)
	var m map[string]any
	if ok {
		if m, ok = v.(map[string]any); !ok {
			return c.child(key, map[string]any{}), c.wrongType(key, "table", v)
		}
	} else {
		m = map[string]any{}
	}
	ch := c.child(key, m)
	c.children = append(c.children, ch)
	return ch, nil
}

// Within returns err, an error about a value inside key (say a table
// parsed from "roles[2]"), with its key prefixed by key: a *ConfigError
// with Key "name" becomes "roles[2].name"; any other error is reported at
// key itself.
func (c *Config) Within(key string, err error) error {
	var ce *ConfigError
	if !errors.As(err, &ce) {
		return &ConfigError{Key: c.Path(key), Msg: err.Error()}
	}
	if ce.Key == "" {
		return &ConfigError{Key: c.Path(key), Msg: ce.Msg}
	}
	return &ConfigError{Key: c.Path(key + "." + ce.Key), Msg: ce.Msg}
}
