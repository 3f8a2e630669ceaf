package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/incident"
	"github.com/wardgate/ward/engine/control/operator"
)

const quarantineUsage = `Usage:
  ward quarantine list [-c ward.toml] [-addr host:port] [-json]
  ward quarantine lift [-c ward.toml] [-addr host:port] KIND:VALUE   (e.g. ip:203.0.113.9, subject:alice, key:k-alice)
`

// cmdQuarantine lists or lifts quarantines through the admin API.
func cmdQuarantine(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, quarantineUsage)
		return 2
	}
	switch args[0] {
	case "list":
		c, asJSON, _, ok := adminFlagsArgs("quarantine list", args[1:], 0, nil, stderr)
		if !ok {
			return 2
		}
		var res struct {
			Quarantines []incident.Quarantine `json:"quarantines"`
		}
		st, raw, err := c.do("GET", "/quarantines", &res)
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("admin API answered %d: %.200s", st, raw)
		}
		if err != nil {
			fmt.Fprintln(stderr, "ward quarantine list:", err)
			return 1
		}
		if asJSON {
			stdout.Write(raw)
			return 0
		}
		if len(res.Quarantines) == 0 {
			fmt.Fprintln(stdout, "no quarantined identities")
			return 0
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tRULE\tROUTE\tREASON\tSINCE\tLEFT")
		for _, q := range res.Quarantines {
			since := "-"
			if !q.Since.IsZero() {
				since = q.Since.Local().Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", q.ID, q.Rule, q.Route, q.Reason, since, time.Until(q.Until).Round(time.Second))
		}
		tw.Flush()
		return 0
	case "lift":
		c, asJSON, rest, ok := adminFlagsArgs("quarantine lift", args[1:], 1, nil, stderr)
		if !ok {
			return 2
		}
		st, raw, err := c.send("POST", "/quarantines/lift", admin.LiftRequest{Identity: rest[0]}, nil)
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("admin API answered %d: %.200s", st, strings.TrimSpace(string(raw)))
		}
		if err != nil {
			fmt.Fprintln(stderr, "ward quarantine lift:", err)
			return 1
		}
		if asJSON {
			stdout.Write(raw)
		} else {
			fmt.Fprintf(stdout, "lifted %s\n", rest[0])
		}
		return 0
	}
	fmt.Fprintf(stderr, "ward quarantine: unknown command %q\n\n%s", args[0], quarantineUsage)
	return 2
}

const operatorUsage = `Usage:
  ward operator add [-c ward.toml | -file operators.toml] NAME
      enrol an operator: reads the password (twice on a terminal, else one line of stdin),
      writes it (argon2id hash) and a new TOTP secret to [admin] operators_file, and prints
      the otpauth:// URI to add to an authenticator app
`

// cmdOperator manages the operators file.
func cmdOperator(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, operatorUsage)
		return 2
	}
	fset := flag.NewFlagSet("operator add", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("c", "ward.toml", "config file naming [admin] operators_file")
	file := fset.String("file", "", "operators file (default: [admin] operators_file of the config)")
	issuer := fset.String("issuer", "Ward", "issuer shown by authenticator apps")
	if err := fset.Parse(args[1:]); err != nil {
		return 2
	}
	if fset.NArg() != 1 {
		fmt.Fprint(stderr, operatorUsage)
		return 2
	}
	name := fset.Arg(0)
	if !operator.ValidName(name) {
		fmt.Fprintf(stderr, "ward operator add: invalid name %q (want [a-z0-9][a-z0-9._-]*, at most 64)\n", name)
		return 2
	}
	path := *file
	if path == "" {
		cfg, err := config.Load(*cfgPath)
		if err != nil {
			printErrors(stderr, err)
			return 1
		}
		if cfg.Admin.OperatorsFile == "" {
			fmt.Fprintf(stderr, "ward operator add: %s has no [admin] operators_file; set it or pass -file\n", *cfgPath)
			return 1
		}
		path = cfg.ResolveFile(cfg.Admin.OperatorsFile)
	}
	pw, err := readPassword(stdin, bufio.NewReader(stdin), stderr, name)
	if err != nil {
		fmt.Fprintln(stderr, "ward operator add:", err)
		return 1
	}
	secret, err := operator.Add(path, name, pw)
	if err != nil {
		fmt.Fprintln(stderr, "ward operator add:", err)
		return 1
	}
	fmt.Fprintf(stdout, "operator %q added to %s\n", name, path)
	fmt.Fprintf(stdout, "Add this to the operator's authenticator app (TOTP, SHA1, 6 digits, 30 s), then keep it nowhere else:\n\n  %s\n\n",
		operator.URI(*issuer, name, secret))
	fmt.Fprintf(stdout, "(secret %s; a running gateway reads the file at start: restart it)\n", secret)
	return 0
}

// readPassword reads a password: from a terminal without echo, asked
// twice; else the first line of stdin.
func readPassword(stdin io.Reader, lines *bufio.Reader, stderr io.Writer, name string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(stderr, "password for %s: ", name)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", fmt.Errorf("the passwords differ")
		}
		return string(a), nil
	}
	line, err := lines.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password on stdin")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// cmdLogin opens an operator session and prints its token (for
// WARD_ADMIN_TOKEN).
func cmdLogin(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, _, rest, ok := adminFlagsArgs("login", args, 1, nil, stderr)
	if !ok {
		fmt.Fprintln(stderr, "usage: ward login [-c ward.toml] [-addr host:port] OPERATOR   (password and TOTP code: terminal prompts, or two lines of stdin)")
		return 2
	}
	name := rest[0]
	lines := bufio.NewReader(stdin)
	pw, err := readPassword(stdin, lines, stderr, name)
	if err != nil {
		fmt.Fprintln(stderr, "ward login:", err)
		return 1
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "TOTP code: ")
	}
	code, _ := lines.ReadString('\n')
	var res admin.LoginResponse
	c.token = ""
	st, raw, err := c.send("POST", "/login", admin.LoginRequest{Operator: name, Password: pw, TOTP: strings.TrimSpace(code)}, &res)
	if err == nil && st != http.StatusOK {
		err = fmt.Errorf("admin API answered %d: %.200s", st, strings.TrimSpace(string(raw)))
	}
	if err != nil {
		fmt.Fprintln(stderr, "ward login:", err)
		return 1
	}
	fmt.Fprintf(stderr, "session for %s until %s\n", res.Operator, res.Expires.Local().Format(time.DateTime))
	fmt.Fprintln(stdout, res.Token)
	return 0
}
