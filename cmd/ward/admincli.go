package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/reload"
)

// adminClient is the admin API as the CLI reaches it.
type adminClient struct {
	base  string
	token string
	http  *http.Client
}

// adminFlags parses the flags shared by the commands that call the admin
// API: -c (read [admin] listen and token_file from the config), -addr and
// -token-file (override it); the token may also come from WARD_ADMIN_TOKEN.
func adminFlags(name string, args []string, stderr io.Writer) (c *adminClient, asJSON bool, ok bool) {
	c, asJSON, _, ok = adminFlagsArgs(name, args, 0, nil, stderr)
	return c, asJSON, ok
}

// adminFlagsArgs is adminFlags for a command that takes exactly nargs
// arguments (before, between or after the flags) and flags of its own,
// defined by more.
func adminFlagsArgs(name string, args []string, nargs int, more func(*flag.FlagSet), stderr io.Writer) (c *adminClient, asJSON bool, pos []string, ok bool) {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	path := fset.String("c", "ward.toml", "config file naming the admin listener and token file")
	addr := fset.String("addr", "", "admin API address host:port (default: [admin] listen of the config)")
	tokenFile := fset.String("token-file", "", "file holding the admin token (default: [admin] token_file of the config, or $WARD_ADMIN_TOKEN)")
	jsonOut := fset.Bool("json", false, "print the API's JSON answer")
	caFile := fset.String("cacert", "", "PEM CA file to verify an HTTPS admin listener with (default: the system's roots)")
	certFile := fset.String("cert", "", "PEM client certificate for an admin listener with client_ca (mTLS)")
	keyFile := fset.String("key", "", "PEM key of -cert")
	if more != nil {
		more(fset)
	}
	for {
		if err := fset.Parse(args); err != nil {
			return nil, false, nil, false
		}
		if fset.NArg() == 0 {
			break
		}
		pos = append(pos, fset.Arg(0))
		args = fset.Args()[1:]
	}
	if len(pos) != nargs {
		if len(pos) > nargs {
			fmt.Fprintf(stderr, "ward %s: unexpected argument %q\n", name, pos[nargs])
		} else {
			fmt.Fprintf(stderr, "ward %s: missing arguments (see ward help)\n", name)
		}
		return nil, false, nil, false
	}
	c = &adminClient{http: &http.Client{Timeout: 2 * time.Minute}, token: os.Getenv("WARD_ADMIN_TOKEN")}
	useTLS := false
	if a, ok := strings.CutPrefix(*addr, "https://"); ok {
		*addr, useTLS = a, true
	}
	if *addr == "" || (*tokenFile == "" && c.token == "") || !useTLS {
		cfg, err := config.Load(*path)
		if err != nil && *addr == "" {
			printErrors(stderr, err)
			return nil, false, nil, false
		}
		if cfg != nil {
			if *addr == "" {
				*addr = cfg.Admin.Listen
			}
			if *tokenFile == "" && c.token == "" && cfg.Admin.TokenFile != "" {
				*tokenFile = cfg.ResolveFile(cfg.Admin.TokenFile)
			}
			useTLS = useTLS || cfg.Admin.TLS.Enabled()
		}
	}
	if *addr == "" {
		fmt.Fprintf(stderr, "ward %s: no admin API: set [admin] listen in %s or pass -addr\n", name, *path)
		return nil, false, nil, false
	}
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			fmt.Fprintf(stderr, "ward %s: %v\n", name, err)
			return nil, false, nil, false
		}
		c.token = strings.TrimSpace(string(b))
	}
	c.base = "http://" + *addr
	if useTLS || *caFile != "" || *certFile != "" {
		tc, err := adminTLS(*caFile, *certFile, *keyFile)
		if err != nil {
			fmt.Fprintf(stderr, "ward %s: %v\n", name, err)
			return nil, false, nil, false
		}
		c.base = "https://" + *addr
		c.http.Transport = &http.Transport{TLSClientConfig: tc}
	}
	return c, *jsonOut, pos, true
}

// adminTLS is the client side of an admin listener with TLS: the CA to
// trust (none: the system's) and the client certificate for mTLS.
func adminTLS(caFile, certFile, keyFile string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		b, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
		}
		tc.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("-cert and -key go together")
	}
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}

func (c *adminClient) do(method, path string, out any) (int, []byte, error) {
	return c.doBody(method, path, "", nil, out)
}

// doBody is do with a request body of content type ctype.
func (c *adminClient) doBody(method, path, ctype string, body io.Reader, out any) (int, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return resp.StatusCode, b, errors.New("the admin API refused the token (set -token-file, or WARD_ADMIN_TOKEN to the admin token or an operator session token from `ward login`)")
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, b, fmt.Errorf("unexpected answer (%d): %.200s", resp.StatusCode, b)
		}
	}
	return resp.StatusCode, b, nil
}

