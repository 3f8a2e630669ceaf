/*
 * ward.h - C SDK for Ward guards, native ABI "ward/v1" (see ../ABI.md).
 *
 * A single header. Include it in exactly one translation unit of the guard
 * (the one that calls WARD_GUARD), write handlers, and build a WASI reactor:
 *
 *   clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 \
 *         -I sdk/c -o guard.wasm guard.c
 *
 * The header defines the exports ward_alloc, ward_describe, ward_configure,
 * ward_request, ward_response and ward_response_chunk. A phase without a
 * handler is not listed by ward_describe and its export returns a plain
 * allow.
 *
 * Memory contracts:
 * - The exchange a handler sees points into the host's input buffer: its
 *   strings (ward_str, not NUL-terminated) are valid only until the handler
 *   returns. Copy what you keep.
 * - Everything the SDK allocates for a call (decoded arrays, config values,
 *   the verdict, the output bytes) lives in a per-call arena that is
 *   released when the next call into the guard starts. Verdict setters copy
 *   their arguments, so passing a stack buffer is fine.
 * - Config values seen in the configure callback are arena memory too: copy
 *   (malloc) what the handlers need.
 * - A malformed exchange (a host bug) and an out-of-memory condition trap:
 *   the host reports guard_trap / guard_oom and discards the instance.
 *
 * One call at a time per instance: no locking is needed.
 */
#ifndef WARD_H
#define WARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything but the exports is file-local; unused helpers cost nothing. */
#define WARD_FN static inline __attribute__((unused))

/* ---- data ------------------------------------------------------------- */

/* A byte string of guest memory: not NUL-terminated, may hold any bytes
 * (including invalid UTF-8 and NUL). */
typedef struct {
	const char *ptr;
	uint32_t len;
} ward_str;

#define WARD_STR(lit) ((ward_str){(lit), (uint32_t)(sizeof(lit) - 1)})

WARD_FN ward_str ward_cstr(const char *s) {
	ward_str r = {s, (uint32_t)strlen(s)};
	return r;
}

WARD_FN bool ward_str_eq(ward_str a, const char *lit) {
	size_t n = strlen(lit);
	return a.len == n && memcmp(a.ptr, lit, n) == 0;
}

enum { WARD_PHASE_REQUEST = 1, WARD_PHASE_RESPONSE = 2, WARD_PHASE_RESPONSE_CHUNK = 3 };
enum {
	WARD_API_UNKNOWN = 0,
	WARD_API_OPENAI_CHAT = 1,
	WARD_API_OPENAI_COMPLETIONS = 2,
	WARD_API_OPENAI_EMBEDDINGS = 3,
	WARD_API_OPENAI_RESPONSES = 4,
	WARD_API_ANTHROPIC_MESSAGES = 5
};
enum { WARD_KIND_TEXT = 0, WARD_KIND_TOOL_RESULT = 1, WARD_KIND_TOOL_CALL = 2, WARD_KIND_DOCUMENT = 3 };
enum { WARD_ALLOW = 0, WARD_DENY = 1 };

/* The most text a response_chunk handler may hold back (see ward_stream). */
#define WARD_MAX_HOLD 1024

typedef struct {
	uint32_t turn;
	uint8_t kind;
	ward_str role, name, text;
} ward_message;

typedef struct {
	ward_str key, value;
} ward_kv;

typedef struct {
	ward_str name, description;
} ward_tool;

/* One LLM call, as the host parsed it. Read-only; see the contracts above. */
typedef struct {
	uint8_t phase, api;
	bool stream;
	bool final_chunk; /* response_chunk: the last call of the stream */
	uint32_t max_tokens;
	ward_str request_id, route, path, model;
	const ward_kv *headers;
	uint32_t n_headers;
	const ward_kv *annotations;
	uint32_t n_annotations;
	const ward_message *messages;
	uint32_t n_messages;
	const ward_tool *tools;
	uint32_t n_tools;
	/* response */
	uint16_t status;
	ward_str finish_reason;
	uint32_t prompt_tokens, completion_tokens;
	const ward_message *response_messages;
	uint32_t n_response_messages;
	/* response_chunk */
	ward_str chunk_delta, chunk_window;
} ward_exchange;

typedef struct {
	uint32_t index;
	ward_str text;
} ward_rewrite;

typedef struct {
	ward_str name;
	double value;
} ward_score;

/* A growable array in the call's arena. */
typedef struct {
	void *items;
	uint32_t n, cap;
} ward__vec;

/* The verdict a handler fills. It starts as a plain allow; use the
 * functions below rather than writing fields. */
typedef struct {
	uint8_t decision;
	uint16_t status;
	ward_str code, message;
	ward__vec reasons;     /* ward_str */
	ward__vec rewrites;    /* ward_rewrite */
	ward__vec set_headers; /* ward_kv */
	ward__vec annotations; /* ward_kv */
	ward__vec scores;      /* ward_score */
} ward_verdict;

/* ---- JSON config ------------------------------------------------------ */

enum { WARD_JSON_NULL, WARD_JSON_BOOL, WARD_JSON_NUMBER, WARD_JSON_STRING, WARD_JSON_ARRAY, WARD_JSON_OBJECT };

