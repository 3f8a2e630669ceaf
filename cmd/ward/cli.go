package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/engine/wasmhost"
)

// version is set at link time (-ldflags "-X main.version=..."); otherwise it
// comes from the module's build info.
var version = ""

//go:embed guards
var builtinGuards embed.FS

const usage = `Usage: ward <command> [flags]

Commands:
  serve     -c ward.toml   run the gateway
  validate  -c ward.toml   check a config (and load its guards); non-zero exit on errors
  demo                     run the gateway with its embedded demo config, a mock LLM upstream
                           and the built-in guards, and print curl lines to try
  token     issue|verify   issue or check a short-lived Ward access token (see plugins/auth)
  version                  print the version
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "demo":
		return cmdDemo(rest, stdout, stderr)
	case "token":
		return cmdToken(rest, stdout, stderr)
	case "version", "-v", "--version":
		fmt.Fprintln(stdout, "ward", wardVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "ward: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func wardVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// resolveGuard reads a guard module: "builtin:NAME" from the binary, else a file.
func resolveGuard(path string) ([]byte, error) {
	if name, ok := strings.CutPrefix(path, "builtin:"); ok {
		b, err := fs.ReadFile(builtinGuards, "guards/"+name+".wasm")
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("built-in guard %q is not embedded in this binary (build it with `go tool task build`)", name)
		}
		return b, err
	}
	return os.ReadFile(path)
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Log.Format
	if format == "" || format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func cacheDir(cfg *config.Config) string {
	switch cfg.Wasm.CacheDir {
	case "off":
		return ""
	case "":
		d, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(d, "ward", "wazero")
	}
	return cfg.Wasm.CacheDir
}

func configFlag(name string, args []string, stderr io.Writer) (string, bool) {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	path := fset.String("c", "ward.toml", "config file")
	if err := fset.Parse(args); err != nil {
		return "", false
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "ward %s: unexpected argument %q\n", name, fset.Arg(0))
		return "", false
	}
	return *path, true
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	path, ok := configFlag("validate", args, stderr)
	if !ok {
		return 2
	}
	cfg, err := config.Load(path)
	if err != nil {
		printErrors(stderr, err)
		return 1
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := openState(cfg, log, nil)
	if err != nil {
		fmt.Fprintln(stderr, "ward validate:", err)
		return 1
	}
	defer st.Close()
	host, err := wasmhost.New(ctx, wasmhost.Options{CacheDir: cacheDir(cfg), Logger: log, State: st})
	if err != nil {
		fmt.Fprintln(stderr, "ward validate:", err)
		return 1
	}
	defer host.Close(ctx)
	snap, err := proxy.Build(ctx, cfg, host, resolveGuard, log)
	if err != nil {
		printErrors(stderr, err)
		return 1
	}
	defer snap.Close(ctx)
	fmt.Fprintf(stdout, "%s: ok (%d guards, %d routes)\n", path, len(cfg.Guards), len(cfg.Routes))
	return 0
}

// printErrors prints one line per joined error.
func printErrors(w io.Writer, err error) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			printErrors(w, e)
		}
		return
	}
	fmt.Fprintln(w, err)
}

func cmdServe(args []string, stdout, stderr io.Writer) int {
	path, ok := configFlag("serve", args, stderr)
	if !ok {
		return 2
	}
	cfg, err := config.Load(path)
	if err != nil {
		printErrors(stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, stdout, stderr, nil)
}

// serve runs the gateway for cfg until ctx is done. ready, when not nil, is
// called with the bound addresses once the listeners are open.
func serve(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer, ready func(addrs []string)) int {
	log := newLogger(cfg, stdout)
	st, err := openState(cfg, log, prometheus.DefaultRegisterer)
	if err != nil {
		fmt.Fprintln(stderr, "ward:", err)
		return 1
	}
	defer st.Close()
	host, err := wasmhost.New(ctx, wasmhost.Options{CacheDir: cacheDir(cfg), Logger: log, State: st})
	if err != nil {
		fmt.Fprintln(stderr, "ward:", err)
		return 1
	}
	defer host.Close(context.Background())
	start := time.Now()
	snap, err := proxy.Build(ctx, cfg, host, resolveGuard, log)
	if err != nil {
		printErrors(stderr, err)
		return 1
	}
	srv := proxy.NewServer(snap, log)
	lns, err := proxy.Listen(cfg)
	if err != nil {
		printErrors(stderr, err)
		_ = snap.Close(context.Background())
		return 1
	}
	var addrs []string
	for _, ln := range lns {
		addrs = append(addrs, ln.Addr().String())
	}
	log.Info("ward serving", "version", wardVersion(), "listen", addrs, "guards", len(snap.Guards()),
		"routes", len(cfg.Routes), "startup", time.Since(start).String())
	if ready != nil {
		ready(addrs)
	}
	err = srv.Serve(ctx, cfg, lns, 10*time.Second)
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = errors.Join(err, srv.Snapshot().Close(cctx))
	if err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	log.Info("ward stopped")
	return 0
}

// openState opens the [state] backend (counters of guards granted
// "state"). Metrics go to reg when not nil.
func openState(cfg *config.Config, log *slog.Logger, reg prometheus.Registerer) (state.Store, error) {
	if cfg.State.Backend == state.BackendRedis {
		// go-redis logs every failed dial through a process-wide logger;
		// the state store already logs outages once per circuit change,
		// so its lines go to debug.
		redis.SetLogger(redisLogger{log})
	}
	return state.Open(state.Options{
		Backend:    cfg.State.Backend,
		RedisURL:   cfg.State.RedisURL,
		Timeout:    cfg.State.Timeout,
		KeyPrefix:  cfg.State.KeyPrefix,
		MaxKeys:    cfg.State.MaxKeys,
		Logger:     log,
		Registerer: reg,
	})
}

// redisLogger sends go-redis's internal log lines to slog at debug level.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
