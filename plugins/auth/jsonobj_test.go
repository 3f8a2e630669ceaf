package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wardgate/ward/plugins/auth/token"
)

func TestJSONObjectValid(t *testing.T) {
	type mem struct {
		name string
		kind jsonKind
		str  string // decoded string value, for jString
	}
	cases := []struct {
		name, doc string
		want      []mem
	}{
		{"empty", `{}`, nil},
		{"whitespace everywhere", " \t\r\n{ \"a\" :\n1 , \"b\"\t:\r\"x\" } \n", []mem{{"a", jNumber, ""}, {"b", jString, "x"}}},
		{"every kind", `{"s":"v","n":-1.5e+3,"t":true,"f":false,"z":null,"a":[1,"x",{"k":[]}],"o":{"k":{"l":null}}}`,
			[]mem{{"s", jString, "v"}, {"n", jNumber, ""}, {"t", jBool, ""}, {"f", jBool, ""}, {"z", jNull, ""}, {"a", jArray, ""}, {"o", jObject, ""}}},
		{"simple escapes", `{"e":"\"\\\/\b\f\n\r\t"}`, []mem{{"e", jString, "\"\\/\b\f\n\r\t"}}},
		{"unicode escapes", `{"e":"caf\u00e9 \u20AC \u0000"}`, []mem{{"e", jString, "café € \x00"}}},
		{"surrogate pair", `{"e":"\ud83d\ude00x\uD834\uDD1E"}`, []mem{{"e", jString, "😀x𝄞"}}},
		{"raw UTF-8", `{"é":"日本 😀 \uFFFD` + "\uFFFD" + `"}`, []mem{{"é", jString, "日本 😀 \uFFFD\uFFFD"}}},
		{"escaped names", `{"\u0061lg":"x","k\"id":"y"}`, []mem{{"alg", jString, "x"}, {`k"id`, jString, "y"}}},
		{"names differing in case are distinct", `{"alg":"a","ALG":"b","Alg":"c"}`, []mem{{"alg", jString, "a"}, {"ALG", jString, "b"}, {"Alg", jString, "c"}}},
		{"duplicates inside nested objects are skipped", `{"x":{"a":1,"a":2},"y":[{"b":1,"b":1}]}`, []mem{{"x", jObject, ""}, {"y", jArray, ""}}},
		{"numbers", `{"a":0,"b":-0,"c":1E400,"d":0.0e-0,"e":123456789012345678901234567890}`,
			[]mem{{"a", jNumber, ""}, {"b", jNumber, ""}, {"c", jNumber, ""}, {"d", jNumber, ""}, {"e", jNumber, ""}}},
		{"deepest allowed nesting", `{"a":` + strings.Repeat("[", jsonMaxDepth-1) + strings.Repeat("]", jsonMaxDepth-1) + `}`, []mem{{"a", jArray, ""}}},
		{"many distinct members", manyMembers(40, false), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r jsonReader
			ms, err := r.parseObject([]byte(c.doc))
			if err != nil {
				t.Fatalf("parseObject: %v", err)
			}
			if c.want == nil {
				if c.name == "empty" && len(ms) != 0 {
					t.Fatalf("members %d", len(ms))
				}
				return
			}
			if len(ms) != len(c.want) {
				t.Fatalf("got %d members, want %d", len(ms), len(c.want))
			}
			for i, w := range c.want {
				m := &ms[i]
				if string(m.name) != w.name || m.kind != w.kind {
					t.Fatalf("member %d = %q kind %d, want %q kind %d", i, m.name, m.kind, w.name, w.kind)
				}
				if w.kind == jString {
					if s, ok := r.str(m); !ok || string(s) != w.str {
						t.Fatalf("member %q = %q, want %q", w.name, s, w.str)
					}
				}
			}
		})
	}
}

// manyMembers is an object of n members "m0".."m<n-1>" (the last one
// repeating "m0" when dup), past the pairwise duplicate check.
func manyMembers(n int, dup bool) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		name := i
		if dup && i == n-1 {
			name = 0
		}
		fmt.Fprintf(&b, `"m%d":%d`, name, i)
	}
	b.WriteByte('}')
	return b.String()
}

