// Package wasmhost runs Ward's WebAssembly guards on wazero.
//
// A Host owns the compilation cache shared by every guard it loads, and the
// compiled modules of the guards it runs (and of a few it ran recently):
// loading a module it holds skips decoding, validating and compiling it. A
// Guard is one loaded module (one version of one guard) with its settings
// and a bounded pool of pre-warmed instances of that compiled module. Guards speak the native ABI "ward/v1"
// (../../sdk/ABI.md) or, when the module imports "extism:host/env", the
// Extism ABI through engine/internal/extismguard.
//
// Guests get no ambient authority: no files (no preopens), no environment,
// no arguments, and wazero's deterministic clocks and random source. Their
// stdout and stderr are forwarded line by line to the Host's logger, capped
// per call. A call is bounded in CPU by fuel (engine/internal/fuel) and in
// wall time by a watchdog that stops any call running for more than twice
// its budget; an instance that trapped or was stopped is thrown away and
// replaced in the background.
//
// The package knows nothing of HTTP: it checks an abi.Exchange and fills an
// abi.Verdict.
package wasmhost

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tetratelabs/wazero"

	"github.com/wardgate/ward/engine/state"
)

// Options configure a Host.
type Options struct {
	// CacheDir is where compiled guards are cached across restarts
	// (wazero.NewCompilationCacheWithDir); "" keeps the cache in memory only.
	CacheDir string
	// Logger receives guest output and background events (instance
	// replacement). nil discards them.
	Logger *slog.Logger
	// IdleModules is how many compiled modules no guard uses the Host
	// keeps for a later load (see DefaultIdleModules); 0 means
	// DefaultIdleModules, a negative value keeps none.
	IdleModules int
	// State is the store behind the state host functions, for the caller
	// to pass as Spec.State to guards granted it (see Host.State). The Host
	// neither uses nor closes it.
	State state.Store
}

// Host loads guards. It is safe for concurrent use.
type Host struct {
	cache    wazero.CompilationCache
	cacheDir string
	logger   *slog.Logger
	state    state.Store

	keysMu sync.RWMutex
	keys   map[verifyKeyID]crypto.PublicKey // verify_signature's parsed keys

	mu     sync.Mutex
	guards map[*Guard]struct{}
	closed bool

	modMu      sync.Mutex
	mods       map[moduleKey]*module // compiled native modules, in use or idle
	idle       []*module             // unused, least recently released first (at most idleMax)
	idleMax    int
	modsClosed bool
}

// New returns a Host. It fails only when CacheDir cannot be created.
func New(ctx context.Context, o Options) (*Host, error) {
	var cache wazero.CompilationCache
	if o.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(o.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("wasmhost: compilation cache %s: %w", o.CacheDir, err)
		}
		cache = c
	} else {
		cache = wazero.NewCompilationCache()
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	idleMax := o.IdleModules
	switch {
	case idleMax == 0:
		idleMax = DefaultIdleModules
	case idleMax < 0:
		idleMax = 0
	}
	return &Host{cache: cache, cacheDir: o.CacheDir, logger: logger, state: o.State, guards: map[*Guard]struct{}{}, idleMax: idleMax}, nil
}

// State returns Options.State (nil when none was given).
func (h *Host) State() state.Store { return h.state }

// Close closes every guard still open (see Guard.Close; ctx bounds the
// wait for their in-flight calls) and then the compilation cache. Load
// fails with guard_closed afterwards. Close is idempotent.
func (h *Host) Close(ctx context.Context) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	guards := make([]*Guard, 0, len(h.guards))
	for g := range h.guards {
		guards = append(guards, g)
	}
	h.mu.Unlock()

	var errs []error
	for _, g := range guards {
		if err := g.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if err := h.closeModules(); err != nil {
		errs = append(errs, fmt.Errorf("wasmhost: close compiled modules: %w", err))
	}
	if err := h.cache.Close(ctx); err != nil {
		errs = append(errs, fmt.Errorf("wasmhost: close compilation cache: %w", err))
	}
	return errors.Join(errs...)
}

// register records g so that Host.Close closes it; it fails once the host
// is closed.
func (h *Host) register(g *Guard) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.guards[g] = struct{}{}
	return true
}

func (h *Host) unregister(g *Guard) {
	h.mu.Lock()
	delete(h.guards, g)
	h.mu.Unlock()
}

func (h *Host) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}
