package state

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) {
	// go-redis logs every failed dial through its package logger; the
	// failure tests provoke many on purpose.
	redis.SetLogger(quietLogger{})
	os.Exit(m.Run())
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// redisServer is a redis-server child process owned by one test.
type redisServer struct {
	t    testing.TB
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
	// exited receives the process' exit once; nil when not running.
	exited chan error
}

// startRedis starts redis-server on port (a free one when 0) with no
// persistence, waits until it answers PING and kills it when the test
// ends. Without redis-server it skips the test, or fails it when the CI
// environment variable is set (CI installs redis-server).
func startRedis(t testing.TB, port int) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server not found but CI is set: %v", err)
		}
		t.Skipf("redis-server not installed: %v", err)
	}
	if port == 0 {
		port = freePort(t)
	}
	s := &redisServer{t: t, bin: bin, port: port, dir: t.TempDir()}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (s *redisServer) addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }
func (s *redisServer) url() string  { return "redis://" + s.addr() + "/0" }

// start runs the server and waits for PONG (5 s at most).
func (s *redisServer) start() {
	s.t.Helper()
	log, err := os.OpenFile(s.dir+"/redis.log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	defer log.Close()
	s.cmd = exec.Command(s.bin, "--port", fmt.Sprint(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir)
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			out, _ := os.ReadFile(s.dir + "/redis.log")
			s.t.Fatalf("redis-server exited: %v\n%s", err, out)
		default:
		}
		if ping(s.addr()) == nil {
			s.exited = exited
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.cmd.Process.Kill()
	<-exited
	s.t.Fatalf("redis-server on %s did not answer PING within 5s", s.addr())
}

// stop kills the server (SIGKILL: no shutdown, like a crash) and reaps it.
// It is a no-op when the server is not running.
func (s *redisServer) stop() {
	if s.exited == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.exited = nil
}

// ping sends PING and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// newTestRedis returns a Redis store closed when the test ends. Unless
// set, KeyPrefix is unique to the test and Timeout is generous (the
// functional tests run under -race on a loaded machine; the failure tests
// set their own).
func newTestRedis(t testing.TB, opts RedisOptions) *Redis {
	t.Helper()
	if opts.KeyPrefix == "" {
		opts.KeyPrefix = "test:" + t.Name() + ":"
	}
	if opts.Timeout == 0 {
		opts.Timeout = 500 * time.Millisecond
	}
	r, err := NewRedis(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRedisReplicasShareCounter is the "two replicas share a limit"
// property: two independent clients with the same prefix see one counter.
func TestRedisReplicasShareCounter(t *testing.T) {
	srv := startRedis(t, 0)
	opts := RedisOptions{URL: srv.url(), KeyPrefix: "shared:"}
	a, b := newTestRedis(t, opts), newTestRedis(t, opts)
	other := newTestRedis(t, RedisOptions{URL: srv.url(), KeyPrefix: "other:"})
	ctx := context.Background()

	steps := []struct {
		store Store
		delta int64
		want  int64
	}{
		{a, 3, 3},
		{b, 4, 7},
		{a, -1, 6},
		{other, 1, 1}, // another prefix is another namespace
		{b, 0, 6},
	}
	for i, s := range steps {
		e, err := s.store.Incr(ctx, "k", s.delta, time.Minute)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if e.Value != s.want {
			t.Fatalf("step %d: value = %d, want %d", i, e.Value, s.want)
		}
	}
	ea, _ := a.Get(ctx, "k")
	eb, _ := b.Get(ctx, "k")
	if ea.Value != 6 || eb.Value != 6 || ea.TTL <= 0 || eb.TTL <= 0 {
		t.Fatalf("a sees %+v, b sees %+v", ea, eb)
	}
}

func TestRedisIncrIsAtomic(t *testing.T) {
	srv := startRedis(t, 0)
	const clients, goroutines, n = 2, 8, 500
	ctx := context.Background()
	stores := make([]*Redis, clients)
	for i := range stores {
		stores[i] = newTestRedis(t, RedisOptions{URL: srv.url(), KeyPrefix: "atomic:", Timeout: 2 * time.Second})
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients*goroutines)
	for _, s := range stores {
		for range goroutines {
			wg.Go(func() {
				for range n {
					if _, err := s.Incr(ctx, "k", 1, time.Minute); err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	e, err := stores[0].Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(clients * goroutines * n); e.Value != want {
		t.Fatalf("total = %d, want %d", e.Value, want)
	}
}

// TestRedisBatchIsAtomic: batches from two clients (two replicas) and many
// goroutines give exact totals, and no batch sees another's ops between
// its own.
func TestRedisBatchIsAtomic(t *testing.T) {
	srv := startRedis(t, 0)
	const clients, goroutines, n = 2, 4, 200
	ctx := context.Background()
	var wg sync.WaitGroup
	for c := range clients {
		r := newTestRedis(t, RedisOptions{URL: srv.url(), KeyPrefix: "batch:", Timeout: 2 * time.Second})
		for g := range goroutines {
			wg.Go(func() {
				ops := make([]Op, 4)
				for range n {
					ops[0] = Op{Key: "a", Delta: 1, TTL: time.Minute}
					ops[1] = Op{Key: fmt.Sprintf("own%d%d", c, g), Delta: -2, TTL: time.Minute}
					ops[2] = Op{Key: "a", Delta: 1, TTL: time.Minute}
					ops[3] = Op{Key: "a", Get: true}
					if err := r.Batch(ctx, ops); err != nil {
						t.Error(err)
						return
					}
					if ops[2].Result.Value != ops[0].Result.Value+1 || ops[3].Result.Value != ops[2].Result.Value {
						t.Errorf("batch interleaved with another: %+v", ops)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	r := newTestRedis(t, RedisOptions{URL: srv.url(), KeyPrefix: "batch:"})
	ops := []Op{{Key: "a", Get: true}, {Key: "own11", Get: true}}
	if err := r.Batch(ctx, ops); err != nil {
		t.Fatal(err)
	}
	if want := int64(2 * clients * goroutines * n); ops[0].Result.Value != want || ops[1].Result.Value != -2*n {
		t.Fatalf("totals %+v, want a = %d, own11 = %d", ops, want, -2*n)
	}
}

// TestRedisBatchUndo: a batch failing on a key that holds something else
// leaves every key as it was, including the expiry of a counter without
// one and a value beyond 2^53 (restored exactly).
func TestRedisBatchUndo(t *testing.T) {
	srv := startRedis(t, 0)
	r := newTestRedis(t, RedisOptions{URL: srv.url(), KeyPrefix: "undo:", FailureThreshold: 1})
	raw := redis.NewClient(&redis.Options{Addr: srv.addr()})
	defer raw.Close()
	ctx := context.Background()
	for k, v := range map[string]string{"undo:plain": "5", "undo:text": "abc", "undo:big": "9007199254740993"} {
		if err := raw.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Set(ctx, "undo:ttl", "7", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	err := r.Batch(ctx, []Op{
		{Key: "new", Delta: 1, TTL: time.Minute},
		{Key: "plain", Delta: 1, TTL: time.Minute}, // gains an expiry
		{Key: "big", Delta: 2, TTL: time.Minute},
		{Key: "ttl", Delta: 3, TTL: time.Hour},
		{Key: "new", Delta: 1, TTL: time.Minute},
		{Key: "text", Delta: 1, TTL: time.Minute}, // fails
		{Key: "after", Delta: 1, TTL: time.Minute},
	})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "does not hold a counter") {
		t.Fatalf("err = %v, want ErrUnavailable (does not hold a counter)", err)
	}
	if r.br.isOpen() {
		t.Fatal("circuit opened on a per-key error")
	}
	for _, want := range []struct {
		key, value string
		ttl        time.Duration // -1: no expiry, -2: missing
	}{
		{"undo:new", "", -2},
		{"undo:plain", "5", -1},
		{"undo:big", "9007199254740993", -1},
		{"undo:ttl", "7", time.Minute},
		{"undo:after", "", -2},
	} {
		v, err := raw.Get(ctx, want.key).Result()
		if want.ttl == -2 {
			if err != redis.Nil {
				t.Errorf("%s = %q, %v: want missing", want.key, v, err)
			}
			continue
		}
		ttl, _ := raw.PTTL(ctx, want.key).Result()
		if v != want.value || (want.ttl < 0) != (ttl < 0) || want.ttl > 0 && (ttl > want.ttl || ttl < want.ttl-5*time.Second) {
			t.Errorf("%s = %q ttl %v, want %q ttl %v", want.key, v, ttl, want.value, want.ttl)
		}
	}
	// Values beyond 2^53 come back exact.
	ops := []Op{{Key: "big", Delta: 2, TTL: time.Minute}, {Key: "big", Get: true}}
	if err := r.Batch(ctx, ops); err != nil || ops[0].Result.Value != 9007199254740995 || ops[1].Result.Value != 9007199254740995 {
		t.Fatalf("big: %+v, %v", ops, err)
	}
}

// TestRedisDownOpensCircuit kills Redis, checks that calls fail within the
// timeout, that the circuit opens after FailureThreshold failures and then
// fails calls without touching the network, and that it closes again once
// Redis is back on the same port.
func TestRedisDownOpensCircuit(t *testing.T) {
	srv := startRedis(t, 0)
	reg := prometheus.NewPedanticRegistry()
	var logs syncBuffer
	const timeout = 100 * time.Millisecond
	r := newTestRedis(t, RedisOptions{
		URL:              srv.url(),
		Timeout:          timeout,
		FailureThreshold: 3,
		CoolDown:         100 * time.Millisecond,
		Registerer:       reg,
		Logger:           slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	ctx := context.Background()
	ops := func(result string) float64 {
		return testutil.ToFloat64(r.ops.c[opIncr][resultIndex(result)])
	}
	circuit := func() float64 { return testutil.ToFloat64(r.circuit) }

	if _, err := r.Incr(ctx, "k", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	srv.stop()

	for i := range 3 {
		start := time.Now()
		_, err := r.Incr(ctx, "k", 1, time.Minute)
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("call %d with redis down: err = %v, want ErrUnavailable", i, err)
		}
		if d := time.Since(start); d > timeout+300*time.Millisecond {
			t.Fatalf("call %d took %v, timeout is %v", i, d, timeout)
		}
		if i < 2 && circuit() != 0 {
			t.Fatalf("circuit open after %d failures, threshold is 3", i+1)
		}
	}
	if circuit() != 1 {
		t.Fatalf("ward_state_circuit_open = %v after 3 failures, want 1", circuit())
	}
	if got := ops("error"); got != 3 {
		t.Fatalf("errors counted = %v, want 3", got)
	}

	// Open: calls fail without a round trip. The cool-down (100ms) has
	// not passed yet for at least the first of these.
	for i := range 50 {
		start := time.Now()
		_, err := r.Incr(ctx, "k", 1, time.Minute)
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("open circuit call %d: err = %v", i, err)
		}
		// Not a round trip: well under the call timeout even on a loaded
		// machine (the skipped count below says no call was made).
		if d := time.Since(start); i == 0 && d >= timeout {
			t.Fatalf("open circuit call took %v (timeout %v)", d, timeout)
		}
	}
	if got := ops("skipped"); got < 40 {
		t.Fatalf("skipped = %v, want about 50", got)
	}

	srv.start()
	deadline := time.Now().Add(10 * time.Second)
	var (
		e   Entry
		err error
	)
	for time.Now().Before(deadline) {
		if e, err = r.Incr(ctx, "k", 1, time.Minute); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("redis back but calls still fail after 10s: %v", err)
	}
	if e.Value != 1 {
		t.Fatalf("value after restart = %d, want 1 (the server kept nothing)", e.Value)
	}
	if circuit() != 0 {
		t.Fatalf("ward_state_circuit_open = %v after recovery, want 0", circuit())
	}
	out := logs.String()
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Errorf("%d Warn lines, want exactly 1 (circuit opened):\n%s", n, out)
	}
	if n := strings.Count(out, "level=INFO"); n != 1 || !strings.Contains(out, "circuit closed") {
		t.Errorf("%d Info lines, want exactly 1 (circuit closed):\n%s", n, out)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP ward_state_circuit_open 1 while the state backend's circuit breaker is open (calls are refused without reaching the backend), else 0.
# TYPE ward_state_circuit_open gauge
ward_state_circuit_open{backend="redis"} 0
`), "ward_state_circuit_open"); err != nil {
		t.Error(err)
	}
}

func resultIndex(name string) result {
	for i, n := range resultNames {
		if n == name {
			return result(i)
		}
	}
	panic(name)
}

// blackHole is a TCP server that accepts connections and never answers.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return "redis://" + ln.Addr().String()
}

func TestRedisBlackHoleTimesOut(t *testing.T) {
	const timeout = 50 * time.Millisecond
	r := newTestRedis(t, RedisOptions{URL: blackHole(t), Timeout: timeout, FailureThreshold: 100})
	ctx := context.Background()
	calls := []struct {
		name string
		call func() error
	}{
		{"incr", func() error { _, err := r.Incr(ctx, "k", 1, time.Second); return err }},
		{"get", func() error { _, err := r.Get(ctx, "k"); return err }},
		{"incr again", func() error { _, err := r.Incr(ctx, "k", 1, time.Second); return err }},
		{"batch", func() error {
			return r.Batch(ctx, []Op{{Key: "k", Delta: 1, TTL: time.Second}, {Key: "k", Get: true}})
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := c.call()
			d := time.Since(start)
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			if d < timeout/2 || d > timeout+250*time.Millisecond {
				t.Fatalf("took %v, want about the %v timeout", d, timeout)
			}
		})
	}
}

// TestRedisCallerContext checks that the caller's context bounds a call
// and that its expiry is not blamed on Redis (the circuit stays closed).
func TestRedisCallerContext(t *testing.T) {
	reg := prometheus.NewRegistry()
	r := newTestRedis(t, RedisOptions{URL: blackHole(t), Timeout: 5 * time.Second, FailureThreshold: 1, Registerer: reg})

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	short, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()

	cases := []struct {
		name    string
		ctx     context.Context
		wantErr error
	}{
		{"already cancelled", cancelled, context.Canceled},
		{"deadline before the timeout", short, context.DeadlineExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := r.Incr(tc.ctx, "k", 1, time.Second)
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v; the caller's context should have ended it", d)
			}
			if !errors.Is(err, ErrUnavailable) || !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want ErrUnavailable and %v", err, tc.wantErr)
			}
			if r.br.isOpen() {
				t.Fatal("circuit opened on the caller's cancellation")
			}
		})
	}
	if got := testutil.ToFloat64(r.ops.c[opIncr][resultSkipped]); got != 0 {
		t.Fatalf("skipped = %v, want 0", got)
	}
}

func TestNewRedisErrors(t *testing.T) {
	cases := []struct {
		name string
		opts RedisOptions
		want string
	}{
		{"no URL", RedisOptions{}, "URL is required"},
		{"bad scheme", RedisOptions{URL: "http://localhost:6379"}, "invalid URL scheme"},
		{"bad db", RedisOptions{URL: "redis://localhost:6379/notanumber"}, "invalid database number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRedis(tc.opts)
			if err == nil {
				r.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "state: redis: ") {
				t.Fatalf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRedisClosed(t *testing.T) {
	srv := startRedis(t, 0)
	r := newTestRedis(t, RedisOptions{URL: srv.url()})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := r.Incr(context.Background(), "k", 1, time.Second); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Incr after Close: err = %v, want ErrUnavailable", err)
	}
	if _, err := r.Get(context.Background(), "k"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get after Close: err = %v, want ErrUnavailable", err)
	}
	if err := r.Batch(context.Background(), []Op{{Key: "k", Get: true}}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Batch after Close: err = %v, want ErrUnavailable", err)
	}
}

func BenchmarkRedisIncr(b *testing.B) {
	srv := startRedis(b, 0)
	r := newTestRedis(b, RedisOptions{URL: srv.url(), Timeout: time.Second})
	ctx := context.Background()
	keys := benchKeys(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := r.Incr(ctx, keys[i&63], 1, time.Minute); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkRedisBatch runs the ratelimit guard's typical batch: four
// incrs (requests, tokens, two anomaly slots) in one round trip, beside
// BenchmarkRedisIncr's one.
func BenchmarkRedisBatch(b *testing.B) {
	srv := startRedis(b, 0)
	r := newTestRedis(b, RedisOptions{URL: srv.url(), Timeout: time.Second})
	ctx := context.Background()
	keys := benchKeys(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ops := make([]Op, 4)
		i := 0
		for pb.Next() {
			for j := range ops {
				ops[j] = Op{Key: keys[(i+j*16)&63], Delta: 1, TTL: time.Minute}
			}
			if err := r.Batch(ctx, ops); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// TestRedisForeignValue checks that a key holding something other than a
// counter fails that key only: the server answered, so the circuit stays
// closed and other keys keep working.
func TestRedisForeignValue(t *testing.T) {
	srv := startRedis(t, 0)
	r := newTestRedis(t, RedisOptions{URL: srv.url(), KeyPrefix: "fv:", FailureThreshold: 1})
	raw := redis.NewClient(&redis.Options{Addr: srv.addr()})
	defer raw.Close()
	ctx := context.Background()
	if err := raw.Set(ctx, "fv:text", "abc", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := raw.LPush(ctx, "fv:list", "x").Err(); err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"incr text", func() error { _, err := r.Incr(ctx, "text", 1, time.Second); return err }},
		{"get text", func() error { _, err := r.Get(ctx, "text"); return err }},
		{"incr list", func() error { _, err := r.Incr(ctx, "list", 1, time.Second); return err }},
		{"get list", func() error { _, err := r.Get(ctx, "list"); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "does not hold a counter") {
			t.Fatalf("%s: err = %v, want ErrUnavailable (does not hold a counter)", c.name, err)
		}
		if r.br.isOpen() {
			t.Fatalf("%s: circuit opened on a per-key error", c.name)
		}
	}
	if e, err := r.Incr(ctx, "counter", 2, time.Second); err != nil || e.Value != 2 {
		t.Fatalf("other key: %+v, %v", e, err)
	}
}
