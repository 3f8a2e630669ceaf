// Package wardproc runs the ward binary with the demo pipeline for the
// end-to-end runs under benchmarks/ (swapbench, soak): the demo config
// turned into a benchmark's, the process started and its addresses read
// from its log, guard swaps through the admin API, and the process's
// metrics. Not for production use: errors are for a person reading a
// benchmark's output.
package wardproc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/mockllm"
)

// Config turns the demo config (ward demo -print-config) into a
// benchmark's: listeners on free ports, the admin API on loopback, no file
// watching (the benchmark asks for each reload), the denylist read from
// guards/denylist.wasm beside the config, rate limits the load cannot hit,
// and upstream as the route's upstream (host:port).
func Config(demo, upstream string) (string, error) {
	edits := []struct{ re, with string }{
		{`(?m)^listen = \[.*\]$`, `listen = ["127.0.0.1:0"]`},
		{`(?m)^format = ".*"$`, `format = "json"`},
		{`(?m)^level = ".*"$`, `level = "warn"`},
		{`(?m)^path = "builtin:denylist"$`, `path = "guards/denylist.wasm"`},
		{`(?m)^requests = 60$`, `requests = 1000000000`},
		{`(?m)^tokens = 50000$`, `tokens = 1000000000`},
		{`\{\{UPSTREAM\}\}`, "http://" + upstream},
	}
	for _, e := range edits {
		re := regexp.MustCompile(e.re)
		if !re.MatchString(demo) {
			return "", fmt.Errorf("the demo config no longer has %s; update benchmarks/internal/wardproc", e.re)
		}
		demo = re.ReplaceAllString(demo, e.with)
	}
	// The log level line is only in [log]; the ward serving line is
	// logged at info, so keep info.
	demo = strings.Replace(demo, `level = "warn"`, `level = "info"`, 1)
	return demo + "\n[admin]\nlisten = \"127.0.0.1:0\"\n\n[reload]\nwatch = false\n", nil
}

// Process is a running ward.
type Process struct {
	Addr, Admin string // host:port of the gateway and of the admin API
	Dir         string // the config's directory (guards/ is in it)
	cmd         *exec.Cmd
	cancel      context.CancelFunc
	after       []func() // run by Close once ward stopped (StartDemo's mock and directory)
}

// StartDemo runs ward on the demo pipeline (Config of `ward demo
// -print-config`) with the denylist module first, against a mock upstream
// served in this process, in a new temporary directory named after
// prefix. Close also stops the mock and removes the directory.
func StartDemo(ward, prefix string, denylist []byte) (*Process, error) {
	demo, err := exec.Command(ward, "demo", "-print-config").Output()
	if err != nil {
		return nil, fmt.Errorf("%s demo -print-config: %v", ward, err)
	}
	uln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(uln)
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		mock.Close()
		return nil, err
	}
	cleanup := func() { mock.Close(); os.RemoveAll(dir) }
	cfg, err := Config(string(demo), uln.Addr().String())
	if err != nil {
		cleanup()
		return nil, err
	}
	p, err := Start(ward, dir, cfg, denylist)
	if err != nil {
		cleanup()
		return nil, err
	}
	p.after = append(p.after, cleanup)
	return p, nil
}

// Start writes cfg and the denylist module to a new directory under dir,
// runs `ward serve` on it (with a compilation cache of its own) and waits
// until it serves. Close stops it.
func Start(ward, dir, cfg string, denylist []byte) (*Process, error) {
	p := &Process{Dir: dir}
	if err := os.MkdirAll(filepath.Join(dir, "guards"), 0o700); err != nil {
		return nil, err
	}
	if err := WriteAtomic(p.GuardPath(), denylist); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "ward.toml"), []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.cmd = exec.CommandContext(ctx, ward, "serve", "-c", filepath.Join(dir, "ward.toml"))
	p.cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	p.cmd.Stderr = os.Stderr
	if err := p.cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	if p.Addr, p.Admin, err = waitServing(stdout); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// GuardPath is the denylist module's file.
func (p *Process) GuardPath() string { return filepath.Join(p.Dir, "guards", "denylist.wasm") }

// Close stops ward (SIGINT, then the context's kill) and waits for it.
func (p *Process) Close() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cancel()
			<-done
		}
	}
	p.cancel()
	for _, f := range p.after {
		f()
	}
	p.after = nil
}

