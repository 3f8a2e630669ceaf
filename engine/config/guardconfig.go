package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// A guard's config table may take part of its content from files, so that
// secrets (API key hashes, HMAC secrets) and documents managed elsewhere (an
// identity provider's JWKS) can live in files with their own permissions
// and life cycle:
//
//	[guards.auth]
//	path        = "builtin:auth"
//	config_file = "auth-keys.toml"                  # top-level keys merged into config
//	config_text = { "jwt.jwks" = "idp/jwks.json" }  # config.jwt.jwks = the file's text
//
// Parse only checks the shape of these keys; the files are read by
// LoadGuardConfig each time the guard is loaded, so a reload picks up
// rotated files.

// MaxGuardFileSize is the largest config_file or config_text file accepted.
const MaxGuardFileSize = 1 << 20

// ConfigText is one entry of a guard's config_text.
type ConfigText struct {
	// Key is the dotted path of the config key that receives the file's
	// content as a string, e.g. "jwt.jwks": segments match [a-z0-9_-]+.
	Key  string
	Path string // the file, as written; relative to Config.Dir
	Line int    // line of the entry in the config file
}

// ReadFunc reads a file named by config_file or config_text, given its
// resolved path. ReadGuardFile is the real one; tests may fake it.
type ReadFunc func(path string) ([]byte, error)

// Errors of ReadGuardFile, wrapped in an *fs.PathError.
var (
	ErrNotRegular   = errors.New("not a regular file")
	ErrFileTooLarge = fmt.Errorf("larger than %s", Size(MaxGuardFileSize))
)

// ReadGuardFile reads a regular file (symbolic links are followed) of at
// most MaxGuardFileSize bytes. Other files are refused without being
// opened for reading (so a FIFO cannot block the caller) or read past the
// limit. Errors are *fs.PathError values naming the path; they never hold
// the file's content.
func ReadGuardFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	if fi.Size() > MaxGuardFileSize {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrFileTooLarge}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() { // replaced between Stat and Open
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxGuardFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxGuardFileSize { // grew since Stat
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrFileTooLarge}
	}
	return data, nil
}

// GuardConfig is a guard's final config: its inline table plus the content
// of its config_file and config_text files. It is immutable and safe for
// concurrent use.
type GuardConfig struct {
	// JSON is the config object handed to the guard: keys sorted, converted
	// from TOML exactly as Guard.ConfigJSON is. It is Guard.ConfigJSON
	// itself (shared, not to be modified) when the guard uses no files.
	JSON []byte

	c         *Config
	g         *Guard
	file      string    // resolved config_file path; "" when none
	fileLines lineIndex // line index of the config_file
}

// LoadGuardConfig builds g's final config, reading g.ConfigFile and the
// files of g.ConfigText with read (paths resolved with ResolvePath; use
// ReadGuardFile). The config_file's top-level keys are merged into the
// inline config table: tables present in both are merged key by key, any
// other key set in both places is an error naming both. Each config_text
// file's content, which must be UTF-8 and is taken verbatim, becomes the
// string value of its key, creating intermediate tables; a key that is
// already set (inline or by the config_file) is an error.
//
// Errors are *Error values joined with errors.Join, all reported at once:
// read failures and conflicts are positioned at the guard's key in the
// config file (code CodeFile or CodeDuplicate), TOML errors in the
// config_file at their line in that file (CodeSyntax, CodeValue). Errors
// name files and keys but never quote the content of a file, which may be
// secret; TOML parse messages are redacted accordingly.
func (c *Config) LoadGuardConfig(g *Guard, read ReadFunc) (*GuardConfig, error) {
	gc := &GuardConfig{JSON: g.ConfigJSON, c: c, g: g}
	if len(gc.JSON) == 0 {
		gc.JSON = []byte("{}")
	}
	if g.ConfigFile == "" && len(g.ConfigText) == 0 {
		return gc, nil
	}
	tree := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(gc.JSON))
	dec.UseNumber() // numbers are re-encoded exactly as written
	if err := dec.Decode(&tree); err != nil {
		return nil, errors.Join(c.fileErrorf(CodeValue, []string{"guards", g.Name, "config"}, "invalid config JSON: %v", err))
	}
	var errs []error
	var fileTree map[string]any
	if g.ConfigFile != "" {
		gc.file = c.ResolvePath(g.ConfigFile)
		var err error
		if fileTree, gc.fileLines, err = c.readConfigFile(g, gc.file, read); err != nil {
			return nil, err
		}
		errs = gc.merge(tree, fileTree, nil, errs)
	}
	for _, ct := range g.ConfigText {
		errs = gc.insertText(tree, fileTree, ct, read, errs)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	js, err := encodeJSON(tree)
	if err != nil {
		return nil, errors.Join(c.fileErrorf(CodeValue, []string{"guards", g.Name, "config"}, "cannot convert to JSON: %v", err))
	}
	gc.JSON = js
	return gc, nil
}

