package state

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Defaults for RedisOptions.
const (
	DefaultKeyPrefix        = "ward:"
	DefaultTimeout          = 25 * time.Millisecond
	DefaultFailureThreshold = 3
	DefaultCoolDown         = time.Second
	DefaultMaxCoolDown      = 30 * time.Second
)

// RedisOptions configures NewRedis. URL is required; every other zero
// field means its default.
type RedisOptions struct {
	// URL is redis://[user:password@]host:port[/db], or rediss:// for
	// TLS, as parsed by go-redis' ParseURL (query options such as
	// ?protocol=2 are honoured, but the timeouts, retries and pool size
	// below always override theirs).
	URL string
	// KeyPrefix is prepended to every key; DefaultKeyPrefix when empty.
	// Replicas that must share counters use the same prefix.
	KeyPrefix string
	// Timeout bounds each operation end to end (waiting for a pooled
	// connection, dialling, writing, reading): DefaultTimeout when 0. It
	// is also the client's dial, read, write and pool timeout, and
	// operations are never retried, so a call costs at most about
	// Timeout.
	Timeout time.Duration
	// PoolSize is the maximum number of connections; go-redis' default
	// (10 per GOMAXPROCS) when 0.
	PoolSize int
	// FailureThreshold is the number of consecutive failures that opens
	// the circuit; DefaultFailureThreshold when 0.
	FailureThreshold int
	// CoolDown is how long an opened circuit refuses calls before one
	// probe call goes through; DefaultCoolDown when 0. Each failed probe
	// doubles it, up to MaxCoolDown (DefaultMaxCoolDown when 0).
	CoolDown    time.Duration
	MaxCoolDown time.Duration
	// Logger receives one Warn line when the circuit opens and one Info
	// line when it closes (never a line per call); nil discards them.
	Logger *slog.Logger
	// Registerer, when not nil, receives
	// ward_state_operations_total{backend="redis",op,result} and
	// ward_state_circuit_open{backend="redis"}. Collectors already
	// registered under those names are reused.
	Registerer prometheus.Registerer
}

