package state

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Record is one entry of a Records set: a small value with the time left
// before it expires.
type Record struct {
	Key   string
	Value []byte
	TTL   time.Duration
}

// Records is a family of named sets of small values with an expiry, kept
// in the same backend as the counters so that every replica sharing the
// counters shares them too (quarantines live here). They are for the
// control plane: a List reads a whole set, so sets are meant to stay
// small (thousands of entries, not millions). Implementations are safe for
// concurrent use and, like Store, never block longer than their timeout;
// failures wrap ErrUnavailable.
type Records interface {
	// Put stores value under key in set, replacing any previous value
	// and expiry; it expires ttl from now. ttl must be positive.
	Put(ctx context.Context, set, key string, value []byte, ttl time.Duration) error
	// Delete removes key from set and reports whether it was there (and
	// not expired).
	Delete(ctx context.Context, set, key string) (bool, error)
	// List returns the live entries of set, sorted by key.
	List(ctx context.Context, set string) ([]Record, error)
}

var (
	_ Records = (*Memory)(nil)
	_ Records = (*Redis)(nil)
)

// memRecords holds a Memory's Records sets under one mutex: records are
// control-plane data, written rarely.
type memRecords struct {
	mu   sync.Mutex
	n    int64 // entries over all sets, expired or not
	sets map[string]map[string]memRecord
}

type memRecord struct {
	value   []byte
	expires time.Duration
}

// Put implements Records. Records count towards MaxKeys separately from
// the counters: when MaxKeys records are held (after dropping expired
// ones) a Put of a new key fails with ErrUnavailable.
func (m *Memory) Put(_ context.Context, set, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		m.ops.count(opPut, resultError)
		return fmt.Errorf("state: memory put: %w (got %v)", ErrInvalidTTL, ttl)
	}
	if m.closed.Load() {
		m.ops.count(opPut, resultError)
		return errMemoryClosed
	}
	r := &m.recs
	r.mu.Lock()
	defer r.mu.Unlock()
	now := m.now()
	s := r.sets[set]
	if _, ok := s[key]; !ok {
		if r.n >= m.maxKeys {
			r.dropExpired(now)
		}
		if r.n >= m.maxKeys {
			m.ops.count(opPut, resultError)
			return errMemoryFull
		}
		r.n++
	}
	if s == nil {
		if r.sets == nil {
			r.sets = make(map[string]map[string]memRecord)
		}
		s = make(map[string]memRecord)
		r.sets[set] = s
	}
	s[key] = memRecord{value: slices.Clone(value), expires: now + ttl}
	m.ops.count(opPut, resultOK)
	return nil
}

// Delete implements Records.
func (m *Memory) Delete(_ context.Context, set, key string) (bool, error) {
	if m.closed.Load() {
		m.ops.count(opDelete, resultError)
		return false, errMemoryClosed
	}
	r := &m.recs
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.sets[set][key]
	if ok {
		delete(r.sets[set], key)
		r.n--
	}
	m.ops.count(opDelete, resultOK)
	return ok && e.expires > m.now(), nil
}

// List implements Records; it drops the set's expired entries.
func (m *Memory) List(_ context.Context, set string) ([]Record, error) {
	if m.closed.Load() {
		m.ops.count(opList, resultError)
		return nil, errMemoryClosed
	}
	r := &m.recs
	r.mu.Lock()
	defer r.mu.Unlock()
	now := m.now()
	var out []Record
	for k, e := range r.sets[set] {
		if e.expires <= now {
			delete(r.sets[set], k)
			r.n--
			continue
		}
		out = append(out, Record{Key: k, Value: slices.Clone(e.value), TTL: e.expires - now})
	}
	slices.SortFunc(out, func(a, b Record) int { return strings.Compare(a.Key, b.Key) })
	m.ops.count(opList, resultOK)
	return out, nil
}

// dropExpired deletes expired records of every set. The caller holds mu.
func (r *memRecords) dropExpired(now time.Duration) {
	for _, s := range r.sets {
		for k, e := range s {
			if e.expires <= now {
				delete(s, k)
				r.n--
			}
		}
	}
}

// A Redis set is a sorted set PREFIX "@rec/" SET holding the keys, scored
// by their expiry (server time in ms), and one string key per entry,
// PREFIX "@rec/" SET "/" KEY, expiring with it. "@" keeps them apart from
// guards' keys (PREFIX GUARD "/" KEY; guard names never hold "@"). The scripts use the
// server's clock (TIME), so replicas with skewed clocks agree.

// putScript: KEYS[1] the index, KEYS[2] the value key; ARGV[1] the member,
// ARGV[2] the value, ARGV[3] the ttl in ms.
var putScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return 1
`)

// deleteScript: KEYS as putScript; ARGV[1] the member. Returns 1 when the
// entry was live.
var deleteScript = redis.NewScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('DEL', KEYS[2])
`)

// listScript: KEYS[1] the index; ARGV[1] the value-key prefix. Returns
// {member, value, pttl, ...} of the live entries.
var listScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local k = ARGV[1] .. m
  local v = redis.call('GET', k)
  if v then
    out[#out+1] = m
    out[#out+1] = v
    out[#out+1] = tostring(redis.call('PTTL', k))
  end
end
return out
`)

func (r *Redis) recKeys(set, key string) (index, value string) {
	index = r.prefix + "@rec/" + set
	return index, index + "/" + key
}

// Put implements Records: one round trip (SET PX and ZADD in a script).
func (r *Redis) Put(ctx context.Context, set, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		r.ops.count(opPut, resultError)
		return fmt.Errorf("state: redis put: %w (got %v)", ErrInvalidTTL, ttl)
	}
	ms := int64((ttl + time.Millisecond - 1) / time.Millisecond)
	idx, vk := r.recKeys(set, key)
	_, err := r.call(ctx, opPut, putScript, []string{idx, vk}, key, value, ms)
	return err
}

// Delete implements Records: one round trip.
func (r *Redis) Delete(ctx context.Context, set, key string) (bool, error) {
	idx, vk := r.recKeys(set, key)
	v, err := r.call(ctx, opDelete, deleteScript, []string{idx, vk}, key)
	if err != nil {
		return false, err
	}
	n, _ := v.(int64)
	return n > 0, nil
}

// List implements Records: one round trip, also dropping expired members
// from the index.
func (r *Redis) List(ctx context.Context, set string) ([]Record, error) {
	idx, vk := r.recKeys(set, "")
	v, err := r.call(ctx, opList, listScript, []string{idx}, vk)
	if err != nil {
		return nil, err
	}
	arr, _ := v.([]any)
	out := make([]Record, 0, len(arr)/3)
	for i := 0; i+2 < len(arr); i += 3 {
		k, _ := arr[i].(string)
		val, _ := arr[i+1].(string)
		ps, _ := arr[i+2].(string)
		ms, err := strconv.ParseInt(ps, 10, 64)
		if err != nil || ms <= 0 {
			continue
		}
		out = append(out, Record{Key: k, Value: []byte(val), TTL: time.Duration(ms) * time.Millisecond})
	}
	slices.SortFunc(out, func(a, b Record) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// call runs a records script through the circuit breaker and the timeout,
// counted as operation o. Errors are classified as in exec.
func (r *Redis) call(ctx context.Context, o op, s *redis.Script, keys []string, args ...any) (any, error) {
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
	v, err := s.Run(opCtx, r.client, keys, args...).Result()
	cancel()
	if err != nil {
		r.ops.count(o, resultError)
		return nil, r.failed(ctx, o, probe, err)
	}
	r.br.success(probe)
	r.ops.count(o, resultOK)
	return v, nil
}
