package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// fakeFiles is a ReadFunc over an in-memory file set; it records the
// paths asked for.
type fakeFiles struct {
	files map[string]string
	asked []string
}

func (f *fakeFiles) read(path string) ([]byte, error) {
	f.asked = append(f.asked, path)
	s, ok := f.files[path]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return []byte(s), nil
}

// guardTOML is a config with one guard "a"; extra is appended to its
// table (keys, then sub-tables).
func guardTOML(extra string) string {
	return "[server]\nlisten = [\"127.0.0.1:1\"]\n\n[guards.a]\npath = \"a.wasm\"\n" + extra
}

// secret marks file content that must never appear in an error.
const secret = "SECRET-7f3a"

func TestLoadGuardConfig(t *testing.T) {
	keysTOML := "# keys\nrealm = \"r\"\n[[api_keys]]\nid = \"k1\"\nsha256 = \"" + secret + "\"\n[jwt]\naudience = [\"w\"]\n"
	cases := []struct {
		name  string
		guard string            // appended to [guards.a]
		files map[string]string // relative to conf/
		want  string            // JSON, when no error
		errs  []string          // exact error strings, in order
		codes []string
		asked []string // files read, in order (relative to conf/)
	}{
		{
			name:  "no files",
			guard: "[guards.a.config]\nb = 1\na = \"x\"\n",
			want:  `{"a":"x","b":1}`,
		},
		{
			name:  "merge config_file, tables key by key",
			guard: "config_file = \"keys.toml\"\n[guards.a.config]\nheaders = [\"x-api-key\"]\nratio = 0.5\n[guards.a.config.jwt]\nissuer = \"i\"\n",
			files: map[string]string{"keys.toml": keysTOML},
			want:  `{"api_keys":[{"id":"k1","sha256":"` + secret + `"}],"headers":["x-api-key"],"jwt":{"audience":["w"],"issuer":"i"},"ratio":0.5,"realm":"r"}`,
			asked: []string{"keys.toml"},
		},
		{
			name:  "config_file without inline config",
			guard: "config_file = \"sub/keys.toml\"\n",
			files: map[string]string{"sub/keys.toml": "n = 12345678901234\nwhen = 2026-01-02T03:04:05Z\nday = 2026-01-02\n"},
			want:  `{"day":"2026-01-02","n":12345678901234,"when":"2026-01-02T03:04:05Z"}`,
		},
		{
			name:  "config_text into nested paths, quoted and as tables",
			guard: "config_text = { \"jwt.jwks\" = \"idp/jwks.json\", realm = \"realm.txt\" }\n[guards.a.config_text.tokens]\nsecret = \"token.key\"\n[guards.a.config.jwt]\nissuer = \"i\"\n",
			files: map[string]string{"idp/jwks.json": `{"keys":[]}` + "\n", "token.key": secret + "\n", "realm.txt": "<ward & co>"},
			want:  `{"jwt":{"issuer":"i","jwks":"{\"keys\":[]}\n"},"realm":"<ward & co>","tokens":{"secret":"` + secret + `\n"}}`,
			asked: []string{"idp/jwks.json", "realm.txt", "token.key"},
		},
		{
			name:  "config_text into a table of the config_file",
			guard: "config_file = \"keys.toml\"\nconfig_text = { \"jwt.jwks\" = \"jwks.json\" }\n",
			files: map[string]string{"keys.toml": keysTOML, "jwks.json": "{}"},
			want:  `{"api_keys":[{"id":"k1","sha256":"` + secret + `"}],"jwt":{"audience":["w"],"jwks":"{}"},"realm":"r"}`,
		},
		{
			name:  "inline and config_file set the same keys",
			guard: "config_file = \"keys.toml\"\n[guards.a.config]\nrealm = \"x\"\napi_keys = []\njwt = \"not a table\"\n",
			files: map[string]string{"keys.toml": keysTOML},
			errs: []string{
				"conf/ward.toml:9: guards.a.config.api_keys: also set in conf/keys.toml:3 (config_file); set each key in one place",
				"conf/ward.toml:10: guards.a.config.jwt: also set in conf/keys.toml:6 (config_file); set each key in one place",
				"conf/ward.toml:8: guards.a.config.realm: also set in conf/keys.toml:2 (config_file); set each key in one place",
			},
			codes: []string{CodeDuplicate, CodeDuplicate, CodeDuplicate},
		},
		{
			name:  "nested conflict inside a merged table",
			guard: "config_file = \"keys.toml\"\n[guards.a.config.jwt]\naudience = [\"x\"]\n",
			files: map[string]string{"keys.toml": keysTOML},
			errs:  []string{"conf/ward.toml:8: guards.a.config.jwt.audience: also set in conf/keys.toml:7 (config_file); set each key in one place"},
		},
		{
			name:  "config_text key set inline",
			guard: "config_text = { realm = \"realm.txt\" }\n[guards.a.config]\nrealm = \"x\"\n",
			files: map[string]string{"realm.txt": secret},
			errs:  []string{"conf/ward.toml:6: guards.a.config_text.realm: config key realm is already set in conf/ward.toml:8 (guards.a.config.realm); set each key in one place"},
			codes: []string{CodeDuplicate},
		},
		{
			name:  "config_text key set by the config_file",
			guard: "config_file = \"keys.toml\"\n[guards.a.config_text]\n\"jwt.audience\" = \"aud.txt\"\n",
			files: map[string]string{"keys.toml": keysTOML, "aud.txt": secret},
			errs:  []string{"conf/ward.toml:8: guards.a.config_text.\"jwt.audience\": config key jwt.audience is already set in conf/keys.toml:7 (config_file); set each key in one place"},
		},
		{
			name:  "config_text below a value that is not a table",
			guard: "config_text = { \"jwt.jwks\" = \"jwks.json\" }\n[guards.a.config]\njwt = \"" + "x" + "\"\n",
			files: map[string]string{"jwks.json": secret},
			errs:  []string{"conf/ward.toml:6: guards.a.config_text.\"jwt.jwks\": config key jwt is already set to a value that is not a table in conf/ward.toml:8 (guards.a.config.jwt); set each key in one place"},
		},
		{
			name:  "missing config_file",
			guard: "config_file = \"keys.toml\"\n",
			errs:  []string{"conf/ward.toml:6: guards.a.config_file: reading conf/keys.toml: file does not exist"},
			codes: []string{CodeFile},
		},
		{
			name:  "missing config_text files, all reported",
			guard: "config_text = { b = \"b.txt\", a = \"/abs/a.txt\" }\n",
			errs: []string{
				"conf/ward.toml:6: guards.a.config_text.a: reading /abs/a.txt: file does not exist",
				"conf/ward.toml:6: guards.a.config_text.b: reading conf/b.txt: file does not exist",
			},
			codes: []string{CodeFile, CodeFile},
			asked: []string{"/abs/a.txt", "b.txt"},
		},
		{
			name:  "config_file too large",
			guard: "config_file = \"keys.toml\"\n",
			files: map[string]string{"keys.toml": "x = \"" + strings.Repeat(secret, MaxGuardFileSize/len(secret)) + "\"\n"},
			errs:  []string{"conf/ward.toml:6: guards.a.config_file: reading conf/keys.toml: larger than 1MiB"},
			codes: []string{CodeFile},
		},
		{
			name:  "config_text file too large",
			guard: "config_text = { pem = \"k.pem\" }\n",
			files: map[string]string{"k.pem": strings.Repeat("a", MaxGuardFileSize+1)},
			errs:  []string{"conf/ward.toml:6: guards.a.config_text.pem: reading conf/k.pem: larger than 1MiB"},
		},
		{
			name:  "config_text file at the limit",
			guard: "config_text = { pem = \"k.pem\" }\n",
			files: map[string]string{"k.pem": strings.Repeat("a", MaxGuardFileSize)},
			want:  `{"pem":"` + strings.Repeat("a", MaxGuardFileSize) + `"}`,
		},
		{
			name:  "config_text file not UTF-8",
			guard: "config_text = { pem = \"k.der\" }\n",
			files: map[string]string{"k.der": secret + "\xff\xfe"},
			errs:  []string{"conf/ward.toml:6: guards.a.config_text.pem: conf/k.der is not UTF-8 text"},
		},
		{
			name:  "TOML error in config_file: bare value, redacted",
			guard: "config_file = \"keys.toml\"\n",
			files: map[string]string{"keys.toml": "[[api_keys]]\nid = \"k\"\nsha256 = " + secret + "\n"},
			errs:  []string{`conf/keys.toml:3: expected value but found "…" instead`},
			codes: []string{CodeSyntax},
		},
		{
			name:  "TOML error in config_file: bad integer, redacted",
			guard: "config_file = \"keys.toml\"\n",
			files: map[string]string{"keys.toml": "a = 1\n\nb = 0123" + "\n"},
			errs:  []string{`conf/keys.toml:3: Invalid integer "…": cannot have leading zeroes`},
		},
		{
			name:  "TOML error in config_file: duplicate key keeps the key name",
			guard: "config_file = \"keys.toml\"\n",
			files: map[string]string{"keys.toml": "realm = \"" + secret + "\"\nrealm = \"" + secret + "\"\n"},
			errs:  []string{`conf/keys.toml:2: Key 'realm' has already been defined.`},
		},
		{
			name:  "nan in config_file",
			guard: "config_file = \"keys.toml\"\n",
			files: map[string]string{"keys.toml": "\n[limits]\nx = nan\n"},
			errs:  []string{"conf/keys.toml:3: limits.x: NaN cannot be represented in JSON"},
			codes: []string{CodeValue},
		},
		{
			name:  "config_file nested too deep",
			guard: "config_file = \"keys.toml\"\n",
			files: map[string]string{"keys.toml": "x = " + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + "\n"},
			errs:  []string{"conf/keys.toml:1: keys, tables or arrays nested more than 64 levels deep"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse("conf/ward.toml", []byte(guardTOML(c.guard)))
			if err != nil {
				t.Fatal(err)
			}
			files := &fakeFiles{files: map[string]string{}}
			for name, content := range c.files {
				files.files[cfg.ResolvePath(name)] = content
			}
			g := cfg.Guard("a")
			gc, err := cfg.LoadGuardConfig(g, files.read)
			if c.asked != nil {
				var want []string
				for _, a := range c.asked {
					want = append(want, cfg.ResolvePath(a))
				}
				if !reflect.DeepEqual(files.asked, want) {
					t.Errorf("read %q, want %q", files.asked, want)
				}
			}
			if c.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				if string(gc.JSON) != c.want {
					t.Fatalf("JSON\n got %.300s\nwant %.300s", gc.JSON, c.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; JSON %.300s", gc.JSON)
			}
			if gc != nil {
				t.Error("a config returned with an error")
			}
			es := Errors(err)
			var got []string
			for _, e := range es {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, c.errs) {
				t.Fatalf("errors\n got %q\nwant %q", got, c.errs)
			}
			for i, code := range c.codes {
				if es[i].Code != code {
					t.Errorf("error %d: code %q, want %q", i, es[i].Code, code)
				}
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "0123") {
				t.Errorf("error echoes file content: %v", err)
			}
		})
	}
}

// TestGuardConfigSameAsInline checks that a table gives the same JSON
// whether written inline or read from a config_file.
func TestGuardConfigSameAsInline(t *testing.T) {
	body := "s = \"a\\\"<b>\\u00e9\"\nn = -7\nf = 1.5e300\nb = true\nodt = 1979-05-27T07:32:00-07:00\nldt = 1979-05-27T07:32:00.5\nlt = 07:32:00\n" +
		"arr = [1, \"x\", [true], {k = 1}]\n[t]\nz = 1\na.b = 2\n[[list]]\nx = 1\n[[list]]\ny = {}\n"
	inline, err := Parse("ward.toml", []byte(guardTOML("[guards.a.config]\n"+strings.ReplaceAll(strings.ReplaceAll(body, "[t]", "[guards.a.config.t]"), "[[list]]", "[[guards.a.config.list]]"))))
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := Parse("ward.toml", []byte(guardTOML("config_file = \"k.toml\"\n")))
	if err != nil {
		t.Fatal(err)
	}
	files := &fakeFiles{files: map[string]string{"k.toml": body}}
	gc, err := fromFile.LoadGuardConfig(fromFile.Guard("a"), files.read)
	if err != nil {
		t.Fatal(err)
	}
	if want := inline.Guard("a").ConfigJSON; string(gc.JSON) != string(want) {
		t.Fatalf("from file\n%s\ninline\n%s", gc.JSON, want)
	}
}

func TestGuardFileKeysParse(t *testing.T) {
	cases := []struct {
		guard string
		want  []ConfigText // when err == ""
		file  string
		err   string // error prefix
	}{
		{guard: "config_file = \"k.toml\"\nconfig_text = { \"jwt.jwks\" = \"j.json\", a-b = \"x\", c = { d_1 = { e = \"y\" } } }\n", file: "k.toml",
			want: []ConfigText{{Key: "a-b", Path: "x", Line: 7}, {Key: "c.d_1.e", Path: "y", Line: 7}, {Key: "jwt.jwks", Path: "j.json", Line: 7}}},
		{guard: "[guards.a.config_text]\n\"jwt.jwks\" = \"j\"\ntokens.secret = \"s\"\n",
			want: []ConfigText{{Key: "jwt.jwks", Path: "j", Line: 7}, {Key: "tokens.secret", Path: "s", Line: 8}}},
		{guard: "config_text = {}\nconfig_file = \"\"\n"},
		{guard: "config_file = 1\n", err: "ward.toml:6: guards.a.config_file: want string, got integer"},
		{guard: "config_file = \"a\\u0000b\"\n", err: "ward.toml:6: guards.a.config_file: must not contain NUL"},
		{guard: "config_text = \"j.json\"\n", err: "ward.toml:6: guards.a.config_text: want table of config keys to file names, got string"},
		{guard: "config_text = { \"jwt.JWKS\" = \"j\" }\n", err: "ward.toml:6: guards.a.config_text.\"jwt.JWKS\": invalid config key path \"jwt.JWKS\" (want dot-separated [a-z0-9_-]+ segments)"},
		{guard: "config_text = { \"a..b\" = \"j\" }\n", err: "ward.toml:6: guards.a.config_text.\"a..b\": invalid config key path"},
		{guard: "config_text = { \".a\" = \"j\" }\n", err: "ward.toml:6: guards.a.config_text.\".a\": invalid config key path"},
		{guard: "config_text = { \"\" = \"j\" }\n", err: "ward.toml:6: guards.a.config_text.\"\": invalid config key path"},
		{guard: "config_text = { a = 3 }\n", err: "ward.toml:6: guards.a.config_text.a: want string (a file name), got integer"},
		{guard: "config_text = { a = [\"x\"] }\n", err: "ward.toml:6: guards.a.config_text.a: want string (a file name), got array"},
		{guard: "config_text = { a = \"\" }\n", err: "ward.toml:6: guards.a.config_text.a: must not be empty (want a file name)"},
		{guard: "config_text = { a = \"x\\u0000\" }\n", err: "ward.toml:6: guards.a.config_text.a: must not contain NUL"},
		{guard: "config_text = { jwt = \"a\", \"jwt.jwks\" = \"b\" }\n", err: "ward.toml:6: guards.a.config_text.\"jwt.jwks\": config key jwt.jwks is also set by config_text jwt (line 6)"},
		{guard: "config_text = { \"jwt.jwks\" = \"a\", jwt = { jwks = \"b\" } }\n", err: "ward.toml:6: guards.a.config_text.\"jwt.jwks\": config key jwt.jwks is also set by config_text jwt.jwks (line 6)"},
		{guard: "config_text = { a = \"1\", a-b = \"2\", \"a.c\" = \"3\" }\n[guards.a.config]\n", err: "ward.toml:6: guards.a.config_text.\"a.c\": config key a.c is also set by config_text a (line 6)"},
		{guard: "config_texts = {}\n", err: "ward.toml:6: guards.a.config_texts: unknown key (did you mean \"config_text\"?)"},
	}
	for _, c := range cases {
		cfg, err := Parse("ward.toml", []byte(guardTOML(c.guard)))
		if c.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("%q: got %v, want %s", c.guard, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.guard, err)
			continue
		}
		g := cfg.Guard("a")
		if g.ConfigFile != c.file || !reflect.DeepEqual(g.ConfigText, c.want) {
			t.Errorf("%q: file %q text %+v, want %q %+v", c.guard, g.ConfigFile, g.ConfigText, c.file, c.want)
		}
	}
}