/* A decoded JSON value of the config (arena memory, valid during configure). */
typedef struct ward_json {
	uint8_t type;
	bool boolean;
	bool read;       /* object members: marked by the accessors */
	double number;
	ward_str string; /* STRING: decoded UTF-8; NUMBER: the literal */
	uint32_t n;      /* ARRAY / OBJECT: number of items */
	struct ward_json *items;
	ward_str *keys; /* OBJECT: key of each item */
} ward_json;

/* The config table given to the configure callback. */
typedef struct {
	ward_json *root; /* an OBJECT */
	bool failed;
	ward_str err_key, err_msg;
} ward_config;

typedef void (*ward_handler)(const ward_exchange *x, ward_verdict *v);

/* Parts of the exchange a guard reads (ward_guard.reads, "reads" in the
 * description, see ../ABI.md "Parts a guard reads"). */
#define WARD_READ_HEADERS (1u << 0)     /* headers */
#define WARD_READ_ANNOTATIONS (1u << 1) /* annotations */
#define WARD_READ_MESSAGES (1u << 2)    /* messages */
#define WARD_READ_TOOLS (1u << 3)       /* tools */
#define WARD_READ_RESPONSE (1u << 4)    /* response_messages and finish_reason */
#define WARD_READ_CHUNK (1u << 5)       /* chunk_delta and chunk_window */
#define WARD_READ_ALL 0x3fu

/* The guard. name and version are required; config_schema is a
 * NULL-terminated list of key, description pairs (documentation, and the
 * "known" list of unknown-key errors). configure returns 0 to accept the
 * config; with configure NULL only an empty table is accepted. reads,
 * WARD_READ_* or'ed, declares the parts of the exchange the handlers read:
 * the host sends the others empty, and the SDK empties them too (for a
 * host older than "reads"), so a part left out by mistake shows in the
 * guard's own tests. 0 (or WARD_READ_ALL) is every part. */
typedef struct {
	const char *name;
	const char *version;
	const char *const *config_schema;
	int (*configure)(ward_config *c);
	ward_handler request, response, response_chunk;
	uint32_t reads;
} ward_guard;

/* Define the guard, once: WARD_GUARD(.name = "x", .version = "1.0.0", .request = f). */
#define WARD_GUARD(...) const ward_guard ward__the_guard = {__VA_ARGS__};
extern const ward_guard ward__the_guard;

/* ---- arena ------------------------------------------------------------ */

typedef struct ward__block {
	struct ward__block *next;
	size_t cap, used;
} ward__block;

static ward__block *ward__blocks;               /* malloc'd overflow blocks */
static _Alignas(16) unsigned char ward__base[64 << 10]; /* first block */
static size_t ward__base_used;

WARD_FN void ward__trap(void) { __builtin_trap(); }

/* ward_tmp returns n bytes of arena memory, 8-aligned, valid until the next
 * call into the guard starts. Out of memory traps. */
WARD_FN void *ward_tmp(size_t n) {
	n = (n + 7) & ~(size_t)7;
	if (n <= sizeof ward__base - ward__base_used) {
		void *p = ward__base + ward__base_used;
		ward__base_used += n;
		return p;
	}
	ward__block *b = ward__blocks;
	if (b == NULL || n > b->cap - b->used) {
		size_t cap = n > (256u << 10) ? n : (256u << 10);
		b = (ward__block *)malloc(sizeof(ward__block) + cap + 8);
		if (b == NULL) ward__trap();
		b->cap = cap;
		b->used = 0;
		b->next = ward__blocks;
		ward__blocks = b;
	}
	unsigned char *data = (unsigned char *)(((uintptr_t)(b + 1) + 7) & ~(uintptr_t)7);
	void *p = data + b->used;
	b->used += n;
	return p;
}

WARD_FN void ward__arena_reset(void) {
	while (ward__blocks != NULL) {
		ward__block *next = ward__blocks->next;
		free(ward__blocks);
		ward__blocks = next;
	}
	ward__base_used = 0;
}

/* ward_copy copies s into the arena. */
WARD_FN ward_str ward_copy(ward_str s) {
	if (s.len == 0) return (ward_str){"", 0};
	char *p = (char *)ward_tmp(s.len);
	memcpy(p, s.ptr, s.len);
	return (ward_str){p, s.len};
}

WARD_FN void *ward__push(ward__vec *v, size_t size) {
	if (v->n == v->cap) {
		uint32_t cap = v->cap ? v->cap * 2 : 4;
		void *items = ward_tmp(size * cap);
		if (v->n) memcpy(items, v->items, size * v->n);
		v->items = items;
		v->cap = cap;
	}
	return (unsigned char *)v->items + size * v->n++;
}

/* ---- byte builder ----------------------------------------------------- */

/* ward_buf builds bytes in the arena (for reasons, keys, messages). */
typedef struct {
	char *ptr;
	uint32_t len, cap;
} ward_buf;

WARD_FN void ward_buf_grow(ward_buf *b, uint32_t more) {
	if ((uint64_t)b->len + more <= b->cap) return;
	uint64_t cap = b->cap ? b->cap : 64;
	while (cap < (uint64_t)b->len + more) cap *= 2;
	if (cap > UINT32_MAX) ward__trap();
	char *p = (char *)ward_tmp((size_t)cap);
	if (b->len) memcpy(p, b->ptr, b->len);
	b->ptr = p;
	b->cap = (uint32_t)cap;
}

