package state

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ErrOverflow is returned (wrapped) by Incr when adding delta would
// overflow int64. The counter is left unchanged. Both backends return it
// (Redis refuses such an INCRBY the same way).
var ErrOverflow = errors.New("state: counter overflow")

// ErrInvalidTTL is returned (wrapped) by Incr when ttl is not positive.
var ErrInvalidTTL = errors.New("state: ttl must be positive")

// Defaults for MemoryOptions.
const (
	DefaultMaxKeys       = 1_000_000
	DefaultSweepInterval = time.Second
)

// memShards is the number of independently locked shards of a Memory
// store. A power of two so that a shard is picked with a mask.
const memShards = 64

// MemoryOptions configures NewMemory. The zero value is valid.
type MemoryOptions struct {
	// MaxKeys bounds the number of keys held (live or expired but not yet
	// swept). 0 or less means DefaultMaxKeys. When the store is full, an
	// Incr that would create a key first drops the expired keys of that
	// key's shard, then of the other shards, and if still full fails with
	// ErrUnavailable; existing keys keep working.
	MaxKeys int
	// SweepInterval is how often the background sweeper removes expired
	// keys. 0 or less means DefaultSweepInterval. Expiry itself is exact
	// and checked on every access; sweeping only frees memory.
	SweepInterval time.Duration
	// Registerer, when not nil, receives the counter
	// ward_state_operations_total{backend="memory",op,result}. A
	// collector already registered under that name is reused, so several
	// stores may share one registry.
	Registerer prometheus.Registerer
	// Now, when not nil, replaces the process' monotonic clock: it returns
	// the time elapsed since an arbitrary origin. Tests (also of packages
	// built on a Store, such as quarantines) move time with it instead of
	// sleeping.
	Now func() time.Duration
}

// Memory is an in-process Store: counters live in this process only, so
// replicas of Ward do not share them. It is safe for concurrent use.
//
// Keys are spread over 64 shards by a seeded hash, each shard a map under
// its own mutex. Incr on an existing key does not allocate. The store
// copies a key when it first stores it and never retains the caller's
// string afterwards, so callers may pass strings that alias reusable
// buffers (for example guest memory), provided the bytes do not change
// during the call.
//
// A Memory owns one sweeper goroutine, stopped by Close.
type Memory struct {
	seed    maphash.Seed
	maxKeys int64
	count   atomic.Int64 // keys held over all shards
	closed  atomic.Bool

	// now returns the time elapsed on a monotonic clock since an
	// arbitrary origin. Tests replace it to move time without sleeping.
	now func() time.Duration

	ops *opsMetrics // nil when no Registerer was given

	stop      chan struct{}
	sweeping  sync.WaitGroup
	closeOnce sync.Once

	shards [memShards]memShard

	recs memRecords // the Records sets (records.go)
}

type memShard struct {
	mu sync.Mutex
	m  map[string]*memEntry
	// minExp is a lower bound of the expiry of every entry in m: no
	// entry expires before it, so a scan for expired keys is pointless
	// while now < minExp. It is lowered on insert and recomputed by
	// every full scan.
	minExp time.Duration
	_      [40]byte // keep shards on separate cache lines
}

type memEntry struct {
	value   int64
	expires time.Duration // on the Memory.now scale
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-process store and starts its sweeper. It
// panics only if opts.Registerer already holds a different collector
// named ward_state_operations_total (a programming error); Open reports
// that case as an error instead.
func NewMemory(opts MemoryOptions) *Memory {
	m, err := newMemory(opts, nil)
	if err != nil {
		panic(err)
	}
	return m
}

// newMemory builds a Memory. A nil clock means the process' monotonic
// clock.
func newMemory(opts MemoryOptions, clock func() time.Duration) (*Memory, error) {
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = DefaultMaxKeys
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = DefaultSweepInterval
	}
	if clock == nil {
		clock = opts.Now
	}
	if clock == nil {
		origin := time.Now()
		clock = func() time.Duration { return time.Since(origin) }
	}
	m := &Memory{
		seed:    maphash.MakeSeed(),
		maxKeys: int64(opts.MaxKeys),
		now:     clock,
		stop:    make(chan struct{}),
	}
	if opts.Registerer != nil {
		ops, err := newOpsMetrics(opts.Registerer, "memory")
		if err != nil {
			return nil, err
		}
		m.ops = ops
	}
	for i := range m.shards {
		m.shards[i].m = make(map[string]*memEntry)
	}
	m.sweeping.Add(1)
	go m.sweepLoop(opts.SweepInterval)
	return m, nil
}

func (m *Memory) shard(key string) *memShard {
	return &m.shards[m.shardIndex(key)]
}

func (m *Memory) shardIndex(key string) uint64 {
	return maphash.String(m.seed, key) & (memShards - 1)
}

