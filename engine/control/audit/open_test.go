package audit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// refOpen is Open as it was before it decrypted in dst's room: decode,
// decrypt into a fresh buffer, then append.
func refOpen(dst, line []byte, l *Link, keys *Keyring) ([]byte, error) {
	if l.CT == "" {
		return append(dst, line...), nil
	}
	if keys == nil {
		return nil, fmt.Errorf("sealed with key %q: a key file is needed", l.Kid)
	}
	nonce, err1 := base64.RawStdEncoding.DecodeString(l.Nonce)
	ct, err2 := base64.RawStdEncoding.DecodeString(l.CT)
	if err1 != nil || err2 != nil {
		return nil, errors.New("nonce or ciphertext is not base64")
	}
	pt, err := keys.open(nil, l.Kid, *l.Seq, l.Prev, nonce, ct)
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", l.Kid, err)
	}
	pt = bytes.TrimSpace(pt)
	if len(pt) < 2 || pt[0] != '{' {
		return nil, errors.New("opened record is not a JSON object")
	}
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, *l.Seq, 10)
	dst = append(dst, `,"prev":"`...)
	dst = append(dst, l.Prev...)
	dst = append(dst, '"')
	if len(pt) > 2 {
		dst = append(append(dst, ','), pt[1:]...)
	} else {
		dst = append(dst, '}')
	}
	return dst, nil
}

// TestOpenMatchesReference: Open gives what the reference gives (bytes or
// error) for sealed records of every shape, into fresh buffers and into
// one reused with room to spare, and leaves none of the record's
// plaintext in that room.
func TestOpenMatchesReference(t *testing.T) {
	keys, _ := ParseKeys("k:" + testKey(1) + ",o:" + testKey(2))
	other, _ := ParseKeys("k:" + testKey(3))
	var c chain
	c.kid, c.aead = "k", keys.keys["k"]
	const secret = "SECRET-PLAINTEXT-MARKER"
	bodies := []string{
		`{"time":"2026-11-26T00:00:00Z","request_id":"r","status":403,"note":"` + secret + `"}`,
		`{}`, ` {} `, "\n\t{\"a\":\"" + secret + "\"}\n ", `{"a":1}`, `[]`, `"` + secret + `"`, ``, `{`, ` { "x" : "` + strings.Repeat(secret, 40) + `" } `,
	}
	var lines [][]byte
	for _, b := range bodies {
		line := c.appendLine(nil, []byte(b), true)
		lines = append(lines, line[:len(line)-1])
	}
	// Lines that do not open: damaged base64, a flipped ciphertext byte,
	// a nonce of the wrong size, an unknown key, and a plain line.
	lines = append(lines,
		bytes.Replace(lines[0], []byte(`"ct":"`), []byte(`"ct":"!`), 1),
		bytes.Replace(lines[0], []byte(`"nonce":"`), []byte(`"nonce":"AAAA`), 1),
		bytes.Replace(lines[0], []byte(`"nonce":"`), []byte(`"nonce":"`+strings.Repeat("A", 64)), 1),
		bytes.Replace(lines[0], []byte(`"kid":"k"`), []byte(`"kid":"zz"`), 1),
		[]byte(`{"seq":7,"prev":"`+zeroHash+`","kind":"admin","action":"reload"}`),
	)
	if i := bytes.Index(lines[1], []byte(`"ct":"`)) + 6; true {
		flipped := bytes.Clone(lines[1])
		if flipped[i] == 'A' {
			flipped[i] = 'B'
		} else {
			flipped[i] = 'A'
		}
		lines = append(lines, flipped)
	}
	reused := make([]byte, 0, 64)
	for i, line := range lines {
		l, err := parseLink(line)
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		for _, k := range []*Keyring{keys, other, nil} {
			want, werr := refOpen([]byte("prefix:"), line, &l, k)
			got, gerr := Open([]byte("prefix:"), line, &l, k)
			if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() || !bytes.Equal(got, want) {
				t.Fatalf("line %d: Open = %q, %v; reference %q, %v", i, got, gerr, want, werr)
			}
			if k != keys {
				continue
			}
			// Into a reused buffer with room to spare (emptied first: what
			// an earlier call returned is the caller's to clear).
			clear(reused[:cap(reused)])
			got, gerr = Open(reused[:0], line, &l, k)
			want, _ = refOpen(nil, line, &l, k)
			if gerr != nil || werr != nil {
				if (werr == nil) != (gerr == nil) {
					t.Fatalf("line %d reused: %v, reference %v", i, gerr, werr)
				}
				continue
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("line %d reused: %q, reference %q", i, got, want)
			}
			reused = got
			if bytes.Contains(got[len(got):cap(got)], []byte(secret[:8])) {
				t.Fatalf("line %d: plaintext left in the buffer's room", i)
			}
		}
	}
}

// BenchmarkOpenSealed opens one sealed record after another into one
// buffer, as Summarise does.
func BenchmarkOpenSealed(b *testing.B) {
	keys, _ := ParseKeys("k:" + testKey(1))
	var c chain
	c.kid, c.aead = "k", keys.keys["k"]
	line := c.appendLine(nil, []byte(`{"time":"2026-11-26T00:00:00Z","request_id":"r","status":200,"guards":[{"guard":"g","verdict":"allow"}],"prompt":"`+strings.Repeat("lorem ipsum ", 50)+`"}`), true)
	line = line[:len(line)-1]
	l, err := parseLink(line)
	if err != nil {
		b.Fatal(err)
	}
	var pt []byte
	b.ReportAllocs()
	for b.Loop() {
		if pt, err = Open(pt[:0], line, &l, keys); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLinkParserReuse: one linkParser over a sequence of lines (Walk's)
// gives what a fresh parse of each gives, whatever the lines before it
// left in its scratch space and its remembered kind and key id.
func TestLinkParserReuse(t *testing.T) {
	prev := `"prev":"` + zeroHash + `"`
	lines := []string{
		`{"seq":1,` + prev + `,"kind":"start","time":"t"}`,
		`{"seq":2,` + prev + `,"kid":"k","nonce":"AAAAAAAAAAAAAAAA","ct":"` + strings.Repeat("Q", 300) + `"}`,
		`{"seq":3,` + prev + `,"kid":"k","nonce":"BBBBBBBBBBBBBBBB","ct":"QUJD"}`,
		`{"seq":4,` + prev + `,"kind":"admin","kind":"start"}`,
		`{"seq":5,` + prev + `,"kind":null,"kid":"k\u0032"}`,
		`{"seq":6,` + prev + `,"kind":"st\"art"}`,
		`{"seq":7,` + prev + `}`,
		`{"seq":8,"prev":"x"}`,
		`not json`,
		`{"seq":9,` + prev + `,"kind":"start","kid":"k"}`,
	}
	var p linkParser
	for i, line := range lines {
		got, gerr := p.parse([]byte(line))
		want, werr := parseLink([]byte(line))
		if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			t.Fatalf("line %d: error %v, fresh parse %v", i, gerr, werr)
		}
		if (got.Seq == nil) != (want.Seq == nil) || got.Seq != nil && *got.Seq != *want.Seq ||
			got.Prev != want.Prev || got.Kind != want.Kind || got.Kid != want.Kid || got.Nonce != want.Nonce || got.CT != want.CT {
			t.Fatalf("line %d: %+v, fresh parse %+v", i, got, want)
		}
	}
}
