package audit

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// The chain: every line of the audit log is one JSON object that begins
// with its position and the hash of the line before it,
//
//	{"seq":N,"prev":"sha256:HEX",...}
//
// where HEX is the SHA-256 of the previous line as written (without its
// newline). The first line ever has seq 0 and a prev of 64 zeros. Each file
// begins with a start record ({"kind":"start", time, Ward's version, key
// id}), which is a link of the chain like any other, so that rotated files
// chain into each other. With a Keyring a record (but not a start record)
// is written sealed,
//
//	{"seq":N,"prev":"sha256:HEX","kid":"ID","nonce":"B64","ct":"B64"}
//
// and the chain runs over these lines as written: it is verified without
// the key.

const hashPrefix = "sha256:"

// chain is the writer's side of the hash chain. It is used by the writer
// goroutine only.
type chain struct {
	seq     uint64   // seq of the next record
	prev    [32]byte // hash of the last line written
	kid     string
	aead    cipher.AEAD
	nonce   [12]byte
	ad, ct  []byte
	prevHex [len(hashPrefix) + 64]byte
}

func newChain(k *Keyring) *chain {
	c := &chain{}
	if k != nil {
		c.kid = k.active
		c.aead = k.keys[k.active]
	}
	return c
}

// appendLine appends the chained line of body (one JSON object, without
// a newline) to dst, sealed when seal is set and the chain has a key, and
// advances the chain.
func (c *chain) appendLine(dst, body []byte, seal bool) []byte {
	start := len(dst)
	copy(c.prevHex[:], hashPrefix)
	hex.Encode(c.prevHex[len(hashPrefix):], c.prev[:])
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, c.seq, 10)
	dst = append(dst, `,"prev":"`...)
	dst = append(dst, c.prevHex[:]...)
	dst = append(dst, '"')
	if seal && c.aead != nil {
		if _, err := rand.Read(c.nonce[:]); err != nil {
			panic("audit: crypto/rand failed: " + err.Error()) // never returns an error since Go 1.24
		}
		c.ad = appendAD(c.ad[:0], c.kid, c.seq, c.prevHex[:])
		c.ct = c.aead.Seal(c.ct[:0], c.nonce[:], body, c.ad)
		dst = append(dst, `,"kid":"`...)
		dst = append(dst, c.kid...)
		dst = append(dst, `","nonce":"`...)
		dst = base64.RawStdEncoding.AppendEncode(dst, c.nonce[:])
		dst = append(dst, `","ct":"`...)
		dst = base64.RawStdEncoding.AppendEncode(dst, c.ct)
		dst = append(dst, `"}`...)
	} else {
		body = bytes.TrimSpace(body)
		if len(body) > 2 {
			dst = append(dst, ',')
			dst = append(dst, body[1:]...)
		} else {
			dst = append(dst, '}')
		}
	}
	c.prev = sha256.Sum256(dst[start:])
	c.seq++
	return append(dst, '\n')
}

// appendStart appends the body of a start record.
func (c *chain) appendStart(dst []byte, now time.Time, version string, restart bool) []byte {
	dst = append(dst, `{"kind":"start","time":"`...)
	dst = now.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","version":`...)
	dst = appendString(dst, version, 64)
	if c.aead != nil {
		dst = append(dst, `,"kid":"`...)
		dst = append(dst, c.kid...)
		dst = append(dst, '"')
	}
	if restart {
		dst = append(dst, `,"restart":true`...)
	}
	return append(dst, '}')
}

// Link is what the chain needs of a line: its position, the hash of the
// line before it, its kind, and for a sealed record its key id, nonce and
// ciphertext.
type Link struct {
	Seq   *uint64 `json:"seq"`
	Prev  string  `json:"prev"`
	Kind  string  `json:"kind"`
	Kid   string  `json:"kid"`
	Nonce string  `json:"nonce"`
	CT    string  `json:"ct"`
}

// parseLink parses a line (without its newline): the members of the chain
// are read, the others only checked as JSON (scan.go), with json.Unmarshal's
// result (FuzzScan compares them).
func parseLink(line []byte) (Link, error) {
	var p linkParser
	return p.parse(line)
}

// linkParser is parseLink with its scratch space kept from line to line
// (Walk's), and the kind and key id of the last line reused when the next
// has the same: a log's records then cost only their own strings.
type linkParser struct {
	scratch, sv []byte
	kind, kid   string
}

func (p *linkParser) parse(line []byte) (Link, error) {
	var l Link
	str := func(dst *string, v []byte, last *string) error {
		out, ok, err := stringValue(p.sv, v)
		if err != nil {
			return err
		}
		if ok {
			p.sv = out
			switch {
			case last != nil && *last == string(out):
				*dst = *last
			default:
				*dst = string(out)
				if last != nil {
					*last = *dst
				}
			}
		}
		return nil
	}
	_, err := eachMember(line, &p.scratch, func(key, v []byte) error {
		switch {
		case keyIs(key, "seq"):
			_, u, ok, err := intValue(v, 64, true)
			switch {
			case err != nil:
				return err
			case !ok:
				l.Seq = nil
			default:
				l.Seq = &u
			}
			return nil
		case keyIs(key, "prev"):
			return str(&l.Prev, v, nil)
		case keyIs(key, "kind"):
			return str(&l.Kind, v, &p.kind)
		case keyIs(key, "kid"):
			return str(&l.Kid, v, &p.kid)
		case keyIs(key, "nonce"):
			return str(&l.Nonce, v, nil)
		case keyIs(key, "ct"):
			return str(&l.CT, v, nil)
		}
		return nil
	})
	if err != nil {
		return Link{}, errors.New("not a JSON object")
	}
	if l.Seq == nil {
		return l, errors.New(`no "seq"`)
	}
	if len(l.Prev) != len(hashPrefix)+64 || l.Prev[:len(hashPrefix)] != hashPrefix {
		return l, errors.New(`no "prev" hash`)
	}
	for i := len(hashPrefix); i < len(l.Prev); i++ {
		if !isHex(l.Prev[i]) {
			return l, errors.New(`bad "prev" hash`)
		}
	}
	return l, nil
}

// resume finds where the chain of an existing audit file stops: the seq
// and hash of its last complete line. ok is false when path is empty or
// absent. partial reports a last line cut short (a crash during a write).
func resume(path string) (seq uint64, hash [32]byte, ok, partial bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return 0, hash, false, false, nil
		}
		return 0, hash, false, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return 0, hash, false, false, err
	}
	// Read backwards in growing windows until a whole last line is seen.
	size := fi.Size()
	for win := int64(64 << 10); ; win *= 4 {
		off := max(size-win, 0)
		buf := make([]byte, size-off)
		if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
			return 0, hash, false, false, err
		}
		end := len(buf)
		if buf[end-1] != '\n' {
			partial = true
			i := bytes.LastIndexByte(buf, '\n')
			if i < 0 {
				if off > 0 {
					continue
				}
				return 0, hash, false, true, nil // one partial line: nothing to chain from
			}
			end = i + 1
		}
		line := buf[:end-1]
		i := bytes.LastIndexByte(line, '\n')
		if i < 0 && off > 0 {
			continue
		}
		line = line[i+1:]
		l, err := parseLink(line)
		if err != nil {
			return 0, hash, false, partial, fmt.Errorf("last record: %v", err)
		}
		return *l.Seq + 1, sha256.Sum256(line), true, partial, nil
	}
}
