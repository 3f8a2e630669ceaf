package ward

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// referenceJSON decodes data as the SDK did before it had its own decoder:
// encoding/json with UseNumber, exactly one value (json.Valid). Numbers are
// converted to Number so that the two results compare with DeepEqual.
func referenceJSON(data []byte) (any, error) {
	if !json.Valid(data) {
		return nil, errors.New("not JSON")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return numbers(v), nil
}

func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		return Number(x)
	case []any:
		for i := range x {
			x[i] = numbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = numbers(x[k])
		}
	}
	return v
}

var jsonCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12E+4`, `123456789012345678901234567890`,
	`"plain"`, `"esc \" \\ \/ \b \f \n \r \t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud800"`, `"\udc00x"`,
	`"\ud800\u0041"`, `"\ud800\ud800\udc00"`, "\"\xff\xfe ok\"", "\"caf\xc3\xa9\"", "\"\xed\xa0\x80\"",
	` { "a" : [ 1 , { "b" : null } ] , "a" : "again" } `, `{"phrases":["a","b"],"n":1,"t":{"d":"1s"}}`,
	// Not JSON.
	``, ` `, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{a:1}`, `{'a':1}`, `01`, `1.`, `.5`, `-`, `1e`, `1e+`,
	`+1`, `NaN`, `Infinity`, `tru`, `nulls`, `"abc`, "\"tab\there\"", `"\x"`, `"\u12"`, `"\u12G4"`, `"\'"`,
	`{} {}`, `{}]`, `[1]x`, "\xef\xbb\xbf{}", `{"a":1}}`, `[[[]]`,
}

func TestJSONDecodeMatchesEncodingJSON(t *testing.T) {
	for _, in := range jsonCases {
		checkJSON(t, []byte(in))
	}
	deep := strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)
	checkJSON(t, []byte(deep))
	checkJSON(t, []byte("["+deep+"]")) // one level too deep
}

func checkJSON(t *testing.T, data []byte) {
	t.Helper()
	want, werr := referenceJSON(data)
	got, err := decodeJSON(data)
	if (err == nil) != (werr == nil) {
		t.Fatalf("decodeJSON(%q) = %v, %v; encoding/json: %v, %v", data, got, err, want, werr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeJSON(%q) = %#v, encoding/json %#v", data, got, want)
	}
}

func TestJSONErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{`{"a":1,}`, `invalid character '}' looking for beginning of object key string at offset 7`},
		{`[1 2]`, `invalid character '2' after array element at offset 3`},
		{`{"a" 1}`, `invalid character '1' after object key at offset 5`},
		{`{"a":1 "b"}`, `invalid character '"' after object key:value pair at offset 7`},
		{`{"a":tru}`, `invalid character '}' in literal true (expecting 'e') at offset 8`},
		{`{"a":"\q"}`, `invalid character 'q' in string escape code at offset 7`},
		{`{"a":`, `unexpected end of JSON input at offset 5`},
		{`{} x`, `invalid character 'x' after top-level value at offset 3`},
		{"{\"a\":\"\x01\"}", `invalid character '\x01' in string literal at offset 6`},
	} {
		_, err := decodeJSON([]byte(c.in))
		if err == nil || err.Error() != c.msg {
			t.Errorf("decodeJSON(%q) error %v, want %s", c.in, err, c.msg)
		}
	}
}

// FuzzJSONDecode checks the SDK's decoder against encoding/json: the same
// inputs accepted, the same values decoded.
func FuzzJSONDecode(f *testing.F) {
	for _, in := range jsonCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkJSON(t, data)
	})
}

func TestAppendDescriptionMatchesEncodingJSON(t *testing.T) {
	for _, d := range []abi.Description{
		{Name: "g", Version: "1", ABI: abi.Version, Phases: []string{}},
		{Name: "g", Version: "1", ABI: abi.Version},
		{Name: "<g>", Version: "2.0.0", ABI: abi.Version, Phases: []string{"request", "response_chunk"},
			ConfigSchema: map[string]string{"z": "last", "a": "first & \"quoted\"", "m": ""},
			Reads:        []string{"headers", "messages"}},
	} {
		want, err := json.Marshal(&d)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendDescription(nil, &d); !bytes.Equal(got, want) {
			t.Errorf("appendDescription = %s, encoding/json %s", got, want)
		}
	}
}

// A table from Config.Raw re-encodes with encoding/json as it came,
// numbers as numbers.
func TestNumberMarshalJSON(t *testing.T) {
	in := `{"big":123456789012345678901234567890,"f":-1.5e-3,"list":[1,"a",true,null]}`
	c := mustConfig(t, in)
	m := map[string]any{}
	for _, k := range c.Keys() {
		m[k], _ = c.Raw(k)
	}
	out, err := json.Marshal(m)
	if err != nil || string(out) != in {
		t.Fatalf("json.Marshal = %s, %v; want %s", out, err, in)
	}
	if _, err := json.Marshal(Number("1x")); err == nil {
		t.Fatal("json.Marshal accepted Number(\"1x\")")
	}
	if n, err := Number("-7").Int64(); n != -7 || err != nil {
		t.Fatalf("Int64 = %d, %v", n, err)
	}
}
