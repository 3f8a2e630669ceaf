package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeSecret(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token.key")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runToken(now time.Time, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := cmdTokenAt(args, &out, &errOut, now)
	return code, out.String(), errOut.String()
}

func TestTokenIssueVerify(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	key := writeSecret(t, base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))+"\n")
	other := writeSecret(t, base64.RawURLEncoding.EncodeToString([]byte("ffffffffffffffffffffffffffffffff")))

	code, out, errOut := runToken(now, "issue", "--secret-file", key, "--subject", "alice", "--role", "reader", "--role", "writer", "--ttl", "15m", "--id", "t-1")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "wardat_") || strings.Count(out, "\n") != 1 {
		t.Fatalf("issue = %d, %q, %q", code, out, errOut)
	}
	tok := strings.TrimSpace(out)

	cases := []struct {
		name string
		now  time.Time
		args []string
		code int
		want []string
	}{
		{"valid", now.Add(time.Minute), []string{"verify", "--secret-file", key, tok}, 0,
			[]string{"valid\n", "subject:    alice\n", "roles:      reader,writer\n", "id:         t-1\n", "expires at: 2026-05-01T10:15:00Z (in 14m0s)"}},
		{"bearer prefix accepted", now, []string{"verify", "--secret-file", key, "Bearer " + tok}, 0, []string{"valid\n"}},
		{"expired", now.Add(time.Hour), []string{"verify", "--secret-file", key, tok}, 1,
			[]string{"rejected: expired\n", "has expired", "subject:    alice", "(45m0s ago)"}},
		{"within leeway", now.Add(15*time.Minute + 10*time.Second), []string{"verify", "--secret-file", key, tok}, 0, []string{"valid"}},
		{"no leeway", now.Add(15*time.Minute + 10*time.Second), []string{"verify", "--secret-file", key, "--leeway", "0s", tok}, 1, []string{"rejected: expired"}},
		{"not yet valid", now.Add(-time.Hour), []string{"verify", "--secret-file", key, tok}, 1, []string{"rejected: not_yet_valid", "clocks"}},
		{"other secret", now, []string{"verify", "--secret-file", other, tok}, 1, []string{"rejected: bad_signature", "altered or signed with another secret"}},
		{"truncated", now, []string{"verify", "--secret-file", key, tok[:len(tok)-5]}, 1, []string{"rejected: malformed"}},
		{"garbage", now, []string{"verify", "--secret-file", key, "hello"}, 1, []string{"rejected: malformed", "no wardat_ prefix"}},
		{"oversized", now, []string{"verify", "--secret-file", key, "wardat_" + strings.Repeat("A", 5000)}, 1, []string{"rejected: too_large"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runToken(c.now, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, c.code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout %q lacks %q", out, w)
				}
			}
		})
	}
}

func TestTokenUsageErrors(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	key := writeSecret(t, base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	short := writeSecret(t, base64.StdEncoding.EncodeToString([]byte("short")))
	notB64 := writeSecret(t, "this is not base64!")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", nil, 2, "Usage"},
		{"unknown subcommand", []string{"mint"}, 2, `unknown command "mint"`},
		{"issue without subject", []string{"issue", "--secret-file", key}, 2, "--subject is required"},
		{"issue without secret", []string{"issue", "--subject", "a"}, 1, "--secret-file is required"},
		{"issue bad ttl", []string{"issue", "--secret-file", key, "--subject", "a", "--ttl", "-1m"}, 2, "--ttl"},
		{"issue huge ttl", []string{"issue", "--secret-file", key, "--subject", "a", "--ttl", "9000h"}, 2, "--ttl"},
		{"issue unknown flag", []string{"issue", "--secret-file", key, "--subject", "a", "--scope", "x"}, 2, "not defined"},
		{"issue extra argument", []string{"issue", "--secret-file", key, "--subject", "a", "x"}, 2, "unexpected argument"},
		{"issue bad role", []string{"issue", "--secret-file", key, "--subject", "a", "--role", "a,b"}, 1, "invalid_claims"},
		{"issue newline subject", []string{"issue", "--secret-file", key, "--subject", "a\nb"}, 1, "invalid_claims"},
		{"short secret", []string{"issue", "--secret-file", short, "--subject", "a"}, 1, "want at least 32"},
		{"secret not base64", []string{"issue", "--secret-file", notB64, "--subject", "a"}, 1, "not a base64 secret"},
		{"missing secret file", []string{"issue", "--secret-file", filepath.Join(t.TempDir(), "nope"), "--subject", "a"}, 1, "no such file"},
		{"verify without token", []string{"verify", "--secret-file", key}, 2, "exactly one TOKEN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runToken(now, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d (want %d); stdout %q stderr %q, want %q", code, c.code, out, errOut, c.want)
			}
		})
	}
	if code, out, _ := runToken(now, "help"); code != 0 || !strings.Contains(out, "ward token issue") {
		t.Fatalf("help = %d %q", code, out)
	}
}

// TestTokenDefaultClock: cmdToken uses the real clock; a token it issues
// verifies now.
func TestTokenDefaultClock(t *testing.T) {
	key := writeSecret(t, base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	var out, errOut bytes.Buffer
	if code := cmdToken([]string{"issue", "--secret-file", key, "--subject", "bob", "--ttl", "1m"}, &out, &errOut); code != 0 {
		t.Fatalf("issue: %d %s", code, errOut.String())
	}
	tok := strings.TrimSpace(out.String())
	out.Reset()
	if code := cmdToken([]string{"verify", "--secret-file", key, tok}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "subject:    bob") {
		t.Fatalf("verify: %d %q %q", code, out.String(), errOut.String())
	}
}
