package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/audit"
)

const auditUsage = `Usage:
  ward audit verify [-head SEQ:sha256:HEX] FILE...   check the hash chain of audit files (any order,
                                                     globs allowed); exit 1 at the first broken or
                                                     missing record
  ward audit read [-key-file F | -key-env VAR | -c ward.toml] FILE...
                                                     verify, open sealed records, print plain JSON lines
  ward report [-since 24h] [-format text|json|html] [-o FILE] [key flags] FILE...
                                                     compliance summary of the audit records
`

func cmdAudit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return 2
	}
	switch args[0] {
	case "verify":
		return cmdAuditVerify(args[1:], stdout, stderr)
	case "read":
		return cmdAuditRead(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, auditUsage)
		return 0
	}
	fmt.Fprintf(stderr, "ward audit: unknown command %q\n\n%s", args[0], auditUsage)
	return 2
}

func cmdAuditVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	headFlag := fs.String("head", "", "a checkpoint (SEQ:sha256:HEX from the `audit checkpoint` log line) the log must reach unchanged")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "ward audit verify: no files given\n\n"+auditUsage)
		return 2
	}
	var head *audit.Head
	if *headFlag != "" {
		h, err := audit.ParseHead(*headFlag)
		if err != nil {
			fmt.Fprintln(stderr, "ward audit verify:", err)
			return 2
		}
		head = &h
	}
	s, err := audit.Verify(audit.ExpandPaths(fs.Args()), head)
	if err != nil {
		fmt.Fprintln(stderr, "ward audit verify:", err)
		return 1
	}
	from := "seq 0 (the first record of the chain)"
	if !s.FromGenesis {
		from = fmt.Sprintf("seq %d (older files rotated away or not given)", s.First)
	}
	fmt.Fprintf(stdout, "ok: %d records (%d sealed) in %d files, from %s to seq %d\nhead: %d:%s\n",
		s.Records, s.Sealed, len(s.Files), from, s.Last.Seq, s.Last.Seq, s.Last.Hash)
	if head == nil {
		fmt.Fprintln(stdout, "note: a chain cannot show that its newest records were removed; compare the head with the last `audit checkpoint` logged (-head)")
	}
	return 0
}

// keyFlags are the ways to name the audit keys.
type keyFlags struct {
	file, env, cfg *string
}

func addKeyFlags(fs *flag.FlagSet) keyFlags {
	return keyFlags{
		file: fs.String("key-file", "", "file of audit keys (ID:BASE64 lines)"),
		env:  fs.String("key-env", "", "environment variable holding the audit keys"),
		cfg:  fs.String("c", "", "take [audit] key_file / key_env from this config"),
	}
}

// load returns the keys named, or nil when none is.
func (k keyFlags) load() (*audit.Keyring, error) {
	file, env := *k.file, *k.env
	if file != "" && env != "" {
		return nil, errors.New("-key-file and -key-env are exclusive")
	}
	if file == "" && env == "" && *k.cfg != "" {
		cfg, err := config.Load(*k.cfg)
		if err != nil {
			return nil, err
		}
		file, env = cfg.ResolveFile(cfg.Audit.KeyFile), cfg.Audit.KeyEnv
	}
	if file == "" && env == "" {
		return nil, nil
	}
	return audit.LoadKeys(file, env)
}

func cmdAuditRead(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit read", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kf := addKeyFlags(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "ward audit read: no files given\n\n"+auditUsage)
		return 2
	}
	keys, err := kf.load()
	if err != nil {
		fmt.Fprintln(stderr, "ward audit read:", err)
		return 1
	}
	if _, err := audit.Read(audit.ExpandPaths(fs.Args()), keys, stdout); err != nil {
		fmt.Fprintln(stderr, "ward audit read:", err)
		return 1
	}
	return 0
}

func cmdReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	since := fs.String("since", "24h", "the period: records newer than this (e.g. 24h, 7d, 90m)")
	format := fs.String("format", "text", "text, json or html")
	out := fs.String("o", "", "write the report to this file instead of stdout")
	kf := addKeyFlags(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "ward report: no files given\n\n"+auditUsage)
		return 2
	}
	d, err := parseSince(*since)
	if err != nil || d <= 0 {
		fmt.Fprintf(stderr, "ward report: -since %q: want a positive duration such as 24h or 7d\n", *since)
		return 2
	}
	write := map[string]func(*audit.Report, io.Writer) error{
		"text": (*audit.Report).WriteText, "json": (*audit.Report).WriteJSON, "html": (*audit.Report).WriteHTML,
	}[*format]
	if write == nil {
		fmt.Fprintf(stderr, "ward report: -format %q: want text, json or html\n", *format)
		return 2
	}
	keys, err := kf.load()
	if err != nil {
		fmt.Fprintln(stderr, "ward report:", err)
		return 1
	}
	now := time.Now()
	r, err := audit.Summarise(audit.ExpandPaths(fs.Args()), keys, now.Add(-d), now)
	var p *audit.Problem
	if r == nil {
		fmt.Fprintln(stderr, "ward report:", err)
		return 1
	}
	w := stdout
	if *out != "" {
		f, ferr := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if ferr != nil {
			fmt.Fprintln(stderr, "ward report:", ferr)
			return 1
		}
		defer f.Close()
		w = f
	}
	if werr := write(r, w); werr != nil {
		fmt.Fprintln(stderr, "ward report:", werr)
		return 1
	}
	if errors.As(err, &p) {
		// The report covers the records before the break, and says so.
		fmt.Fprintln(stderr, "ward report: the audit chain is broken:", p)
		return 1
	}
	return 0
}

// parseSince reads a duration, with "d" for days (7d) as well.
func parseSince(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 100000 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return config.ParseDuration(s)
}

// auditReport returns the console's Compliance report: `ward report`'s
// summary of the audit file at path and its rotated files (path.1 ...),
// opened with keys. The live file may end in a line being written: a
// report that finds its last line incomplete is made once more.
func auditReport(path string, keys *audit.Keyring) func(from, to time.Time) (*audit.Report, error) {
	return func(from, to time.Time) (*audit.Report, error) {
		var (
			r   *audit.Report
			err error
		)
		for try := 0; try < 2; try++ {
			files := []string{path}
			rotated, _ := filepath.Glob(path + ".[0-9]*")
			files = append(files, rotated...)
			r, err = audit.Summarise(files, keys, from, to)
			var p *audit.Problem
			if !errors.As(err, &p) || p.Kind != "incomplete" || p.File != path {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		return r, err
	}
}
