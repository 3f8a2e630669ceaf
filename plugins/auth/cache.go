package auth

import (
	"hash/maphash"
	"math/bits"
	"time"
	"unsafe"
)

// The credential cache spares a request the expensive half of its
// verification when the same credential was accepted before by this
// instance: the SHA-256 of an API key, the HMAC of a Ward token, the
// signature check of a JWT (a host RSA verification, ~35 µs). Most traffic
// reuses a handful of credentials, so this turns the per-request cost into
// a hash of the credential and one comparison.
//
// Only credentials that passed every check are cached, with what their
// acceptance depended on:
//
//   - the configuration: the cache belongs to the configured guard, and
//     configure (start-up, every reload, a swap) starts with an empty one,
//     so a key removed from the configuration is refused by the next
//     configuration whatever the old one cached;
//   - the time: the entry keeps the expiry and not-before times the slow
//     path checked, and a hit checks them again with the same comparisons
//     (and leeway); a hit that fails them is dropped and the credential
//     takes the slow path, which reports the exact reason.
//
// Everything else the slow path checks (hash, signature, algorithm, key,
// issuer, audience, subject, roles) is a function of the credential and
// the configuration alone, so a hit gives the verdict the slow path would.
//
// Timing. The table is direct-mapped: the slot is picked by a seeded 64-bit
// hash of the credential (credHash; the seed is per configuration),
// and the credential is compared with the slot's only after the full
// 64-bit hashes are equal, then in constant time (crypto/subtle). A
// presented credential that is not cached finds a slot whose hash differs
// (except with probability 2^-64), a difference found by one integer
// comparison whatever the credentials have in common, so the time of a
// miss says nothing about the cached credentials; a miss then costs what
// it cost without the cache, plus the hash. The hash's seed needs no
// secrecy for this (guests may have no real randomness): knowing it, one
// can compute the slot of a guess but not the hash of a credential one
// does not know.
//
// Memory. The cache keeps the credentials it accepted, in the clear, in the
// instance's memory: at most cacheSlots of them, of at most cacheMaxCred
// bytes each (longer ones are never cached). The gateway's memory holds
// every credential in transit anyway (request buffers, the exchange).

const (
	cacheSlots   = 64 // a power of two
	cacheMaxCred = 2048
)

// credCache is a bounded, direct-mapped cache of accepted credentials. Not
// safe for concurrent use: one per configured guard instance.
type credCache struct {
	seed  uint64
	slots [cacheSlots]cacheEntry
	hits  int // for tests
}

// cacheEntry is one accepted credential and the identity it was given.
type cacheEntry struct {
	used bool
	hash uint64
	cred []byte // a copy, reused when the slot is refilled

	method, subject, keyID, roles string
	// The time checks of the slow path, redone on every hit: refused when
	// !now.Add(-leeway).Before(expires) (expires set) or
	// now.Add(leeway).Before(notBefore) (notBefore set). leeway is the
	// guard's for JWTs and Ward tokens, 0 for API keys (whose expiry has
	// none).
	expires, notBefore time.Time
	leeway             time.Duration
}

// newCredCache returns an empty cache with a random seed (maphash's, drawn
// from the runtime's random source).
func newCredCache() *credCache {
	return &credCache{seed: maphash.String(maphash.MakeSeed(), "")}
}

// credHash is a seeded 64-bit hash of cred, eight bytes at a time (the
// last word overlapping the one before it; shorter credentials are read
// byte by byte), each word folded in by a 64x64->128-bit multiply whose
// halves are XORed (wyhash's mix). hash/maphash did the same job, but in
// Go's Wasm it has no AES hash and its portable fallback goes through
// several calls: a third of the cache's hit path.
func credHash(seed uint64, cred string) uint64 {
	const m1, m2 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db
	n := len(cred)
	h := seed ^ uint64(n)*m1
	p := unsafe.Pointer(unsafe.StringData(cred))
	if n >= 8 {
		for i := 0; i < n-8; i += 8 {
			h = credMix(h^*(*uint64)(unsafe.Add(p, i)), m2)
		}
		h = credMix(h^*(*uint64)(unsafe.Add(p, n-8)), m2)
	} else {
		var w uint64
		for i := range n {
			w = w<<8 | uint64(*(*byte)(unsafe.Add(p, i)))
		}
		h = credMix(h^w, m2)
	}
	return credMix(h, m1^seed)
}

func credMix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// get returns the entry of cred valid at now(), or nil. An entry that is
// no longer valid is dropped (the slow path then says why). now is called
// only for an entry with time checks.
func (c *credCache) get(cred string, now func() time.Time) *cacheEntry {
	if len(cred) > cacheMaxCred {
		return nil
	}
	h := credHash(c.seed, cred)
	e := &c.slots[h&(cacheSlots-1)]
	if !e.used || e.hash != h || len(e.cred) != len(cred) || !equalCT(e.cred, cred) {
		return nil
	}
	if !e.expires.IsZero() || !e.notBefore.IsZero() {
		if t := now(); !e.expires.IsZero() && !t.Add(-e.leeway).Before(e.expires) ||
			!e.notBefore.IsZero() && t.Add(e.leeway).Before(e.notBefore) {
			e.used = false
			return nil
		}
	}
	c.hits++
	return e
}

// put caches cred, accepted with this identity and these time checks,
// replacing whatever its slot held. Credentials longer than cacheMaxCred
// are not cached.
func (c *credCache) put(cred string, e cacheEntry) {
	if len(cred) > cacheMaxCred {
		return
	}
	h := credHash(c.seed, cred)
	slot := &c.slots[h&(cacheSlots-1)]
	e.used, e.hash, e.cred = true, h, append(slot.cred[:0], cred...)
	*slot = e
}

// len is the number of cached credentials.
func (c *credCache) len() int {
	n := 0
	for i := range c.slots {
		if c.slots[i].used {
			n++
		}
	}
	return n
}

// equalCT reports whether a and b are equal, in a time that depends on
// their lengths alone (as subtle.ConstantTimeCompare): see equalAt.
func equalCT(a []byte, b string) bool {
	return len(a) == len(b) && equalAt(unsafe.Pointer(unsafe.SliceData(a)), b)
}

// sameString is a == b, eight bytes at a time: Go's string comparison
// inside Wasm (memeqbody) takes a loop turn per byte.
func sameString(a, b string) bool {
	return len(a) == len(b) && equalAt(unsafe.Pointer(unsafe.StringData(a)), b)
}

// equalAt reports whether the len(b) bytes at pa are b's, in a time that
// depends on len(b) alone: it ORs together the differences of 8-byte
// words, the last word overlapping the one before it (no loop over the
// last bytes), and looks at the result once, at the end. Inside Wasm each
// loop turn costs: a 21-byte key is three words, not 21 bytes. (It takes
// a pointer so that sameString needs no unsafe.Slice, whose checks call
// the runtime.)
func equalAt(pa unsafe.Pointer, b string) bool {
	n := len(b)
	var d uint64
	if n >= 8 {
		pb := unsafe.Pointer(unsafe.StringData(b))
		for i := 0; i < n-8; i += 8 {
			d |= *(*uint64)(unsafe.Add(pa, i)) ^ *(*uint64)(unsafe.Add(pb, i))
		}
		d |= *(*uint64)(unsafe.Add(pa, n-8)) ^ *(*uint64)(unsafe.Add(pb, n-8))
	} else {
		for i := range n {
			d |= uint64(*(*byte)(unsafe.Add(pa, i)) ^ b[i])
		}
	}
	return d == 0
}