func TestGuardConfigErrorf(t *testing.T) {
	text := guardTOML("config_file = \"keys.toml\"\nconfig_text = { \"jwt.jwks\" = \"jwks.json\" }\n[guards.a.config]\nrealm = \"r\"\n[guards.a.config.jwt]\nissuer = \"i\"\n")
	cfg, err := Parse("conf/ward.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	files := &fakeFiles{files: map[string]string{
		"conf/keys.toml":  "# API keys\n[[api_keys]]\nid = \"a\"\n\n[[api_keys]]\nid = \"b\"\nsha256 = \"x\"\n[jwt]\naudience = [\"w\"]\n",
		"conf/jwks.json":  "{}",
		"conf/other.toml": "",
	}}
	gc, err := cfg.LoadGuardConfig(cfg.Guard("a"), files.read)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"api_keys[1].sha256": "conf/keys.toml:7: api_keys[1].sha256: bad",
		"api_keys[1]":        "conf/keys.toml:5: api_keys[1]: bad",
		"api_keys":           "conf/keys.toml:2: api_keys: bad",
		"jwt.audience[0]":    "conf/keys.toml:9: jwt.audience[0]: bad",
		"jwt.issuer":         "conf/ward.toml:11: guards.a.config.jwt.issuer: bad",
		"jwt":                "conf/ward.toml:10: guards.a.config.jwt: bad",
		"jwt.jwks":           "conf/ward.toml:7: guards.a.config.jwt.jwks: bad (value read from conf/jwks.json, config_text)",
		"jwt.jwks.keys[0]":   "conf/ward.toml:7: guards.a.config.jwt.jwks.keys[0]: bad (value read from conf/jwks.json, config_text)",
		"realm":              "conf/ward.toml:9: guards.a.config.realm: bad",
		"headers":            "conf/ward.toml:8: guards.a.config.headers: bad",
	} {
		e := gc.Errorf(SplitKey(key), "bad")
		if e.Error() != want || e.Code != CodeGuard {
			t.Errorf("%s: got %q (%s), want %q", key, e, e.Code, want)
		}
	}
	// Without files, Errorf is (*Config).Errorf under guards.NAME.config.
	plain, err := Parse("ward.toml", []byte(guardTOML("[guards.a.config]\nphrases = [\"a\",\n  \"\"]\n")))
	if err != nil {
		t.Fatal(err)
	}
	gc, err = plain.LoadGuardConfig(plain.Guard("a"), files.read)
	if err != nil {
		t.Fatal(err)
	}
	if &gc.JSON[0] != &plain.Guard("a").ConfigJSON[0] {
		t.Error("JSON copied although no file is used")
	}
	if got, want := gc.Errorf(SplitKey("phrases[1]"), "empty").Error(), "ward.toml:8: guards.a.config.phrases[1]: empty"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReadGuardFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("k", size)), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok", 10)
	limit := write("limit", MaxGuardFileSize)
	big := write("big", MaxGuardFileSize+1)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(ok, link); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		size int
		err  error
	}{
		{ok, 10, nil},
		{limit, MaxGuardFileSize, nil},
		{link, 10, nil},
		{big, 0, ErrFileTooLarge},
		{dir, 0, ErrNotRegular},
		{filepath.Join(dir, "absent"), 0, fs.ErrNotExist},
	}
	if runtime.GOOS != "windows" {
		cases = append(cases, struct {
			path string
			size int
			err  error
		}{"/dev/null", 0, ErrNotRegular})
	}
	for _, c := range cases {
		b, err := ReadGuardFile(c.path)
		var pe *fs.PathError
		switch {
		case c.err == nil && (err != nil || len(b) != c.size):
			t.Errorf("%s: %d bytes, %v", c.path, len(b), err)
		case c.err != nil && (!errors.Is(err, c.err) || !errors.As(err, &pe) || pe.Path != c.path):
			t.Errorf("%s: got %v, want %v", c.path, err, c.err)
		}
	}
}

func TestRedactQuoted(t *testing.T) {
	for in, want := range map[string]string{
		`expected value but found "sk-123" instead`:            `expected value but found "…" instead`,
		`expected '.' or '=', but got 'x' instead`:             `expected '.' or '=', but got '…' instead`,
		`expected '.' or '=', but got '\n' instead`:            `expected '.' or '=', but got '…' instead`,
		`Key 'api_keys' has already been defined.`:             `Key 'api_keys' has already been defined.`,
		`Invalid integer "0x\"12": cannot have leading zeroes`: `Invalid integer "…": cannot have leading zeroes`,
		`invalid float: '1.e5`:                                 `invalid float: …`,
		`unexpected EOF; expected '"'`:                         `unexpected EOF; expected '"'`,
		`got 'é' instead`:                                      `got '…' instead`,
		`a message without quotes`:                             `a message without quotes`,
	} {
		if got := redactQuoted(in); got != want {
			t.Errorf("redactQuoted(%q) = %q, want %q", in, got, want)
		}
	}
}
