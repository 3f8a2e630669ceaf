package reload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wardgate/ward/engine/config"
)

// Override is one guard key set at run time (promote, mode, upload) and
// applied on top of the config file by every later reload, so that a
// reload triggered by the file does not silently undo it. It is dropped
// when the file's own value for the key changes (the operator edited it)
// or the guard leaves the file. Overrides live in memory only: a restart
// reads the config file alone.
type Override struct {
	Guard string `json:"guard"`
	Key   string `json:"key"` // path, sha256, candidate, candidate_sha256, mode
	Value string `json:"value"`
	// File is the file's value of the key when the override was set.
	File   string    `json:"file_value"`
	At     time.Time `json:"at"`
	Action string    `json:"action"` // promote, mode, upload
	// Operator is who set it (see WithOperator).
	Operator string `json:"operator,omitempty"`
	// Line is the line of the guard's table in the config file when set.
	Line int `json:"line,omitempty"`
}

// OverrideKeys are the guard keys that can be overridden at run time.
var OverrideKeys = []string{"path", "sha256", "candidate", "candidate_sha256", "mode"}

// Errors of Promote, SetMode and SetModule that are refusals of the
// request, not failed swaps: nothing was attempted.
var (
	ErrUnknownGuard = errors.New("reload: no such guard")
	ErrNoCandidate  = errors.New("reload: the guard has no candidate")
	ErrBadValue     = errors.New("reload: invalid value")
)

func guardKey(g *config.Guard, key string) *string {
	switch key {
	case "path":
		return &g.Path
	case "sha256":
		return &g.SHA256
	case "candidate":
		return &g.Candidate
	case "candidate_sha256":
		return &g.CandidateSHA256
	case "mode":
		return &g.Mode
	}
	return nil
}

func findGuard(cfg *config.Config, name string) *config.Guard {
	for _, g := range cfg.Guards {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// applyOverrides returns file with ov applied (file itself when nothing
// applies; otherwise a copy, file is not modified), the overrides kept and
// those dropped because the file's value changed or the guard is gone.
func applyOverrides(file *config.Config, ov []Override) (eff *config.Config, kept, dropped []Override) {
	if len(ov) == 0 {
		return file, nil, nil
	}
	c := *file
	c.Guards = make([]*config.Guard, len(file.Guards))
	for i, g := range file.Guards {
		cp := *g
		c.Guards[i] = &cp
	}
	for _, o := range ov {
		g := findGuard(&c, o.Guard)
		if g == nil {
			dropped = append(dropped, o)
			continue
		}
		fg := findGuard(file, o.Guard)
		if *guardKey(fg, o.Key) != o.File {
			dropped = append(dropped, o)
			continue
		}
		*guardKey(g, o.Key) = o.Value
		kept = append(kept, o)
	}
	return &c, kept, dropped
}

// setOverrides returns ov with the keys of guard set to values (key,
// value pairs), given the config file's guard fg. A value equal to the
// file's drops the override instead.
func setOverrides(ov []Override, fg *config.Guard, action, operator string, kv ...string) []Override {
	out := slices.Clone(ov)
	now := time.Now()
	for i := 0; i+1 < len(kv); i += 2 {
		key, val := kv[i], kv[i+1]
		out = slices.DeleteFunc(out, func(o Override) bool { return o.Guard == fg.Name && o.Key == key })
		if file := *guardKey(fg, key); val != file {
			out = append(out, Override{Guard: fg.Name, Key: key, Value: val, File: file, At: now, Action: action, Operator: operator, Line: fg.Line})
		}
	}
	return out
}

// Overrides returns the run-time overrides of the live pipeline.
func (r *Reloader) Overrides() []Override {
	r.stMu.RLock()
	defer r.stMu.RUnlock()
	return slices.Clone(r.cur.ov)
}

// Promote makes the candidate of guard its module (path and pin) and
// clears the candidate, as overrides, and publishes the result like
// Reload. ErrUnknownGuard and ErrNoCandidate refuse it before anything is
// built.
func (r *Reloader) Promote(ctx context.Context, guard string) (*Result, error) {
	return r.override(ctx, "promote", guard, func(g *config.Guard) ([]string, error) {
		if g.Candidate == "" {
			return nil, fmt.Errorf("%w: %s", ErrNoCandidate, guard)
		}
		return []string{"path", g.Candidate, "sha256", g.CandidateSHA256, "candidate", "", "candidate_sha256", ""}, nil
	})
}

// SetMode sets guard's mode (enforce or observe) as an override.
func (r *Reloader) SetMode(ctx context.Context, guard, mode string) (*Result, error) {
	if mode != config.ModeEnforce && mode != config.ModeObserve {
		return r.refused("mode", guard, fmt.Errorf("%w: mode %q (want enforce|observe)", ErrBadValue, mode))
	}
	return r.override(ctx, "mode", guard, func(*config.Guard) ([]string, error) {
		return []string{"mode", mode}, nil
	})
}

// SetModule makes the module at path (absolute, pinned by sha256) guard's
// candidate, or with asGuard its module, as overrides.
func (r *Reloader) SetModule(ctx context.Context, guard, path, sha256 string, asGuard bool) (*Result, error) {
	if !config.ValidSHA256(sha256) || path == "" {
		return r.refused("upload", guard, fmt.Errorf("%w: module %q sha256 %q", ErrBadValue, path, sha256))
	}
	return r.override(ctx, "upload", guard, func(*config.Guard) ([]string, error) {
		if asGuard {
			return []string{"path", path, "sha256", sha256}, nil
		}
		return []string{"candidate", path, "candidate_sha256", sha256}, nil
	})
}

// refused is the result of a request refused before any swap.
func (r *Reloader) refused(trigger, guard string, err error) (*Result, error) {
	r.stMu.RLock()
	gen := r.cur.id
	r.stMu.RUnlock()
	return &Result{Trigger: trigger, At: time.Now(), Error: err.Error(), Generation: gen, Target: guard}, err
}

// override builds and publishes the live config file with the overrides
// that keys(guard) returns set on top of the live ones.
func (r *Reloader) override(ctx context.Context, trigger, guard string, keys func(*config.Guard) ([]string, error)) (*Result, error) {
	start := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	eg, fg := findGuard(r.cur.cfg, guard), findGuard(r.cur.file, guard)
	if eg == nil || fg == nil {
		return r.refused(trigger, guard, fmt.Errorf("%w: %q", ErrUnknownGuard, guard))
	}
	kv, err := keys(eg)
	if err != nil {
		return r.refused(trigger, guard, err)
	}
	ov := setOverrides(r.cur.ov, fg, trigger, operator(ctx), kv...)
	eff, kept, _ := applyOverrides(r.cur.file, ov)
	return r.swap(ctx, swapInput{file: r.cur.file, cfg: eff, ov: kept, target: guard}, r.modules.wrap(r.o.Resolve), trigger, start)
}

type operatorKey struct{}

// WithOperator returns ctx naming who asks for a reload, promote, mode or
// upload; results, the swap history and overrides carry it.
func WithOperator(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, operatorKey{}, name)
}

func operator(ctx context.Context) string {
	s, _ := ctx.Value(operatorKey{}).(string)
	return s
}
