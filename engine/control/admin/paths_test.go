package admin_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawCall sends one request with the path exactly as given (no client-side
// cleaning or escaping) and returns the status.
func rawCall(t *testing.T, addr, method, path, auth string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	req := method + " " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 0\r\nConnection: close\r\n"
	if auth != "" {
		req += "Authorization: " + auth + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAdminPathTricks: with a token configured, requests without it, with
// a wrong one, or with a path or method dressed up to reach a protected
// endpoint by another route (doubled or encoded slashes, dot segments,
// encoded dots, HEAD/OPTIONS/TRACE, lower-case or unknown methods) get
// 400, 401, 404 or 405, and never reload, roll back or reveal the guards.
func TestAdminPathTricks(t *testing.T) {
	e, base := start(t, token)
	addr := strings.TrimPrefix(base, "http://")
	paths := []string{
		"/reload", "/rollback", "/guards", "/status", "/metrics",
		"//reload", "///reload", "/./reload", "/guards/../reload", "/x/../rollback",
		"/%2e%2e/reload", "/guards/%2e%2e/reload", "/%2freload", "/guards%2f..%2freload",
		"/reload/", "/reload?x=1", "/reload#x", "/RELOAD", "/reload%00", "/reload;x",
		"/healthz/../reload", "/readyz/../rollback", "http://evil/reload", "*",
	}
	methods := []string{"POST", "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", "post", "CONNECT", "PATCH"}
	auths := []string{"", "Bearer wrong", "Bearer " + token + "x", "Basic " + token, "bearer", "Bearer  " + token + " extra"}
	before := e.Reloader.Status()
	for _, p := range paths {
		for _, m := range methods {
			for _, a := range auths {
				st := rawCall(t, addr, m, p, a)
				switch st {
				case 400, 401, 404, 405:
				default:
					t.Errorf("%s %s (auth %q): %d", m, p, a, st)
				}
			}
		}
	}
	after := e.Reloader.Status()
	if after.Reloads != before.Reloads || after.FailedReload != before.FailedReload || after.Last != before.Last || after.Generation != before.Generation {
		t.Fatalf("an unauthenticated request acted: before %+v, after %+v", before, after)
	}
	// The right token works, and only on the canonical path and method.
	if st := rawCall(t, addr, "POST", "/reload", "Bearer "+token); st != 200 {
		t.Fatalf("reload with the token: %d", st)
	}
	for _, c := range []struct{ m, p string }{{"GET", "/reload"}, {"POST", "//reload"}, {"POST", "/guards/../reload"}, {"POST", "/%2e%2e/reload"}, {"HEAD", "/reload"}} {
		if st := rawCall(t, addr, c.m, c.p, "Bearer "+token); st == 200 {
			t.Errorf("%s %s with the token: %d", c.m, c.p, st)
		}
	}
	if got := e.Reloader.Status().Reloads; got != before.Reloads+1 {
		t.Fatalf("reloads %d, want %d", got, before.Reloads+1)
	}
}
