package reload

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/wardgate/ward/engine/config"
)

// WatchedFiles returns the files a reload of cfg reads: the config file
// itself (when cfg.File names one), guard modules that are files, guards'
// config_file and config_text files, and the listeners' TLS certificate,
// key and client CA files (a renewed certificate is served without a
// signal), as absolute clean paths.
func WatchedFiles(cfg *config.Config) []string {
	var out []string
	add := func(p string) {
		if p == "" || strings.HasPrefix(p, config.BuiltinPrefix) {
			return
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		out = append(out, filepath.Clean(p))
	}
	if cfg.File != "" && filepath.IsAbs(cfg.Dir) {
		if filepath.IsAbs(cfg.File) {
			add(cfg.File)
		} else if abs, err := filepath.Abs(cfg.File); err == nil {
			add(abs)
		}
	}
	for _, t := range []config.TLS{cfg.Server.TLS, cfg.Admin.TLS} {
		add(cfg.ResolveFile(t.Cert))
		add(cfg.ResolveFile(t.Key))
		add(cfg.ResolveFile(t.ClientCA))
	}
	for _, g := range cfg.Guards {
		add(cfg.ResolvePath(g.Path))
		if g.Candidate != "" {
			add(cfg.ResolvePath(g.Candidate))
		}
		add(cfg.ResolveFile(g.ConfigFile))
		for _, ct := range g.ConfigText {
			add(cfg.ResolveFile(ct.Path))
		}
	}
	return out
}

// Watch reloads when a file of the live config changes, debounce after the
// last event of a burst (editors and deploy tools write files in several
// steps). Directories are watched, not files, so that files replaced by
// rename (atomic writes, Kubernetes ConfigMap symlink swaps) are seen; the
// set of files follows the live config after every reload. Watch returns
// when ctx ends, or at once with the error when the watcher cannot start.
func (r *Reloader) Watch(ctx context.Context, debounce time.Duration) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	files := map[string]bool{}
	dirs := map[string]bool{}
	sync := func() {
		files = map[string]bool{}
		want := map[string]bool{}
		for _, f := range WatchedFiles(r.Config()) {
			files[f] = true
			want[filepath.Dir(f)] = true
		}
		for d := range dirs {
			if !want[d] {
				_ = w.Remove(d)
				delete(dirs, d)
			}
		}
		for d := range want {
			if !dirs[d] {
				if err := w.Add(d); err != nil {
					r.o.Log.Warn("cannot watch directory; changes there need SIGHUP or the admin API", "dir", d, "err", err)
					continue
				}
				dirs[d] = true
			}
		}
	}
	sync()
	if r.watching != nil {
		r.watching()
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	pending := ""
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			name := filepath.Clean(ev.Name)
			// "..data" and friends: a Kubernetes volume swapping its
			// symlinked contents.
			if !files[name] && !strings.HasPrefix(filepath.Base(name), "..") {
				continue
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			pending = name
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			r.o.Log.Warn("file watcher", "err", err)
		case <-timer.C:
			r.o.Log.Info("file changed; reloading", "file", pending)
			_, _ = r.Reload(ctx, "file")
			sync()
		}
	}
}
