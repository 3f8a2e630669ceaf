package audit

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// FuzzRecord feeds arbitrary audit lines and key lists to the parsers of
// verify, read and report: they may refuse, never panic; a line that
// opens is a JSON object; what a walk's worker makes of a line for a
// report (reportPrep) is what Open and Summariser.Add make of it.
func FuzzRecord(f *testing.F) {
	keys, _ := ParseKeys("k:" + testKey(1))
	var c chain
	c.kid, c.aead = "k", keys.keys["k"]
	sealed := c.appendLine(nil, []byte(`{"time":"2026-11-26T00:00:00Z","request_id":"r","status":403,"guards":[{"guard":"g","verdict":"deny"}],"entities":{"pii":"EMAIL:1"}}`), true)
	f.Add(sealed[:len(sealed)-1], "k:"+testKey(1))
	f.Add([]byte(`{"seq":3,"prev":"sha256:`+zeroHash[7:]+`","kind":"admin","time":"2026-11-26T00:00:00Z","operator":"o","action":"reload"}`), "a:"+testKey(2)+"\nactive:a")
	f.Add([]byte(`{"seq":1,"prev":"x","kid":"k","nonce":"AAAA","ct":"!!"}`), "k:AAAA,b:"+testKey(3))
	to := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line []byte, keyText string) {
		if k, err := ParseKeys(keyText); err == nil {
			keys = k
		}
		l, err := parseLink(line)
		if err != nil {
			return
		}
		// What a walk's worker makes of the line (reportPrep), counted in
		// order, is what Open and Summariser.Add make of it.
		sl := slot{l: l}
		reportPrep(keys)(&sl, line)
		viaSlot := NewSummariser(time.Time{}, to)
		if sl.err == nil && sl.derr == nil {
			viaSlot.tally(&sl.rec)
		}
		pt, err := Open(nil, line, &l, keys)
		if (err == nil) != (sl.err == nil) || err != nil && err.Error() != sl.err.Error() {
			t.Fatalf("Open: %v; the walk's prep: %v", err, sl.err)
		}
		if err == nil {
			direct := NewSummariser(time.Time{}, to)
			aerr := direct.Add(pt)
			if (aerr == nil) != (sl.derr == nil) || aerr != nil && aerr.Error() != unreadable(sl.derr).Error() {
				t.Fatalf("Add: %v; the walk's prep: %v", aerr, sl.derr)
			}
			if !reflect.DeepEqual(direct.Report(nil, ""), viaSlot.Report(nil, "")) {
				t.Fatalf("Add: %+v; the walk's prep: %+v", direct.Report(nil, ""), viaSlot.Report(nil, ""))
			}
		}
		want, werr := refOpen(nil, line, &l, keys)
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() || !bytes.Equal(pt, want) {
			t.Fatalf("Open = %q, %v; reference %q, %v", pt, err, want, werr)
		}
		if err != nil {
			return
		}
		if l.CT == "" && !json.Valid(pt) {
			t.Fatalf("opened record is not JSON: %q", pt)
		}
		s := NewSummariser(time.Time{}, time.Now())
		_ = s.Add(pt) // a record of the wrong shape is an error, not a panic
		s.Report(nil, "")
	})
}