// Redis is a Store kept in Redis, so that every Ward replica pointing at
// the same server and KeyPrefix shares the counters. It is safe for
// concurrent use.
//
// Each Incr, Get or Batch is one round trip running a Lua script, hence
// atomic on the server. Failures never block the caller longer than the
// configured Timeout and come back wrapping ErrUnavailable with the cause;
// after FailureThreshold consecutive failures a circuit breaker refuses
// calls without touching the network (also ErrUnavailable) until a probe
// call succeeds, so a dead Redis costs nothing per request.
//
// The go-redis client logs failed dials through its own package logger
// (redis.SetLogger); with the circuit open there is at most one such
// line per cool-down.
type Redis struct {
	client  *redis.Client
	prefix  string
	timeout time.Duration
	log     *slog.Logger
	br      breaker
	ops     *opsMetrics      // nil when no Registerer was given
	circuit prometheus.Gauge // nil when no Registerer was given

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

var _ Store = (*Redis)(nil)

// incrScript adds ARGV[1] to KEYS[1] and, when the key has no expiry (it
// was just created by INCRBY), sets it to ARGV[2] milliseconds. It
// returns {value, pttl in ms}. The value is read back with GET, as a
// string: INCRBY's integer reply becomes a Lua double, which would round
// values beyond 2^53. ARGV[2] is returned unconverted for the same reason.
var incrScript = redis.NewScript(`
redis.call('INCRBY', KEYS[1], ARGV[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  t = ARGV[2]
end
return {redis.call('GET', KEYS[1]), t}
`)

// getScript returns {value, pttl in ms} of KEYS[1], or {0, 0} when it does
// not exist. The value stays a string (parsed as int64 by the client):
// tonumber would round values beyond 2^53 through a Lua double.
var getScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  return {0, 0}
end
return {v, redis.call('PTTL', KEYS[1])}
`)

// batchScript runs the ops of a batch in order: KEYS[i] is op i's key and
// ARGV[3i-2], ARGV[3i-1], ARGV[3i] its kind ("i" incr, "g" get), delta and
// ttl in ms. Each op does what incrScript or getScript does and adds its
// {value, pttl} pair to the reply. INCRBY's reply becomes a Lua double,
// exact below 2^53 in magnitude; beyond, the value is read back with GET as
// a string, as the other scripts always do. Lua scripts are not rolled back when a command fails, so
// before each INCRBY the old value is kept (GET, a string), and when an op
// fails (overflow, a key holding something else) the ops before it are
// undone, last first: a key an op created is deleted, another gets its old
// value back with its expiry (and loses one the op added). Then the error
// is returned: the batch is all or nothing.
var batchScript = redis.NewScript(`
local undo = {}
local function fail(err)
  for j = #undo, 1, -1 do
    local u = undo[j]
    if u[2] then
      redis.call('SET', u[1], u[2], 'KEEPTTL')
      if u[3] then redis.call('PERSIST', u[1]) end
    else
      redis.call('DEL', u[1])
    end
  end
  return err
end
local out = {}
for i = 1, #KEYS do
  local k, a = KEYS[i], 3 * i - 2
  local v = redis.pcall('GET', k)
  if type(v) == 'table' then return fail(v) end
  if ARGV[a] == 'g' then
    if v then
      out[2*i-1], out[2*i] = v, redis.call('PTTL', k)
    else
      out[2*i-1], out[2*i] = 0, 0
    end
  else
    local r = redis.pcall('INCRBY', k, ARGV[a+1])
    if type(r) == 'table' then return fail(r) end
    local t = redis.call('PTTL', k)
    local persist = false
    if t < 0 then
      redis.call('PEXPIRE', k, ARGV[a+2])
      t = ARGV[a+2]
      persist = v ~= false
    end
    undo[#undo+1] = {k, v, persist}
    if r >= 9007199254740992 or r <= -9007199254740992 then
      r = redis.call('GET', k)
    end
    out[2*i-1], out[2*i] = r, t
  end
end
return out
`)

// NewRedis validates opts and returns a Redis store. It does not connect:
// connections are made on first use, so a Redis that is down when Ward
// starts costs failed calls (ErrUnavailable), not a failed start. It
// fails on an unparsable URL or when opts.Registerer already holds
// different collectors under the metric names.
func NewRedis(opts RedisOptions) (*Redis, error) {
	if opts.URL == "" {
		return nil, errors.New("state: redis: URL is required")
	}
	o, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("state: redis: %w", err)
	}
	if opts.KeyPrefix == "" {
		opts.KeyPrefix = DefaultKeyPrefix
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.FailureThreshold <= 0 {
		opts.FailureThreshold = DefaultFailureThreshold
	}
	if opts.CoolDown <= 0 {
		opts.CoolDown = DefaultCoolDown
	}
	if opts.MaxCoolDown <= 0 {
		opts.MaxCoolDown = DefaultMaxCoolDown
	}
	opts.MaxCoolDown = max(opts.MaxCoolDown, opts.CoolDown)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	o.DialTimeout = opts.Timeout
	o.ReadTimeout = opts.Timeout
	o.WriteTimeout = opts.Timeout
	o.PoolTimeout = opts.Timeout
	o.ContextTimeoutEnabled = true
	o.MaxRetries = -1   // a retry would spend a second latency budget
	o.DialerRetries = 1 // one dial attempt, no backoff sleep
	if opts.PoolSize > 0 {
		o.PoolSize = opts.PoolSize
	}
	// No extra round trips on connect: no CLIENT SETINFO, no
	// CLIENT MAINT_NOTIFICATIONS.
	o.DisableIdentity = true
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}

	r := &Redis{
		prefix:  opts.KeyPrefix,
		timeout: opts.Timeout,
		log:     opts.Logger,
	}
	if opts.Registerer != nil {
		if r.ops, err = newOpsMetrics(opts.Registerer, "redis"); err != nil {
			return nil, err
		}
		if r.circuit, err = newCircuitGauge(opts.Registerer, "redis"); err != nil {
			return nil, err
		}
		r.circuit.Set(0)
	}
	origin := time.Now()
	r.br = breaker{
		threshold:   int32(opts.FailureThreshold),
		coolDown:    opts.CoolDown,
		maxCoolDown: opts.MaxCoolDown,
		now:         func() time.Duration { return time.Since(origin) },
		current:     opts.CoolDown,
		onOpen:      r.circuitOpened,
		onClose:     r.circuitClosed,
	}
	r.client = redis.NewClient(o)
	return r, nil
}

func (r *Redis) circuitOpened(failures int32, coolDown time.Duration, cause error) {
	if r.circuit != nil {
		r.circuit.Set(1)
	}
	r.log.Warn("state: redis unavailable, circuit open: calls fail fast until a probe succeeds",
		"addr", r.client.Options().Addr, "consecutive_failures", failures,
		"cool_down", coolDown, "error", cause)
}

func (r *Redis) circuitClosed(down time.Duration) {
	if r.circuit != nil {
		r.circuit.Set(0)
	}
	r.log.Info("state: redis reachable again, circuit closed",
		"addr", r.client.Options().Addr, "open_for", down)
}

// Incr implements Store: one EVALSHA (EVAL when the server lacks the
// script) running INCRBY, PTTL and, for a new key, PEXPIRE. ttl is
// rounded up to whole milliseconds; the returned TTL has millisecond
// resolution. Errors: ErrInvalidTTL; ErrOverflow (the server refused the
// sum; the counter is unchanged); otherwise ErrUnavailable wrapping the
// cause: the caller's context error when ctx ended first, a refusal
// without a round trip while the circuit is open, or the Redis or network
// error. Only the last kind counts towards opening the circuit, and not
// when the key merely holds a non-counter value written by someone else.
func (r *Redis) Incr(ctx context.Context, key string, delta int64, ttl time.Duration) (Entry, error) {
	if ttl <= 0 {
		r.ops.count(opIncr, resultError)
		return Entry{}, fmt.Errorf("state: redis incr: %w (got %v)", ErrInvalidTTL, ttl)
	}
	ms := int64((ttl + time.Millisecond - 1) / time.Millisecond)
	return r.run(ctx, opIncr, incrScript, key, delta, ms)
}

// Get implements Store: one EVALSHA running GET and PTTL. A missing or
// expired key is Entry{} and no error. Errors are as for Incr.
func (r *Redis) Get(ctx context.Context, key string) (Entry, error) {
	return r.run(ctx, opGet, getScript, key)
}

// Batch implements Store: one EVALSHA of a script running the ops in
// order (see batchScript), so the batch is atomic on the server, also
// across replicas, and costs one round trip whatever its length. Incr ttls
// are rounded up to whole milliseconds. Errors are as for Incr, and on any
// of them no op was applied. The keys are passed as the script's KEYS, so
// with Redis Cluster they would need to share a hash slot; Ward uses a
// single server (or a primary with replicas).
func (r *Redis) Batch(ctx context.Context, ops []Op) error {
	if len(ops) == 0 {
		return nil
	}
	keys := make([]string, len(ops))
	args := make([]any, 0, 3*len(ops))
	for i := range ops {
		op := &ops[i]
		keys[i] = r.prefix + op.Key
		if op.Get {
			args = append(args, "g", 0, 0)
			continue
		}
		if op.TTL <= 0 {
			r.ops.count(opBatch, resultError)
			return fmt.Errorf("state: redis batch: op %d: %w (got %v)", i, ErrInvalidTTL, op.TTL)
		}
		args = append(args, "i", op.Delta, int64((op.TTL+time.Millisecond-1)/time.Millisecond))
	}
	res, err := r.exec(ctx, opBatch, batchScript, keys, args...)
	if err != nil {
		return err
	}
	for i := range ops {
		ops[i].Result = Entry{Value: res[2*i], TTL: time.Duration(max(res[2*i+1], 0)) * time.Millisecond}
	}
	return nil
}

func (r *Redis) run(ctx context.Context, o op, s *redis.Script, key string, args ...any) (Entry, error) {
	res, err := r.exec(ctx, o, s, []string{r.prefix + key}, args...)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Value: res[0], TTL: time.Duration(max(res[1], 0)) * time.Millisecond}, nil
}

// exec runs script s, which answers a {value, pttl} pair per key, through
// the circuit breaker and the timeout, and counts it as operation o.
func (r *Redis) exec(ctx context.Context, o op, s *redis.Script, keys []string, args ...any) ([]int64, error) {
	if r.closed.Load() {
		r.ops.count(o, resultError)
		return nil, errRedisClosed
	}
	ok, probe := r.br.allow()
	if !ok {
		r.ops.count(o, resultSkipped)
		return nil, errCircuitOpen
	}
	opCtx, cancel := context.WithTimeout(ctx, r.timeout)
	res, err := s.Run(opCtx, r.client, keys, args...).Int64Slice()
	cancel()
	if err == nil && len(res) != 2*len(keys) {
		err = fmt.Errorf("unexpected script reply %v", res)
	}
	if err != nil {
		r.ops.count(o, resultError)
		return nil, r.failed(ctx, o, probe, err)
	}
	r.br.success(probe)
	r.ops.count(o, resultOK)
	return res, nil
}

// failed classifies err, informs the breaker and returns the error to
// give the caller.
func (r *Redis) failed(ctx context.Context, o op, probe bool, err error) error {
	switch {
	case isOverflow(err):
		// The server answered; only this key is at fault.
		r.br.success(probe)
		return fmt.Errorf("state: redis %s: %w", opNames[o], ErrOverflow)
	case isBadValue(err):
		// The server answered, but the key holds something that is not
		// a counter (written by something other than Ward): an error
		// for this key only, not a sign that Redis is down.
		r.br.success(probe)
		return fmt.Errorf("state: redis %s: key does not hold a counter: %w: %w", opNames[o], ErrUnavailable, err)
	case callerDone(ctx) != nil:
		// The caller gave up (its deadline or cancellation): that says
		// nothing about Redis' health.
		r.br.release(probe)
		return fmt.Errorf("state: redis %s: %w: %w", opNames[o], ErrUnavailable, callerDone(ctx))
	default:
		r.br.failure(probe, err)
		return fmt.Errorf("state: redis %s: %w: %w", opNames[o], ErrUnavailable, err)
	}
}

// isBadValue reports whether err is Redis refusing to treat the key's
// value as an integer counter, or the client failing to parse the value
// GET returned.
func isBadValue(err error) bool {
	var (
		re redis.Error
		ne *strconv.NumError
	)
	return errors.As(err, &ne) || errors.As(err, &re) &&
		(strings.Contains(re.Error(), "WRONGTYPE") || strings.Contains(re.Error(), "not an integer"))
}

// callerDone returns the caller's context error, also when its deadline
// has passed but its timer has not fired yet (go-redis sets the socket
// deadline from the context, so the read can fail first).
func callerDone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// isOverflow reports whether err is Redis refusing an INCRBY whose result
// would overflow int64.
func isOverflow(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && strings.Contains(re.Error(), "would overflow")
}

var (
	errCircuitOpen = fmt.Errorf("state: redis: circuit open: %w", ErrUnavailable)
	errRedisClosed = fmt.Errorf("state: redis: closed: %w", ErrUnavailable)
)

// Close closes the connection pool; later calls return ErrUnavailable.
// It is idempotent.
func (r *Redis) Close() error {
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		if err := r.client.Close(); err != nil {
			r.closeErr = fmt.Errorf("state: redis: close: %w", err)
		}
	})
	return r.closeErr
}
