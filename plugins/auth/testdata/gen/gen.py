# Generates ../cases.json (the golden cases of plugins/auth): python3 gen.py
# Test secrets only; no private keys. Run from this folder.
import json, hmac, hashlib, base64, os
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
def js(o): return json.dumps(o, separators=(',',':')).encode()
HS = b"golden-hmac-secret-0123456789abc"   # 32 bytes
WT = b"golden-ward-token-secret-0123456"   # 32 bytes
assert len(HS)==32 and len(WT)==32
def jwt(h, c, key=HS, alg=hashlib.sha256):
    s = b64(js(h))+"."+b64(js(c))
    return s+"."+b64(hmac.new(key, s.encode(), alg).digest())
def wardat(p, key=WT):
    s = "wardat_"+b64(js(p))
    return s+"."+b64(hmac.new(key, s.encode(), hashlib.sha256).digest())
FAR, PAST = 4102444800, 1700000000
claims = {"sub":"carol","roles":["analyst","admin"],"iss":"https://idp.example","aud":"ward","iat":PAST,"exp":FAR}
KEY_A, KEY_B = "sk-ward-alice-7Qm2xZ", "sk-ward-bob-Lp09Rr"
sha = lambda s: hashlib.sha256(s.encode()).hexdigest()
cfg = {"api_keys":[{"id":"k-alice","sha256":sha(KEY_A),"subject":"alice","roles":["reader","writer"]},
                   {"id":"k-bob","sha256":sha(KEY_B),"subject":"bob","expires":"2024-01-01T00:00:00Z"}],
       "tokens":{"secret":base64.b64encode(WT).decode()},
       "jwt":{"issuer":"https://idp.example","audience":["ward"],"hmac_secret":base64.b64encode(HS).decode()}}
WWW = {"key":"WWW-Authenticate","value":"Bearer realm=\"ward\""}
def ex(rid, headers):
    return {"phase":"request","api":"openai.chat","request_id":rid,"route":"chat","path":"/v1/chat/completions","model":"gpt-4o",
            "headers":[{"key":k,"value":v} for k,v in headers],
            "messages":[{"turn":0,"role":"user","kind":"text","text":"hello"}]}
def deny(reason, www=WWW):
    return {"decision":"deny","status":401,"code":"auth.unauthenticated","message":"authentication required","reasons":[reason],"set_headers":[www]}
def allow(method, sub, kid, roles, strip):
    return {"decision":"allow","annotations":[{"key":"identity.method","value":method},{"key":"identity.subject","value":sub},
            {"key":"identity.key_id","value":kid},{"key":"identity.roles","value":roles}],
            "set_headers":[{"key":h,"value":""} for h in strip]}
cases = []
def case(name, headers, verdict, config=cfg):
    cases.append({"name":name,"config":config,"exchange":ex("r%d"%(len(cases)+1), headers),"verdict":verdict})
def cerr(name, config, key, err):
    cases.append({"name":name,"config":config,"config_error":{"key":key,"error":err}})