func waitServing(r io.Reader) (addr, admin string, err error) {
	listenRE := regexp.MustCompile(`"listen":\["([^"]+)"`)
	adminRE := regexp.MustCompile(`"admin":"([^"]+)"`)
	found := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
		sent := false
		for sc.Scan() {
			// Keep reading after the serving line so ward never blocks
			// writing its log.
			if line := sc.Text(); !sent && strings.Contains(line, "ward serving") {
				l, a := listenRE.FindStringSubmatch(line), adminRE.FindStringSubmatch(line)
				if l != nil && a != nil {
					found <- [2]string{l[1], a[1]}
					sent = true
				}
			}
		}
		_, _ = io.Copy(io.Discard, r)
		if !sent {
			close(found)
		}
	}()
	select {
	case v, ok := <-found:
		if !ok {
			return "", "", errors.New("ward exited before serving")
		}
		return v[0], v[1], nil
	case <-time.After(5 * time.Minute): // a cold start compiles every guard; slow on a loaded machine
		return "", "", errors.New("ward did not start in 5 minutes")
	}
}

// Swap is the outcome of one reload through the admin API.
type Swap struct {
	Variant  string
	OK       bool
	Server   time.Duration // ward's "duration": reload request to live
	RoundRTT time.Duration // the admin call, client side
	Err      string
}

// Swap writes module as the denylist's file and asks the admin API to
// reload.
func (p *Process) Swap(c *fasthttp.Client, variant string, module []byte) Swap {
	if err := WriteAtomic(p.GuardPath(), module); err != nil {
		return Swap{Variant: variant, Err: err.Error()}
	}
	return Reload(c, p.Admin, variant)
}

// Reload asks the admin API at admin to reload.
func Reload(c *fasthttp.Client, admin, variant string) Swap {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + admin + "/reload")
	req.Header.SetMethod("POST")
	t0 := time.Now()
	err := c.Do(req, resp)
	s := Swap{Variant: variant, RoundRTT: time.Since(t0)}
	if err != nil {
		s.Err = err.Error()
		return s
	}
	var r struct {
		OK       bool          `json:"ok"`
		Error    string        `json:"error"`
		Duration time.Duration `json:"duration_ns"`
	}
	if err := json.Unmarshal(resp.Body(), &r); err != nil {
		s.Err = fmt.Sprintf("admin answered %d: %.200s", resp.StatusCode(), resp.Body())
		return s
	}
	s.OK, s.Err, s.Server = r.OK, r.Error, r.Duration
	return s
}

// Metrics reads the unlabelled samples named in names from the admin
// API's /metrics (Prometheus text format); a missing one is an error.
func Metrics(c *fasthttp.Client, admin string, names ...string) (map[string]float64, error) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + admin + "/metrics")
	if err := c.DoTimeout(req, resp, 10*time.Second); err != nil {
		return nil, err
	}
	if resp.StatusCode() != fasthttp.StatusOK {
		return nil, fmt.Errorf("/metrics answered %d", resp.StatusCode())
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	out := make(map[string]float64, len(names))
	for _, line := range strings.Split(string(resp.Body()), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok || !want[name] {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return nil, fmt.Errorf("/metrics: %s: %v", name, err)
		}
		out[name] = v
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("/metrics has no %s", n)
		}
	}
	return out, nil
}

// ProcessCPU returns the user+system CPU time of a process (Linux).
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	var ut, st int64
	if _, err := fmt.Sscan(f[11], &ut); err != nil {
		return 0, err
	}
	if _, err := fmt.Sscan(f[12], &st); err != nil {
		return 0, err
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz, nil
}

// Loadavg is the machine's one-minute load average, "?" when unknown.
func Loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// WriteAtomic writes b to path through a rename, so a reload never reads
// half a file.
func WriteAtomic(path string, b []byte) error {
	if err := os.WriteFile(path+".tmp", b, 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// WithCustomSection appends a custom section (id 0) to a module: a valid
// module with a new hash and the same code.
func WithCustomSection(wasm []byte, name string, payload []byte) []byte {
	content := appendULEB(nil, uint32(len(name)))
	content = append(content, name...)
	content = append(content, payload...)
	out := append([]byte(nil), wasm...)
	out = append(out, 0)
	out = appendULEB(out, uint32(len(content)))
	return append(out, content...)
}

func appendULEB(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

// Modules are the denylist variants a swap run cycles through: "A" as
// built, "B" with an extra custom section (a new sha256, the same code),
// "broken" cut in half (must be refused) and "loop", a module that loops
// in ward_request (refused by its self-test).
func Modules(denylistPath, loopPath string) (map[string][]byte, error) {
	denylist, err := os.ReadFile(denylistPath)
	if err != nil {
		return nil, fmt.Errorf("%v (build the guards with go tool task build)", err)
	}
	loop, err := os.ReadFile(loopPath)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		"A":      denylist,
		"B":      WithCustomSection(denylist, "swap-variant", []byte("B")),
		"broken": denylist[:len(denylist)/2],
		"loop":   loop,
	}, nil
}