WARD_FN void ward_buf_bytes(ward_buf *b, const void *p, uint32_t n) {
	ward_buf_grow(b, n);
	if (n) memcpy(b->ptr + b->len, p, n);
	b->len += n;
}

WARD_FN void ward_buf_str(ward_buf *b, ward_str s) { ward_buf_bytes(b, s.ptr, s.len); }
WARD_FN void ward_buf_cstr(ward_buf *b, const char *s) { ward_buf_bytes(b, s, (uint32_t)strlen(s)); }

WARD_FN void ward_buf_u64(ward_buf *b, uint64_t v) {
	char d[20];
	int i = 20;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ward_buf_bytes(b, d + i, (uint32_t)(20 - i));
}

WARD_FN ward_str ward_buf_done(const ward_buf *b) { return (ward_str){b->ptr ? b->ptr : "", b->len}; }

WARD_FN void ward__u8(ward_buf *b, uint8_t v) { ward_buf_bytes(b, &v, 1); }
WARD_FN void ward__u16(ward_buf *b, uint16_t v) {
	unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	ward_buf_bytes(b, p, 2);
}
WARD_FN void ward__u32(ward_buf *b, uint32_t v) {
	unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
	ward_buf_bytes(b, p, 4);
}
WARD_FN void ward__bstr(ward_buf *b, ward_str s) {
	ward__u32(b, s.len);
	ward_buf_str(b, s);
}

/* ---- verdict ---------------------------------------------------------- */

/* ward_deny turns v into a denial: status 400-599 (0: the host uses 403),
 * a stable code such as "keyword.match" and a message for the client.
 * Reasons, annotations and scores already added are kept. */
WARD_FN void ward_deny(ward_verdict *v, uint16_t status, ward_str code, ward_str message) {
	v->decision = WARD_DENY;
	v->status = status;
	v->code = ward_copy(code);
	v->message = ward_copy(message);
}

/* ward_add_reason appends a short reason for the audit record. */
WARD_FN void ward_add_reason(ward_verdict *v, ward_str reason) {
	*(ward_str *)ward__push(&v->reasons, sizeof(ward_str)) = ward_copy(reason);
}

/* ward_rewrite replaces the text of message i of the current phase. */
WARD_FN void ward_rewrite_message(ward_verdict *v, uint32_t index, ward_str text) {
	ward_rewrite *r = (ward_rewrite *)ward__push(&v->rewrites, sizeof(ward_rewrite));
	r->index = index;
	r->text = ward_copy(text);
}

/* ward_stream answers a response_chunk: send replaces the delta, hold (a
 * suffix of the delta, at most WARD_MAX_HOLD bytes, empty on the final
 * chunk) comes back at the start of the next delta. */
WARD_FN void ward_stream(ward_verdict *v, ward_str send, ward_str hold) {
	ward_rewrite_message(v, 0, send);
	if (hold.len) ward_rewrite_message(v, 1, hold);
}

/* ward_annotate records key=value for later guards and the audit. */
WARD_FN void ward_annotate(ward_verdict *v, ward_str key, ward_str value) {
	ward_kv *kv = (ward_kv *)ward__push(&v->annotations, sizeof(ward_kv));
	kv->key = ward_copy(key);
	kv->value = ward_copy(value);
}

/* ward_set_header sets a request (phase request) or answer header; an
 * empty value removes it. */
WARD_FN void ward_set_header(ward_verdict *v, ward_str name, ward_str value) {
	ward_kv *kv = (ward_kv *)ward__push(&v->set_headers, sizeof(ward_kv));
	kv->key = ward_copy(name);
	kv->value = ward_copy(value);
}

/* ward_score records a named number in [0,1]. */
WARD_FN void ward_score_add(ward_verdict *v, ward_str name, double value) {
	ward_score *s = (ward_score *)ward__push(&v->scores, sizeof(ward_score));
	s->name = ward_copy(name);
	s->value = value;
}

WARD_FN bool ward__plain_allow(const ward_verdict *v) {
	return v->decision == WARD_ALLOW && v->reasons.n == 0 && v->rewrites.n == 0 && v->set_headers.n == 0 &&
	       v->annotations.n == 0 && v->scores.n == 0;
}

WARD_FN void ward__kvs(ward_buf *b, const ward__vec *v) {
	const ward_kv *kv = (const ward_kv *)v->items;
	ward__u32(b, v->n);
	for (uint32_t i = 0; i < v->n; i++) {
		ward__bstr(b, kv[i].key);
		ward__bstr(b, kv[i].value);
	}
}

WARD_FN ward_str ward__encode_verdict(const ward_verdict *v) {
	ward_buf b = {0};
	ward_buf_bytes(&b, "WV\1\0", 4);
	ward__u8(&b, v->decision);
	ward__u8(&b, 0);
	ward__u16(&b, v->status);
	ward__bstr(&b, v->code);
	ward__bstr(&b, v->message);
	ward__u32(&b, v->reasons.n);
	for (uint32_t i = 0; i < v->reasons.n; i++) ward__bstr(&b, ((const ward_str *)v->reasons.items)[i]);
	ward__u32(&b, v->rewrites.n);
	for (uint32_t i = 0; i < v->rewrites.n; i++) {
		const ward_rewrite *r = (const ward_rewrite *)v->rewrites.items + i;
		ward__u32(&b, r->index);
		ward__bstr(&b, r->text);
	}
	ward__kvs(&b, &v->set_headers);
	ward__kvs(&b, &v->annotations);
	ward__u32(&b, v->scores.n);
	for (uint32_t i = 0; i < v->scores.n; i++) {
		const ward_score *s = (const ward_score *)v->scores.items + i;
		uint64_t bits;
		memcpy(&bits, &s->value, 8);
		ward__bstr(&b, s->name);
		ward__u32(&b, (uint32_t)bits);
		ward__u32(&b, (uint32_t)(bits >> 32));
	}
	return ward_buf_done(&b);
}

