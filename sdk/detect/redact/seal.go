package redact

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"strings"
	"unsafe"
)

// Sealing the placeholder mapping.
//
// The response phase needs the mapping the request phase made, but pooled
// instances share nothing (the answer may be handled by another instance)
// and annotations, the only thing that travels from one phase to the next,
// reach later guards and the audit log. So the mapping travels in an
// annotation, sealed: AES-256-GCM under a key derived from the guard's
// tokenize_key, which every instance of the guard receives in its config.
//
// Nonces are synthetic (SIV-style): the first 12 bytes of HMAC-SHA256, under
// a second derived key, of the associated data and the plaintext. Guests
// have no real randomness (wazero's default random source is
// deterministic, the same in every instance), so random nonces would repeat
// across instances and break GCM; a synthetic nonce repeats only for the
// same plaintext under the same associated data, which then yields the
// same ciphertext and reveals nothing but that equality. The associated
// data binds the seal to the guard and the request id, so a mapping cannot
// be replayed into another exchange.
//
// What a reader of the annotation learns: that tokenization happened and
// roughly how many bytes the mapping holds (placeholders and values).
//
// Seal format: "v1." followed by unpadded base64url of nonce || ciphertext.

// MinKeyLen is the shortest tokenize_key accepted.
const MinKeyLen = 32

const sealPrefix = "v1."

// MaxSealedLen bounds the annotation value Open accepts.
const MaxSealedLen = 4 << 20

var errSeal = errors.New("redact: sealed mapping does not open (tampered, truncated, another key or another exchange)")

// Sealer seals and opens placeholder mappings. It keeps scratch buffers:
// not safe for concurrent use (one per guard instance).
type Sealer struct {
	aead  cipher.AEAD
	mac   hash.Hash
	sum   [sha256.Size]byte
	nonce [12]byte
	raw   []byte // nonce || ciphertext
}

// NewSealer derives the sealing keys from secret (at least MinKeyLen
// bytes; use a random value, such as the output of `openssl rand -base64
// 32`).
func NewSealer(secret string) (*Sealer, error) {
	if len(secret) < MinKeyLen {
		return nil, errShortKey
	}
	enc := derive(secret, "ward/redact/v1/encrypt")
	siv := derive(secret, "ward/redact/v1/nonce")
	block, err := aes.NewCipher(enc[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, mac: hmac.New(sha256.New, siv[:])}, nil
}

func derive(secret, label string) (k [32]byte) {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(label))
	m.Sum(k[:0])
	return k
}

func sbytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// Seal appends the sealed form of plain, bound to ad, to dst.
func (s *Sealer) Seal(dst []byte, ad string, plain []byte) []byte {
	s.mac.Reset()
	var n [binary.MaxVarintLen64]byte
	s.mac.Write(n[:binary.PutUvarint(n[:], uint64(len(ad)))])
	s.mac.Write(sbytes(ad))
	s.mac.Write(plain)
	s.mac.Sum(s.sum[:0])
	copy(s.nonce[:], s.sum[:])
	s.raw = append(s.raw[:0], s.nonce[:]...)
	s.raw = s.aead.Seal(s.raw, s.nonce[:], plain, sbytes(ad))
	dst = append(dst, sealPrefix...)
	return base64.RawURLEncoding.AppendEncode(dst, s.raw)
}

// Open appends the plaintext of sealed, which must have been sealed with
// the same key and ad, to dst. Anything else is an error.
func (s *Sealer) Open(dst []byte, ad string, sealed string) ([]byte, error) {
	if len(sealed) > MaxSealedLen || !strings.HasPrefix(sealed, sealPrefix) {
		return dst, errSeal
	}
	var err error
	s.raw, err = base64.RawURLEncoding.AppendDecode(s.raw[:0], sbytes(sealed[len(sealPrefix):]))
	if err != nil || len(s.raw) < len(s.nonce)+s.aead.Overhead() {
		return dst, errSeal
	}
	out, err := s.aead.Open(dst, s.raw[:len(s.nonce)], s.raw[len(s.nonce):], sbytes(ad))
	if err != nil {
		return dst, errSeal
	}
	return out, nil
}
