package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/mockllm"
)

// startRedis starts a throwaway redis-server on a free loopback port and
// returns its address. Without redis-server the test is skipped, except in
// CI (CI=true), where .ci/run installs it.
func startRedis(t *testing.T) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server not installed (.ci/run installs it)")
		}
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(stop)
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			fmt.Fprint(c, "PING\r\n")
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return addr, stop
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer PING: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startServe runs `ward serve -c path` and returns its base URL once
// it logs that it is serving.
func startServe(t *testing.T, bin, path string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "-c", path)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(filepath.Dir(path), "cache"))
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait(); cancel() })
	found := make(chan string, 1)
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if bytes.Contains(sc.Bytes(), []byte(`"level":"WARN"`)) || bytes.Contains(sc.Bytes(), []byte(`"level":"ERROR"`)) {
				fmt.Fprintf(os.Stderr, "ward %s: %s\n", filepath.Base(path), sc.Bytes())
			}
			var rec struct {
				Msg    string   `json:"msg"`
				Listen []string `json:"listen"`
			}
			if !sent && json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "ward serving" && len(rec.Listen) > 0 {
				found <- "http://" + rec.Listen[0]
				sent = true
			}
		}
	}()
	select {
	case base := <-found:
		return base
	case <-exited:
		t.Fatal("ward serve exited before serving")
	case <-time.After(60 * time.Second):
		t.Fatal("ward serve did not start")
	}
	return ""
}

// TestRedisSharedLimit: two Ward processes sharing one Redis enforce one
// combined rate limit (issue 3: "Two replicas sharing Redis enforce one
// limit in CI").
func TestRedisSharedLimit(t *testing.T) {
	requireBuiltins(t)
	redisAddr, stopRedis := startRedis(t)
	bin := buildWard(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mock := mockllm.New(mockllm.Options{Logger: slog.New(slog.DiscardHandler)})
	go func() { _ = mock.Serve(ln) }()
	t.Cleanup(func() { mock.Close() })

	const key = "replica-test-key"
	sum := sha256.Sum256([]byte(key))
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
[server]
listen = ["127.0.0.1:0"]
[log]
format = "json"
[state]
backend = "redis"
redis_url = "redis://%s/0"
timeout = "200ms"
key_prefix = "ward-test:"

[guards.auth]
path = "builtin:auth"
grants = ["clock"]
[[guards.auth.config.api_keys]]
id = "k1"
sha256 = "%s"
subject = "carol"
roles = ["analyst"]

[guards.ratelimit]
path = "builtin:ratelimit"
grants = ["state"]
[[guards.ratelimit.config.limits]]
name = "per-key"
by = "key"
requests = 5
window = "1h"

[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://%s"
guards = ["auth", "ratelimit"]
identity_headers = ["authorization"]
`, redisAddr, hex.EncodeToString(sum[:]), ln.Addr())
	path := filepath.Join(dir, "ward.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startServe(t, bin, path)
	b := startServe(t, bin, path)

	post := func(base string) (int, http.Header) {
		req, _ := http.NewRequest("POST", base+"/v1/chat/completions",
			strings.NewReader(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	var codes []int
	var last http.Header
	for i := range 8 {
		base := a
		if i%2 == 1 {
			base = b
		}
		code, h := post(base)
		codes = append(codes, code)
		if code == 429 {
			last = h
		}
	}
	want := []int{200, 200, 200, 200, 200, 429, 429, 429}
	if fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Fatalf("codes across the two replicas = %v, want %v (one shared limit of 5)", codes, want)
	}
	if last.Get("Retry-After") == "" || last.Get("X-Ratelimit-Limit-Requests") != "5" || last.Get("X-Ratelimit-Remaining-Requests") != "0" {
		t.Fatalf("429 headers: %v", last)
	}

	// Redis down: the guard's failure policy (on_backend_error defaults
	// to allow), quickly, on both replicas; never a hang or a crash.
	stopRedis()
	for i := range 6 {
		start := time.Now()
		code, _ := post([]string{a, b}[i%2])
		if took := time.Since(start); code != 200 || took > 2*time.Second {
			t.Fatalf("redis down, request %d: %d after %v, want 200 quickly (fail open)", i, code, took)
		}
	}
}