// fileErrorf is an *Error positioned at key of the config file.
func (c *Config) fileErrorf(code string, key []string, format string, args ...any) *Error {
	e := c.Errorf(key, format, args...)
	e.Code = code
	return e
}

// readChecked reads one guard file with read and checks its size. On
// failure problem says why, naming the path but never the content.
func readChecked(read ReadFunc, path string) (data []byte, problem string) {
	data, err := read(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, below
		}
		return nil, fmt.Sprintf("reading %s: %v", path, err)
	}
	if len(data) > MaxGuardFileSize {
		return nil, fmt.Sprintf("reading %s: %v", path, ErrFileTooLarge)
	}
	return data, ""
}

// readConfigFile reads and decodes g's config_file into a JSON-ready tree.
func (c *Config) readConfigFile(g *Guard, path string, read ReadFunc) (map[string]any, lineIndex, error) {
	data, problem := readChecked(read, path)
	if problem != "" {
		return nil, nil, errors.Join(c.fileErrorf(CodeFile, []string{"guards", g.Name, "config_file"}, "%s", problem))
	}
	root, _, lines, perr := parseTOML(path, data)
	if perr != nil {
		perr.Msg = redactQuoted(perr.Msg)
		return nil, nil, errors.Join(perr)
	}
	d := &decoder{c: &Config{File: path, lines: lines}}
	ok := true
	tree, _ := d.jsonValue(nil, root, &ok).(map[string]any)
	if !ok || len(d.errs) > 0 {
		errs := make([]error, len(d.errs))
		for i, e := range d.errs {
			errs[i] = e
		}
		return nil, nil, errors.Join(errs...)
	}
	return tree, lines, nil
}

// merge adds the keys of src (from the config_file) to dst (the inline
// config), merging tables present in both.
func (gc *GuardConfig) merge(dst, src map[string]any, path []string, errs []error) []error {
	for _, k := range sortedKeys(src) {
		p := with(path, k)
		dv, ok := dst[k]
		if !ok {
			dst[k] = src[k]
			continue
		}
		dm, dTable := dv.(map[string]any)
		sm, sTable := src[k].(map[string]any)
		if dTable && sTable {
			errs = gc.merge(dm, sm, p, errs)
			continue
		}
		errs = append(errs, gc.c.fileErrorf(CodeDuplicate, with([]string{"guards", gc.g.Name, "config"}, p...),
			"also set in %s:%d (config_file); set each key in one place", gc.file, gc.fileLines.lookup(p)))
	}
	return errs
}

