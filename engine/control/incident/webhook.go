package incident

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Alert is the JSON body of a webhook POST.
type Alert struct {
	Event      string     `json:"event"` // quarantine | quarantine_lift
	Quarantine Quarantine `json:"quarantine"`
	Operator   string     `json:"operator,omitempty"` // who lifted it
	Sent       time.Time  `json:"sent"`
}

// Signature headers of a webhook POST. The signature is
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)): signing
// the timestamp too lets a receiver refuse replays of old deliveries.
const (
	HeaderSignature = "X-Ward-Signature"
	HeaderTimestamp = "X-Ward-Timestamp"
)

// Sign returns the X-Ward-Signature value of body sent at timestamp (Unix
// seconds, as in X-Ward-Timestamp).
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookOptions configure a Webhook.
type WebhookOptions struct {
	URL         string
	Secret      []byte
	Timeout     time.Duration // per attempt
	MaxAttempts int
	Backoff     time.Duration // before the first retry; doubled each retry
	MaxBackoff  time.Duration
	Queue       int
	Client      *http.Client // nil: a client with Timeout
	Log         *slog.Logger
	Registerer  prometheus.Registerer
	// Sleep waits d or until ctx ends (tests shorten it); nil = a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time // nil = time.Now
}

// Webhook delivers alerts with POSTs, one at a time from a bounded queue,
// retrying failures with exponential backoff and full jitter. Send never
// blocks, so a slow or dead receiver never slows the caller: a full queue
// drops the alert and counts it. Start delivery with Run.
type Webhook struct {
	o   WebhookOptions
	q   chan Alert
	res *prometheus.CounterVec
}

// NewWebhook returns a Webhook. It fails when a metric cannot be
// registered.
func NewWebhook(o WebhookOptions) (*Webhook, error) {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.MaxBackoff < o.Backoff {
		o.MaxBackoff = max(o.Backoff, 30*time.Second)
	}
	if o.Queue <= 0 {
		o.Queue = 1024
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	w := &Webhook{o: o, q: make(chan Alert, o.Queue)}
	w.res = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ward_incident_webhook_total",
		Help: "Webhook alerts by result: delivered, retried (a failed attempt followed by another), failed (all attempts failed), dropped (queue full).",
	}, []string{"result"})
	for _, r := range []string{"delivered", "retried", "failed", "dropped"} {
		w.res.WithLabelValues(r)
	}
	if o.Registerer != nil {
		if err := o.Registerer.Register(w.res); err != nil {
			return nil, fmt.Errorf("incident: registering webhook metrics: %w", err)
		}
	}
	return w, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send queues a for delivery, or drops it when the queue is full.
func (w *Webhook) Send(a Alert) {
	select {
	case w.q <- a:
	default:
		w.res.WithLabelValues("dropped").Inc()
		w.o.Log.Warn("incident: webhook queue full; alert dropped", "event", a.Event, "id", a.Quarantine.ID)
	}
}

// Run delivers queued alerts until ctx ends.
func (w *Webhook) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-w.q:
			w.deliver(ctx, a)
		}
	}
}

// deliver POSTs a, retrying until an attempt gets a 2xx answer or
// MaxAttempts attempts failed.
func (w *Webhook) deliver(ctx context.Context, a Alert) {
	a.Sent = w.o.Now().UTC()
	body, err := json.Marshal(a)
	if err != nil {
		w.res.WithLabelValues("failed").Inc()
		return
	}
	delay := w.o.Backoff
	for attempt := 1; ; attempt++ {
		err := w.post(ctx, body)
		if err == nil {
			w.res.WithLabelValues("delivered").Inc()
			return
		}
		if attempt >= w.o.MaxAttempts || ctx.Err() != nil {
			w.res.WithLabelValues("failed").Inc()
			w.o.Log.Error("incident: webhook alert not delivered", "event", a.Event, "id", a.Quarantine.ID,
				"attempts", attempt, "err", err)
			return
		}
		w.res.WithLabelValues("retried").Inc()
		// Full jitter: a random wait up to the current backoff, so that
		// replicas retrying together do not hit the receiver together.
		if w.o.Sleep(ctx, rand.N(delay)+1) != nil {
			w.res.WithLabelValues("failed").Inc()
			return
		}
		delay = min(2*delay, w.o.MaxBackoff)
	}
}

func (w *Webhook) post(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.o.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(w.o.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ward-incident")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(w.o.Secret, ts, body))
	resp, err := w.o.Client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return errors.New("webhook answered " + resp.Status)
	}
	return nil
}