// Incr implements Store. It fails with ErrInvalidTTL when ttl <= 0, with
// ErrOverflow when the sum overflows int64, and with ErrUnavailable when
// the store is closed, or when it is full (MaxKeys) and key would be a new
// key even after expired keys were dropped. The context is not consulted:
// the operation never blocks beyond shard locks.
func (m *Memory) Incr(_ context.Context, key string, delta int64, ttl time.Duration) (Entry, error) {
	if ttl <= 0 {
		m.ops.count(opIncr, resultError)
		return Entry{}, fmt.Errorf("state: memory incr: %w (got %v)", ErrInvalidTTL, ttl)
	}
	if m.closed.Load() {
		m.ops.count(opIncr, resultError)
		return Entry{}, errMemoryClosed
	}
	e, err, full := m.incr(key, delta, ttl)
	if full {
		// The key's shard had nothing expired to drop: sweep the others
		// (cheap when nothing expired: one lock and compare per shard)
		// and try once more.
		m.sweep()
		e, err, full = m.incr(key, delta, ttl)
		if full {
			err = errMemoryFull
		}
	}
	if err != nil {
		m.ops.count(opIncr, resultError)
		return Entry{}, err
	}
	m.ops.count(opIncr, resultOK)
	return e, nil
}

// incr does Incr within key's shard. full reports that key is new and the
// store holds MaxKeys keys even after the shard's expired ones were
// dropped.
func (m *Memory) incr(key string, delta int64, ttl time.Duration) (_ Entry, _ error, full bool) {
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := m.now()
	if e, ok := s.m[key]; ok {
		if e.expires <= now {
			// Expired but not yet swept: a fresh window, reusing the
			// entry (minExp stays a valid lower bound: it only grew).
			e.value, e.expires = delta, now+ttl
			return Entry{Value: delta, TTL: ttl}, nil, false
		}
		v := e.value + delta
		if (delta > 0 && v < e.value) || (delta < 0 && v > e.value) {
			return Entry{}, fmt.Errorf("state: memory incr: %w", ErrOverflow), false
		}
		e.value = v
		return Entry{Value: v, TTL: e.expires - now}, nil, false
	}
	if m.count.Add(1) > m.maxKeys {
		m.count.Add(-1)
		s.dropExpired(now, &m.count)
		if m.count.Add(1) > m.maxKeys {
			m.count.Add(-1)
			return Entry{}, nil, true
		}
	}
	exp := now + ttl
	// The key is cloned: the caller's string may alias a buffer it
	// reuses (see Memory). Updates never store the key again.
	s.m[strings.Clone(key)] = &memEntry{value: delta, expires: exp}
	if len(s.m) == 1 || exp < s.minExp {
		s.minExp = exp
	}
	return Entry{Value: delta, TTL: ttl}, nil, false
}

// Get implements Store. A missing or expired key is Entry{} and a nil
// error; a closed store returns ErrUnavailable.
func (m *Memory) Get(_ context.Context, key string) (Entry, error) {
	if m.closed.Load() {
		m.ops.count(opGet, resultError)
		return Entry{}, errMemoryClosed
	}
	s := m.shard(key)
	s.mu.Lock()
	var out Entry
	if e, ok := s.m[key]; ok {
		if now := m.now(); e.expires > now {
			out = Entry{Value: e.value, TTL: e.expires - now}
		}
	}
	s.mu.Unlock()
	m.ops.count(opGet, resultOK)
	return out, nil
}

// Batch implements Store. It locks the shards of all the batch's keys (in
// shard order, so concurrent batches cannot deadlock), applies the ops in
// order and, when one fails, undoes those applied before it, so results
// are exact and the batch is atomic. Errors are those of Incr: nothing is
// applied on any of them. Like Incr it allocates only for new keys, and
// the context is not consulted.
func (m *Memory) Batch(_ context.Context, ops []Op) error {
	if len(ops) == 0 {
		return nil
	}
	for i := range ops {
		if !ops[i].Get && ops[i].TTL <= 0 {
			m.ops.count(opBatch, resultError)
			return fmt.Errorf("state: memory batch: op %d: %w (got %v)", i, ErrInvalidTTL, ops[i].TTL)
		}
	}
	if m.closed.Load() {
		m.ops.count(opBatch, resultError)
		return errMemoryClosed
	}
	err, full := m.batch(ops)
	if full {
		// As in Incr: sweep every shard (not while holding shard locks)
		// and try once more.
		m.sweep()
		if err, full = m.batch(ops); full {
			err = errMemoryFull
		}
	}
	if err != nil {
		m.ops.count(opBatch, resultError)
		return err
	}
	m.ops.count(opBatch, resultOK)
	return nil
}

// memUndo restores what one incr op of a batch changed.
type memUndo struct {
	s       *memShard
	e       *memEntry
	key     string // the stored key of an entry the op created
	created bool
	value   int64
	expires time.Duration
}