// insertText reads ct's file and sets its key in tree.
func (gc *GuardConfig) insertText(tree, fileTree map[string]any, ct ConfigText, read ReadFunc, errs []error) []error {
	c, g := gc.c, gc.g
	at := func(code, format string, args ...any) []error {
		return append(errs, &Error{File: c.File, Line: ct.Line, Key: FormatKey("guards", g.Name, "config_text", ct.Key),
			Msg: fmt.Sprintf(format, args...), Code: code})
	}
	path := c.ResolvePath(ct.Path)
	data, problem := readChecked(read, path)
	if problem != "" {
		return at(CodeFile, "%s", problem)
	}
	if !utf8.Valid(data) {
		return at(CodeFile, "%s is not UTF-8 text", path)
	}
	segs := strings.Split(ct.Key, ".")
	node := tree
	for i, s := range segs {
		v, ok := node[s]
		if !ok {
			if i == len(segs)-1 {
				node[s] = string(data)
				break
			}
			m := map[string]any{}
			node[s], node = m, m
			continue
		}
		if m, isTable := v.(map[string]any); isTable && i < len(segs)-1 {
			node = m
			continue
		}
		what := "already set"
		if i < len(segs)-1 {
			what = "already set to a value that is not a table"
		}
		return at(CodeDuplicate, "config key %s is %s in %s; set each key in one place",
			strings.Join(segs[:i+1], "."), what, gc.origin(fileTree, segs[:i+1]))
	}
	return errs
}

// origin describes where config key path (below the config table) was
// set: the config_file when its tree has it, else the inline table.
func (gc *GuardConfig) origin(fileTree map[string]any, path []string) string {
	if hasPath(fileTree, path) {
		return fmt.Sprintf("%s:%d (config_file)", gc.file, gc.fileLines.lookup(path))
	}
	key := with([]string{"guards", gc.g.Name, "config"}, path...)
	return fmt.Sprintf("%s:%d (%s)", gc.c.File, gc.c.Line(key...), FormatKey(key...))
}

func hasPath(tree map[string]any, path []string) bool {
	for i, s := range path {
		v, ok := tree[s]
		if !ok {
			return false
		}
		if i == len(path)-1 {
			return true
		}
		if tree, ok = v.(map[string]any); !ok {
			return false
		}
	}
	return false
}

// Errorf builds an *Error with code CodeGuard about a key of the final
// config, for a guard rejecting it; key is below the config table, e.g.
// "api_keys", "[1]", "sha256" (see SplitKey). The error is positioned where
// the key was set: at its line in the config_file when it came from there,
// at the config_text entry when it lies in a file's text, else as
// (*Config).Errorf would position guards.NAME.config.KEY.
func (gc *GuardConfig) Errorf(key []string, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	split := splitIndexes(key)
	full := with([]string{"guards", gc.g.Name, "config"}, split...)
	var names []string
	for _, e := range split {
		if !isIndex(e) {
			names = append(names, e)
		}
	}
	for _, ct := range gc.g.ConfigText {
		segs := strings.Split(ct.Key, ".")
		if len(names) >= len(segs) && slices.Equal(names[:len(segs)], segs) {
			return &Error{File: gc.c.File, Line: ct.Line, Key: FormatKey(full...),
				Msg: msg + " (value read from " + gc.c.ResolvePath(ct.Path) + ", config_text)", Code: CodeGuard}
		}
	}
	if gc.file != "" {
		fileLine, fileDepth := gc.fileLines.longest(split)
		_, inlineDepth := gc.c.lines.longest(full)
		if fileDepth > 0 && fileDepth > inlineDepth-3 {
			return &Error{File: gc.file, Line: fileLine, Key: FormatKey(split...), Msg: msg, Code: CodeGuard}
		}
	}
	return gc.c.Errorf(full, "%s", msg)
}

