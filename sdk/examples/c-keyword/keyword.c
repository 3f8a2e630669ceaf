/*
 * keyword - Ward's example keyword guard, written with the C SDK (sdk/c).
 *
 * Config: {"keywords": ["secret", ...]} (required, at least one non-empty
 * string). A request whose user message contains a keyword, ignoring ASCII
 * case, is denied with 403 and code "keyword.match". The same guard exists
 * in Go, Rust and AssemblyScript (sdk/examples/{go,rust,assemblyscript}-keyword), passing the same
 * test cases (sdk/examples/testdata/keyword-cases.json).
 *
 * Build:
 *   clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 \
 *         -I sdk/c -o keyword.wasm sdk/examples/c-keyword/keyword.c
 */
#include "ward.h"

/* The configured keywords, lower-cased ASCII, copied out of the config. */
static ward_str *keywords;
static uint32_t n_keywords;

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

/* contains reports whether kw (lower case) occurs in text, ignoring ASCII
 * case. */
static bool contains(ward_str text, ward_str kw) {
	if (kw.len > text.len) return false;
	for (uint32_t i = 0; i + kw.len <= text.len; i++) {
		uint32_t k = 0;
		while (k < kw.len && lower((unsigned char)text.ptr[i + k]) == (unsigned char)kw.ptr[k]) k++;
		if (k == kw.len) return true;
	}
	return false;
}

static int configure(ward_config *c) {
	ward_str *kw;
	uint32_t n;
	int r = ward_config_strings(c, "keywords", &kw, &n);
	if (r < 0) return r;
	if (r == 0) return ward_config_reject(c, WARD_STR("keywords"), WARD_STR("required: list the keywords to block"));
	if (n == 0) return ward_config_reject(c, WARD_STR("keywords"), WARD_STR("must not be empty"));
	ward_str *keep = (ward_str *)malloc(sizeof(ward_str) * n);
	if (keep == NULL) __builtin_trap();
	for (uint32_t i = 0; i < n; i++) {
		if (kw[i].len == 0) {
			free(keep);
			return ward_config_reject(c, ward_config_key_index("keywords", i), WARD_STR("must not be empty"));
		}
		char *p = (char *)malloc(kw[i].len);
		if (p == NULL) __builtin_trap();
		for (uint32_t k = 0; k < kw[i].len; k++) p[k] = (char)lower((unsigned char)kw[i].ptr[k]);
		keep[i] = (ward_str){p, kw[i].len};
	}
	keywords = keep;
	n_keywords = n;
	return 0;
}

static void request(const ward_exchange *x, ward_verdict *v) {
	for (uint32_t m = 0; m < x->n_messages; m++) {
		const ward_message *msg = &x->messages[m];
		if (!ward_str_eq(msg->role, "user")) continue;
		for (uint32_t k = 0; k < n_keywords; k++) {
			if (!contains(msg->text, keywords[k])) continue;
			ward_deny(v, 403, WARD_STR("keyword.match"), WARD_STR("request contains a blocked keyword"));
			ward_buf b = {0};
			ward_buf_cstr(&b, "keywords[");
			ward_buf_u64(&b, k);
			ward_buf_cstr(&b, "] in messages[");
			ward_buf_u64(&b, m);
			ward_buf_cstr(&b, "]");
			ward_add_reason(v, ward_buf_done(&b));
			return;
		}
	}
}

static const char *const schema[] = {
	"keywords", "list of strings, required: a request whose user message contains one of them (ASCII case ignored) is denied",
	NULL,
};

/* Only the messages are read: the host sends the other parts empty. */
WARD_GUARD(.name = "keyword", .version = "1.0.0", .config_schema = schema, .configure = configure, .request = request,
           .reads = WARD_READ_MESSAGES)
