package auth

import (
	"encoding/base64"
	"encoding/json"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/plugins/auth/token"
	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

// clock is a settable wall clock for the cache's time checks; it counts
// its reads.
type clock struct {
	t     time.Time
	reads int
}

func (c *clock) now() time.Time { c.reads++; return c.t }

// cachedInstance is an instance configured with cfg at c's time, and the
// guard's state to look at its cache.
func cachedInstance(t *testing.T, c *clock, cfg string) (*auth, *ward.Instance) {
	t.Helper()
	a, g := newAuthGuard(c.now)
	in, err := ward.NewInstance(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Configure([]byte(cfg)); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return a, in
}

// wantAllow checks an allow verdict with this identity.
func wantAllow(t *testing.T, in *ward.Instance, ex *ward.Exchange, method, subject, keyID string) ward.Verdict {
	t.Helper()
	v, err := in.Check(ex)
	if err != nil {
		t.Fatal(err)
	}
	if v.Decision != abi.Allow || annotation(v, annMethod) != method || annotation(v, annSubject) != subject || annotation(v, annKeyID) != keyID {
		t.Fatalf("verdict %+v, want allow as %s %s %s", v.Verdict, method, subject, keyID)
	}
	return v
}

// wantDeny checks a 401 denial with this reason.
func wantDeny(t *testing.T, in *ward.Instance, ex *ward.Exchange, reason string) {
	t.Helper()
	v, err := in.Check(ex)
	if err != nil {
		t.Fatal(err)
	}
	if v.Decision != abi.Deny || v.Status != 401 || !reflect.DeepEqual(v.Reasons, []string{reason}) || len(v.Annotations) != 0 {
		t.Fatalf("verdict %+v, want deny because %q", v.Verdict, reason)
	}
}

func cacheTestConfig(t *testing.T, secret []byte, apiKeys ...map[string]any) string {
	t.Helper()
	list := make([]any, len(apiKeys))
	for i, k := range apiKeys {
		list[i] = k
	}
	cfg, err := json.Marshal(map[string]any{
		"api_keys": list,
		"tokens":   map[string]any{"secret": base64.StdEncoding.EncodeToString(secret)},
		"jwt": map[string]any{"issuer": "https://idp.example", "audience": []string{"ward"}, "algorithms": []string{"HS256"},
			"hmac_secret": base64.StdEncoding.EncodeToString(keys(t).hmacKey)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(cfg)
}

// TestCacheHitSameVerdict: the second request with a credential is served
// by the cache, with the verdict the full verification gave, for each
// method.
func TestCacheHitSameVerdict(t *testing.T) {
	c := &clock{t: tNow}
	secret := []byte("ward-token-secret-of-32-bytes-xx")
	a, in := cachedInstance(t, c, cacheTestConfig(t, secret,
		map[string]any{"id": "k1", "sha256": hashHex("key-one"), "subject": "svc", "roles": []string{"reader", "writer"}}))
	wt, err := token.Issue(secret, token.Claims{Subject: "eve", Roles: []string{"ops"}, ExpiresAt: tNow.Add(time.Hour), ID: "tid"}, tNow)
	if err != nil {
		t.Fatal(err)
	}
	jwt := signJWT(t, map[string]any{"alg": "HS256", "kid": "h1"}, stdClaims(), keys(t).hmacKey)
	for i, cr := range []struct{ header, value, method, subject, keyID string }{
		{"x-api-key", "key-one", "api_key", "svc", "k1"},
		{"authorization", "Bearer " + wt, "ward_token", "eve", "tid"},
		{"authorization", "Bearer " + jwt, "jwt", "alice", "h1"},
	} {
		first := wantAllow(t, in, x(cr.header, cr.value), cr.method, cr.subject, cr.keyID)
		if a.cache.hits != i {
			t.Fatalf("%s: %d cache hits before the second request, want %d", cr.method, a.cache.hits, i)
		}
		second := wantAllow(t, in, x(cr.header, cr.value), cr.method, cr.subject, cr.keyID)
		if a.cache.hits != i+1 {
			t.Fatalf("%s: the second request was not served by the cache (%d hits)", cr.method, a.cache.hits)
		}
		if !reflect.DeepEqual(first.Verdict, second.Verdict) {
			t.Fatalf("%s: cached verdict %+v, full verification gave %+v", cr.method, second.Verdict, first.Verdict)
		}
	}
}

// TestCacheRefusesOthers: after a key was accepted (and cached), unknown
// keys, keys that differ from it in one byte, its prefixes and extensions
// are still refused, and another valid key gets its own identity.
func TestCacheRefusesOthers(t *testing.T) {
	c := &clock{t: tNow}
	key := "sk-live-0123456789abcdefghij"
	a, in := cachedInstance(t, c, cacheTestConfig(t, []byte("ward-token-secret-of-32-bytes-xx"),
		map[string]any{"id": "k1", "sha256": hashHex(key)},
		map[string]any{"id": "k2", "sha256": hashHex("sk-live-other")}))
	// The two valid keys in different slots of the direct-mapped table
	// (with the random seed they shared one in 1 run of 64, and k2 then
	// pushed k1 out: a miss, not a refusal, but not the hit counted below).
	slot := func(cred string) uint64 { return credHash(a.cache.seed, cred) & (cacheSlots - 1) }
	for slot(key) == slot("sk-live-other") {
		a.cache.seed++
	}
	wantAllow(t, in, x("x-api-key", key), "api_key", "k1", "k1")
	wantAllow(t, in, x("x-api-key", key), "api_key", "k1", "k1")
	if a.cache.hits != 1 {
		t.Fatalf("%d cache hits, want 1", a.cache.hits)
	}
	others := []string{"sk-live-unknown", key[:len(key)-1], key + "k", key[1:], strings.ToUpper(key)}
	for i := range key {
		b := []byte(key)
		b[i] ^= 1
		others = append(others, string(b))
	}
	for _, o := range others {
		wantDeny(t, in, x("x-api-key", o), "api_key: unknown")
	}
	wantAllow(t, in, x("x-api-key", "sk-live-other"), "api_key", "k2", "k2")
	wantAllow(t, in, x("x-api-key", key), "api_key", "k1", "k1")
	if a.cache.hits != 2 {
		t.Fatalf("%d cache hits, want 2 (no refused credential is a hit)", a.cache.hits)
	}
}

// TestCacheExpiry: a cached credential is refused once it expires, with
// the reason the full verification gives, and a JWT whose nbf is ahead of
// a clock set back is not yet valid again.
func TestCacheExpiry(t *testing.T) {
	c := &clock{t: tNow}
	secret := []byte("ward-token-secret-of-32-bytes-xx")
	_, in := cachedInstance(t, c, cacheTestConfig(t, secret,
		map[string]any{"id": "k1", "sha256": hashHex("key-one"), "expires": tNow.Add(time.Hour).Format(time.RFC3339)}))
	wt, err := token.Issue(secret, token.Claims{Subject: "eve", ExpiresAt: tNow.Add(2 * time.Hour), ID: "tid"}, tNow)
	if err != nil {
		t.Fatal(err)
	}
	jwt := signJWT(t, map[string]any{"alg": "HS256"}, with(stdClaims(),
		"nbf", tNow.Add(-time.Minute).Unix(), "exp", tNow.Add(3*time.Hour).Unix()), keys(t).hmacKey)
	apiX, tokX, jwtX := x("x-api-key", "key-one"), x("authorization", "Bearer "+wt), x("authorization", "Bearer "+jwt)
	for range 2 {
		wantAllow(t, in, apiX, "api_key", "k1", "k1")
		wantAllow(t, in, tokX, "ward_token", "eve", "tid")
		wantAllow(t, in, jwtX, "jwt", "alice", "")
	}
	// The nbf is one minute back and the leeway 30s: 31s earlier the
	// JWT is not valid yet, and the Ward token (iat = tNow) neither.
	c.t = tNow.Add(-91 * time.Second)
	wantDeny(t, in, jwtX, "jwt: not_yet_valid")
	wantDeny(t, in, tokX, "ward_token: not_yet_valid")
	c.t = tNow.Add(-89 * time.Second)
	wantAllow(t, in, jwtX, "jwt", "alice", "")
	c.t = tNow
	for range 2 {
		wantAllow(t, in, tokX, "ward_token", "eve", "tid")
	}
	// The API key's expiry has no leeway; the tokens' has 30s.
	c.t = tNow.Add(time.Hour - time.Nanosecond)
	wantAllow(t, in, apiX, "api_key", "k1", "k1")
	c.t = tNow.Add(time.Hour)
	wantDeny(t, in, apiX, "api_key: expired")
	c.t = tNow.Add(2*time.Hour + 29*time.Second)
	wantAllow(t, in, tokX, "ward_token", "eve", "tid")
	c.t = tNow.Add(2*time.Hour + 30*time.Second)
	wantDeny(t, in, tokX, "ward_token: expired")
	c.t = tNow.Add(3*time.Hour + 29*time.Second)
	wantAllow(t, in, jwtX, "jwt", "alice", "")
	c.t = tNow.Add(3*time.Hour + 30*time.Second)
	wantDeny(t, in, jwtX, "jwt: expired")
}

// TestCacheReconfigure: a configuration without a key refuses it, however
// often the previous one accepted it (the cache starts empty with every
// configuration).
func TestCacheReconfigure(t *testing.T) {
	c := &clock{t: tNow}
	secret := []byte("ward-token-secret-of-32-bytes-xx")
	k1 := map[string]any{"id": "k1", "sha256": hashHex("key-one")}
	k2 := map[string]any{"id": "k2", "sha256": hashHex("key-two")}
	a, in := cachedInstance(t, c, cacheTestConfig(t, secret, k1, k2))
	wt, err := token.Issue(secret, token.Claims{Subject: "eve", ExpiresAt: tNow.Add(time.Hour), ID: "tid"}, tNow)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		wantAllow(t, in, x("x-api-key", "key-one"), "api_key", "k1", "k1")
		wantAllow(t, in, x("x-api-key", wt), "ward_token", "eve", "tid")
	}
	// Revoke k1 and rotate the token secret.
	if err := in.Configure([]byte(cacheTestConfig(t, []byte("another-token-secret-of-32-bytes"), k2))); err != nil {
		t.Fatal(err)
	}
	if a.cache.len() != 0 {
		t.Fatalf("the new configuration starts with %d cached credentials", a.cache.len())
	}
	wantDeny(t, in, x("x-api-key", "key-one"), "api_key: unknown")
	wantDeny(t, in, x("x-api-key", wt), "ward_token: bad_signature")
	wantAllow(t, in, x("x-api-key", "key-two"), "api_key", "k2", "k2")
	// A configuration giving k2 another identity: the cached one is gone.
	if err := in.Configure([]byte(cacheTestConfig(t, secret, map[string]any{"id": "k2b", "sha256": hashHex("key-two"), "subject": "new"}))); err != nil {
		t.Fatal(err)
	}
	wantAllow(t, in, x("x-api-key", "key-two"), "api_key", "new", "k2b")
}

// TestCacheBounded: many valid keys, more than the cache holds, all keep
// their own identity through evictions; the cache stays at cacheSlots
// entries, and a credential longer than cacheMaxCred is never cached.
func TestCacheBounded(t *testing.T) {
	c := &clock{t: tNow}
	const n = 5 * cacheSlots
	long := strings.Repeat("L", cacheMaxCred+1)
	list := []map[string]any{{"id": "long", "sha256": hashHex(long)}}
	for i := range n {
		list = append(list, map[string]any{"id": "k" + strconv.Itoa(i), "sha256": hashHex("key-" + strconv.Itoa(i))})
	}
	a, in := cachedInstance(t, c, cacheTestConfig(t, []byte("ward-token-secret-of-32-bytes-xx"), list...))
	for round := range 3 {
		for i := range n {
			id, key := "k"+strconv.Itoa(i), "key-"+strconv.Itoa(i)
			hits := a.cache.hits
			wantAllow(t, in, x("x-api-key", key), "api_key", id, id)
			wantAllow(t, in, x("x-api-key", key), "api_key", id, id)
			if a.cache.hits != hits+1 && !(round > 0 && a.cache.hits == hits+2) {
				t.Fatalf("round %d, %s: %d cache hits for two requests in a row, want the second to be one", round, key, a.cache.hits-hits)
			}
		}
		if got := a.cache.len(); got > cacheSlots || got < cacheSlots/2 {
			t.Fatalf("round %d: %d cached credentials, want at most %d (and most slots used)", round, got, cacheSlots)
		}
	}
	hits := a.cache.hits
	for range 3 {
		wantAllow(t, in, x("x-api-key", long), "api_key", "long", "long")
	}
	if a.cache.hits != hits {
		t.Fatalf("a credential of %d bytes was served by the cache", len(long))
	}
}

// FuzzCredentialCache: whatever credential was presented (and maybe
// cached) before, a credential gets the verdict a fresh instance gives it,
// and a repeated credential its first verdict.
func FuzzCredentialCache(f *testing.F) {
	secret := []byte("ward-token-secret-of-32-bytes-xx")
	wt, err := token.Issue(secret, token.Claims{Subject: "eve", ExpiresAt: tNow.Add(time.Hour), ID: "tid"}, tNow)
	if err != nil {
		f.Fatal(err)
	}
	jwt := signJWT(f, map[string]any{"alg": "HS256", "kid": "h1"}, stdClaims(), keys(f).hmacKey)
	for _, seed := range [][2]string{
		{"key-one", "key-two"}, {"key-one", "key-one"}, {"key-one", "key-onf"}, {"key-one", "key-on"},
		{wt, wt[:len(wt)-1] + "A"}, {jwt, jwt + "x"}, {jwt, wt}, {"Bearer " + jwt, jwt}, {"key-two", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	c := &clock{t: tNow}
	cfg := ""
	f.Fuzz(func(t *testing.T, first, second string) {
		if cfg == "" {
			cfg = cacheTestConfig(t, secret, map[string]any{"id": "k1", "sha256": hashHex("key-one")},
				map[string]any{"id": "k2", "sha256": hashHex("key-two"), "expires": tNow.Add(time.Minute).Format(time.RFC3339)})
		}
		check := func(in *ward.Instance, cred string) ward.Verdict {
			v, err := in.Check(x("x-api-key", cred))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		_, fresh := cachedInstance(t, c, cfg)
		want := check(fresh, second)
		_, in := cachedInstance(t, c, cfg)
		v1 := check(in, first)
		if v := check(in, first); !reflect.DeepEqual(v.Verdict, v1.Verdict) {
			t.Fatalf("%q again: %+v, first %+v", first, v.Verdict, v1.Verdict)
		}
		if v := check(in, second); !reflect.DeepEqual(v.Verdict, want.Verdict) {
			t.Fatalf("%q after %q: %+v, fresh instance %+v", second, first, v.Verdict, want.Verdict)
		}
	})
}

// TestEqualCT: equalCT agrees with ==, for every length up to 40 and a
// difference in each byte (within the 8-byte words and in the tail).
func TestEqualCT(t *testing.T) {
	for n := range 41 {
		a := make([]byte, n)
		for i := range a {
			a[i] = byte('a' + i%26)
		}
		if !equalCT(a, string(a)) {
			t.Fatalf("len %d: equal texts differ", n)
		}
		for i := range n {
			for _, bit := range []byte{1, 0x80} {
				b := []byte(string(a))
				b[i] ^= bit
				if equalCT(a, string(b)) {
					t.Fatalf("len %d: a difference at %d (bit %#x) not seen", n, i, bit)
				}
			}
		}
		if n > 0 && (equalCT(a, string(a[:n-1])) || equalCT(a[:n-1], string(a))) {
			t.Fatalf("len %d: texts of different lengths equal", n)
		}
		if !sameString(string(a), string(a)) || n > 0 && sameString(string(a), string(a[:n-1])) ||
			n > 1 && sameString(string(a[1:]), string(a[:n-1])) {
			t.Fatalf("len %d: sameString disagrees with ==", n)
		}
	}
}

// TestClockReadOnlyForTimeChecks: an API key without expiry is accepted,
// the first time and from the cache, without reading the clock (a call out
// of the guest); one with an expiry reads it both times, and is refused
// once the clock passes it, from the cache too.
func TestClockReadOnlyForTimeChecks(t *testing.T) {
	c := &clock{t: tNow}
	a, in := cachedInstance(t, c, cacheTestConfig(t, []byte("ward-token-secret-of-32-bytes-xx"),
		map[string]any{"id": "k1", "sha256": hashHex("key-forever")},
		map[string]any{"id": "k2", "sha256": hashHex("key-expiring"), "expires": tNow.Add(time.Hour).Format(time.RFC3339)}))
	c.reads = 0 // configure reads it once
	for range 2 {
		wantAllow(t, in, x("x-api-key", "key-forever"), "api_key", "k1", "k1")
	}
	if c.reads != 0 || a.cache.hits != 1 {
		t.Fatalf("key without expiry: %d clock reads, %d cache hits; want 0 and 1", c.reads, a.cache.hits)
	}
	for range 2 {
		wantAllow(t, in, x("x-api-key", "key-expiring"), "api_key", "k2", "k2")
	}
	if c.reads != 2 || a.cache.hits != 2 {
		t.Fatalf("expiring key: %d clock reads, %d cache hits; want 2 and 2", c.reads, a.cache.hits)
	}
	c.t = tNow.Add(2 * time.Hour)
	wantDeny(t, in, x("x-api-key", "key-expiring"), "api_key: expired")
	wantAllow(t, in, x("x-api-key", "key-forever"), "api_key", "k1", "k1")
}

// TestCredHash checks credHash as the cache uses it: distinct credentials
// of every length up to 64 (those that differ only in the last byte, in
// the bytes two words share, by length alone) get distinct hashes and
// distinct hashes under another seed; one flipped bit changes about half
// of the hash's bits.
func TestCredHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const seed, other = 0x243f6a8885a308d3, 0x13198a2e03707344
	seen := map[uint64]string{}
	add := func(cred string) {
		h := credHash(seed, cred)
		if prev, ok := seen[h]; ok && prev != cred {
			t.Fatalf("credHash(%q) = credHash(%q)", cred, prev)
		}
		seen[h] = cred
		if credHash(other, cred) == h {
			t.Fatalf("credHash(%q) does not depend on the seed", cred)
		}
	}
	flips, diff := 0, 0
	for n := range 65 {
		for range 100 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			add(string(b))
			add(string(b) + "\x00")
			for i := range b {
				c := slices.Clone(b)
				bit := byte(1) << rng.UintN(8)
				c[i] ^= bit
				add(string(c))
				diff += bits.OnesCount64(credHash(seed, string(b)) ^ credHash(seed, string(c)))
				flips++
			}
		}
	}
	if mean := float64(diff) / float64(flips); mean < 30 || mean > 34 {
		t.Fatalf("a flipped bit changes %.1f bits of the hash on average, want about 32", mean)
	}
}