// longest returns the line of the longest prefix of elems in the index and
// that prefix's length; 0, 0 when none.
func (ix lineIndex) longest(elems []string) (line, n int) {
	for n := len(elems); n > 0; n-- {
		if l, ok := ix[joinPath(elems[:n])]; ok {
			return l, n
		}
	}
	return 0, 0
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// redactQuoted replaces the quoted fragments of a TOML parser message that
// may come from a value ("expected value but found \"sk-live-...\"") with
// "…", keeping quoted punctuation ("expected '.' or '='") and key names
// ("Key 'api_keys' has already been defined."), so that errors about a
// secrets file do not leak its content.
func redactQuoted(msg string) string {
	var b strings.Builder
	for i := 0; i < len(msg); i++ {
		q := msg[i]
		if q != '"' && q != '\'' {
			b.WriteByte(q)
			continue
		}
		j := i + 1
		for j < len(msg) && msg[j] != q {
			if q == '"' && msg[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(msg) { // unterminated: redact the rest
			b.WriteString("…")
			break
		}
		inner := msg[i+1 : j]
		keep := strings.HasSuffix(msg[:i], "Key ") || strings.IndexFunc(inner, func(r rune) bool {
			return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r >= utf8.RuneSelf
		}) < 0
		if keep {
			b.WriteString(msg[i : j+1])
		} else {
			b.WriteByte(q)
			b.WriteString("…")
			b.WriteByte(q)
		}
		i = j
	}
	return b.String()
}

// guardFiles decodes config_file and config_text of a guard table. Only
// their shape is checked: no file is read.
func (d *decoder) guardFiles(t *table, g *Guard) {
	if t.str("config_file", &g.ConfigFile) && strings.ContainsRune(g.ConfigFile, 0) {
		d.errorf(CodeValue, t.at("config_file"), "must not contain NUL")
		g.ConfigFile = ""
	}
	v, ok := t.get("config_text")
	if !ok {
		return
	}
	m, isTable := v.(map[string]any)
	if !isTable {
		d.typeError(t.at("config_text"), "table of config keys to file names", v)
		return
	}
	d.configText(t.at("config_text"), nil, m, g)
	slices.SortFunc(g.ConfigText, func(a, b ConfigText) int { return strings.Compare(a.Key, b.Key) })
	// Keys are distinct and none may hold another: both would set the
	// same value. Sorted, a key's extensions follow it but not always
	// right after it ("a", "a-b", "a.c"), hence the inner loop.
	var kept []ConfigText
	for _, ct := range g.ConfigText {
		clash := false
		for _, o := range kept {
			if ct.Key == o.Key || strings.HasPrefix(ct.Key, o.Key+".") {
				d.errs = append(d.errs, &Error{File: d.c.File, Line: ct.Line, Key: FormatKey(with(t.at("config_text"), ct.Key)...),
					Msg: fmt.Sprintf("config key %s is also set by config_text %s (line %d)", ct.Key, o.Key, o.Line), Code: CodeDuplicate})
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, ct)
		}
	}
	g.ConfigText = kept
}

// configText collects config_text entries. A key may be a dotted path
// ("jwt.jwks" quoted) or written as nested tables (config_text.jwt.jwks);
// prefix holds the segments of the enclosing tables.
func (d *decoder) configText(path, prefix []string, m map[string]any, g *Guard) {
	for _, k := range sortedKeys(m) {
		p := with(path, k)
		segs := strings.Split(k, ".")
		valid := true
		for _, s := range segs {
			valid = valid && nameRE.MatchString(s)
		}
		if !valid {
			d.errorf(CodeValue, p, "invalid config key path %q (want dot-separated [a-z0-9_-]+ segments)", k)
			continue
		}
		full := append(slices.Clone(prefix), segs...)
		switch x := m[k].(type) {
		case map[string]any:
			d.configText(p, full, x, g)
		case string:
			switch {
			case x == "":
				d.errorf(CodeValue, p, "must not be empty (want a file name)")
			case strings.ContainsRune(x, 0):
				d.errorf(CodeValue, p, "must not contain NUL")
			default:
				g.ConfigText = append(g.ConfigText, ConfigText{Key: strings.Join(full, "."), Path: x, Line: d.c.lines.lookup(p)})
			}
		default:
			d.typeError(p, "string (a file name)", x)
		}
	}
}
