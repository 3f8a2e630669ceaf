package abi

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s/`, "<a href='x'>&amp;</a>", "\x00\x01\x1f\x7f\b\f\n\r\t",
		"caf\xc3\xa9 \u4e2d \U0001f600", "bad \xff\xfe utf8 \xed\xa0\x80", "line\u2028para\u2029end"} {
		checkJSONString(t, s)
	}
}

func checkJSONString(t *testing.T, s string) {
	t.Helper()
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendJSONString(nil, s); !bytes.Equal(got, want) {
		t.Fatalf("AppendJSONString(%q) = %s, encoding/json %s", s, got, want)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("<\u2028\xff\"")
	f.Fuzz(func(t *testing.T, s string) { checkJSONString(t, s) })
}
