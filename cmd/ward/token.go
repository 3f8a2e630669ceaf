package main

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/wardgate/ward/plugins/auth/token"
)

const tokenUsage = `Usage:
  ward token issue  --secret-file F --subject S [--role R]... [--ttl 15m] [--id ID]
  ward token verify --secret-file F [--leeway 30s] TOKEN

issue prints a Ward access token that the auth guard (tokens.secret) accepts
until it expires; verify prints its claims, or why it is rejected (exit 1).
The secret file holds the base64 secret of tokens.secret (at least 32 bytes
decoded), for example from: head -c 32 /dev/urandom | base64 > token.key
`

// maxTokenTTL bounds --ttl: access tokens are meant to be short-lived.
const maxTokenTTL = 30 * 24 * time.Hour

// cmdToken runs "ward token issue|verify". It returns the exit code: 0 on
// success, 1 when a token is rejected or cannot be issued, 2 on usage
// errors.
func cmdToken(args []string, stdout, stderr io.Writer) int {
	return cmdTokenAt(args, stdout, stderr, time.Now())
}

func cmdTokenAt(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return 2
	}
	switch args[0] {
	case "issue":
		return tokenIssue(args[1:], stdout, stderr, now)
	case "verify":
		return tokenVerify(args[1:], stdout, stderr, now)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, tokenUsage)
		return 0
	}
	fmt.Fprintf(stderr, "ward token: unknown command %q\n\n%s", args[0], tokenUsage)
	return 2
}

type roleList []string

func (r *roleList) String() string     { return strings.Join(*r, ",") }
func (r *roleList) Set(v string) error { *r = append(*r, v); return nil }

func tokenFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("ward token "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tokenUsage) }
	return fs, fs.String("secret-file", "", "file holding the base64 token secret (tokens.secret)")
}

func tokenIssue(args []string, stdout, stderr io.Writer, now time.Time) int {
	fs, secretFile := tokenFlags("issue", stderr)
	subject := fs.String("subject", "", "subject of the token (required)")
	ttl := fs.Duration("ttl", 15*time.Minute, "lifetime of the token")
	id := fs.String("id", "", "token id (default: random)")
	var roles roleList
	fs.Var(&roles, "role", "role granted (repeat for several)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "ward token issue: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *subject == "" {
		fmt.Fprintln(stderr, "ward token issue: --subject is required")
		return 2
	}
	if *ttl <= 0 || *ttl > maxTokenTTL {
		fmt.Fprintf(stderr, "ward token issue: --ttl must be between 1s and %s, got %s\n", maxTokenTTL, *ttl)
		return 2
	}
	secret, err := readTokenSecret(*secretFile)
	if err != nil {
		fmt.Fprintln(stderr, "ward token issue:", err)
		return 1
	}
	tok, err := token.Issue(secret, token.Claims{Subject: *subject, Roles: roles, IssuedAt: now, ExpiresAt: now.Add(*ttl), ID: *id}, now)
	if err != nil {
		fmt.Fprintln(stderr, "ward token issue:", err)
		return 1
	}
	fmt.Fprintln(stdout, tok)
	return 0
}

func tokenVerify(args []string, stdout, stderr io.Writer, now time.Time) int {
	fs, secretFile := tokenFlags("verify", stderr)
	leeway := fs.Duration("leeway", 30*time.Second, "clock skew allowed, as the guard's leeway")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "ward token verify: want exactly one TOKEN argument")
		return 2
	}
	secret, err := readTokenSecret(*secretFile)
	if err != nil {
		fmt.Fprintln(stderr, "ward token verify:", err)
		return 1
	}
	tok := strings.TrimSpace(fs.Arg(0))
	tok = strings.TrimPrefix(tok, "Bearer ")
	c, err := token.Verify(secret, tok, now, *leeway)
	if err != nil {
		var te *token.Error
		if !errors.As(err, &te) {
			fmt.Fprintln(stderr, "ward token verify:", err)
			return 1
		}
		fmt.Fprintf(stdout, "rejected: %s\n%s\n", te.Code, explainToken(te))
		if te.Code == token.CodeExpired || te.Code == token.CodeNotYetValid {
			printClaims(stdout, c, now)
		}
		return 1
	}
	fmt.Fprintln(stdout, "valid")
	printClaims(stdout, c, now)
	return 0
}

// explainToken says in a sentence why a token was rejected.
func explainToken(e *token.Error) string {
	var s string
	switch e.Code {
	case token.CodeMalformed:
		s = "the text is not a well-formed Ward access token (wardat_<payload>.<signature>)"
	case token.CodeBadSignature:
		s = "the signature does not match this secret: the token was altered or signed with another secret"
	case token.CodeExpired:
		s = "the token has expired"
	case token.CodeNotYetValid:
		s = "the token is not valid yet: check the clocks of the issuer and the gateway"
	case token.CodeTooLarge:
		s = "the token is longer than 4 KiB"
	case token.CodeWeakSecret:
		s = "the secret is shorter than 32 bytes"
	default:
		s = "the token is invalid"
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func printClaims(w io.Writer, c token.Claims, now time.Time) {
	fmt.Fprintf(w, "subject:    %s\n", c.Subject)
	fmt.Fprintf(w, "roles:      %s\n", strings.Join(c.Roles, ","))
	fmt.Fprintf(w, "id:         %s\n", c.ID)
	fmt.Fprintf(w, "issued at:  %s\n", c.IssuedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "expires at: %s (%s)\n", c.ExpiresAt.UTC().Format(time.RFC3339), relTime(c.ExpiresAt.Sub(now)))
}

func relTime(d time.Duration) string {
	if d >= 0 {
		return "in " + d.Round(time.Second).String()
	}
	return (-d).Round(time.Second).String() + " ago"
}

// readTokenSecret reads the base64 secret (standard or URL alphabet,
// padded or not, surrounding whitespace ignored) from path.
func readTokenSecret(path string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("--secret-file is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSpace(string(b))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if secret, err := enc.Strict().DecodeString(s); err == nil && !strings.ContainsAny(s, "\r\n") {
			if len(secret) < token.MinSecretLen {
				return nil, fmt.Errorf("%s: secret decodes to %d bytes, want at least %d", path, len(secret), token.MinSecretLen)
			}
			return secret, nil
		}
	}
	return nil, fmt.Errorf("%s: not a base64 secret", path)
}
