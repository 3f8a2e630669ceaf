package audit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// refLink is parseLink as it was, with encoding/json: the reference the
// fast reader must agree with.
func refLink(line []byte) (Link, error) {
	var l Link
	if err := json.Unmarshal(line, &l); err != nil {
		return l, errors.New("not a JSON object")
	}
	if l.Seq == nil {
		return l, errors.New(`no "seq"`)
	}
	if len(l.Prev) != len(hashPrefix)+64 || l.Prev[:len(hashPrefix)] != hashPrefix {
		return l, errors.New(`no "prev" hash`)
	}
	if _, err := hex.DecodeString(l.Prev[len(hashPrefix):]); err != nil {
		return l, errors.New(`bad "prev" hash`)
	}
	return l, nil
}

// refRecord is what the report read of a record with encoding/json.
type refRecord struct {
	Kind      string            `json:"kind"`
	Time      time.Time         `json:"time"`
	RequestID *string           `json:"request_id"`
	Status    int               `json:"status"`
	Code      string            `json:"code"`
	Entities  map[string]string `json:"entities"`
	Guards    []struct {
		Guard, Mode, Verdict, Code string
	} `json:"guards"`
	Identity json.RawMessage `json:"identity"`
	Subject  string          `json:"subject"`
	ID       string          `json:"id"`
	Operator string          `json:"operator"`
	Action   string          `json:"action"`
	Count    int             `json:"count"`
}

// asRef converts a decoded reportRecord to refRecord's shape.
func asRef(r *reportRecord) refRecord {
	out := refRecord{Kind: string(r.kind), Time: r.time, Status: r.status, Code: string(r.code), Subject: string(r.subject),
		ID: string(r.id), Operator: string(r.operator), Action: string(r.action), Count: r.count}
	if r.hasRequestID {
		s := ""
		out.RequestID = &s
	}
	if len(r.identity) > 0 {
		out.Identity = json.RawMessage(bytes.Clone(r.identity))
	}
	if len(r.entities) > 0 {
		out.Entities = map[string]string{}
		for _, e := range r.entities {
			out.Entities[string(e.guard)] = string(e.value)
		}
	}
	for _, g := range r.guards {
		out.Guards = append(out.Guards, struct{ Guard, Mode, Verdict, Code string }{string(g.guard), string(g.mode), string(g.verdict), string(g.code)})
	}
	return out
}

// dupKeys reports whether some object in the JSON b names a member twice
// (case-insensitively): encoding/json then merges maps and overlays slice
// elements, which the fast reader does not copy (the last member counts).
func dupKeys(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		obj    bool
		keys   map[string]bool
		expect bool // next string token in an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		isKey := top != nil && top.obj && top.expect
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				if top != nil && top.obj {
					top.expect = true
				}
				stack = append(stack, &frame{obj: t == '{', keys: map[string]bool{}, expect: true})
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		case string:
			if isKey {
				k := strings.ToLower(t)
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.expect = false
				continue
			}
		}
		if top != nil && top.obj {
			top.expect = true
		}
	}
}

func checkScan(t *testing.T, line []byte) {
	l, err := parseLink(line)
	rl, rerr := refLink(line)
	if (err == nil) != (rerr == nil) {
		t.Fatalf("parseLink(%q): err %v, encoding/json %v", line, err, rerr)
	}
	if err == nil && (*l.Seq != *rl.Seq || l.Prev != rl.Prev || l.Kind != rl.Kind || l.Kid != rl.Kid || l.Nonce != rl.Nonce || l.CT != rl.CT) {
		if !dupKeys(line) {
			t.Fatalf("parseLink(%q) = %+v, encoding/json %+v", line, l, rl)
		}
	}
	var r reportRecord
	err = r.decode(line, false)
	if err == nil && bytes.HasPrefix(skipSpace(line), []byte("{")) {
		// The path of a line already checked by parseLink.
		var again reportRecord
		if err := again.decode(line, true); err != nil || !reflect.DeepEqual(asRef(&again), asRef(&r)) {
			t.Fatalf("decode(%q) of a checked line: %v %+v, want %+v", line, err, asRef(&again), asRef(&r))
		}
	}
	var ref refRecord
	rerr = json.Unmarshal(line, &ref)
	if (err == nil) != (rerr == nil) {
		t.Fatalf("decode(%q): err %v, encoding/json %v", line, err, rerr)
	}
	if err != nil || dupKeys(line) {
		return
	}
	got := asRef(&r)
	if ref.RequestID != nil {
		*ref.RequestID = ""
	}
	if len(ref.Identity) == 0 {
		ref.Identity = nil
	}
	if len(ref.Entities) == 0 {
		ref.Entities = nil
	}
	if len(ref.Guards) == 0 {
		ref.Guards = nil
	}
	if !reflect.DeepEqual(got, ref) {
		t.Fatalf("decode(%q)\n got %+v\nwant %+v", line, got, ref)
	}
}

var scanSeeds = []string{
	`{"seq":3,"prev":"sha256:` + zeroHash[7:] + `","kind":"admin","time":"2026-11-26T00:00:00Z","operator":"o","action":"reload"}`,
	`{"seq":4,"prev":"sha256:` + zeroHash[7:] + `","time":"2026-11-26T00:00:00.123456789Z","request_id":"r","status":403,"code":"x.y","guards":[{"guard":"g","mode":"observe","verdict":"deny","code":"c"},null,{"Guard":"h"}],"entities":{"pii":"EMAIL:1,IBAN:2","s":null},"identity":{"subject":"a"},"count":-3}`,
	`{"seq":18446744073709551615,"prev":"sha256:` + zeroHash[7:] + `","kind":"\u0073tart","KIND":"x"}`,
	`  {"seq" : 1 , "prev" : "x" , "a" : [1, -0.5e+3, true, false, null, {"b": ["\"\\\/\b\f\n\r\t\u00e9"]}]}  `,
	`{"seq":1.0}`, `{"seq":-1}`, `{"seq":"1"}`, `{"seq":01}`, `{"seq":1,}`, `[1]`, `null`, `"x"`, `{"a":"\ud800"}`,
	`{"kind":"quarantine","time":"2026-11-26T03:10:00Z","identity":{"subject":"trudy"},"reason":"r"}`,
	`{"status":99999999999999999999}`, `{"status":9223372036854775807}`, `{"count":1e3}`, `{"time":5}`, `{"time":"yesterday"}`,
	`{"guards":{}}`, `{"guards":[1]}`, `{"entities":[]}`, `{"entities":{"a":1}}`, `{"request_id":null,"kind":null}`,
	"{\"kind\":\"\xff\xfe\"}", "{\"\u017feq\":7,\"prev\":\"sha256:" + zeroHash[7:] + "\",\"\u212aind\":\"k\"}", `{"\u017Feq":7,"STATUS":5,"Request_ID":"x","time":"2026-11-26T00:00:00Z"}`, "{\"k\xc3\":1}", `{"a":1}x`, `{"a":tru}`, `{"a":"` + "\x01" + `"}`, `{"a":1 "b":2}`, `{`, `{"a"}`, ``,
}

func TestScanAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range scanSeeds {
		checkScan(t, []byte(s))
	}
}

// FuzzScan: the audit log's fast JSON reader (parseLink and the report's
// record decoder) accepts and refuses what encoding/json does and reads
// the same values.
func FuzzScan(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkScan(t, line)
	})
}
