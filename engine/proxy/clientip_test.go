package proxy

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

func TestAppendClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name    string
		peer    string
		xff     []string // X-Forwarded-For headers, in order
		trusted []netip.Prefix
		want    string
	}{
		{"no trusted proxies: the peer", "127.0.0.1", []string{"203.0.113.9"}, nil, "127.0.0.1"},
		{"untrusted peer: its headers ignored", "198.51.100.7", []string{"203.0.113.9"}, trusted, "198.51.100.7"},
		{"trusted peer, no header", "127.0.0.1", nil, trusted, "127.0.0.1"},
		{"trusted peer, one hop", "127.0.0.1", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
		{"client-written entries left of the real one", "127.0.0.1", []string{"1.1.1.1, 2.2.2.2, 203.0.113.9"}, trusted, "203.0.113.9"},
		{"chain of trusted proxies", "127.0.0.1", []string{"203.0.113.9, 10.1.2.3,10.9.9.9"}, trusted, "203.0.113.9"},
		{"all trusted: the left-most", "127.0.0.1", []string{"10.0.0.5, 10.0.0.6"}, trusted, "10.0.0.5"},
		{"malformed entry stops at the last trusted hop", "127.0.0.1", []string{"203.0.113.9, evil, 10.0.0.6"}, trusted, "10.0.0.6"},
		{"malformed right-most: the peer", "127.0.0.1", []string{"203.0.113.9, unknown"}, trusted, "127.0.0.1"},
		{"port is malformed", "127.0.0.1", []string{"203.0.113.9:4711"}, trusted, "127.0.0.1"},
		{"empty elements and spaces", "127.0.0.1", []string{" ,203.0.113.9 ,\t, "}, trusted, "203.0.113.9"},
		{"IPv6 client", "127.0.0.1", []string{"2001:db8::1"}, trusted, "2001:db8::1"},
		{"IPv6 proxy", "fd00::2", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
		{"mapped IPv4 entry unmapped", "127.0.0.1", []string{"::ffff:203.0.113.9"}, trusted, "203.0.113.9"},
		{"mapped trusted entry skipped", "127.0.0.1", []string{"203.0.113.9, ::ffff:10.0.0.1"}, trusted, "203.0.113.9"},
		{"zone refused", "127.0.0.1", []string{"fe80::1%eth0"}, trusted, "127.0.0.1"},
		{"several fields: the last is nearest", "127.0.0.1", []string{"1.1.1.1", "203.0.113.9, 10.0.0.7"}, trusted, "203.0.113.9"},
		{"several fields: walk crosses into the earlier", "127.0.0.1", []string{"1.1.1.1, 203.0.113.9", "10.0.0.7", "10.0.0.8"}, trusted, "203.0.113.9"},
		{"several fields: malformed in the later", "127.0.0.1", []string{"203.0.113.9", "x, 10.0.0.7"}, trusted, "10.0.0.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req fasthttp.Request
			for _, v := range tt.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(tt.peer), Port: 5555}, nil)
			if got := string(appendClientAddr(nil, &ctx, tt.trusted)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAppendClientAddrAllocs(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	var req fasthttp.Request
	req.Header.Set("X-Forwarded-For", "203.0.113.9, 2001:db8::1, 10.0.0.2")
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP("10.0.0.1"), Port: 5555}, nil)
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = appendClientAddr(buf[:0], &ctx, trusted) }); n != 0 {
		t.Fatalf("%v allocations per call", n)
	}
	if string(buf) != "2001:db8::1" {
		t.Fatalf("got %q", buf)
	}
}

// TestTrustedProxyEndToEnd: behind a trusted peer, what the guards see as
// client.ip and what the quarantine gate is asked about is the address from
// X-Forwarded-For; from an untrusted peer the header is ignored.
func TestTrustedProxyEndToEnd(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		seen := make(chan string, 4)
		ipGuard := &fakeGuard{name: "ip", phases: []abi.Phase{abi.PhaseRequest}, fn: func(x *abi.Exchange, v *abi.Verdict) error {
			for _, a := range x.Annotations {
				if a.Key == "client.ip" {
					seen <- strings.Clone(a.Value)
				}
			}
			return nil
		}}
		gate := &setGate{ips: map[string]bool{"203.0.113.9": true}, subjects: map[string]bool{}}
		e := startWith(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: ipGuard}}}, mockllm.Options{}, func(s *Server) {
			if trusted {
				s.Snapshot().trusted = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			}
			s.SetGate(gate)
		})
		url := e.base + "/v1/chat/completions"
		resp, b := post(t, url, chat("hello"), map[string]string{"X-Forwarded-For": "198.51.100.4"})
		if resp.StatusCode != 200 {
			t.Fatalf("trusted %v: %d %s", trusted, resp.StatusCode, b)
		}
		want := "127.0.0.1"
		if trusted {
			want = "198.51.100.4"
		}
		if got := <-seen; got != want {
			t.Errorf("trusted %v: guard saw client.ip %q, want %q", trusted, got, want)
		}
		resp, _ = post(t, url, chat("hello"), map[string]string{"X-Forwarded-For": "203.0.113.9"})
		if wantStatus := map[bool]int{true: 403, false: 200}[trusted]; resp.StatusCode != wantStatus {
			t.Errorf("trusted %v: quarantined forwarded address answered %d, want %d", trusted, resp.StatusCode, wantStatus)
		}
	}
}
