package abi

import "hash/maphash"

// StringCache interns the strings of decoded verdicts, so that a host that
// decodes the answers of one guard again and again (reason codes, labels,
// annotation keys and values, messages: mostly the same few strings)
// allocates them once instead of on every call.
//
// It is a table of a fixed number of slots in which a string may sit in
// one of two, chosen by its hash; a new string takes an empty one of the
// two or else replaces the first one's string. So its size is bounded
// whatever a guard returns, a string that varies from call to call costs
// what it costs without a cache (one allocation), and recurring strings
// rarely push each other out (with one choice, 13 strings in 256 slots
// collide in one cache of four). Strings longer than MaxCachedString are
// not cached.
//
// A StringCache is not safe for concurrent use: give each decoder (a guard
// instance, used by one goroutine at a time) its own. The strings it
// returns are ordinary immutable strings and may be kept forever.
type StringCache struct {
	seed  maphash.Seed
	mask  uint64
	slots []string
}

// MaxCachedString is the longest string a StringCache keeps, in bytes.
const MaxCachedString = 512

// DefaultStringCacheSlots is the size NewStringCache uses for slots <= 0:
// room for a guard's recurring strings with few collisions, 4 KiB of
// string headers.
const DefaultStringCacheSlots = 256

// NewStringCache returns an empty cache of slots entries, rounded up to a
// power of two (DefaultStringCacheSlots for slots <= 0).
func NewStringCache(slots int) *StringCache {
	if slots <= 0 {
		slots = DefaultStringCacheSlots
	}
	n := 1
	for n < slots {
		n <<= 1
	}
	return &StringCache{seed: maphash.MakeSeed(), mask: uint64(n - 1), slots: make([]string, n)}
}

// String returns b as a string: the cached copy when its slot holds the
// same bytes, else a new copy (kept in the slot when it is short enough).
// It does not allocate on a hit, nor for an empty b. A nil cache copies.
func (c *StringCache) String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if c == nil || len(b) > MaxCachedString {
		return string(b)
	}
	h := maphash.Bytes(c.seed, b)
	first, second := &c.slots[h&c.mask], &c.slots[(h>>32)&c.mask]
	if *first == string(b) {
		return *first
	}
	if *second == string(b) {
		return *second
	}
	s := string(b)
	if *first != "" && *second == "" {
		*second = s
	} else {
		*first = s
	}
	return s
}

// DecodeVerdictCached is DecodeVerdict with the verdict's strings taken
// from c (see StringCache): the same verdict, without allocating once c
// holds its strings and v's slices have room. A nil c is DecodeVerdict.
// c must not be used by another goroutine meanwhile.
func DecodeVerdictCached(b []byte, v *Verdict, c *StringCache) error {
	return decodeVerdict(b, v, c)
}
