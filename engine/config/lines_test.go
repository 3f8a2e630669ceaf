package config

import (
	"strings"
	"testing"
)

func TestScanLines(t *testing.T) {
	doc := `# comment [not.a.table]
top = 1
"quoted key" = 'x # not a comment'
dotted.a.b = "s [ ] { }"   # trailing comment

[server]
listen = [
  "127.0.0.1:8080", # first
  # a comment line inside the array
  "[::1]:8080",
]
ml = """
line one [fake]
key = "not a key"
"""
after_ml = 2
lit = '''
x = 1
'''
after_lit = 3

[ guards . "pii" ]
path = "p.wasm"
[guards.pii.config]
nested = { a = 1, b = { c = [1, 2] } }
multi = {
  x = 1,
  y = "two",
}
tables = [ { n = 1 },
  { n = 2 } ]
date = 1979-05-27 07:32:00Z
after_date = true

[[routes]]
name = "a"
[routes.sub]
k = 1

[[routes]]
name = "b"
[[routes.hops]]
h = 1
[[routes.hops]]
h = 2

[[routes]]
name = "c"
[[routes.hops]]
h = 3
`
	ix := scanLines([]byte(doc))
	tests := []struct {
		key  string // dotted, SplitKey syntax
		want int
	}{
		{"top", 2},
		{`"quoted key"`, 3},
		{"dotted", 4},
		{"dotted.a", 4},
		{"dotted.a.b", 4},
		{"server", 6},
		{"server.listen", 7},
		{"server.listen[0]", 8},
		{"server.listen[1]", 10},
		{"server.ml", 12},
		{"server.after_ml", 16},
		{"server.lit", 17},
		{"server.after_lit", 20},
		{"guards", 22},
		{"guards.pii", 22},
		{"guards.pii.path", 23},
		{"guards.pii.config", 24},
		{"guards.pii.config.nested", 25},
		{"guards.pii.config.nested.b.c", 25},
		{"guards.pii.config.nested.b.c[1]", 25},
		{"guards.pii.config.multi", 26},
		{"guards.pii.config.multi.y", 28},
		{"guards.pii.config.tables[0].n", 30},
		{"guards.pii.config.tables[1]", 31},
		{"guards.pii.config.tables[1].n", 31},
		{"guards.pii.config.date", 32},
		{"guards.pii.config.after_date", 33},
		{"routes", 35},
		{"routes[0]", 35},
		{"routes[0].name", 36},
		{"routes[0].sub", 37},
		{"routes[0].sub.k", 38},
		{"routes[1]", 40},
		{"routes[1].name", 41},
		{"routes[1].hops[0].h", 43},
		{"routes[1].hops[1].h", 45},
		{"routes[2].name", 48},
		{"routes[2].hops[0].h", 50},
		// Fallback to the closest ancestor.
		{"routes[2].hops[0].missing", 49},
		{"server.listen[7]", 7},
		{"nothing.here", 0},
	}
	for _, tt := range tests {
		if got := ix.lookup(SplitKey(tt.key)); got != tt.want {
			t.Errorf("line of %s = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestScanLinesCRLFAndEscapes(t *testing.T) {
	doc := strings.ReplaceAll("a = \"x\\\"y # z\"\nb = \"\"\"q\\\n\"\"\"\"\"\n\"k\\u00e9\" = 1\nc = 2\n", "\n", "\r\n")
	ix := scanLines([]byte(doc))
	for key, want := range map[string]int{"a": 1, "b": 2, "k\u00e9": 4, "c": 5} {
		if got := ix.lookup([]string{key}); got != want {
			t.Errorf("line of %q = %d, want %d", key, got, want)
		}
	}
}

func TestSplitKeyAndFormatKey(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		fmt  string
	}{
		{"phrases[2]", []string{"phrases", "[2]"}, "phrases[2]"},
		{"rules[3].pattern", []string{"rules", "[3]", "pattern"}, "rules[3].pattern"},
		{`headers."x.y".v`, []string{"headers", "x.y", "v"}, `headers."x.y".v`},
		{"m[1][2]", []string{"m", "[1]", "[2]"}, "m[1][2]"},
		{"a[b]", []string{"a[b]"}, `"a[b]"`},
		{`"unterminated`, []string{"unterminated"}, "unterminated"},
		{"", nil, ""},
	}
	for _, tt := range tests {
		got := SplitKey(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("SplitKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if f := FormatKey(got...); f != tt.fmt {
			t.Errorf("FormatKey(%q) = %q, want %q", got, f, tt.fmt)
		}
	}
	if got := FormatKey("guards", "pii", "config", "phrases[2]"); got != "guards.pii.config.phrases[2]" {
		t.Errorf("FormatKey with suffix index = %q", got)
	}
}
