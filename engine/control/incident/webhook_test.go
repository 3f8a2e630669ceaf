package incident

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestWebhookSignsAndRetries(t *testing.T) {
	secret := []byte("hook-secret")
	var (
		mu       sync.Mutex
		attempts int
		got      Alert
	)
	delivered := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get(HeaderTimestamp)
		if _, err := strconv.ParseInt(ts, 10, 64); err != nil || r.Header.Get(HeaderSignature) != Sign(secret, ts, body) {
			t.Errorf("bad signature %q for timestamp %q", r.Header.Get(HeaderSignature), ts)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Header.Get(HeaderSignature) == Sign([]byte("other"), ts, body) {
			t.Error("the signature does not depend on the secret")
		}
		mu.Lock()
		defer mu.Unlock()
		attempts++
		if attempts < 3 { // two failures, then success
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("body: %v", err)
		}
		close(delivered)
	}))
	defer srv.Close()

	var sleeps []time.Duration
	w, err := NewWebhook(WebhookOptions{URL: srv.URL, Secret: secret, MaxAttempts: 5, Backoff: 100 * time.Millisecond, MaxBackoff: 150 * time.Millisecond,
		Sleep: func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	w.Send(Alert{Event: "quarantine", Quarantine: Quarantine{ID: "ip:203.0.113.9", Rule: "auth"}})
	select {
	case <-delivered:
	case <-time.After(10 * time.Second):
		t.Fatal("not delivered")
	}
	for deadline := time.Now().Add(5 * time.Second); testutil.ToFloat64(w.res.WithLabelValues("delivered")) != 1 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if got.Event != "quarantine" || got.Quarantine.ID != "ip:203.0.113.9" || got.Sent.IsZero() {
		t.Errorf("alert = %+v", got)
	}
	// Two retries: full jitter within the backoff, doubled and capped.
	if len(sleeps) != 2 || sleeps[0] <= 0 || sleeps[0] > 100*time.Millisecond || sleeps[1] <= 0 || sleeps[1] > 150*time.Millisecond {
		t.Errorf("sleeps = %v, want 2 within (0,100ms] and (0,150ms]", sleeps)
	}
	if testutil.ToFloat64(w.res.WithLabelValues("retried")) != 2 || testutil.ToFloat64(w.res.WithLabelValues("delivered")) != 1 {
		t.Errorf("counts: retried %v delivered %v", testutil.ToFloat64(w.res.WithLabelValues("retried")), testutil.ToFloat64(w.res.WithLabelValues("delivered")))
	}
}

func TestWebhookGivesUp(t *testing.T) {
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	w, err := NewWebhook(WebhookOptions{URL: srv.URL, Secret: []byte("k"), MaxAttempts: 3, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w.deliver(context.Background(), Alert{Event: "quarantine"})
	if n != 3 || testutil.ToFloat64(w.res.WithLabelValues("failed")) != 1 {
		t.Errorf("attempts %d, failed %v; want 3 and 1", n, testutil.ToFloat64(w.res.WithLabelValues("failed")))
	}
}

// TestWebhookNeverBlocks: with a receiver that never answers, Send returns
// at once and drops what the queue cannot hold.
func TestWebhookNeverBlocks(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	w, err := NewWebhook(WebhookOptions{URL: srv.URL, Secret: []byte("k"), Queue: 2, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	start := time.Now()
	for range 10 {
		w.Send(Alert{Event: "quarantine"})
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Send blocked for %v", d)
	}
	// One in flight (maybe), two queued: at least 7 dropped.
	if got := testutil.ToFloat64(w.res.WithLabelValues("dropped")); got < 7 {
		t.Errorf("dropped = %v, want >= 7", got)
	}
}
