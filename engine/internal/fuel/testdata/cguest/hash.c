// A WASI reactor used by the fuel package's tests and benchmarks; the same
// functions as testdata/goguest, built with:
//   clang --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor \
//     -Wl,--export=hash -Wl,--export=spin -o hash.wasm hash.c
#include <stdint.h>

static uint8_t buf[1024];

__attribute__((constructor)) static void init(void) {
	for (int i = 0; i < 1024; i++) buf[i] = (uint8_t)(i * 7 + 1);
}

uint64_t hash(uint32_t rounds) {
	uint64_t h = 14695981039346656037ULL;
	for (uint32_t r = 0; r < rounds; r++) {
		for (int i = 0; i < 1024; i++) {
			h ^= buf[i];
			h *= 1099511628211ULL;
		}
	}
	return h;
}

volatile uint64_t sink;

void spin(void) {
	for (uint64_t i = 0;; i++) sink = i;
}