/* ---- exchange decoding -------------------------------------------------- */

typedef struct {
	const unsigned char *p;
	uint32_t len, off;
} ward__reader;

/* Any malformed input is a host bug: trap. */
WARD_FN void ward__need(ward__reader *r, uint32_t n) {
	if (n > r->len - r->off) ward__trap();
}
WARD_FN uint8_t ward__r8(ward__reader *r) {
	ward__need(r, 1);
	return r->p[r->off++];
}
WARD_FN uint16_t ward__r16(ward__reader *r) {
	ward__need(r, 2);
	uint16_t v = (uint16_t)(r->p[r->off] | r->p[r->off + 1] << 8);
	r->off += 2;
	return v;
}
WARD_FN uint32_t ward__r32(ward__reader *r) {
	ward__need(r, 4);
	const unsigned char *p = r->p + r->off;
	r->off += 4;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
WARD_FN ward_str ward__rstr(ward__reader *r) {
	uint32_t n = ward__r32(r);
	ward__need(r, n);
	ward_str s = {(const char *)r->p + r->off, n};
	r->off += n;
	return s;
}
/* ward__count reads a list length whose elements take at least min bytes. */
WARD_FN uint32_t ward__count(ward__reader *r, uint32_t min) {
	uint32_t n = ward__r32(r);
	if ((uint64_t)n * min > r->len - r->off) ward__trap();
	return n;
}
WARD_FN const ward_kv *ward__rkvs(ward__reader *r, uint32_t *n) {
	*n = ward__count(r, 8);
	ward_kv *kv = (ward_kv *)ward_tmp(sizeof(ward_kv) * (*n ? *n : 1));
	for (uint32_t i = 0; i < *n; i++) {
		kv[i].key = ward__rstr(r);
		kv[i].value = ward__rstr(r);
	}
	return kv;
}
WARD_FN const ward_message *ward__rmsgs(ward__reader *r, uint32_t *n) {
	*n = ward__count(r, 17);
	ward_message *m = (ward_message *)ward_tmp(sizeof(ward_message) * (*n ? *n : 1));
	for (uint32_t i = 0; i < *n; i++) {
		m[i].turn = ward__r32(r);
		m[i].kind = ward__r8(r);
		m[i].role = ward__rstr(r);
		m[i].name = ward__rstr(r);
		m[i].text = ward__rstr(r);
	}
	return m;
}

WARD_FN void ward__decode_exchange(const unsigned char *p, uint32_t len, ward_exchange *x) {
	ward__reader r = {p, len, 0};
	ward__need(&r, 8);
	if (memcmp(p, "WX\1\0", 4) != 0) ward__trap();
	r.off = 4;
	x->phase = ward__r8(&r);
	x->api = ward__r8(&r);
	uint8_t flags = ward__r8(&r);
	x->stream = flags & 1;
	x->final_chunk = (flags & 2) != 0;
	ward__r8(&r);
	x->max_tokens = ward__r32(&r);
	x->request_id = ward__rstr(&r);
	x->route = ward__rstr(&r);
	x->path = ward__rstr(&r);
	x->model = ward__rstr(&r);
	x->headers = ward__rkvs(&r, &x->n_headers);
	x->annotations = ward__rkvs(&r, &x->n_annotations);
	x->messages = ward__rmsgs(&r, &x->n_messages);
	x->n_tools = ward__count(&r, 8);
	ward_tool *t = (ward_tool *)ward_tmp(sizeof(ward_tool) * (x->n_tools ? x->n_tools : 1));
	for (uint32_t i = 0; i < x->n_tools; i++) {
		t[i].name = ward__rstr(&r);
		t[i].description = ward__rstr(&r);
	}
	x->tools = t;
	x->status = ward__r16(&r);
	ward__r16(&r);
	x->finish_reason = ward__rstr(&r);
	x->prompt_tokens = ward__r32(&r);
	x->completion_tokens = ward__r32(&r);
	x->response_messages = ward__rmsgs(&r, &x->n_response_messages);
	x->chunk_delta = ward__rstr(&r);
	x->chunk_window = ward__rstr(&r);
	if (r.off != len) ward__trap();
}

/* ---- JSON ------------------------------------------------------------- */

WARD_FN void ward_buf_json_string(ward_buf *b, ward_str s) {
	static const char hex[] = "0123456789abcdef";
	ward_buf_bytes(b, "\"", 1);
	for (uint32_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			ward_buf_bytes(b, e, 2);
		} else if (c < 0x20) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			ward_buf_bytes(b, e, 6);
		} else {
			ward_buf_bytes(b, &c, 1);
		}
	}
	ward_buf_bytes(b, "\"", 1);
}

