package token

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// referenceDecode is how payloads were read before payload.go:
// encoding/json, unknown fields refused, nothing after the object.
func referenceDecode(js []byte) (payload, error) {
	var p payload
	d := json.NewDecoder(bytes.NewReader(js))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return p, err
	}
	if len(bytes.TrimSpace(js[d.InputOffset():])) != 0 {
		return p, claimError("trailing data")
	}
	return p, nil
}

var payloadSeeds = []string{
	`{"sub":"alice","roles":["reader","writer"],"iat":1700000000,"exp":1700000900,"jti":"abc"}`,
	` { "jti" : "x" , "exp" : 2 , "iat" : 1 , "sub" : "a\u00e9\ud83d\ude00\n\"<>" } `,
	`{"sub":null,"roles":null,"iat":null,"exp":null,"jti":null}`, `{"roles":[]}`, `{}`,
	`{"sub":"a","admin":true}`, `{"sub":"a"}{}`, `{"iat":1.5}`, `{"iat":1e3}`, `{"iat":01}`, `{"iat":-0}`,
	`{"iat":9223372036854775808}`, `{"sub":"\ud800"}`, `{"sub":"a","sub":"b"}`, `{"SUB":"a"}`, `{"roles":"a"}`,
	`{"roles":[1]}`, `{"sub":"a\x01"}`, `[]`, `nul`, `{"sub":"\x"}`, `{"sub":"\u12"}`,
}

// Whatever payload.decode and check accept (what Verify accepts),
// encoding/json reads the same way.
func TestPayloadDecode(t *testing.T) {
	for _, s := range payloadSeeds {
		checkPayloadDecode(t, []byte(s))
	}
	var p payload
	if err := p.decode([]byte(payloadSeeds[0])); err != nil || p.Sub != "alice" || len(p.Roles) != 2 || p.Exp != 1700000900 {
		t.Fatalf("decode = %+v, %v", p, err)
	}
	for _, bad := range []string{`{"sub":"a","sub":"b"}`, `{"SUB":"a"}`, `{"sub":"\ud800"}`, `{"iat":1e3}`} {
		if err := new(payload).decode([]byte(bad)); err == nil {
			t.Errorf("decode(%s) accepted", bad)
		}
	}
}

func checkPayloadDecode(t *testing.T, js []byte) {
	t.Helper()
	var got payload
	if err := got.decode(js); err != nil || got.check() != nil {
		return
	}
	want, err := referenceDecode(js)
	if err != nil {
		t.Fatalf("decode(%q) accepted what encoding/json refuses: %v", js, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decode(%q) = %+v, encoding/json %+v", js, got, want)
	}
}

func FuzzPayloadDecode(f *testing.F) {
	for _, s := range payloadSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkPayloadDecode)
}

// appendJSON writes what json.Marshal wrote, and decode reads it back.
func FuzzPayloadEncode(f *testing.F) {
	f.Add("alice", "reader", "", int64(1700000000), int64(1700000900), "jti<&>\u2028")
	f.Add("\xff", "", "b", int64(-1), int64(0), "")
	f.Fuzz(func(t *testing.T, sub, r1, r2 string, iat, exp int64, jti string) {
		p := payload{Sub: sub, Iat: iat, Exp: exp, Jti: jti}
		for _, r := range []string{r1, r2} {
			if r != "" {
				p.Roles = append(p.Roles, r)
			}
		}
		want, err := json.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		got := p.appendJSON(nil)
		if !bytes.Equal(got, want) {
			t.Fatalf("appendJSON = %s, json.Marshal %s", got, want)
		}
		var back payload
		if err := back.decode(got); err != nil {
			t.Fatalf("decode(appendJSON) = %v", err)
		}
		if p.check() == nil && !reflect.DeepEqual(back, p) {
			t.Fatalf("round trip %+v -> %+v", p, back)
		}
	})
}

func TestHexString(t *testing.T) {
	if got := hexString([]byte{0x01, 0xab, 0xff, 0x00}); got != "01abff00" {
		t.Fatalf("hexString = %s", got)
	}
}