// batch does Batch under the locks of the shards involved. full reports
// that an op would create a key in a full store; then, as on overflow,
// nothing was applied.
func (m *Memory) batch(ops []Op) (_ error, full bool) {
	// Each key is hashed once: its shard picks the locks, then the map.
	// Batch's callers send at most 32 ops (wasmhost's state_batch); a
	// longer batch hashes the rest twice.
	var (
		locked uint64 // bit i: shard i
		idx    [32]uint8
	)
	for i := range ops {
		si := m.shardIndex(ops[i].Key)
		if i < len(idx) {
			idx[i] = uint8(si)
		}
		locked |= 1 << si
	}
	for l := locked; l != 0; l &= l - 1 {
		m.shards[bits.TrailingZeros64(l)].mu.Lock()
	}
	defer func() {
		for l := locked; l != 0; l &= l - 1 {
			m.shards[bits.TrailingZeros64(l)].mu.Unlock()
		}
	}()
	now := m.now()
	var undoBuf [32]memUndo
	undo := undoBuf[:0]
	for i := range ops {
		op := &ops[i]
		var s *memShard
		if i < len(idx) {
			s = &m.shards[idx[i]]
		} else {
			s = m.shard(op.Key)
		}
		e, ok := s.m[op.Key]
		if op.Get {
			op.Result = Entry{}
			if ok && e.expires > now {
				op.Result = Entry{Value: e.value, TTL: e.expires - now}
			}
			continue
		}
		if ok {
			u := memUndo{s: s, e: e, value: e.value, expires: e.expires}
			if e.expires <= now {
				e.value, e.expires = op.Delta, now+op.TTL
				op.Result = Entry{Value: op.Delta, TTL: op.TTL}
				undo = append(undo, u)
				continue
			}
			v := e.value + op.Delta
			if (op.Delta > 0 && v < e.value) || (op.Delta < 0 && v > e.value) {
				m.undo(undo)
				return fmt.Errorf("state: memory batch: op %d: %w", i, ErrOverflow), false
			}
			e.value = v
			op.Result = Entry{Value: v, TTL: e.expires - now}
			undo = append(undo, u)
			continue
		}
		if m.count.Add(1) > m.maxKeys {
			m.count.Add(-1)
			// Entries this batch touched are live, so they stay.
			s.dropExpired(now, &m.count)
			if m.count.Add(1) > m.maxKeys {
				m.count.Add(-1)
				m.undo(undo)
				return nil, true
			}
		}
		exp := now + op.TTL
		k := strings.Clone(op.Key) // see Incr
		e = &memEntry{value: op.Delta, expires: exp}
		s.m[k] = e
		if len(s.m) == 1 || exp < s.minExp {
			s.minExp = exp
		}
		op.Result = Entry{Value: op.Delta, TTL: op.TTL}
		undo = append(undo, memUndo{s: s, e: e, key: k, created: true})
	}
	return nil, false
}

// undo reverts the changes recorded in u, last first. The caller holds
// the shards' locks.
func (m *Memory) undo(u []memUndo) {
	for i := len(u) - 1; i >= 0; i-- {
		x := &u[i]
		if x.created {
			delete(x.s.m, x.key)
			m.count.Add(-1)
			continue
		}
		x.e.value, x.e.expires = x.value, x.expires
		// Keep minExp a lower bound: the restored expiry may be earlier
		// than what a scan since computed.
		x.s.minExp = min(x.s.minExp, x.expires)
	}
}

// Close stops the sweeper and drops every key. Later calls to Incr and Get
// return ErrUnavailable. Close is idempotent and always returns nil.
func (m *Memory) Close() error {
	m.closeOnce.Do(func() {
		m.closed.Store(true)
		close(m.stop)
		m.sweeping.Wait()
		for i := range m.shards {
			s := &m.shards[i]
			s.mu.Lock()
			m.count.Add(-int64(len(s.m)))
			clear(s.m)
			s.mu.Unlock()
		}
		m.recs.mu.Lock()
		m.recs.sets = nil
		m.recs.mu.Unlock()
	})
	return nil
}

var (
	errMemoryClosed = fmt.Errorf("state: memory: closed: %w", ErrUnavailable)
	errMemoryFull   = fmt.Errorf("state: memory: full (MaxKeys reached): %w", ErrUnavailable)
)

// len returns the number of keys held, expired or not (for tests).
func (m *Memory) len() int { return int(m.count.Load()) }

func (m *Memory) sweepLoop(every time.Duration) {
	defer m.sweeping.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.sweep()
		}
	}
}

// sweep removes the expired keys of every shard, one shard lock at a
// time, and returns how many it removed.
func (m *Memory) sweep() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += s.dropExpired(m.now(), &m.count)
		s.mu.Unlock()
	}
	return n
}

// dropExpired deletes the shard's entries that expired at or before now,
// decrements count by their number and returns it. The caller holds s.mu.
// It skips the scan when no entry can have expired yet.
func (s *memShard) dropExpired(now time.Duration, count *atomic.Int64) int {
	if len(s.m) == 0 || now < s.minExp {
		return 0
	}
	n := 0
	minExp := time.Duration(1<<63 - 1)
	for k, e := range s.m {
		if e.expires <= now {
			delete(s.m, k)
			n++
			continue
		}
		minExp = min(minExp, e.expires)
	}
	s.minExp = minExp
	count.Add(-int64(n))
	return n
}