func TestJSONObjectInvalid(t *testing.T) {
	deep := `{"a":` + strings.Repeat("[", jsonMaxDepth) + strings.Repeat("]", jsonMaxDepth) + `}`
	deepObj := `{"a":` + strings.Repeat(`{"a":`, jsonMaxDepth) + "1" + strings.Repeat("}", jsonMaxDepth) + `}`
	cases := []struct {
		name, doc string
		want      error
	}{
		{"empty input", ``, errJSONSyntax},
		{"only whitespace", " \n", errJSONSyntax},
		{"array", `[]`, errJSONSyntax},
		{"null", `null`, errJSONSyntax},
		{"string", `"x"`, errJSONSyntax},
		{"number", `1`, errJSONSyntax},
		{"unclosed", `{`, errJSONSyntax},
		{"unclosed after member", `{"a":1`, errJSONSyntax},
		{"name without value", `{"a"}`, errJSONSyntax},
		{"missing value", `{"a":}`, errJSONSyntax},
		{"trailing comma", `{"a":1,}`, errJSONSyntax},
		{"lone comma", `{,}`, errJSONSyntax},
		{"missing comma", `{"a":1 "b":2}`, errJSONSyntax},
		{"unquoted name", `{a:1}`, errJSONSyntax},
		{"single quotes", `{'a':1}`, errJSONSyntax},
		{"number name", `{1:1}`, errJSONSyntax},
		{"trailing garbage", `{"a":1}x`, errJSONSyntax},
		{"two objects", `{}{}`, errJSONSyntax},
		{"trailing NUL", "{}\x00", errJSONSyntax},
		{"form feed is not JSON whitespace", "{}\f", errJSONSyntax},
		{"NBSP is not JSON whitespace", "\u00a0{}", errJSONSyntax},
		{"vertical tab", "{\v}", errJSONSyntax},
		{"leading zero", `{"a":01}`, errJSONSyntax},
		{"bare fraction", `{"a":.5}`, errJSONSyntax},
		{"dot without digits", `{"a":1.}`, errJSONSyntax},
		{"exponent without digits", `{"a":1e}`, errJSONSyntax},
		{"exponent sign without digits", `{"a":1e+}`, errJSONSyntax},
		{"plus sign", `{"a":+1}`, errJSONSyntax},
		{"minus alone", `{"a":-}`, errJSONSyntax},
		{"minus then dot", `{"a":-.1}`, errJSONSyntax},
		{"hex number", `{"a":0x10}`, errJSONSyntax},
		{"NaN", `{"a":NaN}`, errJSONSyntax},
		{"Infinity", `{"a":Infinity}`, errJSONSyntax},
		{"truncated true", `{"a":tru}`, errJSONSyntax},
		{"capital True", `{"a":True}`, errJSONSyntax},
		{"truncated null", `{"a":nul`, errJSONSyntax},
		{"number glued to literal", `{"a":1true}`, errJSONSyntax},
		{"control character in string", "{\"a\":\"x\x01\"}", errJSONSyntax},
		{"raw newline in string", "{\"a\":\"x\ny\"}", errJSONSyntax},
		{"tab in name", "{\"a\tb\":1}", errJSONSyntax},
		{"unknown escape", `{"a":"\q"}`, errJSONSyntax},
		{"escaped single quote", `{"a":"\'"}`, errJSONSyntax},
		{"short unicode escape", `{"a":"\u12"}`, errJSONSyntax},
		{"bad hex in escape", `{"a":"\u12G4"}`, errJSONSyntax},
		{"backslash at end", `{"a":"\`, errJSONSyntax},
		{"unterminated string", `{"a":"xyz`, errJSONSyntax},
		{"trailing comma in array", `{"a":[1,]}`, errJSONSyntax},
		{"missing comma in array", `{"a":[1 2]}`, errJSONSyntax},
		{"unclosed array", `{"a":[1}`, errJSONSyntax},
		{"bad nested object", `{"a":{"b"}}`, errJSONSyntax},
		{"nested trailing comma", `{"a":{"b":1,}}`, errJSONSyntax},
		{"lone high surrogate", `{"a":"\ud800"}`, errJSONEncoding},
		{"lone low surrogate", `{"a":"\udc00"}`, errJSONEncoding},
		{"high surrogate then letter", `{"a":"\ud800x"}`, errJSONEncoding},
		{"high surrogate then BMP escape", `{"a":"\ud800\u0041"}`, errJSONEncoding},
		{"two high surrogates", `{"a":"\ud800\ud800"}`, errJSONEncoding},
		{"reversed pair", `{"a":"\ude00\ud83d"}`, errJSONEncoding},
		{"surrogate then bad escape", `{"a":"\ud800\u12"}`, errJSONSyntax},
		{"lone surrogate in name", `{"\udfff":1}`, errJSONEncoding},
		{"lone surrogate in nested value", `{"a":["\ud800"]}`, errJSONEncoding},
		{"invalid UTF-8 byte", "{\"a\":\"\xff\"}", errJSONEncoding},
		{"overlong UTF-8", "{\"a\":\"\xc0\xaf\"}", errJSONEncoding},
		{"UTF-8 encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", errJSONEncoding},
		{"truncated UTF-8", "{\"a\":\"\xe6\x97\"}", errJSONEncoding},
		{"invalid UTF-8 in name", "{\"\x80\":1}", errJSONEncoding},
		{"duplicate name", `{"alg":"RS256","alg":"none"}`, errJSONDuplicate},
		{"duplicate through an escape", `{"exp":1,"\u0065xp":2}`, errJSONDuplicate},
		{"duplicate with different value kinds", `{"a":null,"b":1,"a":[]}`, errJSONDuplicate},
		{"duplicate among many members", manyMembers(40, true), errJSONDuplicate},
		{"too deep array", deep, errJSONDepth},
		{"too deep object", deepObj, errJSONDepth},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r jsonReader
			ms, err := r.parseObject([]byte(c.doc))
			if err != c.want || ms != nil {
				t.Fatalf("parseObject(%q) = %d members, %v; want %v", c.doc, len(ms), err, c.want)
			}
		})
	}
}

