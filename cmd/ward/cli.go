package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control"
	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/audit"
	"github.com/wardgate/ward/engine/control/console"
	"github.com/wardgate/ward/engine/control/incident"
	"github.com/wardgate/ward/engine/control/metrics"
	"github.com/wardgate/ward/engine/control/operator"
	"github.com/wardgate/ward/engine/control/reload"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/engine/wasmhost"
)

// stdin is where passwords and codes are read from (tests replace it).
var stdin io.Reader = os.Stdin

// version is set at link time (-ldflags "-X main.version=..."); otherwise it
// comes from the module's build info.
var version = ""

const usage = `Usage: ward <command> [flags]

Commands:
  serve     -c ward.toml   run the gateway
  validate  -c ward.toml   check a config (and load its guards); non-zero exit on errors
  demo                     run the gateway with its embedded demo config, a mock LLM upstream
                           and the built-in guards, and print curl lines to try
  guards    -c ward.toml   list the running gateway's guards (admin API: version, sha256, calls, p50/p99)
  reload    -c ward.toml   reload the running gateway's config and guards (admin API); non-zero if refused
  rollback  -c ward.toml   publish the previous pipeline again (admin API)
  audit     verify|read    check the audit log's hash chain; open sealed records (ward audit help)
  report    FILE...        compliance summary of the audit log (-since 24h, -format text|json|html)
  promote   NAME           make guard NAME's candidate the guard (admin API; until a restart:
                           prints the ward.toml lines that make it permanent)
  mode      NAME enforce|observe   set a guard's mode (admin API; until a restart)
  upload    FILE -guard NAME [-as candidate|guard]   upload a module (sha256 computed) and
                           make it the guard's candidate (default) or the guard (admin API)
  swaps     -c ward.toml   the last 100 reloads, rollbacks, promotes and uploads (admin API)
  quarantine list|lift     list quarantined identities or lift one (admin API)
  operator  add NAME       enrol an operator (password + TOTP) in [admin] operators_file
  login     OPERATOR       open an operator session (password + TOTP); prints the token for WARD_ADMIN_TOKEN
  token     issue|verify   issue or check a short-lived Ward access token (see plugins/auth)
  plugin    new|build|test|bench|inspect   write, build, test and measure a guard (ward plugin help)
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
	case "plugin":
		return cmdPlugin(rest, stdout, stderr)
	case "guards":
		return cmdGuards(rest, stdout, stderr)
	case "reload", "rollback":
		return cmdReload(cmd, rest, stdout, stderr)
	case "audit":
		return cmdAudit(rest, stdout, stderr)
	case "report":
		return cmdReport(rest, stdout, stderr)
	case "promote":
		return cmdPromote(rest, stdout, stderr)
	case "mode":
		return cmdMode(rest, stdout, stderr)
	case "upload":
		return cmdUpload(rest, stdout, stderr)
	case "swaps":
		return cmdSwaps(rest, stdout, stderr)
	case "quarantine":
		return cmdQuarantine(rest, stdout, stderr)
	case "operator":
		return cmdOperator(rest, stdin, stdout, stderr)
	case "login":
		return cmdLogin(rest, stdin, stdout, stderr)
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

// resolveGuard reads a guard module: "builtin:NAME" from the binary (in
// place, see builtins), else a file.
func resolveGuard(path string) ([]byte, error) {
	if name, ok := strings.CutPrefix(path, "builtin:"); ok {
		return builtin.module(name)
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

// cacheDir is the compilation cache directory ("" = in memory only): a
// relative cache_dir is relative to the config file, as documented.
func cacheDir(cfg *config.Config) string {
	d, err := cfg.WasmCacheDir()
	if err != nil {
		return ""
	}
	return d
}

// idleModules is [wasm] idle_modules as wasmhost.Options.IdleModules
// (where 0 means the default and a negative value none).
func idleModules(cfg *config.Config) int {
	if cfg.Wasm.IdleModules == 0 {
		return -1
	}
	return cfg.Wasm.IdleModules
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
	if cfg.Audit.KeyFile != "" || cfg.Audit.KeyEnv != "" {
		if _, err := audit.LoadKeys(cfg.ResolveFile(cfg.Audit.KeyFile), cfg.Audit.KeyEnv); err != nil {
			fmt.Fprintln(stderr, "ward validate: audit:", err)
			return 1
		}
	}
	ctx := context.Background()
	// Warnings (a guard that makes a route hold its streams, ...) are
	// worth reading before the config goes live; the rest is noise here.
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	st, err := openState(cfg, log, nil)
	if err != nil {
		fmt.Fprintln(stderr, "ward validate:", err)
		return 1
	}
	defer st.Close()
	host, err := wasmhost.New(ctx, wasmhost.Options{CacheDir: cacheDir(cfg), IdleModules: idleModules(cfg), Logger: log, State: st})
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
	// The self-test a reload runs: a guard that faults or loops on a
	// plain exchange fails validation too.
	failed := false
	for _, e := range snap.Entries() {
		if err := reload.SelfTest(ctx, e.Guard); err != nil {
			fmt.Fprintln(stderr, cfg.Errorf([]string{"guards", e.Name}, "%v", err))
			failed = true
		}
		if e.Candidate != nil {
			if err := reload.SelfTest(ctx, e.Candidate); err != nil {
				fmt.Fprintln(stderr, cfg.Errorf([]string{"guards", e.Name, "candidate"}, "%v", err))
				failed = true
			}
		}
	}
	// Files read at start-up: refused now rather than at `ward serve`.
	if f := cfg.Admin.OperatorsFile; f != "" {
		if _, err := operator.Load(cfg.ResolveFile(f)); err != nil {
			fmt.Fprintln(stderr, cfg.Errorf([]string{"admin", "operators_file"}, "%v", err))
			failed = true
		}
	}
	if f := cfg.Incident.Webhook.SecretFile; f != "" {
		if b, err := os.ReadFile(cfg.ResolveFile(f)); err != nil || len(strings.TrimSpace(string(b))) == 0 {
			fmt.Fprintln(stderr, cfg.Errorf([]string{"incident", "webhook", "secret_file"}, "unreadable or empty"))
			failed = true
		}
	}
	if failed {
		return 1
	}
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
	return serveWith(ctx, cfg, reload.FileLoader(path), stdout, stderr, nil)
}

// serve runs the gateway for cfg until ctx is done, reloading cfg as it
// is (no file to read again). ready, when not nil, is called with the
// bound addresses once the listeners are open (adminAddr "" when there is
// no admin API).
func serve(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer, ready func(addrs []string, adminAddr string)) int {
	return serveWith(ctx, cfg, nil, stdout, stderr, ready)
}

// serveWith is serve with load re-reading the config for reloads (SIGHUP,
// the admin API, and file changes when [reload] watch is on); nil reloads
// cfg as it is and watches no file.
func serveWith(ctx context.Context, cfg *config.Config, load func() (*config.Config, error), stdout, stderr io.Writer, ready func(addrs []string, adminAddr string)) int {
	log := newLogger(cfg, stdout)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	st, err := openState(cfg, log, reg)
	if err != nil {
		fmt.Fprintln(stderr, "ward:", err)
		return 1
	}
	defer st.Close()
	host, err := wasmhost.New(ctx, wasmhost.Options{CacheDir: cacheDir(cfg), IdleModules: idleModules(cfg), Logger: log, State: st})
	if err != nil {
		fmt.Fprintln(stderr, "ward:", err)
		return 1
	}
	defer host.Close(context.Background())
	met := metrics.New()
	if err := met.Register(reg); err != nil {
		fmt.Fprintln(stderr, "ward:", err)
		return 1
	}
	watch := load != nil && cfg.Reload.Watch
	initial := cfg
	loadNext := func() (*config.Config, error) {
		if c := initial; c != nil { // the config already parsed, once
			initial = nil
			return c, nil
		}
		if load == nil {
			return cfg, nil
		}
		return load()
	}
	start := time.Now()
	rl, _, err := reload.New(ctx, reload.Options{Load: loadNext, Host: host, Resolve: resolveGuard, Log: log, Metrics: met, Built: builtin.release, Settled: releaseLoadMemory})
	if err != nil {
		printErrors(stderr, err)
		return 1
	}
	releaseLoadMemory()
	srv := proxy.NewServer(rl.Current(), log)
	met.SetLive(func() []proxy.GuardEntry { return srv.Snapshot().Entries() })
	obs := control.Tee{met}
	// Operators log in to the admin API and the console; read at start.
	var ops *operator.Authenticator
	if cfg.Admin.Listen != "" && cfg.Admin.OperatorsFile != "" {
		file := cfg.ResolveFile(cfg.Admin.OperatorsFile)
		list, err := operator.Load(file)
		if err == nil {
			// Used codes are claimed in the state backend: with Redis, every
			// replica refuses a code one of them accepted.
			ops, err = operator.NewAuthenticator(list, operator.Options{SessionTTL: cfg.Admin.SessionTTL, File: file,
				Used: operator.StateSteps{Store: st}})
		}
		if err != nil {
			fmt.Fprintf(stderr, "ward: admin.operators_file: %v\n", err)
			_ = rl.Current().Close(context.Background())
			return 1
		}
	}
	var con *console.Console
	var conOpts console.Options
	if cfg.Admin.Listen != "" && cfg.Admin.Console {
		rec := console.NewRecorder(0)
		conOpts = console.Options{Recorder: rec, SessionTTL: cfg.Admin.ConsoleSession, Log: log, Operators: ops,
			NoTokenLogin: !cfg.Admin.ConsoleTokenLogin}
		obs = append(obs, rec)
	}
	var adminAudit admin.Auditor
	var al *audit.Logger
	if cfg.Audit.Sink != config.AuditOff {
		var keys *audit.Keyring
		if cfg.Audit.KeyFile != "" || cfg.Audit.KeyEnv != "" {
			keys, err = audit.LoadKeys(cfg.ResolveFile(cfg.Audit.KeyFile), cfg.Audit.KeyEnv)
			if err != nil {
				fmt.Fprintln(stderr, "ward: audit:", err)
				_ = rl.Current().Close(context.Background())
				return 1
			}
		}
		var w io.Writer = stdout
		if cfg.Audit.Sink == config.AuditFile {
			f, err := audit.OpenRotating(cfg.ResolveFile(cfg.Audit.Path), cfg.Audit.MaxSize, cfg.Audit.MaxFiles)
			if err != nil {
				fmt.Fprintln(stderr, "ward:", err)
				_ = rl.Current().Close(context.Background())
				return 1
			}
			w = f
		}
		al = audit.New(audit.Options{W: w, Buffer: cfg.Audit.Buffer, Counter: met, Keys: keys,
			Prompts: cfg.Audit.Prompts == config.AuditPromptsMasked, PromptMax: int(cfg.Audit.PromptMax),
			Version: wardVersion(), Checkpoint: cfg.Audit.Checkpoint,
			OnCheckpoint: func(seq uint64, hash string) {
				log.Info("audit checkpoint", "head", strconv.FormatUint(seq, 10)+":"+hash)
			},
			OnError: func(err error) { log.Error("audit log write failed", "err", err) }})
		defer al.Close()
		obs = append(obs, al)
		adminAudit = al
		conOpts.Audit, conOpts.Events = al, al
		if cfg.Audit.Sink == config.AuditFile {
			conOpts.Report = auditReport(cfg.ResolveFile(cfg.Audit.Path), keys)
		}
	}
	if conOpts.Recorder != nil {
		con = console.New(conOpts)
	}
	var bg sync.WaitGroup
	bctx, cancelBG := context.WithCancel(ctx)
	defer func() { cancelBG(); bg.Wait() }()
	inc, err := startIncident(bctx, &bg, cfg, rl.Config, st, al, log, reg)
	if err != nil {
		fmt.Fprintln(stderr, "ward:", err)
		_ = rl.Current().Close(context.Background())
		return 1
	}
	obs = append(obs, inc)
	srv.SetGate(inc)
	srv.SetObserver(obs, cfg.Audit.Sink != config.AuditOff)
	rl.Attach(srv)
	lns, err := proxy.Listen(cfg)
	if err != nil {
		printErrors(stderr, err)
		_ = rl.Current().Close(context.Background())
		return 1
	}
	adminAddr := ""
	if cfg.Admin.Listen != "" {
		token := ""
		if cfg.Admin.TokenFile != "" {
			b, err := os.ReadFile(cfg.ResolveFile(cfg.Admin.TokenFile))
			if err == nil && len(strings.TrimSpace(string(b))) == 0 {
				err = errors.New("empty token")
			}
			if err != nil {
				fmt.Fprintf(stderr, "ward: admin.token_file: %v\n", err)
				closeListeners(lns)
				_ = rl.Current().Close(context.Background())
				return 1
			}
			token = strings.TrimSpace(string(b))
		}
		moduleDir := ""
		if cfg.Admin.ModuleDir != "" {
			if moduleDir, err = filepath.Abs(cfg.ResolveFile(cfg.Admin.ModuleDir)); err != nil {
				fmt.Fprintf(stderr, "ward: admin.module_dir: %v\n", err)
				closeListeners(lns)
				_ = rl.Current().Close(context.Background())
				return 1
			}
		}
		aopts := admin.Options{Reloader: rl, Metrics: met, Gatherer: reg, Token: token, Log: log, Quarantines: inc,
			ModuleDir: moduleDir, Audit: adminAudit}
		if al != nil {
			aopts.Events = al
		}
		if con != nil {
			aopts.Console = con
		}
		aopts.Operators = ops
		adm := admin.New(aopts)
		aln, err := adm.Listen(cfg.Admin.Listen)
		if err != nil {
			fmt.Fprintln(stderr, "ward:", err)
			closeListeners(lns)
			_ = rl.Current().Close(context.Background())
			return 1
		}
		adminAddr = aln.Addr().String()
		if cfg.Admin.TLS.Enabled() {
			// Certificates follow the live snapshot, like [server]'s.
			aln = tls.NewListener(aln, srv.TLSConfig(proxy.ListenerAdmin))
		}
		bg.Add(1)
		go func() {
			defer bg.Done()
			if err := adm.Serve(bctx, aln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("admin API stopped", "err", err)
			}
		}()
	}
	if watch {
		bg.Add(1)
		go func() {
			defer bg.Done()
			if err := rl.Watch(bctx, cfg.Reload.Debounce); err != nil {
				log.Warn("file watching unavailable; reload with SIGHUP or the admin API", "err", err)
			}
		}()
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	bg.Add(1)
	go func() {
		defer bg.Done()
		for {
			select {
			case <-hup:
				_, _ = rl.Reload(bctx, "sighup")
			case <-bctx.Done():
				return
			}
		}
	}()
	var addrs []string
	for _, ln := range lns {
		addrs = append(addrs, ln.Addr().String())
	}
	consoleURL := ""
	if con != nil && adminAddr != "" {
		consoleURL = "http://" + adminAddr + "/console/"
	}
	log.Info("ward serving", "version", wardVersion(), "listen", addrs, "admin", adminAddr, "console", consoleURL, "guards", len(rl.Current().Guards()),
		"routes", len(cfg.Routes), "watch", watch, "audit", cfg.Audit.Sink, "startup", time.Since(start).String())
	if ready != nil {
		ready(addrs, adminAddr)
	}
	err = srv.Serve(ctx, cfg, lns, 10*time.Second)
	cancelBG()
	bg.Wait() // no reload runs past this point
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = errors.Join(err, rl.Close(cctx), srv.Snapshot().Close(cctx))
	if err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	log.Info("ward stopped")
	return 0
}

// startIncident starts incident response: quarantine counting and sync,
// and the webhook when configured, as goroutines in bg until ctx ends.
// Rules follow reloads (current); [incident] sync_interval and webhook are
// read once.
func startIncident(ctx context.Context, bg *sync.WaitGroup, cfg *config.Config, current func() *config.Config,
	st state.Store, al *audit.Logger, log *slog.Logger, reg prometheus.Registerer) (*incident.Manager, error) {
	recs, ok := st.(state.Records)
	if !ok {
		return nil, fmt.Errorf("incident: the state backend keeps no records")
	}
	o := incident.Options{Store: st, Records: recs, Config: current, SyncInterval: cfg.Incident.SyncInterval, Log: log, Registerer: reg}
	if al != nil {
		o.Audit = al
	}
	if wh := cfg.Incident.Webhook; wh.URL != "" {
		b, err := os.ReadFile(cfg.ResolveFile(wh.SecretFile))
		if err == nil && len(strings.TrimSpace(string(b))) == 0 {
			err = errors.New("empty secret")
		}
		if err != nil {
			return nil, fmt.Errorf("incident.webhook.secret_file: %w", err)
		}
		w, err := incident.NewWebhook(incident.WebhookOptions{URL: wh.URL, Secret: []byte(strings.TrimSpace(string(b))), Timeout: wh.Timeout,
			MaxAttempts: wh.MaxAttempts, Backoff: wh.Backoff, MaxBackoff: wh.MaxBackoff, Queue: wh.Queue, Log: log, Registerer: reg})
		if err != nil {
			return nil, err
		}
		o.Webhook = w
		bg.Add(1)
		go func() { defer bg.Done(); w.Run(ctx) }()
	}
	m, err := incident.New(o)
	if err != nil {
		return nil, err
	}
	bg.Add(1)
	go func() { defer bg.Done(); m.Run(ctx) }()
	return m, nil
}

func closeListeners(lns []net.Listener) {
	for _, ln := range lns {
		ln.Close()
	}
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
