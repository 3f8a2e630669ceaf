// Package operator authenticates the people who run Ward: each operator
// has a name, a password (stored as an argon2id hash) and a TOTP secret
// (RFC 6238), kept in the operators file ([admin] operators_file) that
// `ward operator add NAME` writes. A login with both factors opens a
// session: a random bearer token, kept in memory, that expires and can be
// revoked. Login attempts are rate-limited per operator and per client
// address, and a TOTP code is accepted once.
package operator

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/crypto/argon2"
)

// Operator is one entry of the operators file.
type Operator struct {
	Name string `toml:"name"`
	// Password is the argon2id hash in PHC form:
	// $argon2id$v=19$m=KIB,t=TIME,p=THREADS$SALT$HASH (base64, no padding).
	Password string `toml:"password"`
	// TOTPSecret is the base32 TOTP secret.
	TOTPSecret string `toml:"totp_secret"`
}

type file struct {
	Operators []Operator `toml:"operators"`
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// reserved are the operator labels the admin API gives requests without
// an operator (admin.TokenOperator, ConsoleOperator, LoopbackOperator,
// and "local" of a lift): an operator of that name would be
// indistinguishable from them in the audit log.
var reserved = []string{"token", "console", "loopback", "local"}

// ValidName reports whether name is a valid operator name:
// [a-z0-9][a-z0-9._-]*, at most 64 characters, and none of the labels
// the admin API uses for requests without an operator (token, console,
// loopback, local).
func ValidName(name string) bool { return nameRE.MatchString(name) && !slices.Contains(reserved, name) }

// Load reads and checks an operators file. Errors name the file and the
// entry, never a hash or secret.
func Load(path string) ([]Operator, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("operator: %w", err)
	}
	return parse(path, data)
}

func parse(path string, data []byte) ([]Operator, error) {
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("operator: %s: invalid file", path)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return nil, fmt.Errorf("operator: %s: unknown key %s", path, u[0])
	}
	seen := map[string]bool{}
	for i, o := range f.Operators {
		switch {
		case !ValidName(o.Name):
			return nil, fmt.Errorf("operator: %s: operators[%d]: invalid name %q", path, i, o.Name)
		case seen[o.Name]:
			return nil, fmt.Errorf("operator: %s: operators[%d]: duplicate name %q", path, i, o.Name)
		}
		seen[o.Name] = true
		if _, err := parseHash(o.Password); err != nil {
			return nil, fmt.Errorf("operator: %s: operator %q: password: %v", path, o.Name, err)
		}
		if _, err := DecodeSecret(o.TOTPSecret); err != nil {
			return nil, fmt.Errorf("operator: %s: operator %q: totp_secret: %v", path, o.Name, err)
		}
	}
	return f.Operators, nil
}

// Add appends a new operator with password to the operators file at path
// (created, mode 0600, when missing), with a fresh TOTP secret, and
// returns the secret. The file is replaced atomically (written beside it,
// then renamed). It fails when name is invalid or already present.
func Add(path, name, password string) (secret string, err error) {
	if !ValidName(name) {
		return "", fmt.Errorf("operator: invalid name %q (want [a-z0-9][a-z0-9._-]*, at most 64, not token, console, loopback or local)", name)
	}
	if len(password) < 12 {
		return "", errors.New("operator: the password must have at least 12 characters")
	}
	var ops []Operator
	if _, statErr := os.Stat(path); statErr == nil {
		if ops, err = Load(path); err != nil {
			return "", err
		}
	} else if !errors.Is(statErr, os.ErrNotExist) {
		return "", fmt.Errorf("operator: %w", statErr)
	}
	if slices.ContainsFunc(ops, func(o Operator) bool { return o.Name == name }) {
		return "", fmt.Errorf("operator: %q is already in %s", name, path)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	if secret, err = NewSecret(); err != nil {
		return "", err
	}
	ops = append(ops, Operator{Name: name, Password: hash, TOTPSecret: secret})
	if err := write(path, ops); err != nil {
		return "", err
	}
	return secret, nil
}

// SetSecret replaces the TOTP secret of operator name in the operators file
// at path (read again, so that operators added since start are kept),
// atomically as Add does. It fails when name is not in the file.
func SetSecret(path, name, secret string) error {
	if _, err := DecodeSecret(secret); err != nil {
		return err
	}
	ops, err := Load(path)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ops, func(o Operator) bool { return o.Name == name })
	if i < 0 {
		return fmt.Errorf("operator: %q is not in %s", name, path)
	}
	ops[i].TOTPSecret = secret
	return write(path, ops)
}

// write replaces the operators file at path with ops: written beside it
// (mode 0600), then renamed.
func write(path string, ops []Operator) error {
	var buf bytes.Buffer
	buf.WriteString("# Ward operators ([admin] operators_file), written by `ward operator add NAME`.\n" +
		"# Passwords are argon2id hashes; TOTP secrets are secrets: keep this file private (0600).\n")
	if err := toml.NewEncoder(&buf).Encode(file{Operators: ops}); err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".operators-*")
	if err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("operator: %w", err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("operator: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("operator: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	return nil
}

// argon2id parameters of new hashes: OWASP's recommended minimum (19 MiB,
// 2 passes, 1 lane), about 20-40 ms per check on a server core. Stored in
// each hash, so they can be raised without invalidating old ones.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password in PHC form, with a
// random salt.
func HashPassword(password string) (string, error) {
	return hashPassword(password, argonMemory, argonTime, argonThreads)
}

// hashPassword hashes with the given argon2id parameters (tests use cheap
// ones; VerifyPassword reads them from the hash).
func hashPassword(password string, memory, time uint32, threads uint8) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, time, memory, threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, time, threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

type argonHash struct {
	m, t      uint32
	p         uint8
	salt, key []byte
}

func parseHash(s string) (*argonHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, errors.New("not an argon2id hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash)")
	}
	h := &argonHash{}
	var p uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.m, &h.t, &p); err != nil || h.m < 8 || h.m > 4<<20 || h.t < 1 || h.t > 100 || p < 1 || p > 255 {
		return nil, errors.New("invalid argon2id parameters")
	}
	h.p = uint8(p)
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return nil, errors.New("invalid salt")
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < 16 {
		return nil, errors.New("invalid hash")
	}
	return h, nil
}

// VerifyPassword reports whether password matches the PHC hash (compared
// in constant time).
func VerifyPassword(hash, password string) bool {
	h, err := parseHash(hash)
	if err != nil {
		return false
	}
	key := argon2.IDKey([]byte(password), h.salt, h.t, h.m, h.p, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1
}
