package state

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Backend names accepted by Open.
const (
	BackendMemory = "memory"
	BackendRedis  = "redis"
)

// Options selects and configures a backend for Open. Fields that do not
// apply to the chosen backend are ignored; zero values mean the backend's
// defaults.
type Options struct {
	// Backend is BackendMemory (also when empty) or BackendRedis.
	Backend string
	// RedisURL is required for BackendRedis (see RedisOptions.URL).
	RedisURL string
	// Timeout is RedisOptions.Timeout.
	Timeout time.Duration
	// KeyPrefix is RedisOptions.KeyPrefix.
	KeyPrefix string
	// MaxKeys is MemoryOptions.MaxKeys.
	MaxKeys int
	// Logger is RedisOptions.Logger.
	Logger *slog.Logger
	// Registerer receives the backend's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Open returns the Store that c describes. It does not connect to Redis
// (see NewRedis). It fails on an unknown backend, a missing or unparsable
// RedisURL, or conflicting metric collectors in c.Registerer.
func Open(c Options) (Store, error) {
	switch c.Backend {
	case "", BackendMemory:
		m, err := newMemory(MemoryOptions{MaxKeys: c.MaxKeys, Registerer: c.Registerer}, nil)
		if err != nil {
			return nil, err
		}
		return m, nil
	case BackendRedis:
		r, err := NewRedis(RedisOptions{
			URL:        c.RedisURL,
			KeyPrefix:  c.KeyPrefix,
			Timeout:    c.Timeout,
			Logger:     c.Logger,
			Registerer: c.Registerer,
		})
		if err != nil {
			return nil, err
		}
		return r, nil
	default:
		return nil, fmt.Errorf("state: unknown backend %q (want %s|%s)", c.Backend, BackendMemory, BackendRedis)
	}
}
