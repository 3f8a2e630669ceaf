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
# file's directory). Required when listen is not a loopback address.
token_file = ""
# The web console at http://LISTEN/console/ (log in with the token).
console = true
# How long a console login lasts (1m..168h).
console_session = "8h"
# Directory where guard modules uploaded through the admin API (POST
# /modules, ward upload) are stored as SHA256.wasm (relative to this file's
# directory); "" = uploads are refused.
module_dir = ""

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

[reload]
# Reload when this file, a guard module or a guard's config files change.
# SIGHUP and the admin API reload too.
watch = true
# File events are collected this long before one reload.
debounce = "250ms"

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
# Time to connect to the upstream.
connect_timeout = "5s"
# How long the upstream may stay silent: before its headers or between two reads.
timeout = "120s"
# Maximum connections to the upstream.
max_conns = 512
# How long an idle upstream connection is kept.
max_idle_conn_duration = "90s"
# Request headers (lower-case) copied into the exchange for guards to see.
# [] = none.
identity_headers = ["authorization", "x-api-key"]
`