func TestJSONAccessors(t *testing.T) {
	var r jsonReader
	doc := `{"s":"a\nb","n":1.5,"i":1700000000,"neg":-3,"big":12345678901234567,"exp":1e3,"huge":1e400,"tiny":1e-400,` +
		`"arr":["x","\u0079",""],"mixed":["x",1],"nulls":[null],"empty":[],"obj":{},"nul":null}`
	ms, err := r.parseObject([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := r.str(member(ms, "s")); !ok || string(s) != "a\nb" {
		t.Errorf("str(s) = %q, %v", s, ok)
	}
	for _, name := range []string{"n", "arr", "nul", "missing"} {
		if _, ok := r.str(member(ms, name)); ok {
			t.Errorf("str(%s) ok", name)
		}
	}
	for _, c := range []struct {
		name string
		want float64
		ok   bool
	}{
		{"n", 1.5, true}, {"i", 1700000000, true}, {"neg", -3, true}, {"big", 12345678901234567, true},
		{"exp", 1000, true}, {"huge", 0, false}, {"tiny", 0, true}, {"s", 0, false}, {"nul", 0, false}, {"missing", 0, false},
	} {
		if f, ok := number(member(ms, c.name)); ok != c.ok || (ok && f != c.want) {
			t.Errorf("number(%s) = %v, %v; want %v, %v", c.name, f, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		name string
		want []string
		ok   bool
	}{
		{"arr", []string{"x", "y", ""}, true}, {"empty", nil, true}, {"mixed", nil, false}, {"nulls", nil, false},
		{"s", nil, false}, {"obj", nil, false}, {"missing", nil, false},
	} {
		got, ok := r.appendStrings(nil, member(ms, c.name))
		if ok != c.ok || (ok && fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want)) {
			t.Errorf("appendStrings(%s) = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestJSONReaderReuse: a reader parses documents one after another, and
// strings decoded earlier in a parse stay intact while later ones are
// decoded into the same scratch.
func TestJSONReaderReuse(t *testing.T) {
	var r jsonReader
	for i := 0; i < 3; i++ {
		doc := fmt.Sprintf(`{"\u0061":"\u00e9%d","b":["\n%d","\t"],"c":"\"%d"}`, i, i, i)
		ms, err := r.parseObject([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := r.str(member(ms, "a"))
		bs, _ := r.appendStrings(nil, member(ms, "b"))
		c, _ := r.str(member(ms, "c"))
		got := fmt.Sprintf("%s|%s|%s|%q|%q", ms[0].name, a, c, bs[0], bs[1])
		if want := fmt.Sprintf("a|é%d|\"%d|\"\\n%d\"|\"\\t\"", i, i, i); got != want {
			t.Fatalf("parse %d: %s, want %s", i, got, want)
		}
	}
}

func TestJSONReaderAllocs(t *testing.T) {
	doc := []byte(`{"sub":"alice","roles":["reader","writer"],"iss":"https://idp.example","aud":"ward","iat":1700000000,"exp":4102444800,"x":{"y":[1,2,{"z":"\u00e9"}]}}`)
	var r jsonReader
	strs := make([][]byte, 0, 4)
	run := func() {
		ms, err := r.parseObject(doc)
		if err != nil {
			t.Fatal(err)
		}
		r.str(member(ms, "sub"))
		number(member(ms, "exp"))
		strs, _ = r.appendStrings(strs[:0], member(ms, "roles"))
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Fatalf("%v allocations per parse, want 0", n)
	}
}

func TestBase64URL(t *testing.T) {
	std := base64.RawURLEncoding.Strict()
	inputs := []string{"", "A", "AA", "AB", "AAA", "AAB", "AAAA", "-_-_", "eyJhbGciOiJIUzI1NiJ9", "YQ", "YR", "YWI", "YWJ",
		"YQ==", "Y Q", "YQ\n", "a+b/", "a.bc", "\xff\xff", "////", "____"}
	for n := 0; n < 20; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		inputs = append(inputs, base64.RawURLEncoding.EncodeToString(b))
	}
	for _, s := range inputs {
		want, werr := std.DecodeString(s)
		if strings.ContainsAny(s, "\r\n") {
			werr = errors.New("line break") // encoding/base64 skips them; appendB64URL refuses them
		}
		if isB64URL(s) != token.IsBase64URL(s) {
			t.Errorf("isB64URL(%q) = %v", s, !token.IsBase64URL(s))
		}
		got, ok := appendB64URL([]byte("prefix"), s)
		if ok != (werr == nil) || (ok && string(got) != "prefix"+string(want)) {
			t.Errorf("appendB64URL(%q) = %q, %v; encoding/base64: %q, %v", s, got, ok, want, werr)
		}
	}
}

// FuzzBase64URL compares appendB64URL with base64.RawURLEncoding.Strict(),
// which skips CR and LF where appendB64URL refuses them, and isB64URL with
// token.IsBase64URL.
func FuzzBase64URL(f *testing.F) {
	for _, s := range []string{"", "YQ", "YR", "YWI", "YWJ", "eyJhbGciOiJIUzI1NiJ9", "a+b/", "YQ=="} {
		f.Add(s)
	}
	std := base64.RawURLEncoding.Strict()
	f.Fuzz(func(t *testing.T, s string) {
		want, werr := std.DecodeString(s)
		if strings.ContainsAny(s, "\r\n") {
			werr = errors.New("line break") // encoding/base64 skips them; appendB64URL refuses them
		}
		if isB64URL(s) != token.IsBase64URL(s) {
			t.Fatalf("isB64URL(%q) = %v", s, !token.IsBase64URL(s))
		}
		got, ok := appendB64URL(nil, s)
		if ok != (werr == nil) || (ok && !bytes.Equal(got, want)) {
			t.Fatalf("appendB64URL(%q) = %x, %v; encoding/base64: %x, %v", s, got, ok, want, werr)
		}
	})
}

// FuzzJSONObject compares jsonReader with encoding/json (decoding into
// map[string]json.RawMessage, as the verifier did) on every member and on
// the reads the verifier makes: strings, numbers, arrays of strings. The
// reader may refuse what encoding/json accepts only for its documented
// restrictions (duplicates, invalid UTF-8 or lone surrogates, depth),
// each checked independently here.
func FuzzJSONObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"alg":"RS256","kid":"k1","typ":"JWT"}`,
		`{"sub":"alice","roles":["reader","writer"],"iss":"https://idp.example","aud":["ward","x"],"iat":1700000000,"exp":4102444800.5}`,
		`{"a":"\ud83d\ude00\u00e9\n\"","b":[null,true,false,{"c":[]}],"n":-1.25E-3}`,
		`{"alg":"a","alg":"b"}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{"a":[[[[]]]]}`, `{"a":01}`, ` {"x" : 1 } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r jsonReader
		ms, err := r.parseObject(b)
		var std map[string]json.RawMessage
		stdErr := json.Unmarshal(b, &std)
		stdOK := stdErr == nil && std != nil
		if err != nil {
			if !stdOK {
				return
			}
			switch err {
			case errJSONDuplicate:
				if n := topLevelNames(t, b); n == len(std) {
					t.Fatalf("reader: duplicate in %q, but %d distinct names", b, n)
				}
			case errJSONEncoding:
				if utf8.Valid(b) && !hasSurrogateEscape(b) {
					t.Fatalf("reader: bad encoding in valid UTF-8 without surrogate escapes %q", b)
				}
			case errJSONDepth:
				if d := nesting(b); d <= jsonMaxDepth {
					t.Fatalf("reader: too deep at nesting %d: %q", d, b)
				}
			default:
				t.Fatalf("reader refuses %q (%v), encoding/json accepts it", b, err)
			}
			return
		}
		if !stdOK {
			t.Fatalf("reader accepts %q, encoding/json: %v (nil map %v)", b, stdErr, std == nil)
		}
		if len(ms) != len(std) {
			t.Fatalf("%q: reader %d members, encoding/json %d", b, len(ms), len(std))
		}
		type decoded struct {
			got  []byte
			want string
		}
		var strs []decoded // checked at the end: later decodes must not clobber them
		for i := range ms {
			m := &ms[i]
			raw, ok := std[string(m.name)]
			if !ok {
				t.Fatalf("%q: member %q unknown to encoding/json", b, m.name)
			}
			if !bytes.Equal(m.raw, raw) {
				t.Fatalf("%q: member %q raw %q, encoding/json %q", b, m.name, m.raw, raw)
			}
			var s string
			sErr := json.Unmarshal(raw, &s)
			got, isStr := r.str(m)
			if isStr != (sErr == nil && raw[0] == '"') {
				t.Fatalf("%q: member %q str ok=%v, encoding/json %v", b, m.name, isStr, sErr)
			}
			if isStr {
				strs = append(strs, decoded{got, s})
			}
			var fl float64
			fErr := json.Unmarshal(raw, &fl)
			n, isNum := number(m)
			if isNum != (fErr == nil && raw[0] != 'n') || (isNum && n != fl && !(math.IsNaN(n) && math.IsNaN(fl))) {
				t.Fatalf("%q: member %q number %v %v, encoding/json %v %v", b, m.name, n, isNum, fl, fErr)
			}
			var arr []any
			aErr := json.Unmarshal(raw, &arr)
			elems, isStrs := r.appendStrings(nil, m)
			allStrings := aErr == nil && raw[0] == '['
			for _, e := range arr {
				if _, ok := e.(string); !ok {
					allStrings = false
				}
			}
			if isStrs != allStrings {
				t.Fatalf("%q: member %q string array ok=%v, encoding/json %v %v", b, m.name, isStrs, arr, aErr)
			}
			for j, e := range elems {
				strs = append(strs, decoded{e, arr[j].(string)})
			}
		}
		for _, d := range strs {
			if string(d.got) != d.want {
				t.Fatalf("%q: decoded %q, encoding/json %q", b, d.got, d.want)
			}
		}
	})
}

// topLevelNames counts the member names of a valid JSON object, repeats
// included, with encoding/json's tokenizer.
func topLevelNames(t *testing.T, b []byte) int {
	d := json.NewDecoder(bytes.NewReader(b))
	n, depth, wantName := 0, 0, false
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return n
			}
			t.Fatalf("tokens of %q: %v", b, err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
				wantName = v == '{' && depth == 1
				continue
			}
			depth--
		case string:
			if depth == 1 && wantName {
				n++
				wantName = false
				continue
			}
		}
		if depth == 1 {
			wantName = true
		}
	}
}

// hasSurrogateEscape reports whether b contains \uD800-\uDFFF.
func hasSurrogateEscape(b []byte) bool {
	for i := 0; i+3 < len(b); i++ {
		if b[i] == '\\' && b[i+1] == 'u' && (b[i+2] == 'd' || b[i+2] == 'D') && strings.IndexByte("89abcdefABCDEF", b[i+3]) >= 0 {
			return true
		}
	}
	return false
}

// nesting is the deepest array/object nesting of valid JSON b.
func nesting(b []byte) int {
	depth, max, inStr := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			if depth++; depth > max {
				max = depth
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return max
}

// signRawHS256 signs header and claims given as JSON text (for what maps
// cannot express: duplicates, escapes, number forms) with the test HMAC key.
func signRawHS256(tb testing.TB, header, claims string) string {
	signed := enc([]byte(header)) + "." + enc([]byte(claims))
	m := hmac.New(sha256.New, keys(tb).hmacKey)
	m.Write([]byte(signed))
	return signed + "." + enc(m.Sum(nil))
}

// TestJWTStrictJSON: the verifier's reading of header and claims through
// jsonReader, for tokens with a valid signature.
func TestJWTStrictJSON(t *testing.T) {
	jv := testVerifier(t)
	std, err := json.Marshal(stdClaims())
	if err != nil {
		t.Fatal(err)
	}
	// claims returns the standard claims with extra members (JSON text)
	// appended, and replace applied.
	claims := func(extra string, replace ...string) string {
		s := string(std)
		for i := 0; i+1 < len(replace); i += 2 {
			if !strings.Contains(s, replace[i]) {
				t.Fatalf("claims %s lack %s", s, replace[i])
			}
			s = strings.Replace(s, replace[i], replace[i+1], 1)
		}
		if extra != "" {
			s = s[:len(s)-1] + "," + extra + "}"
		}
		return s
	}
	hs := `{"alg":"HS256"}`
	exp := fmt.Sprint(tNow.Add(10 * time.Minute).Unix())
	cases := []struct {
		name, header, claims string
		want                 error
		roles                string
	}{
		{"plain", hs, claims(""), nil, "reader,writer"},
		{"duplicate alg", `{"alg":"HS256","alg":"none"}`, claims(""), errJWTMalformed, ""},
		{"duplicate alg, same value", `{"alg":"HS256","alg":"HS256"}`, claims(""), errJWTMalformed, ""},
		{"duplicate kid", `{"alg":"HS256","kid":"a","kid":"b"}`, claims(""), errJWTMalformed, ""},
		{"escaped duplicate alg", `{"alg":"HS256","\u0061lg":"HS256"}`, claims(""), errJWTMalformed, ""},
		{"ALG is not alg", `{"ALG":"none","alg":"HS256"}`, claims(""), nil, "reader,writer"},
		{"only ALG", `{"ALG":"HS256"}`, claims(""), errJWTMalformed, ""},
		{"escaped alg name and value", `{"\u0061lg":"HS\u0032\u00356"}`, claims(""), nil, "reader,writer"},
		{"alg null", `{"alg":null}`, claims(""), errJWTMalformed, ""},
		{"alg number", `{"alg":256}`, claims(""), errJWTMalformed, ""},
		{"kid null is absent", `{"alg":"HS256","kid":null}`, claims(""), nil, "reader,writer"},
		{"kid number", `{"alg":"HS256","kid":1}`, claims(""), errJWTMalformed, ""},
		{"crit null", `{"alg":"HS256","crit":null}`, claims(""), errJWTCrit, ""},
		{"header array", `["alg","HS256"]`, claims(""), errJWTMalformed, ""},
		{"header with trailing NBSP", hs + "\u00a0", claims(""), errJWTMalformed, ""},
		{"header too deep", `{"alg":"HS256","x":` + strings.Repeat("[", jsonMaxDepth) + strings.Repeat("]", jsonMaxDepth) + `}`, claims(""), errJWTMalformed, ""},
		{"duplicate exp", hs, claims(`"exp":1`), errJWTMalformed, ""},
		{"escaped duplicate exp", hs, claims(`"\u0065xp":` + exp), errJWTMalformed, ""},
		{"duplicate sub", hs, claims(`"sub":"admin"`), errJWTMalformed, ""},
		{"exp null", hs, claims("", `"exp":`+exp, `"exp":null`), errJWTMalformed, ""},
		{"nbf null", hs, claims(`"nbf":null`), errJWTMalformed, ""},
		{"exp as exponent", hs, claims("", `"exp":`+exp, `"exp":`+exp[:1]+"."+exp[1:]+"e"+fmt.Sprint(len(exp)-1)), nil, "reader,writer"},
		{"exp infinite", hs, claims("", `"exp":`+exp, `"exp":1e999`), errJWTMalformed, ""},
		{"escaped issuer", hs, claims("", `"iss":"https://idp.example"`, `"iss":"https:\/\/idp.ex\u0061mple"`), nil, "reader,writer"},
		{"escaped audience in array", hs, claims("", `"aud":"ward"`, `"aud":["x","w\u0061rd"]`), nil, "reader,writer"},
		{"audience array with null", hs, claims("", `"aud":"ward"`, `"aud":["ward",null]`), errJWTAudience, ""},
		{"audience null", hs, claims("", `"aud":"ward"`, `"aud":null`), errJWTAudience, ""},
		{"escaped subject", hs, claims("", `"sub":"alice"`, `"sub":"\u0061lice"`), nil, "reader,writer"},
		{"lone surrogate in subject", hs, claims("", `"sub":"alice"`, `"sub":"alice\ud800"`), errJWTMalformed, ""},
		{"invalid UTF-8 in an unknown claim", hs, claims("\"x\":\"\xff\""), errJWTMalformed, ""},
		{"NUL escaped in subject", hs, claims("", `"sub":"alice"`, `"sub":"alice\u0000"`), errJWTSubject, ""},
		{"scope roles with tabs and newlines", hs, claims("", `"roles":["reader","writer"]`, `"roles":" a\tb\n\u00a0c "`), nil, "a,b,c"},
		{"scope role with comma", hs, claims("", `"roles":["reader","writer"]`, `"roles":"a,b c"`), errJWTRoles, ""},
		{"roles null", hs, claims("", `"roles":["reader","writer"]`, `"roles":null`), nil, ""},
		{"roles empty string", hs, claims("", `"roles":["reader","writer"]`, `"roles":""`), nil, ""},
		{"role empty", hs, claims("", `"roles":["reader","writer"]`, `"roles":["a",""]`), errJWTRoles, ""},
		{"role with space", hs, claims("", `"roles":["reader","writer"]`, `"roles":["a b"]`), errJWTRoles, ""},
		{"role with control character", hs, claims("", `"roles":["reader","writer"]`, `"roles":["a\u007f"]`), errJWTRoles, ""},
		{"role escaped", hs, claims("", `"roles":["reader","writer"]`, `"roles":["caf\u00e9","\ud83d\ude00"]`), nil, "café,😀"},
		{"roles object", hs, claims("", `"roles":["reader","writer"]`, `"roles":{"a":1}`), errJWTRoles, ""},
		{"nested unknown claims", hs, claims(`"x":{"a":[1,{"b":"}]"}],"a":2},"y":[[],{}]`), nil, "reader,writer"},
		{"claims trailing garbage", hs, claims("") + "x", errJWTMalformed, ""},
		{"claims null", hs, "null", errJWTMalformed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := jv.verify(signRawHS256(t, c.header, c.claims), tNow, 30*time.Second)
			if err != c.want {
				t.Fatalf("verify = %+v, %v; want %v", id, err, c.want)
			}
			if err == nil && (id.subject != "alice" || id.roles != c.roles) {
				t.Fatalf("identity %+v, want roles %q", id, c.roles)
			}
		})
	}
}

// TestJWTClaimsAllocs: past the first call, checking claims allocates
// only the identity's two strings.
func TestJWTClaimsAllocs(t *testing.T) {
	jv := testVerifier(t)
	std, _ := json.Marshal(stdClaims())
	payload := append([]byte(nil), std...)
	var err error
	run := func() {
		var ms []jsonMember
		if ms, err = jv.buf.claims.parseObject(payload); err == nil {
			_, err = jv.checkClaims(ms, tNow, time.Minute)
		}
	}
	run()
	if n := testing.AllocsPerRun(100, run); err != nil || n > 2 {
		t.Fatalf("%v allocations, err %v; want <= 2", n, err)
	}
}