// send is doBody with in (when not nil) sent as JSON.
func (c *adminClient) send(method, path string, in, out any) (int, []byte, error) {
	if in == nil {
		return c.doBody(method, path, "", nil, out)
	}
	b, err := json.Marshal(in)
	if err != nil {
		return 0, nil, err
	}
	return c.doBody(method, path, "application/json", bytes.NewReader(b), out)
}

// cmdGuards prints the live guards.
func cmdGuards(args []string, stdout, stderr io.Writer) int {
	c, asJSON, ok := adminFlags("guards", args, stderr)
	if !ok {
		return 2
	}
	var list struct {
		Generation int           `json:"generation"`
		Guards     []admin.Guard `json:"guards"`
	}
	st, raw, err := c.do("GET", "/guards", &list)
	if err == nil && st != http.StatusOK {
		err = fmt.Errorf("admin API answered %d: %.200s", st, raw)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ward guards:", err)
		return 1
	}
	if asJSON {
		stdout.Write(raw)
		return 0
	}
	fmt.Fprintf(stdout, "pipeline generation %d\n", list.Generation)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	// POOL is live instances / the most the pool may have. P50 and P99
	// include the wait for an instance; WAITED is the share of calls that
	// waited and their mean wait.
	fmt.Fprintln(tw, "NAME\tVERSION\tMODE\tON_ERROR\tPOOL\tCALLS\tERRORS\tP50\tP99\tWAITED\tSHA256\tCANDIDATE")
	for _, g := range list.Guards {
		sha := g.SHA256
		if len(sha) > 12 {
			sha = sha[:12]
		}
		cand := "-"
		if c := g.Candidate; c != nil {
			cand = fmt.Sprintf("%s (%d/%d disagree, %.1f%%)", c.Version, c.Disagreements, c.Calls, 100*c.DisagreementRate)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", g.Name, g.Version, g.Mode, g.OnError, g.Instances, g.PoolSize,
			g.Calls, g.Errors, micros(g.P50us), micros(g.P99us), waited(g.Waits, g.WaitSeconds, g.Calls), sha, cand)
	}
	tw.Flush()
	return 0
}

// waited is the WAITED column of ward guards: the share of calls that
// waited for an instance and their mean wait ("12% 350µs"), "-" if none.
func waited(waits uint64, seconds float64, calls uint64) string {
	if waits == 0 || calls == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%% %s", 100*float64(waits)/float64(calls), micros(seconds*1e6/float64(waits)))
}

func micros(us float64) string {
	if us == 0 {
		return "-"
	}
	return time.Duration(us * 1e3).Round(time.Microsecond).String()
}

// cmdReload asks the gateway to reload (name "reload") or to roll back
// ("rollback").
func cmdReload(name string, args []string, stdout, stderr io.Writer) int {
	c, asJSON, ok := adminFlags(name, args, stderr)
	if !ok {
		return 2
	}
	var res reload.Result
	st, raw, err := c.do("POST", "/"+name, &res)
	return printSwap(name, st, raw, &res, err, asJSON, stdout, stderr)
}

// printSwap prints the answer of a swap request (reload, rollback,
// promote, mode, upload) and returns the exit code.
func printSwap(name string, st int, raw []byte, res *reload.Result, err error, asJSON bool, stdout, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintf(stderr, "ward %s: %v\n", name, err)
		return 1
	}
	if res.Error == "" && res.Generation == 0 && st != http.StatusOK {
		// Not a swap result: the API's own refusal ({"error": ...}).
		var e struct{ Error string }
		_ = json.Unmarshal(raw, &e)
		res.Error = e.Error
		if res.Error == "" {
			res.Error = fmt.Sprintf("admin API answered %d: %.200s", st, raw)
		}
	}
	if asJSON {
		stdout.Write(raw)
	} else if res.OK {
		fmt.Fprintf(stdout, "generation %d live in %s", res.Generation, res.Duration.Round(time.Microsecond))
		if len(res.Loaded) > 0 {
			fmt.Fprintf(stdout, "; loaded %s", strings.Join(res.Loaded, ", "))
		}
		if len(res.Reused) > 0 {
			fmt.Fprintf(stdout, "; unchanged %s", strings.Join(res.Reused, ", "))
		}
		fmt.Fprintln(stdout)
		if len(res.Restart) > 0 {
			fmt.Fprintf(stdout, "not applied until a restart: %s\n", strings.Join(res.Restart, ", "))
		}
	}
	if st != http.StatusOK {
		if !asJSON {
			fmt.Fprintf(stderr, "ward %s: refused; generation %d keeps serving:\n", name, res.Generation)
			for _, line := range strings.Split(res.Error, "\n") {
				fmt.Fprintln(stderr, "  "+line)
			}
		}
		return 1
	}
	return 0
}

// cmdPromote makes a guard's candidate the guard.
func cmdPromote(args []string, stdout, stderr io.Writer) int {
	c, asJSON, pos, ok := adminFlagsArgs("promote", args, 1, nil, stderr)
	if !ok {
		return 2
	}
	body, _ := json.Marshal(map[string]string{"guard": pos[0]})
	return c.override("promote", pos[0], "/promote", "application/json", bytes.NewReader(body), asJSON, stdout, stderr)
}