case("api key in x-api-key", [("x-api-key",KEY_A)], allow("api_key","alice","k-alice","reader,writer",["x-api-key"]))
case("api key as bearer, both credential headers stripped", [("authorization","Bearer "+KEY_A),("x-api-key","ignored")], allow("api_key","alice","k-alice","reader,writer",["authorization","x-api-key"]))
case("unknown api key", [("x-api-key","sk-ward-mallory-0000")], deny("api_key: unknown"))
case("expired api key", [("x-api-key",KEY_B)], deny("api_key: expired"))
case("no credentials", [("user-agent","curl/8")], deny("no credentials"))
case("empty credential header counts as absent", [("x-api-key","")], deny("no credentials"))
case("basic auth is refused", [("authorization","Basic YWxpY2U6cHc=")], deny("authorization: not a Bearer credential"))
case("header injection: CR LF in an api key", [("x-api-key",KEY_A+"\r\nX-Admin: 1")], deny("x-api-key: malformed credential"))
case("header injection: CR LF after bearer token", [("authorization","Bearer "+KEY_A+"\r\nx-api-key: x")], deny("authorization: malformed credential"))
case("HS256 JWT", [("authorization","Bearer "+jwt({"alg":"HS256","typ":"JWT"}, claims))], allow("jwt","carol","","analyst,admin",["authorization"]))
case("HS512 JWT with kid", [("authorization","bearer "+jwt({"alg":"HS512","kid":"main"}, claims, alg=hashlib.sha512))], allow("jwt","carol","main","analyst,admin",["authorization"]))
case("expired JWT", [("authorization","Bearer "+jwt({"alg":"HS256"}, dict(claims, exp=PAST+60)))], deny("jwt: expired"))
case("JWT not yet valid", [("authorization","Bearer "+jwt({"alg":"HS256"}, dict(claims, nbf=FAR-60)))], deny("jwt: not_yet_valid"))
case("JWT wrong audience", [("authorization","Bearer "+jwt({"alg":"HS256"}, dict(claims, aud=["billing"])))], deny("jwt: bad_audience"))
case("JWT wrong issuer", [("authorization","Bearer "+jwt({"alg":"HS256"}, dict(claims, iss="https://evil.example")))], deny("jwt: bad_issuer"))
case("JWT wrong signature", [("authorization","Bearer "+jwt({"alg":"HS256"}, claims, key=b"another-secret-another-secret-00"))], deny("jwt: bad_signature"))
none = b64(js({"alg":"none"}))+"."+b64(js(claims))+"."+b64(b"x")
case("JWT alg none", [("authorization","Bearer "+none)], deny("jwt: alg_none"))
case("JWT RS256 without keys configured", [("authorization","Bearer "+b64(js({"alg":"RS256","kid":"k"}))+"."+b64(js(claims))+"."+b64(b"x"*256))], deny("jwt: alg_not_allowed"))
case("Ward access token", [("authorization","Bearer "+wardat({"sub":"dave","roles":["ops"],"iat":PAST,"exp":FAR,"jti":"tok-1"}))], allow("ward_token","dave","tok-1","ops",["authorization"]))
case("expired Ward access token", [("authorization","Bearer "+wardat({"sub":"dave","iat":PAST,"exp":PAST+900,"jti":"tok-2"}))], deny("ward_token: expired"))
case("Ward access token with wrong signature", [("authorization","Bearer "+wardat({"sub":"dave","iat":PAST,"exp":FAR,"jti":"tok-3"}, key=HS))], deny("ward_token: bad_signature"))
case("oversized credential", [("x-api-key","k"*9000)], deny("x-api-key: malformed credential"))
c2 = {"api_keys":cfg["api_keys"], "strip_credentials":False, "realm":"llm", "headers":["x-ward-key"]}
case("custom header, realm, no stripping", [("x-ward-key",KEY_A),("authorization","Bearer nope")], allow("api_key","alice","k-alice","reader,writer",[]), c2)
case("custom header only: authorization is ignored", [("authorization","Bearer "+KEY_A)], deny("no credentials", {"key":"WWW-Authenticate","value":"Bearer realm=\"llm\""}), c2)
case("tokens not configured", [("x-ward-key",wardat({"sub":"dave","iat":PAST,"exp":FAR,"jti":"t"}))], deny("ward_token: not accepted", {"key":"WWW-Authenticate","value":"Bearer realm=\"llm\""}), c2)
# JSON edge cases of JWT headers and claims (plugins/auth/jsonobj.go). jwt_raw signs JSON text as
# given, for what a dict cannot express (duplicate names, chosen escapes and number forms).
def jwt_raw(h, c, key=HS, alg=hashlib.sha256):
    s = b64(h)+"."+b64(c)
    return s+"."+b64(hmac.new(key, s.encode(), alg).digest())
HS256 = js({"alg":"HS256"})
case("JWT duplicate alg in header", [("authorization","Bearer "+jwt_raw(b'{"alg":"HS256","alg":"none"}', js(claims)))], deny("jwt: malformed"))
case("JWT duplicate exp claim, the second escaped", [("authorization","Bearer "+jwt_raw(HS256, js(claims)[:-1]+b',"\\u0065xp":%d}' % PAST))], deny("jwt: malformed"))
case("JWT header names match exactly: ALG is not alg", [("authorization","Bearer "+jwt({"alg":"HS256","ALG":"none"}, claims))], allow("jwt","carol","","analyst,admin",["authorization"]))
case("JWT escaped subject, scope-style roles, exponent and fraction dates", [("authorization","Bearer "+jwt_raw(HS256,
     js(dict(claims, sub="caf\u00e9 \U0001F600", roles="analyst \t admin")).replace(b'"exp":%d' % FAR, b'"exp":4.1024448E+9').replace(b'"iat":%d' % PAST, b'"iat":1699999999.25')))],
     allow("jwt","caf\u00e9 \U0001F600","","analyst,admin",["authorization"]))
