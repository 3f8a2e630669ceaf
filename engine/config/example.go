package config

// Example returns a reference configuration that sets every key to its
// default (or to an illustrative value where a key has no default), each
// with a comment. It parses without errors; the CLI may print it for
// "ward config example" style commands. The returned string is a constant.
func Example() string { return exampleTOML }

const exampleTOML = `# Ward reference configuration: every key, with its default.
#
# Durations are Go duration strings: "250ms", "30s", "1m30s".
# Sizes are an integer number of bytes or a string with a unit:
# B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000).
# Unknown keys are errors.

[server]
# Addresses to listen on, as host:port. Required, at least one.
# An empty host (":8080") listens on all interfaces.
listen = ["127.0.0.1:8080"]
# Maximum time to read a request, headers and body.
read_timeout = "30s"
# Maximum time to write a response; "0s" = no limit (needed for long streams).
write_timeout = "0s"
# How long an idle keep-alive connection is kept open.
idle_timeout = "90s"
# Maximum size of request headers (1KiB..1MiB).
max_header_bytes = "16KiB"
# Maximum number of concurrent connections; 0 = the server's default.
concurrency = 0
# Release an idle keep-alive connection's buffers between requests: less
# memory with many client connections, ~1 us of CPU per request.
reduce_memory_usage = true
# The Go runtime's soft memory limit (e.g. "150MiB"): the collector works
# harder near it instead of letting garbage double the heap. 0 = none.
soft_memory_limit = 0
# Peers whose X-Forwarded-For is believed (an nginx or load balancer in
# front): for their requests the client address is the right-most
# X-Forwarded-For entry that is not itself trusted. CIDR prefixes or single
# addresses; [] = the client address is always the connection's peer.
trusted_proxies = []
# TLS on these listeners: PEM certificate chain and private key files (relative
# to this file's directory); "" = plain TCP. Both or neither. They are read
# at start and on every reload, so a renewed certificate is served without
# a restart (a certificate that fails to load refuses the reload).
tls_cert = ""
tls_key = ""
# Oldest TLS version accepted: "1.2" | "1.3". Unset = "1.2" (older
# clients); new configs say "1.3".
tls_min_version = "1.3"
# PEM file of the CAs client certificates must chain to (mTLS); "" = no
# client certificates. A verified certificate's subject and SANs become
# identity.cert_* annotations.
client_ca = ""
# With client_ca: require = every connection needs a verified client
# certificate; verify_if_given = optional, verified when presented.
client_auth = "require"

[log]
# debug | info | warn | error
level = "info"
# auto | json | text. auto = json when stdout is not a terminal, text otherwise.
format = "auto"

[wasm]
# Directory of the on-disk compilation cache.
# "" = <user cache dir>/ward/wazero; "off" = no on-disk cache.
# A relative path is relative to this file's directory.
cache_dir = ""
# Directories guard modules may be loaded from ([] = anywhere). When set,
# every guard path and candidate must resolve, after symlinks, inside one
# of them (and [admin] module_dir must be inside one); this
# is checked when the config is loaded and again each time a module is
# read (a symlink swapped afterwards is refused). Relative to this file's
# directory.
module_dirs = []
# Compiled modules no guard uses any more that are kept, so that a reload
# or rollback back to one of them does not decode and compile it again;
# each holds ~25 MB (a built-in guard's native code and decoded module).
# 0 keeps none. Changing it needs a restart.
idle_modules = 4

[state]
# Where guards granted "state" keep their counters (rate limits, token
# quotas, anomaly baselines): memory = in this process; redis = shared by
# every Ward replica that points at the same Redis.
backend = "memory"
# Required for backend = "redis": redis://[user:password@]host:port/db, or
# rediss:// for TLS.
redis_url = ""
# Longest a state operation may take (1ms..1s). Past it the guard is told
# the backend is unavailable and applies its own failure policy; after 3
# failures in a row Redis is skipped for a cool-down (1s, doubling to 30s).
timeout = "25ms"
# Prefix of every Redis key.
key_prefix = "ward:"
# Capacity of the in-process store (1000..2^30 counters); when full, new
# counters are refused as unavailable rather than growing without bound.
max_keys = 1000000

[admin]
# The admin API (guards, reload, rollback, /metrics, /healthz, /readyz) on
# its own listener, e.g. "127.0.0.1:9180"; "" = none. Changing it needs a
# restart.
listen = ""
# File holding the bearer token the admin API requires (relative to this
# file's directory). Required when listen is not a loopback address, unless
# operators_file is set; "" with operators_file = the token is off and only
# operator sessions are accepted.
token_file = ""
# The web console at http://LISTEN/console/ (log in with the token).
console = true
# How long a console login lasts (1m..168h).
console_session = "8h"
# Whether the console's login form takes the admin token; false = operators
# only (needs operators_file). The token still works for the CLI.
console_token_login = true
# Directory where guard modules uploaded through the admin API (POST
# /modules, ward upload) are stored as SHA256.wasm (relative to this file's
# directory); "" = uploads are refused.
module_dir = ""
# TLS on the admin listener: PEM certificate chain and private key files (relative
# to this file's directory); "" = plain TCP. Both or neither. They are read
# at start and on every reload, so a renewed certificate is served without
# a restart (a certificate that fails to load refuses the reload).
tls_cert = ""
tls_key = ""
# Oldest TLS version accepted: "1.2" | "1.3". Unset = "1.2" (older
# clients); new configs say "1.3".
tls_min_version = "1.3"
# PEM file of the CAs client certificates must chain to (mTLS); "" = no
# client certificates. A verified certificate's subject and SANs become
# identity.cert_* annotations.
client_ca = ""
# With client_ca: require = every connection needs a verified client
# certificate; verify_if_given = optional, verified when presented.
client_auth = "require"
# Operators who log in with a password and a TOTP code (POST /login) and get
# a session token; written by "ward operator add NAME". "" = none.
operators_file = ""
# How long an operator session lasts (1m..24h).
session_ttl = "1h"

[audit]
# One JSON line per request (guards' verdicts, status, tokens; never
# prompts, answers or credentials): off | stdout | file.
sink = "off"
# The audit file for sink = "file" (relative to this file's directory).
path = ""
# Size at which the file is rotated (path.1, path.2, ...).
max_size = "100MiB"
# Rotated files kept.
max_files = 5
# Lines queued for the writer; when it falls behind, lines are dropped
# (and counted), requests never wait.
buffer = 8192
# Records are hash-chained ("seq", "prev"): ward audit verify checks them.
# Encryption at rest (AES-256-GCM): a file of "ID:BASE64KEY" lines (32-byte
# keys; the first, or the one named by an "active:ID" line, seals new
# records; the others open older files), relative to this file's directory.
key_file = ""
# Or the name of an environment variable holding the same entries
# (separated by new lines, spaces or commas). At most one of the two.
key_env = ""
# Log the prompt (as it left the request guards) and the whole answer:
# off | masked. Masked text has secrets and personal data replaced by
# [KIND] host-side before it is written; there is no raw option.
prompts = "off"
# Bytes kept of each logged prompt and answer (after masking).
prompt_max = "4KiB"
# How often the chain head (seq and hash) goes to the process log, so that
# a truncated audit file can be told ("0s" = never).
checkpoint = "0s"

[reload]
# Reload when this file, a guard module or a guard's config files change.
# SIGHUP and the admin API reload too.
watch = true
# File events are collected this long before one reload.
debounce = "250ms"

[incident]
# How often each replica reloads the quarantine list from [state] (10ms..1m):
# quarantines set or lifted through another replica apply here within it.
sync_interval = "1s"

# Quarantine rules, referenced by routes (quarantine = ["NAME"]). When one
# identity collects "denials" denials with one of "reasons" within "window",
# every request from it is refused (403 quarantined) for "period", on every
# route, until it ends or an operator lifts it.
[incident.rules.repeated-injection]
# ip = the client address; key = identity.key_id and subject =
# identity.subject, both set by the authentication guard.
identity = "ip"
# Required. Denial codes that count; "GUARD.*" counts every code of a guard.
reasons = ["injection.detected"]
# Required. Denials that trigger the quarantine (1..1000000).
denials = 5
# Required. The window they must fall in, from the first one (1s..7 days).
window = "1m"
# Required. How long the quarantine lasts (1s..30 days).
period = "15m"

[incident.webhook]
# POST of a JSON alert for every quarantine; "" = none.
url = ""
# Required with url: file holding the HMAC-SHA256 key of the
# X-Ward-Signature header (relative to this file's directory).
secret_file = ""
# Per delivery attempt.
timeout = "5s"
# Attempts per alert (1..100), retried with exponential backoff and jitter.
max_attempts = 5
# First retry delay, doubled each retry up to max_backoff.
backoff = "500ms"
max_backoff = "30s"
# Alerts waiting for delivery; beyond, new ones are dropped and counted.
queue = 1024

# One table per guard: [guards.NAME], NAME matching [a-z0-9_-]+.
# Routes refer to guards by NAME.
[guards.denylist]
# Required. A .wasm file, relative to this file's directory, or
# "builtin:NAME" for a guard embedded in the ward binary.
path = "builtin:denylist"
# Optional SHA-256 pin of the .wasm file, 64 hex characters; "" = not pinned.
sha256 = ""
# Optional shadow version of this guard (same forms as path; "" = none): it
# runs beside the guard with the same config and limits, always observing;
# disagreements are counted and logged. Promote it with ward promote.
candidate = ""
# Optional SHA-256 pin of the candidate's .wasm file.
candidate_sha256 = ""
# Share of exchanges the candidate runs on, in (0, 1]: each exchange is in
# or out by its request ID (all its phases, on every replica). 1 = every
# exchange; 0.1 = one in ten, a tenth of its added latency and CPU.
candidate_sample = 1.0
# enforce = verdicts apply; observe = verdicts are recorded but never applied.
mode = "enforce"
# What happens when the guard fails (trap, timeout, bad verdict):
# deny = fail closed (the request is refused); allow = fail open.
on_error = "deny"
# Number of instances kept ready; 0 = GOMAXPROCS. At most 256.
pool_size = 0
# Linear memory cap per instance: a multiple of 64KiB, 1MiB..4GiB.
memory_limit = "64MiB"
# CPU time a single call may use, 1ms..10s. While a guard runs it can delay
# the Go garbage collector for the whole gateway: keep this small.
cpu_budget = "50ms"
# Maximum size of a verdict the guard may return (at most memory_limit).
max_output = "1MiB"
# Capabilities beyond the sandbox: "clock" = the real wall clock (token expiry
# checks); "state" = the counters of [state] (rate limits, quotas).
grants = []
# A TOML file (relative to this file's directory) whose top-level keys are
# merged into the config table below, read each time the guard is loaded:
# keep secrets such as API key hashes there, with tighter permissions.
# A key may not be set both here and in that file. "" = none.
config_file = ""
# Config keys whose value is the text of a file, read each time the guard
# is loaded, e.g. { "jwt.jwks" = "idp/jwks.json" } for a JWKS document.
# Files are regular files of at most 1MiB. {} = none.
config_text = {}

# Free-form settings passed to the guard as a JSON object and validated by
# the guard itself. Absent = {}.
[guards.denylist.config]
phrases = ["ignore previous instructions"]

# One [[routes]] entry per upstream. A request goes to the route with the
# longest matching prefix.
[[routes]]
# Required, unique, [a-z0-9_-]+.
name = "openai"
# Required, starts with "/"; two routes may not share a prefix.
prefix = "/v1/"
# proxy = forward to upstream; auth_request = answer nginx auth_request
# subrequests (no upstream; docs/nginx.md).
mode = "proxy"
# Required absolute http:// or https:// URL, without query or credentials.
# Its path is prepended to the forwarded request path.
upstream = "http://127.0.0.1:9000"
# Remove the prefix from the request path before forwarding.
strip_prefix = false
# Host header sent upstream; "" = the upstream URL's host.
host_header = ""
# Guards applied to this route, in order. Each must be defined in [guards].
guards = ["denylist"]
# Requests to paths that are not a known LLM API (OpenAI, Anthropic):
# pass = forward them; refuse = reject them.
unknown_paths = "pass"
# Largest request body accepted (413 beyond).
max_body = "8MiB"
# Largest non-streamed answer of a known LLM API (read whole; 502 beyond).
max_response_body = "32MiB"
# A stream held for a guard that checks whole answers (not chunks) is read
# whole before the client gets any of it. After this long the client gets
# the headers and an SSE comment every hold_keepalive, so that it and the
# proxies between do not time out; a denial then ends the stream with the
# API's error event instead of an error status. "0s": no headers before
# the answer is checked.
hold_keepalive = "15s"
# Time to connect to the upstream.
connect_timeout = "5s"
# How long the upstream may stay silent: before its headers or between two reads.
timeout = "120s"
# Maximum connections to the upstream.
max_conns = 512
# Requests of this route in flight at once (a stream until it ends);
# 0 = no limit. Beyond it, up to "queue" requests wait up to
# "queue_timeout" for a slot; the others get 503 "overloaded" with
# Retry-After at once, instead of everyone's latency growing.
max_concurrent = 0
# Requests waiting for a slot; default: max_concurrent. 0 = refuse at once.
queue = 0
# Longest wait in the queue (1ms..1m); Retry-After is this rounded up to
# whole seconds.
queue_timeout = "1s"
# How long an idle upstream connection is kept.
max_idle_conn_duration = "90s"
# Request headers (lower-case) copied into the exchange for guards to see.
# [] = none.
identity_headers = ["authorization", "x-api-key"]
# Quarantine rules ([incident.rules]) whose denials count on this route.
quarantine = ["repeated-injection"]
`
