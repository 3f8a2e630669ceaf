// keyword - Ward's example keyword guard, written with the AssemblyScript
// SDK (sdk/assemblyscript, npm package @wardgate/guard).
//
// Config: {"keywords": ["secret", ...]} (required, at least one non-empty
// string). A request whose user message contains a keyword, ignoring ASCII
// case, is denied with 403 and code "keyword.match". The same guard exists
// in Go, C and Rust (sdk/examples/{go,c,rust}-keyword), passing the same
// cases (sdk/examples/testdata/keyword-cases.json).
//
// Build: npm ci && npm run build

import { Bytes, Config, ConfigError, Exchange, Guard, Phase, Read, Verdict, register } from "@wardgate/guard";

export {
  ward_alloc, ward_describe, ward_configure, ward_request, ward_response, ward_response_chunk,
} from "@wardgate/guard/assembly/exports";

@inline function lower(c: u8): u8 {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

// contains reports whether kw (ASCII lower case) occurs in text, ignoring
// ASCII case; other bytes, valid UTF-8 or not, compare exactly.
function contains(text: Bytes, kw: Uint8Array): bool {
  const n = kw.length;
  for (let i = 0; i + n <= text.length; i++) {
    let k = 0;
    while (k < n && lower(text.at(i + k)) == kw[k]) k++;
    if (k == n) return true;
  }
  return false;
}

class Keyword extends Guard {
  // The configured keywords, UTF-8 in ASCII lower case.
  keywords: Uint8Array[] = [];

  constructor() {
    super("keyword", "1.0.0", [Phase.Request]);
    // Only the messages are read: the host sends the other parts empty.
    this.reads(Read.Messages);
    this.schema("keywords", "list of strings, required: a request whose user message contains one of them (ASCII case ignored) is denied");
  }

  configure(c: Config): ConfigError | null {
    if (!c.has("keywords")) return c.reject("keywords", "required: list the keywords to block");
    const list = c.strings("keywords");
    if (list == null) return c.error;
    if (list.length == 0) return c.reject("keywords", "must not be empty");
    const out = new Array<Uint8Array>(list.length);
    for (let i = 0; i < list.length; i++) {
      if (list[i].length == 0) return c.reject("keywords[" + i.toString() + "]", "must not be empty");
      const b = Uint8Array.wrap(String.UTF8.encode(list[i]));
      for (let j = 0; j < b.length; j++) b[j] = lower(b[j]);
      out[i] = b;
    }
    this.keywords = out;
    return null;
  }

  request(x: Exchange, v: Verdict): void {
    for (let m = 0; m < x.messages.length; m++) {
      const msg = x.messages[m];
      if (!msg.role.equals("user")) continue;
      for (let k = 0; k < this.keywords.length; k++) {
        if (!contains(msg.text, this.keywords[k])) continue;
        v.denyWith(403, "keyword.match", "request contains a blocked keyword");
        v.addReason("keywords[" + k.toString() + "] in messages[" + m.toString() + "]");
        return;
      }
    }
  }
}

register(new Keyword());