case("JWT lone surrogate in subject", [("authorization","Bearer "+jwt_raw(HS256, js(dict(claims, sub="x")).replace(b'"sub":"x"', b'"sub":"\\ud800"')))], deny("jwt: malformed"))
case("JWT nested unknown claims are skipped", [("authorization","Bearer "+jwt({"alg":"HS256"}, dict(claims, ext={"a":[1,{"b":None,"c":[True,False,-1.5e-3]}],"s":"}]"})))], allow("jwt","carol","","analyst,admin",["authorization"]))
case("JWT nested deeper than 64 levels", [("authorization","Bearer "+jwt_raw(HS256, js(claims)[:-1]+b',"x":'+b'['*64+b']'*64+b'}'))], deny("jwt: malformed"))
cerr("no method configured", {}, "", "configure at least one of api_keys, tokens, jwt")
cerr("unknown key", {"api_keys":cfg["api_keys"],"apikeys":[]}, "apikeys", "unknown key (known: api_keys, headers, jwt, leeway, realm, strip_credentials, tokens)")
cerr("api key hash not hex", {"api_keys":[{"id":"a","sha256":"secret"}]}, "api_keys[0].sha256", "want 64 hex digits: the SHA-256 of the key (printf %s \"$KEY\" | sha256sum)")
cerr("api key without id", {"api_keys":[{"sha256":sha(KEY_A)}]}, "api_keys[0].id", "required")
cerr("api key unknown field", {"api_keys":[{"id":"a","sha256":sha(KEY_A),"key":KEY_A}]}, "api_keys[0].key", "unknown key (known: id, sha256, subject, roles, expires)")
cerr("duplicate api key", {"api_keys":[{"id":"a","sha256":sha(KEY_A)},{"id":"b","sha256":sha(KEY_A)}]}, "api_keys[1].sha256", "duplicate key (also api_keys[0])")
cerr("bad expiry", {"api_keys":[{"id":"a","sha256":sha(KEY_A),"expires":"tomorrow"}]}, "api_keys[0].expires", "want an RFC 3339 time such as 2026-12-31T23:59:59Z, got \"tomorrow\"")
cerr("role with comma", {"api_keys":[{"id":"a","sha256":sha(KEY_A),"roles":["a,b"]}]}, "api_keys[0].roles[0]", "want a non-empty role without commas, spaces or control characters")
cerr("short token secret", {"tokens":{"secret":base64.b64encode(b"short").decode()}}, "tokens.secret", "decodes to 5 bytes, want at least 32 (try: head -c 32 /dev/urandom | base64)")
cerr("token secret missing", {"tokens":{}}, "tokens.secret", "required")
cerr("unknown jwt algorithm", {"jwt":{"hmac_secret":base64.b64encode(HS).decode(),"algorithms":["none"]}}, "jwt.algorithms[0]", "unsupported algorithm \"none\" (want HS256|HS384|HS512|RS256|RS384|RS512|PS256|ES256|ES384|EdDSA)")
cerr("jwt without keys", {"jwt":{"issuer":"x"}}, "jwt", "needs hmac_secret, keys or jwks")
cerr("jwt private key in pem", {"jwt":{"keys":[{"kid":"a","pem":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}]}}, "jwt.keys[0].pem", "is a private key: configure the public key only")
cerr("upper-case header name", {"api_keys":cfg["api_keys"],"headers":["Authorization"]}, "headers[0]", "\"Authorization\" is not a lower-case header name")
cerr("bad leeway", {"api_keys":cfg["api_keys"],"leeway":"forever"}, "leeway", "want duration such as \"250ms\", got \"forever\"")
cerr("realm with quote", {"api_keys":cfg["api_keys"],"realm":"a\"b"}, "realm", "must be non-empty printable ASCII without quotes or backslashes")
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases.json"), "w").write(json.dumps(cases, indent=1)+"\n")
print(len(cases), KEY_A, sha(KEY_A))