// cmdMode sets a guard's mode.
func cmdMode(args []string, stdout, stderr io.Writer) int {
	c, asJSON, pos, ok := adminFlagsArgs("mode", args, 2, nil, stderr)
	if !ok {
		return 2
	}
	if pos[1] != config.ModeEnforce && pos[1] != config.ModeObserve {
		fmt.Fprintf(stderr, "ward mode: %q is not a mode (want enforce|observe)\n", pos[1])
		return 2
	}
	body, _ := json.Marshal(map[string]string{"guard": pos[0], "mode": pos[1]})
	return c.override("mode", pos[0], "/mode", "application/json", bytes.NewReader(body), asJSON, stdout, stderr)
}

// cmdUpload uploads a module with its SHA-256 and makes it a guard's
// candidate or module.
func cmdUpload(args []string, stdout, stderr io.Writer) int {
	var guard, as string
	c, asJSON, pos, ok := adminFlagsArgs("upload", args, 1, func(f *flag.FlagSet) {
		f.StringVar(&guard, "guard", "", "the guard the module is for (required)")
		f.StringVar(&as, "as", "candidate", "candidate (runs beside the guard, observing) or guard (replaces its module)")
	}, stderr)
	if !ok {
		return 2
	}
	if guard == "" || (as != "candidate" && as != "guard") {
		fmt.Fprintln(stderr, "ward upload: want FILE -guard NAME [-as candidate|guard]")
		return 2
	}
	wasm, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "ward upload:", err)
		return 1
	}
	sum := sha256.Sum256(wasm)
	q := url.Values{"guard": {guard}, "sha256": {hex.EncodeToString(sum[:])}, "as": {as}}
	return c.override("upload", guard, "/modules?"+q.Encode(), "application/wasm", bytes.NewReader(wasm), asJSON, stdout, stderr)
}

// override posts a run-time change of guard and prints the result, then
// the ward.toml lines that make the guard's overrides permanent (they are
// lost at a restart).
func (c *adminClient) override(name, guard, path, ctype string, body io.Reader, asJSON bool, stdout, stderr io.Writer) int {
	var res reload.Result
	st, raw, err := c.doBody("POST", path, ctype, body, &res)
	if code := printSwap(name, st, raw, &res, err, asJSON, stdout, stderr); code != 0 || asJSON {
		return code
	}
	var status reload.Status
	if st, raw, err := c.do("GET", "/status", &status); err != nil || st != http.StatusOK {
		fmt.Fprintf(stderr, "ward %s: reading the overrides: %v %.200s\n", name, err, raw)
		return 0
	}
	printOverrides(stdout, guard, status.Overrides)
	return 0
}

// printOverrides prints the TOML lines that make guard's run-time
// overrides permanent.
func printOverrides(w io.Writer, guard string, ov []reload.Override) {
	var mine []reload.Override
	for _, o := range ov {
		if o.Guard == guard {
			mine = append(mine, o)
		}
	}
	if len(mine) == 0 {
		fmt.Fprintf(w, "guard %s now runs as its config file says\n", guard)
		return
	}
	where := ""
	if mine[0].Line > 0 {
		where = fmt.Sprintf(" (line %d)", mine[0].Line)
	}
	fmt.Fprintf(w, "run-time changes are lost at a restart; to keep them, set in the config file's [guards.%s]%s:\n", guard, where)
	for _, o := range mine {
		v, _ := json.Marshal(o.Value) // a JSON string is a TOML basic string
		fmt.Fprintf(w, "  %s = %s\n", o.Key, v)
	}
}

// cmdSwaps prints the swap history.
func cmdSwaps(args []string, stdout, stderr io.Writer) int {
	c, asJSON, ok := adminFlags("swaps", args, stderr)
	if !ok {
		return 2
	}
	var sw admin.Swaps
	st, raw, err := c.do("GET", "/swaps", &sw)
	if err == nil && st != http.StatusOK {
		err = fmt.Errorf("admin API answered %d: %.200s", st, raw)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ward swaps:", err)
		return 1
	}
	if asJSON {
		stdout.Write(raw)
		return 0
	}
	if sw.LastKnownGood > 0 {
		fmt.Fprintf(stdout, "last known good: generation %d\n", sw.LastKnownGood)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tTRIGGER\tOPERATOR\tTARGET\tGEN\tRESULT\tDURATION\tLOADED\tERROR")
	for _, r := range sw.Swaps {
		result := "ok"
		if !r.OK {
			result = "failed"
		}
		errText, _, _ := strings.Cut(r.Error, "\n")
		if len(errText) > 80 {
			errText = errText[:77] + "..."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r.At.Local().Format(time.DateTime), r.Trigger, dash(r.Operator), dash(r.Target),
			r.Generation, result, r.Duration.Round(time.Microsecond), dash(strings.Join(r.Loaded, ",")), errText)
	}
	tw.Flush()
	return 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
