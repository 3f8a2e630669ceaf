package audit

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// FuzzRecord feeds arbitrary audit lines and key lists to the parsers of
// verify, read and report: they may refuse, never panic; a line that
// opens is a JSON object.
func FuzzRecord(f *testing.F) {
	keys, _ := ParseKeys("k:" + testKey(1))
	var c chain
	c.kid, c.aead = "k", keys.keys["k"]
	sealed := c.appendLine(nil, []byte(`{"time":"2026-11-26T00:00:00Z","request_id":"r","status":403,"guards":[{"guard":"g","verdict":"deny"}],"entities":{"pii":"EMAIL:1"}}`), true)
	f.Add(sealed[:len(sealed)-1], "k:"+testKey(1))
	f.Add([]byte(`{"seq":3,"prev":"sha256:`+zeroHash[7:]+`","kind":"admin","time":"2026-11-26T00:00:00Z","operator":"o","action":"reload"}`), "a:"+testKey(2)+"\nactive:a")
	f.Add([]byte(`{"seq":1,"prev":"x","kid":"k","nonce":"AAAA","ct":"!!"}`), "k:AAAA,b:"+testKey(3))
	f.Fuzz(func(t *testing.T, line []byte, keyText string) {
		if k, err := ParseKeys(keyText); err == nil {
			keys = k
		}
		l, err := parseLink(line)
		if err != nil {
			return
		}
		pt, err := Open(nil, line, &l, keys)
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
