package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// The JWT path priced by stage. Each stage is a token that the verifier
// rejects right after that stage (or accepts, for "full"), so the
// differences between stages are the cost of each step:
//
//	header     base64 + JSON of the header, alg check (alg not allowed)
//	key        + key selection (unknown kid)
//	signature  + signature decode and host verification (bad signature)
//	claims     + payload decode and every claim check (bad audience)
//	full       + identity annotations (accepted)
//
// "api_key" is the fixed cost of a call for comparison. The accepted
// credentials (api_key, full) are answered by the credential cache after
// the first call: their rows price a cached request; the rejected ones are
// never cached. Run with
//
//	go test -run '^$' -bench 'JWTStages' -benchtime 2s -count 3 ./plugins/auth
type jwtStage struct {
	name, header, value string
	allow               bool
	reason              string
}

func jwtStages(tb testing.TB) (config string, stages []jwtStage) {
	cfg, key, rs := wasmJWTSetup(tb)
	k := keys(tb)
	now := time.Now()
	claims := with(stdClaims(), "iat", now.Add(-time.Minute).Unix(), "exp", now.Add(time.Hour).Unix())
	parts := strings.Split(rs, ".")
	bearer := func(tok string) string { return "Bearer " + tok }
	es := signJWT(tb, map[string]any{"alg": "ES256", "kid": "rsa1", "typ": "JWT"}, claims, k.p256)
	unknownKid := signJWT(tb, map[string]any{"alg": "RS256", "kid": "rsa9", "typ": "JWT"}, claims, k.rsa)
	badSig := parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4] + "AAAA"
	badAud := signJWT(tb, map[string]any{"alg": "RS256", "kid": "rsa1", "typ": "JWT"}, with(claims, "aud", []string{"a", "b"}), k.rsa)
	return cfg, []jwtStage{
		{"api_key", "x-api-key", key, true, ""},
		{"header", "authorization", bearer(es), false, "jwt: alg_not_allowed"},
		{"key", "authorization", bearer(unknownKid), false, "jwt: unknown_kid"},
		{"signature", "authorization", bearer(badSig), false, "jwt: bad_signature"},
		{"claims", "authorization", bearer(badAud), false, "jwt: bad_audience"},
		{"full", "authorization", bearer(rs), true, ""},
	}
}

func checkStage(tb testing.TB, s jwtStage, v *abi.Verdict) {
	if (v.Decision == abi.Allow) != s.allow || (!s.allow && (len(v.Reasons) != 1 || v.Reasons[0] != s.reason)) {
		tb.Fatalf("%s: verdict %+v", s.name, *v)
	}
}

// BenchmarkWasmJWTStages runs each stage through the guard built for
// wasip1 (sdk/go/guesttest, host-side ward.verify_signature).
func BenchmarkWasmJWTStages(b *testing.B) {
	cfg, stages := jwtStages(b)
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			g := newWasmGuard(b)
			mustConfigure(b, g, cfg)
			in := abi.AppendExchange(nil, benchExchange(s.header, s.value))
			var v abi.Verdict
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out, err := g.Call("ward_request", in)
				if err != nil {
					b.Fatal(err)
				}
				if err := abi.DecodeVerdict(out, &v); err != nil {
					b.Fatal(err)
				}
			}
			checkStage(b, s, &v)
		})
	}
}

// BenchmarkNativeJWTStages is the same through ward.Instance on the host.
func BenchmarkNativeJWTStages(b *testing.B) {
	cfg, stages := jwtStages(b)
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			in := newInstance(b, time.Now(), cfg)
			enc := abi.AppendExchange(nil, benchExchange(s.header, s.value))
			var v abi.Verdict
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				out, err := in.Handle(abi.PhaseRequest, enc)
				if err != nil {
					b.Fatal(err)
				}
				if err := abi.DecodeVerdict(out, &v); err != nil {
					b.Fatal(err)
				}
			}
			checkStage(b, s, &v)
		})
	}
}

// BenchmarkJWTVerify is the verifier alone (no ABI), natively, on an
// HS256 token (no public-key work), so that parsing dominates.
func BenchmarkJWTVerify(b *testing.B) {
	jv := testVerifier(b)
	tok := signJWT(b, map[string]any{"alg": "HS256", "typ": "JWT"}, stdClaims(), keys(b).hmacKey)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := jv.verify(tok, tNow, 30*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}
