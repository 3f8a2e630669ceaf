package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
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
	c, asJSON, _, ok = adminFlagsArgs(name, args, 0, stderr)
	return c, asJSON, ok
}

// adminFlagsArgs is adminFlags for commands that take nargs arguments
// after the flags, returned in rest.
func adminFlagsArgs(name string, args []string, nargs int, stderr io.Writer) (c *adminClient, asJSON bool, rest []string, ok bool) {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	path := fset.String("c", "ward.toml", "config file naming the admin listener and token file")
	addr := fset.String("addr", "", "admin API address host:port (default: [admin] listen of the config)")
	tokenFile := fset.String("token-file", "", "file holding the admin token (default: [admin] token_file of the config, or $WARD_ADMIN_TOKEN)")
	jsonOut := fset.Bool("json", false, "print the API's JSON answer")
	if err := fset.Parse(args); err != nil {
		return nil, false, nil, false
	}
	if fset.NArg() > nargs {
		fmt.Fprintf(stderr, "ward %s: unexpected argument %q\n", name, fset.Arg(nargs))
		return nil, false, nil, false
	}
	if fset.NArg() < nargs {
		fmt.Fprintf(stderr, "ward %s: missing argument\n", name)
		return nil, false, nil, false
	}
	rest = fset.Args()
	c = &adminClient{http: &http.Client{Timeout: 2 * time.Minute}, token: os.Getenv("WARD_ADMIN_TOKEN")}
	if *addr == "" || (*tokenFile == "" && c.token == "") {
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
	return c, *jsonOut, rest, true
}

func (c *adminClient) do(method, path string, out any) (int, []byte, error) {
	return c.send(method, path, nil, out)
}

// send is do with a JSON request body (none when in is nil).
func (c *adminClient) send(method, path string, in, out any) (int, []byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
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
	fmt.Fprintln(tw, "NAME\tVERSION\tMODE\tON_ERROR\tPOOL\tCALLS\tERRORS\tP50\tP99\tSHA256")
	for _, g := range list.Guards {
		sha := g.SHA256
		if len(sha) > 12 {
			sha = sha[:12]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", g.Name, g.Version, g.Mode, g.OnError, g.PoolSize,
			g.Calls, g.Errors, micros(g.P50us), micros(g.P99us), sha)
	}
	tw.Flush()
	return 0
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
	if err != nil {
		fmt.Fprintf(stderr, "ward %s: %v\n", name, err)
		return 1
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
