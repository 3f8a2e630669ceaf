package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/wardgate/ward/benchmarks/internal/wrk"
)

func TestChatBody(t *testing.T) {
	b := chatBody()
	if len(b) != bodySize {
		t.Fatalf("body is %d bytes, want %d", len(b), bodySize)
	}
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	if len(req.Messages) != 2 || req.Messages[1].Role != "user" || req.Messages[1].Content == "" {
		t.Fatalf("unexpected messages %+v", req.Messages)
	}
	if bytes.Contains(b, []byte(denyPhrase)) {
		t.Fatal("allowed body contains the deny phrase")
	}
	if !bytes.Contains(deniedBody(), []byte(denyPhrase)) || !json.Valid(deniedBody()) {
		t.Fatal("denied body is wrong")
	}
}

func TestWriteWorkload(t *testing.T) {
	dir := t.TempDir()
	script, err := writeWorkload(dir)
	if err != nil {
		t.Fatal(err)
	}
	lua, _ := os.ReadFile(script)
	body, _ := os.ReadFile(filepath.Join(dir, "body.json"))
	if !bytes.Equal(body, chatBody()) {
		t.Error("body file differs from chatBody")
	}
	for _, want := range []string{`"` + filepath.Join(dir, "body.json") + `"`, `wrk.method = "POST"`, `wrk.headers["Content-Type"] = "application/json"`} {
		if !strings.Contains(string(lua), want) {
			t.Errorf("lua script lacks %s:\n%s", want, lua)
		}
	}
}

func TestWardConfig(t *testing.T) {
	for _, guard := range []bool{false, true} {
		var cfg struct {
			Server struct{ Listen []string }
			Log    struct{ Level string }
			Guards map[string]struct {
				Path   string
				Config struct{ Phrases []string }
			}
			Routes []struct {
				Name, Prefix, Upstream string
				Guards                 []string
			}
		}
		md, err := toml.Decode(wardConfig("127.0.0.1:1", "127.0.0.1:2", guard), &cfg)
		if err != nil {
			t.Fatal(err)
		}
		if u := md.Undecoded(); len(u) > 0 {
			t.Errorf("keys outside the expected schema: %v", u)
		}
		if len(cfg.Server.Listen) != 1 || cfg.Server.Listen[0] != "127.0.0.1:1" {
			t.Errorf("listen %v", cfg.Server.Listen)
		}
		if len(cfg.Routes) != 1 || cfg.Routes[0].Upstream != "http://127.0.0.1:2" || cfg.Routes[0].Prefix != "/v1/" {
			t.Errorf("routes %+v", cfg.Routes)
		}
		if guard {
			g, ok := cfg.Guards["denylist"]
			if !ok || g.Path != "builtin:denylist" || len(g.Config.Phrases) != 1 || g.Config.Phrases[0] != denyPhrase {
				t.Errorf("guard %+v", cfg.Guards)
			}
			if len(cfg.Routes[0].Guards) != 1 || cfg.Routes[0].Guards[0] != "denylist" {
				t.Errorf("route guards %v", cfg.Routes[0].Guards)
			}
		} else if len(cfg.Guards) != 0 || len(cfg.Routes[0].Guards) != 0 {
			t.Errorf("no-guard config has guards: %+v %v", cfg.Guards, cfg.Routes[0].Guards)
		}
	}
}

func TestNginxConf(t *testing.T) {
	c := nginxConf("/p", "127.0.0.1:1", "127.0.0.1:2", 2)
	for _, want := range []string{"worker_processes 2;", "server 127.0.0.1:2;", "keepalive 128;", "listen 127.0.0.1:1;",
		"proxy_http_version 1.1;", `proxy_set_header Connection "";`, "access_log off;", "pid /p/nginx.pid;"} {
		if !strings.Contains(c, want) {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
}

func TestReplaceSection(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"empty file", "", markBegin + "\nNEW\n" + markEnd + "\n"},
		{"no markers", "# T\nintro", "# T\nintro\n\n" + markBegin + "\nNEW\n" + markEnd + "\n"},
		{"replace", "# T\n" + markBegin + "\nold\nold2\n" + markEnd + "\ntail\n", "# T\n" + markBegin + "\nNEW\n" + markEnd + "\ntail\n"},
		{"empty section", "a\n" + markBegin + markEnd + "\n", "a\n" + markBegin + "\nNEW\n" + markEnd + "\n"},
		{"reversed markers append", markEnd + "\n" + markBegin + "\n", markEnd + "\n" + markBegin + "\n\n" + markBegin + "\nNEW\n" + markEnd + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := replaceSection(tc.doc, "NEW\n\n"); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestUpdateFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "README.md")
	os.WriteFile(p, []byte("# Bench\n\n"+markBegin+"\nold\n"+markEnd+"\n\n## Other\n"), 0o644)
	if err := updateFile(p, "fresh"); err != nil {
		t.Fatal(err)
	}
	if err := updateFile(p, "fresher"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want := "# Bench\n\n" + markBegin + "\nfresher\n" + markEnd + "\n\n## Other\n"
	if string(got) != want {
		t.Errorf("got %q", got)
	}
}

func TestTable(t *testing.T) {
	ms := time.Millisecond
	outs := []outcome{
		{name: "mock", runs: []wrk.Result{{RPS: 30000, P50: ms, P99: 5 * ms}, {RPS: 10000, P50: 3 * ms, P99: 9 * ms}, {RPS: 20000, P50: 2 * ms, P99: 7 * ms}}},
		{name: nameMinproxy, runs: []wrk.Result{{RPS: 10000, P50: 900 * time.Microsecond, P99: 2 * ms}}},
		{name: "nginx", skipped: "nginx not found"},
		{name: "ward", failed: "12 non-2xx responses of 100", runs: nil},
	}
	got := table(outs, nameMinproxy)
	for _, want := range []string{
		"| mock | 20,000 | 2.00ms | 7.00ms | 2.00× | 30,000 / 10,000 / 20,000 |",
		"| " + nameMinproxy + " | 10,000 | 900µs | 2.00ms | 1.00× | 10,000 |",
		"| nginx | – | – | – | – | skipped: nginx not found |",
		"| ward | – | – | – | – | FAILED: 12 non-2xx responses of 100 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	// Without a baseline the ratio column is empty, not a division by zero.
	if got := table(outs[:1], nameMinproxy); !strings.Contains(got, "| 7.00ms | – |") {
		t.Errorf("no-baseline table:\n%s", got)
	}
}

func TestMedianAndFormat(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median odd = %v", m)
	}
	if m := median([]time.Duration{4, 1, 3, 2}); m != 2 {
		t.Errorf("median even = %v", m) // (2+3)/2 truncated
	}
	for in, want := range map[float64]string{0: "0", 999.6: "1,000", 1234567: "1,234,567", 12: "12"} {
		if got := fmtRPS(in); got != want {
			t.Errorf("fmtRPS(%v) = %q, want %q", in, got, want)
		}
	}
	if got := shellQuote([]string{"-d", "10s", "-out", "a b", "it's"}); got != `-d 10s -out 'a b' 'it'\''s'` {
		t.Errorf("shellQuote = %s", got)
	}
}