typedef struct {
	const unsigned char *p;
	uint32_t len, off;
	int depth;
	bool err;
} ward__jp;

WARD_FN void ward__jws(ward__jp *j) {
	while (j->off < j->len) {
		unsigned char c = j->p[j->off];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
		j->off++;
	}
}

WARD_FN int ward__hex(unsigned char c) {
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

WARD_FN void ward__utf8(ward_buf *b, uint32_t cp) {
	unsigned char o[4];
	uint32_t n;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		o[0] = (unsigned char)(0xF0 | cp >> 18);
		o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	ward_buf_bytes(b, o, n);
}

WARD_FN int32_t ward__j4(ward__jp *j) {
	if (j->len - j->off < 4) return -1;
	int32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int h = ward__hex(j->p[j->off + i]);
		if (h < 0) return -1;
		v = v << 4 | h;
	}
	j->off += 4;
	return v;
}

WARD_FN ward_str ward__jstring(ward__jp *j) {
	ward_buf b = {0};
	j->off++; /* opening quote */
	for (;;) {
		if (j->off >= j->len) {
			j->err = true;
			return ward_buf_done(&b);
		}
		unsigned char c = j->p[j->off++];
		if (c == '"') return ward_buf_done(&b);
		if (c < 0x20) {
			j->err = true;
			return ward_buf_done(&b);
		}
		if (c != '\\') {
			ward_buf_bytes(&b, &c, 1);
			continue;
		}
		if (j->off >= j->len) {
			j->err = true;
			return ward_buf_done(&b);
		}
		c = j->p[j->off++];
		char e;
		switch (c) {
		case '"': e = '"'; break;
		case '\\': e = '\\'; break;
		case '/': e = '/'; break;
		case 'b': e = '\b'; break;
		case 'f': e = '\f'; break;
		case 'n': e = '\n'; break;
		case 'r': e = '\r'; break;
		case 't': e = '\t'; break;
		case 'u': {
			int32_t cp = ward__j4(j);
			if (cp < 0) {
				j->err = true;
				return ward_buf_done(&b);
			}
			if (cp >= 0xD800 && cp < 0xDC00 && j->len - j->off >= 6 && j->p[j->off] == '\\' && j->p[j->off + 1] == 'u') {
				uint32_t save = j->off;
				j->off += 2;
				int32_t lo = ward__j4(j);
				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				} else {
					j->off = save;
					cp = 0xFFFD;
				}
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD;
			}
			ward__utf8(&b, (uint32_t)cp);
			continue;
		}
		default: j->err = true; return ward_buf_done(&b);
		}
		ward_buf_bytes(&b, &e, 1);
	}
}

WARD_FN bool ward__jdigits(ward__jp *j) {
	uint32_t start = j->off;
	while (j->off < j->len && j->p[j->off] >= '0' && j->p[j->off] <= '9') j->off++;
	return j->off > start;
}

WARD_FN void ward__jvalue(ward__jp *j, ward_json *out);

WARD_FN bool ward__jlit(ward__jp *j, const char *lit) {
	size_t n = strlen(lit);
	if (j->len - j->off < n || memcmp(j->p + j->off, lit, n) != 0) return false;
	j->off += (uint32_t)n;
	return true;
}

WARD_FN void ward__jcompound(ward__jp *j, ward_json *out, bool object) {
	unsigned char close = object ? '}' : ']';
	ward__vec items = {0}, keys = {0};
	j->off++;
	ward__jws(j);
	if (j->off < j->len && j->p[j->off] == close) {
		j->off++;
	} else {
		for (;;) {
			ward__jws(j);
			if (object) {
				if (j->off >= j->len || j->p[j->off] != '"') {
					j->err = true;
					return;
				}
				*(ward_str *)ward__push(&keys, sizeof(ward_str)) = ward__jstring(j);
				ward__jws(j);
				if (j->err || j->off >= j->len || j->p[j->off] != ':') {
					j->err = true;
					return;
				}
				j->off++;
			}
			ward__jvalue(j, (ward_json *)ward__push(&items, sizeof(ward_json)));
			if (j->err) return;
			ward__jws(j);
			if (j->off >= j->len) {
				j->err = true;
				return;
			}
			unsigned char c = j->p[j->off++];
			if (c == close) break;
			if (c != ',') {
				j->err = true;
				return;
			}
		}
	}
	out->type = object ? WARD_JSON_OBJECT : WARD_JSON_ARRAY;
	out->n = items.n;
	out->items = (ward_json *)items.items;
	out->keys = (ward_str *)keys.items;
}

