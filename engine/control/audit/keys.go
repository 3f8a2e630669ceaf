package audit

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Keyring holds the keys that seal and open audit records (AES-256-GCM),
// by key id. One of them, the active key, seals new records; the others
// only open older ones, so keys rotate by id: add the new key, make it
// active, keep the old one for reading. A Keyring is immutable and safe for
// concurrent use.
type Keyring struct {
	active string
	keys   map[string]cipher.AEAD
	ids    []string
}

var kidRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseKeys reads a key list: entries "ID:BASE64" (a 32-byte key in
// standard or URL base64, padded or not), separated by new lines, spaces or
// commas; "#" starts a comment that runs to the end of its line. The first
// key is active unless an "active:ID" entry names another. Errors name the
// entry by number and never quote key material.
func ParseKeys(text string) (*Keyring, error) {
	k := &Keyring{keys: map[string]cipher.AEAD{}}
	active := ""
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, e := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == ',' }) {
			n++
			id, val, ok := strings.Cut(e, ":")
			if !ok {
				return nil, fmt.Errorf("audit keys: entry %d: want ID:BASE64KEY", n)
			}
			if id == "active" {
				if !kidRE.MatchString(val) {
					return nil, fmt.Errorf("audit keys: entry %d: active: invalid key id", n)
				}
				if active != "" {
					return nil, fmt.Errorf("audit keys: entry %d: active named twice", n)
				}
				active = val
				continue
			}
			if !kidRE.MatchString(id) {
				return nil, fmt.Errorf("audit keys: entry %d: invalid key id %q (want [A-Za-z0-9._-]{1,64})", n, id)
			}
			if _, dup := k.keys[id]; dup {
				return nil, fmt.Errorf("audit keys: entry %d: key id %q given twice", n, id)
			}
			key, err := decodeKey(val)
			if err != nil {
				return nil, fmt.Errorf("audit keys: entry %d (key %q): %v", n, id, err)
			}
			block, err := aes.NewCipher(key)
			clear(key)
			if err != nil {
				return nil, fmt.Errorf("audit keys: entry %d (key %q): %v", n, id, err)
			}
			aead, err := cipher.NewGCM(block)
			if err != nil {
				return nil, fmt.Errorf("audit keys: entry %d (key %q): %v", n, id, err)
			}
			k.keys[id] = aead
			k.ids = append(k.ids, id)
		}
	}
	if len(k.ids) == 0 {
		return nil, errors.New("audit keys: no key given")
	}
	if active == "" {
		active = k.ids[0]
	} else if _, ok := k.keys[active]; !ok {
		return nil, fmt.Errorf("audit keys: active key %q is not in the list", active)
	}
	k.active = active
	return k, nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				clear(b)
				return nil, fmt.Errorf("key is %d bytes, want 32 (AES-256)", len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("key is not base64")
}

// LoadKeys reads a Keyring from a file (when file is not "") or from the
// environment variable env.
func LoadKeys(file, env string) (*Keyring, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("audit keys: %w", err)
		}
		defer clear(b)
		k, err := ParseKeys(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return k, nil
	case env != "":
		v, ok := os.LookupEnv(env)
		if !ok || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("audit keys: environment variable %s is not set", env)
		}
		k, err := ParseKeys(v)
		if err != nil {
			return nil, fmt.Errorf("$%s: %w", env, err)
		}
		return k, nil
	}
	return nil, errors.New("audit keys: no key file or environment variable given")
}

// Active is the id of the key that seals new records.
func (k *Keyring) Active() string { return k.active }

// IDs are the key ids, in the order given.
func (k *Keyring) IDs() []string { return append([]string(nil), k.ids...) }

// appendAD appends the additional data of a sealed record: the key id, its
// position and the hash of the record before it, so that a sealed record
// cannot be moved to another place in the chain or relabelled.
func appendAD[S string | []byte](dst []byte, kid string, seq uint64, prev S) []byte {
	dst = append(dst, "ward-audit/1\x00"...)
	dst = append(dst, kid...)
	dst = append(dst, 0)
	dst = strconv.AppendUint(dst, seq, 10)
	dst = append(dst, 0)
	return append(dst, prev...)
}

// ErrWrongKey is returned when a sealed record does not open: the key of
// its id is not the one it was sealed with, or the record was changed.
var ErrWrongKey = errors.New("record does not open with this key (wrong key, or the record was changed)")

// ErrUnknownKey is returned when a record names a key id the Keyring does
// not hold.
var ErrUnknownKey = errors.New("key id not in the key list")

// open decrypts a sealed record into dst.
func (k *Keyring) open(dst []byte, kid string, seq uint64, prev string, nonce, ct []byte) ([]byte, error) {
	aead, ok := k.keys[kid]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKey, kid)
	}
	if len(nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("nonce is %d bytes, want %d", len(nonce), aead.NonceSize())
	}
	ad := appendAD(nil, kid, seq, prev)
	pt, err := aead.Open(dst, nonce, ct, ad)
	if err != nil {
		return nil, ErrWrongKey
	}
	return pt, nil
}
