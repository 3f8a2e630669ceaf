/*
 * misbehave - a guard (C SDK) that breaks one of the host's expectations,
 * chosen by its config {"mode": "..."}, so that the conformance suite's own
 * tests can check that each break is caught. Mode "ok" breaks nothing.
 */
#include "ward.h"

static char mode[32];

static bool is(const char *m) { return strcmp(mode, m) == 0; }

static int configure(ward_config *c) {
	ward_str m = WARD_STR("ok");
	if (ward_config_string(c, "mode", &m) < 0) return -1;
	if (m.len >= sizeof mode) return ward_config_reject(c, WARD_STR("mode"), WARD_STR("too long"));
	memcpy(mode, m.ptr, m.len);
	mode[m.len] = 0;
	return 0;
}

static uint32_t calls;
static void *hog;

static void check(const ward_exchange *x, ward_verdict *v, const ward_message *msgs, uint32_t n) {
	calls++;
	if (is("bad_status")) {
		ward_deny(v, 200, WARD_STR("x"), WARD_STR("x"));
	} else if (is("trap_many") && n > 1000) {
		__builtin_trap();
	} else if (is("flaky") && calls % 2 == 0) {
		ward_deny(v, 403, WARD_STR("flaky"), WARD_STR("every other call"));
	} else if (is("bad_header")) {
		ward_set_header(v, WARD_STR("bad header"), WARD_STR("x"));
	} else if (is("bad_rewrite") && x->phase != WARD_PHASE_RESPONSE_CHUNK) {
		ward_rewrite_message(v, n, WARD_STR("x"));
	} else if (is("bad_score")) {
		ward_score_add(v, WARD_STR("s"), 1.5);
	} else if (is("hold_not_suffix") && x->phase == WARD_PHASE_RESPONSE_CHUNK && x->chunk_delta.len > 0) {
		ward_stream(v, WARD_STR(""), WARD_STR("\x01not a suffix"));
	} else if (is("hog") && hog == NULL) {
		for (uint32_t i = 0; i < n; i++) {
			if (msgs[i].text.len > (1u << 20)) {
				hog = malloc(80u << 20);
				if (hog) memset(hog, 1, 80u << 20);
			}
		}
	}
}

static void request(const ward_exchange *x, ward_verdict *v) { check(x, v, x->messages, x->n_messages); }
static void response(const ward_exchange *x, ward_verdict *v) { check(x, v, x->response_messages, x->n_response_messages); }

static const char *const schema[] = {"mode", "string: which expectation to break", NULL};

WARD_GUARD(.name = "misbehave", .version = "1.0.0", .config_schema = schema, .configure = configure, .request = request,
           .response = response, .response_chunk = request)