WARD_FN void ward__jvalue(ward__jp *j, ward_json *out) {
	memset(out, 0, sizeof *out);
	ward__jws(j);
	if (j->off >= j->len || ++j->depth > 64) {
		j->err = true;
		return;
	}
	unsigned char c = j->p[j->off];
	if (c == '{' || c == '[') {
		ward__jcompound(j, out, c == '{');
	} else if (c == '"') {
		out->type = WARD_JSON_STRING;
		out->string = ward__jstring(j);
	} else if (ward__jlit(j, "true")) {
		out->type = WARD_JSON_BOOL;
		out->boolean = true;
	} else if (ward__jlit(j, "false")) {
		out->type = WARD_JSON_BOOL;
	} else if (ward__jlit(j, "null")) {
		out->type = WARD_JSON_NULL;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		uint32_t start = j->off;
		if (c == '-') j->off++;
		if (j->off < j->len && j->p[j->off] == '0') {
			j->off++;
		} else if (!ward__jdigits(j)) {
			j->err = true;
		}
		if (j->off < j->len && j->p[j->off] == '.') {
			j->off++;
			if (!ward__jdigits(j)) j->err = true;
		}
		if (j->off < j->len && (j->p[j->off] == 'e' || j->p[j->off] == 'E')) {
			j->off++;
			if (j->off < j->len && (j->p[j->off] == '+' || j->p[j->off] == '-')) j->off++;
			if (!ward__jdigits(j)) j->err = true;
		}
		ward_str lit = ward_copy((ward_str){(const char *)j->p + start, j->off - start});
		char *z = (char *)ward_tmp(lit.len + 1);
		memcpy(z, lit.ptr, lit.len);
		z[lit.len] = 0;
		out->type = WARD_JSON_NUMBER;
		out->string = lit;
		out->number = strtod(z, NULL);
	} else {
		j->err = true;
	}
	j->depth--;
}

/* ---- config accessors ------------------------------------------------- */

WARD_FN const char *ward_json_type_name(const ward_json *v) {
	switch (v->type) {
	case WARD_JSON_NULL: return "null";
	case WARD_JSON_BOOL: return "boolean";
	case WARD_JSON_NUMBER: return "number";
	case WARD_JSON_STRING: return "string";
	case WARD_JSON_ARRAY: return "array";
	}
	return "table";
}

/* ward_config_reject records the config error {"key","error"} and returns
 * -1, for `return ward_config_reject(c, key, msg);` in configure. The
 * first rejection wins. */
WARD_FN int ward_config_reject(ward_config *c, ward_str key, ward_str msg) {
	if (!c->failed) {
		c->failed = true;
		c->err_key = ward_copy(key);
		c->err_msg = ward_copy(msg);
	}
	return -1;
}

/* ward_config_key_index returns "key[i]", for errors about list items. */
WARD_FN ward_str ward_config_key_index(const char *key, uint32_t i) {
	ward_buf b = {0};
	ward_buf_cstr(&b, key);
	ward_buf_bytes(&b, "[", 1);
	ward_buf_u64(&b, i);
	ward_buf_bytes(&b, "]", 1);
	return ward_buf_done(&b);
}

WARD_FN int ward__wrong_type(ward_config *c, ward_str key, const char *want, const ward_json *got) {
	ward_buf b = {0};
	ward_buf_cstr(&b, "want ");
	ward_buf_cstr(&b, want);
	ward_buf_cstr(&b, ", got ");
	ward_buf_cstr(&b, ward_json_type_name(got));
	return ward_config_reject(c, key, ward_buf_done(&b));
}

/* ward_config_get returns the value of a top-level key (marking it read)
 * or NULL when absent. The last of duplicate keys wins. */
WARD_FN const ward_json *ward_config_get(ward_config *c, const char *key) {
	ward_json *root = c->root;
	for (uint32_t i = root->n; i-- > 0;) {
		if (ward_str_eq(root->keys[i], key)) {
			for (uint32_t k = 0; k < root->n; k++) {
				if (ward_str_eq(root->keys[k], key)) root->items[k].read = true;
			}
			return &root->items[i];
		}
	}
	return NULL;
}

WARD_FN bool ward_config_has(ward_config *c, const char *key) {
	for (uint32_t i = 0; i < c->root->n; i++) {
		if (ward_str_eq(c->root->keys[i], key)) return true;
	}
	return false;
}

/* ward_config_strings reads a list of strings: 1 (and *out, *n set) when
 * present, 0 when absent, -1 (error recorded) when of the wrong type. */
WARD_FN int ward_config_strings(ward_config *c, const char *key, ward_str **out, uint32_t *n) {
	const ward_json *v = ward_config_get(c, key);
	if (v == NULL) return 0;
	if (v->type != WARD_JSON_ARRAY) return ward__wrong_type(c, ward_cstr(key), "array of strings", v);
	ward_str *s = (ward_str *)ward_tmp(sizeof(ward_str) * (v->n ? v->n : 1));
	for (uint32_t i = 0; i < v->n; i++) {
		if (v->items[i].type != WARD_JSON_STRING)
			return ward__wrong_type(c, ward_config_key_index(key, i), "string", &v->items[i]);
		s[i] = v->items[i].string;
	}
	*out = s;
	*n = v->n;
	return 1;
}

/* ward_config_string reads a string: 1 when present, 0 absent, -1 error. */
WARD_FN int ward_config_string(ward_config *c, const char *key, ward_str *out) {
	const ward_json *v = ward_config_get(c, key);
	if (v == NULL) return 0;
	if (v->type != WARD_JSON_STRING) return ward__wrong_type(c, ward_cstr(key), "string", v);
	*out = v->string;
	return 1;
}

/* ward_config_bool reads a boolean: 1 when present, 0 absent, -1 error. */
WARD_FN int ward_config_bool(ward_config *c, const char *key, bool *out) {
	const ward_json *v = ward_config_get(c, key);
	if (v == NULL) return 0;
	if (v->type != WARD_JSON_BOOL) return ward__wrong_type(c, ward_cstr(key), "boolean", v);
	*out = v->boolean;
	return 1;
}

