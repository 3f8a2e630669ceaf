package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/benchmarks/internal/wrk"
	"github.com/wardgate/ward/engine/config"
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
	for _, sp := range wardSpecs() {
		if sp.deny != nil && !json.Valid(sp.deny.body) {
			t.Errorf("%s: deny probe is not JSON: %s", sp.name, sp.deny.body)
		}
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

// Every Ward target's config passes Ward's own strict parser, with the
// route's guards in the spec's order.
func TestWardConfig(t *testing.T) {
	seen := map[string]bool{}
	for _, sp := range append(wardSpecs(), fusedSpec("/tmp/fused.wasm")) {
		if seen[sp.file] {
			t.Errorf("%s: file name %q used twice", sp.name, sp.file)
		}
		seen[sp.file] = true
		sp.server = "reduce_memory_usage = true\nsoft_memory_limit = \"150MiB\""
		cfg, err := config.Parse(sp.file+".toml", []byte(wardConfig("127.0.0.1:1", "127.0.0.1:2", &sp)))
		if err != nil {
			t.Errorf("%s: %v", sp.name, err)
			continue
		}
		if len(cfg.Server.Listen) != 1 || cfg.Server.Listen[0] != "127.0.0.1:1" {
			t.Errorf("%s: listen %v", sp.name, cfg.Server.Listen)
		}
		if len(cfg.Routes) != 1 || cfg.Routes[0].Upstream.String() != "http://127.0.0.1:2" || cfg.Routes[0].Prefix != "/v1/" {
			t.Errorf("%s: routes %+v", sp.name, cfg.Routes)
		}
		if len(cfg.Guards) != len(sp.guards) {
			t.Errorf("%s: %d guards, want %d", sp.name, len(cfg.Guards), len(sp.guards))
		}
		if got := fmt.Sprint(cfg.Routes[0].Guards); got != fmt.Sprint(sp.guards) {
			t.Errorf("%s: route guards %s, want %v", sp.name, got, sp.guards)
		}
	}
	for _, name := range []string{nameWardBare, nameWardCore, nameWardDemo} {
		found := false
		for _, sp := range wardSpecs() {
			found = found || sp.name == name
		}
		if !found {
			t.Errorf("no spec named %q (the report compares against it)", name)
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

func TestTable(t *testing.T) {
	ms := time.Millisecond
	outs := []outcome{
		{name: "mock", runs: []wrk.Result{{RPS: 30000, P50: ms, P99: 5 * ms}, {RPS: 10000, P50: 3 * ms, P99: 9 * ms}, {RPS: 20000, P50: 2 * ms, P99: 7 * ms}}},
		{name: nameMinproxy, runs: []wrk.Result{{RPS: 10000, P50: 900 * time.Microsecond, P99: 2 * ms}}},
		{name: "nginx", skipped: "nginx not found"},
		{name: nameWardBare, runs: []wrk.Result{{RPS: 8000, P50: ms, P99: 3 * ms}, {RPS: 9000, P50: ms, P99: 3 * ms}, {RPS: 7000, P50: ms, P99: 3 * ms}},
			cpu: []time.Duration{60 * time.Microsecond, 50 * time.Microsecond, 90 * time.Microsecond}},
		{name: "ward + x", failed: "12 non-2xx responses of 100", runs: nil},
	}
	got := table(outs)
	for _, want := range []string{
		"| mock | 20,000 | 2.00ms | 7.00ms | 2.00× | 2.50× | – | 30,000 / 10,000 / 20,000 |",
		"| " + nameMinproxy + " | 10,000 | 900µs | 2.00ms | 1.00× | 1.25× | – | 10,000 |",
		"| nginx | – | – | – | – | – | – | skipped: nginx not found |",
		"| " + nameWardBare + " | 8,000 | 1.00ms | 3.00ms | 0.80× | 1.00× | 60µs | 8,000 / 9,000 / 7,000 |",
		"| ward + x | – | – | – | – | – | – | FAILED: 12 non-2xx responses of 100 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	// Without baselines the ratio columns are empty, not a division by zero.
	if got := table(outs[:1]); !strings.Contains(got, "| 7.00ms | – | – | – |") {
		t.Errorf("no-baseline table:\n%s", got)
	}
}

func TestRateTableAndVerdicts(t *testing.T) {
	us := time.Microsecond
	outs := []outcome{
		{name: nameMock, rate: []rateRun{{p50: 100 * us, p99: 300 * us, p999: 900 * us}}},
		{name: nameWardBare, runs: []wrk.Result{{RPS: 10000}}, startHWMKB: 120 << 10, rate: []rateRun{
			{p50: 200 * us, p99: 500 * us, rssKB: 40 << 10, hwmKB: 50 << 10, cpu: 70 * us},
			{p50: 220 * us, p99: 700 * us, rssKB: 41 << 10, hwmKB: 50 << 10, cpu: 90 * us},
			{p50: 210 * us, p99: 600 * us, rssKB: 40 << 10, hwmKB: 50 << 10, cpu: 60 * us}}},
		{name: nameWardCore, runs: []wrk.Result{{RPS: 5000}}, peakNotReset: true, rate: []rateRun{{p50: 300 * us, p99: 1900 * us, rssKB: 90 << 10, hwmKB: 160 << 10, sent: 10, errors: 2, non2xx: 3}}},
	}
	rt := rateTable(outs)
	for _, want := range []string{
		"| " + nameMock + " | 100µs | 300µs | 900µs | 0 | – | – | – | – |",
		"| " + nameWardBare + " | 210µs | 600µs | 0µs | 0 | – | – | 41 MB (50 MB; 120 MB) | 70µs |",
		"| " + nameWardCore + " | 300µs | 1.90ms | 0µs | 5 of 10 (over capacity) | +90µs | +1.30ms | 90 MB (160 MB since start) | – |",
	} {
		if !strings.Contains(rt, want) {
			t.Errorf("rate table lacks %q:\n%s", want, rt)
		}
	}
	v := strings.Join(verdicts(outs, 5000), "\n")
	for _, want := range []string{
		"0.50× bare Ward's RPS (target >= 0.6×): **not met**",
		"p50 +90µs (target <= 60µs): **not met**; p99 +1.30ms (target <= 1ms): **not met**",
		"90 MB, peak since its start 160 MB (target <= 150 MB): **not met**",
		"failed 5 of 10 requests (beyond its capacity on this machine): **not met**",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("verdicts lack %q:\n%s", want, v)
		}
	}
	outs[2] = outcome{name: nameWardCore, runs: []wrk.Result{{RPS: 7000}}, startHWMKB: 170 << 10, rate: []rateRun{{p50: 250 * us, p99: 900 * us, rssKB: 90 << 10, hwmKB: 100 << 10}}}
	v = strings.Join(verdicts(outs, 5000), "\n")
	if want := "90 MB, peak during the runs 100 MB (target <= 150 MB): met. Before the runs its peak was 170 MB"; !strings.Contains(v, want) {
		t.Errorf("verdicts lack %q:\n%s", want, v)
	}
	if strings.Contains(v, "not met") || strings.Count(v, ": met") != 4 {
		t.Errorf("all targets should be met:\n%s", v)
	}
}

func TestPercentile(t *testing.T) {
	var xs []time.Duration
	for i := 1; i <= 1000; i++ {
		xs = append(xs, time.Duration(i))
	}
	for q, want := range map[float64]time.Duration{0.5: 500, 0.99: 990, 0.999: 999, 1: 1000, 0.0001: 1} {
		if got := percentile(xs, q); got != want {
			t.Errorf("percentile(%v) = %v, want %v", q, got, want)
		}
	}
}

// The chart is well-formed XML with one labelled row per target.
func TestChartSVG(t *testing.T) {
	rows := []chartRow{{name: "a <b>", rps: 1000, p99: time.Millisecond}, {name: nameWardBare, rps: 500, p99: 2 * time.Millisecond, group: 1}}
	svg := chartSVG("t & t", "s", rows)
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid XML: %v\n%s", err, svg)
		}
	}
	for _, want := range []string{"a &lt;b&gt;", "1,000", "2.00ms", "t &amp; t"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

// The value printed after the longest throughput bar (six digits, ~7 px
// each at 12 px Helvetica) ends before the latency panel begins.
func TestChartSVGValuesFit(t *testing.T) {
	rows := []chartRow{{name: "a", rps: 288443, p99: 20 * time.Millisecond}, {name: "b", rps: 100000, p99: 10 * time.Millisecond}}
	svg := chartSVG("t", "s", rows)
	var rects []struct{ x, w int }
	for _, line := range strings.Split(svg, "\n") {
		var x, y, w, h int
		if n, _ := fmt.Sscanf(line, `<rect x="%d" y="%d" width="%d" height="%d"`, &x, &y, &w, &h); n == 4 && h < 24 && w > 12 {
			rects = append(rects, struct{ x, w int }{x, w})
		}
	}
	if len(rects) != 4 {
		t.Fatalf("found %d bars, want 4:\n%s", len(rects), svg)
	}
	rpsBar, p99Bar := rects[0], rects[1]
	if end := rpsBar.x + rpsBar.w + 4 + 7*len("288,443"); end > p99Bar.x {
		t.Errorf("the longest throughput value ends at x=%d, past the latency panel at x=%d", end, p99Bar.x)
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