/* ward_config_number reads a number: 1 when present, 0 absent, -1 error. */
WARD_FN int ward_config_number(ward_config *c, const char *key, double *out) {
	const ward_json *v = ward_config_get(c, key);
	if (v == NULL) return 0;
	if (v->type != WARD_JSON_NUMBER) return ward__wrong_type(c, ward_cstr(key), "number", v);
	*out = v->number;
	return 1;
}

/* ---- exports ---------------------------------------------------------- */

static unsigned char *ward__in;
static uint32_t ward__in_cap;
static int ward__state; /* 0 not configured, 1 ready, 2 configure failed */

WARD_FN int64_t ward__pack(ward_str s) {
	if (s.len == 0) return 0;
	return (int64_t)((uint64_t)(uintptr_t)s.ptr << 32 | s.len);
}

/* Inputs larger than this get 0 (out of memory) from ward_alloc. */
#define WARD__MAX_INPUT (1u << 30)

__attribute__((export_name("ward_alloc"))) uint32_t ward_alloc(uint32_t size) {
	if (size > WARD__MAX_INPUT) return 0;
	if (ward__in == NULL || size > ward__in_cap) {
		uint32_t cap = 4096;
		while (cap < size) cap *= 2;
		free(ward__in);
		ward__in = (unsigned char *)malloc(cap);
		ward__in_cap = ward__in ? cap : 0;
	}
	return (uint32_t)(uintptr_t)ward__in;
}

WARD_FN const unsigned char *ward__input(uint32_t ptr, uint32_t len) {
	if (len == 0) return (const unsigned char *)"";
	if (ward__in == NULL || ptr != (uint32_t)(uintptr_t)ward__in || len > ward__in_cap) ward__trap();
	return ward__in;
}

/* The schema's keys, sorted, for describe and unknown-key errors. */
WARD_FN uint32_t ward__schema_sorted(const char **keys, uint32_t max) {
	const char *const *s = ward__the_guard.config_schema;
	uint32_t n = 0;
	for (; s != NULL && s[0] != NULL && s[1] != NULL && n < max; s += 2) {
		uint32_t i = n++;
		while (i > 0 && strcmp(keys[i - 1], s[0]) > 0) {
			keys[i] = keys[i - 1];
			i--;
		}
		keys[i] = s[0];
	}
	return n;
}

WARD_FN const char *ward__schema_text(const char *key) {
	for (const char *const *s = ward__the_guard.config_schema; s != NULL && s[0] != NULL && s[1] != NULL; s += 2) {
		if (strcmp(s[0], key) == 0) return s[1];
	}
	return "";
}

__attribute__((export_name("ward_describe"))) int64_t ward_describe(void) {
	ward__arena_reset();
	const ward_guard *g = &ward__the_guard;
	ward_buf b = {0};
	ward_buf_cstr(&b, "{\"name\":");
	ward_buf_json_string(&b, ward_cstr(g->name));
	ward_buf_cstr(&b, ",\"version\":");
	ward_buf_json_string(&b, ward_cstr(g->version));
	ward_buf_cstr(&b, ",\"abi\":\"ward/v1\",\"phases\":[");
	const char *sep = "";
	if (g->request) { ward_buf_cstr(&b, "\"request\""); sep = ","; }
	if (g->response) { ward_buf_cstr(&b, sep); ward_buf_cstr(&b, "\"response\""); sep = ","; }
	if (g->response_chunk) { ward_buf_cstr(&b, sep); ward_buf_cstr(&b, "\"response_chunk\""); }
	ward_buf_cstr(&b, "]");
	uint32_t reads = g->reads & WARD_READ_ALL;
	if (reads != 0 && reads != WARD_READ_ALL) {
		static const char *const parts[] = {"headers", "annotations", "messages", "tools", "response", "chunk"};
		ward_buf_cstr(&b, ",\"reads\":[");
		sep = "";
		for (uint32_t i = 0; i < 6; i++) {
			if (reads & (1u << i)) {
				ward_buf_cstr(&b, sep);
				ward_buf_json_string(&b, ward_cstr(parts[i]));
				sep = ",";
			}
		}
		ward_buf_cstr(&b, "]");
	}
	const char *keys[256];
	uint32_t n = ward__schema_sorted(keys, 256);
	if (n > 0) {
		ward_buf_cstr(&b, ",\"config_schema\":{");
		for (uint32_t i = 0; i < n; i++) {
			if (i) ward_buf_cstr(&b, ",");
			ward_buf_json_string(&b, ward_cstr(keys[i]));
			ward_buf_cstr(&b, ":");
			ward_buf_json_string(&b, ward_cstr(ward__schema_text(keys[i])));
		}
		ward_buf_cstr(&b, "}");
	}
	ward_buf_cstr(&b, "}");
	return ward__pack(ward_buf_done(&b));
}

WARD_FN int ward__strcmp(ward_str a, ward_str b) {
	uint32_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.ptr, b.ptr, n);
	if (c != 0 || a.len == b.len) return c;
	return a.len < b.len ? -1 : 1;
}

WARD_FN int ward__configure(const unsigned char *p, uint32_t len, ward_config *c) {
	ward_json *root = (ward_json *)ward_tmp(sizeof(ward_json));
	memset(root, 0, sizeof *root);
	root->type = WARD_JSON_OBJECT;
	c->root = root;
	ward__jp j = {p, len, 0, 0, false};
	ward__jws(&j);
	if (j.off < j.len) {
		if (j.p[j.off] != '{') return ward_config_reject(c, WARD_STR(""), WARD_STR("config is not a JSON object"));
		ward__jvalue(&j, root);
		if (j.err) return ward_config_reject(c, WARD_STR(""), WARD_STR("config is not a JSON object"));
		ward__jws(&j);
		if (j.off != j.len)
			return ward_config_reject(c, WARD_STR(""), WARD_STR("config has trailing data after the JSON object"));
	}
	if (ward__the_guard.configure != NULL && ward__the_guard.configure(c) != 0) {
		if (!c->failed) ward_config_reject(c, WARD_STR(""), WARD_STR("invalid config"));
		return -1;
	}
	/* Every key must have been read: report the first unread one in
	 * byte order. */
	ward_str *unread = NULL;
	for (uint32_t i = 0; i < root->n; i++) {
		if (!root->items[i].read && (unread == NULL || ward__strcmp(root->keys[i], *unread) < 0)) unread = &root->keys[i];
	}
	if (unread != NULL) {
		ward_buf b = {0};
		ward_buf_cstr(&b, "unknown key");
		const char *keys[256];
		uint32_t n = ward__schema_sorted(keys, 256);
		for (uint32_t i = 0; i < n; i++) {
			ward_buf_cstr(&b, i ? ", " : " (known: ");
			ward_buf_cstr(&b, keys[i]);
		}
		if (n) ward_buf_cstr(&b, ")");
		return ward_config_reject(c, *unread, ward_buf_done(&b));
	}
	return 0;
}

__attribute__((export_name("ward_configure"))) int64_t ward_configure(uint32_t ptr, uint32_t len) {
	ward__arena_reset();
	const unsigned char *p = ward__input(ptr, len);
	ward_config c = {0};
	if (ward__configure(p, len, &c) == 0) {
		ward__state = 1;
		return 0;
	}
	ward__state = 2;
	ward_buf b = {0};
	ward_buf_cstr(&b, "{\"key\":");
	ward_buf_json_string(&b, c.err_key);
	ward_buf_cstr(&b, ",\"error\":");
	ward_buf_json_string(&b, c.err_msg);
	ward_buf_cstr(&b, "}");
	return ward__pack(ward_buf_done(&b));
}

/* ward__keep_reads empties the parts of x the guard does not read, as the
 * host does (a host older than "reads" sends every part). */
WARD_FN void ward__keep_reads(ward_exchange *x) {
	uint32_t reads = ward__the_guard.reads & WARD_READ_ALL;
	if (reads == 0 || reads == WARD_READ_ALL) return;
	if (!(reads & WARD_READ_HEADERS)) { x->headers = NULL; x->n_headers = 0; }
	if (!(reads & WARD_READ_ANNOTATIONS)) { x->annotations = NULL; x->n_annotations = 0; }
	if (!(reads & WARD_READ_MESSAGES)) { x->messages = NULL; x->n_messages = 0; }
	if (!(reads & WARD_READ_TOOLS)) { x->tools = NULL; x->n_tools = 0; }
	if (!(reads & WARD_READ_RESPONSE)) {
		x->response_messages = NULL;
		x->n_response_messages = 0;
		x->finish_reason = WARD_STR("");
	}
	if (!(reads & WARD_READ_CHUNK)) { x->chunk_delta = WARD_STR(""); x->chunk_window = WARD_STR(""); }
}

WARD_FN int64_t ward__handle(uint8_t phase, ward_handler h, uint32_t ptr, uint32_t len) {
	ward__arena_reset();
	if (h == NULL) return 0;
	/* A handler call before a successful configure is a host bug (or a
	 * rejected config being used anyway): refuse loudly. */
	if (ward__state == 2 || (ward__state == 0 && ward__the_guard.configure != NULL)) ward__trap();
	const unsigned char *p = ward__input(ptr, len);
	ward_exchange x;
	ward__decode_exchange(p, len, &x);
	if (x.phase != phase) ward__trap();
	ward__keep_reads(&x);
	ward_verdict v;
	memset(&v, 0, sizeof v);
	h(&x, &v);
	if (ward__plain_allow(&v)) return 0;
	return ward__pack(ward__encode_verdict(&v));
}

__attribute__((export_name("ward_request"))) int64_t ward_request(uint32_t ptr, uint32_t len) {
	return ward__handle(WARD_PHASE_REQUEST, ward__the_guard.request, ptr, len);
}

__attribute__((export_name("ward_response"))) int64_t ward_response(uint32_t ptr, uint32_t len) {
	return ward__handle(WARD_PHASE_RESPONSE, ward__the_guard.response, ptr, len);
}

__attribute__((export_name("ward_response_chunk"))) int64_t ward_response_chunk(uint32_t ptr, uint32_t len) {
	return ward__handle(WARD_PHASE_RESPONSE_CHUNK, ward__the_guard.response_chunk, ptr, len);
}

#ifdef __cplusplus
}
#endif

#endif /* WARD_H */
