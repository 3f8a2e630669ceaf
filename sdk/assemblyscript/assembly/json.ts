// A JSON reader (RFC 8259; \u escapes decoded to UTF-8, lone surrogates
// to U+FFFD, at most 64 levels deep), used for config tables and usable by
// guards that read JSON, such as Extism guards (sdk/examples/extism-assemblyscript).

import { Json, JsonType } from "./index";

/** parseJSON decodes len bytes at p as one JSON value (surrounding
 * whitespace allowed); null when they are not exactly one JSON value. */
export function parseJSON(p: usize, len: u32): Json | null {
  const parser = new JsonParser(p, len);
  const v = parser.value();
  if (v == null || parser.err) return null;
  parser.ws();
  return parser.off == len ? v : null;
}

/** parseJSONBytes is parseJSON over b. */
export function parseJSONBytes(b: Uint8Array): Json | null {
  return parseJSON(b.dataStart, <u32>b.length);
}


export class JsonParser {
  off: u32 = 0;
  depth: i32 = 0;
  err: bool = false;
  constructor(public p: usize, public len: u32) {}

  peek(): i32 {
    return this.off < this.len ? <i32>load<u8>(this.p + this.off) : -1;
  }

  ws(): void {
    while (this.off < this.len) {
      const c = load<u8>(this.p + this.off);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.off++;
    }
  }

  lit(s: string): bool {
    const n = <u32>s.length;
    if (this.len - this.off < n) return false;
    for (let i: u32 = 0; i < n; i++) {
      if (<i32>load<u8>(this.p + this.off + i) != s.charCodeAt(i)) return false;
    }
    this.off += n;
    return true;
  }

  value(): Json | null {
    this.ws();
    if (++this.depth > 64) return null;
    const c = this.peek();
    let v: Json | null;
    if (c == 0x7b || c == 0x5b) {
      v = this.compound(c == 0x7b);
    } else if (c == 0x2d || (c >= 0x30 && c <= 0x39)) {
      v = this.number();
    } else {
      const j = new Json();
      if (c == 0x22) {
        const s = this.string();
        if (s == null) return null;
        j.type = JsonType.String;
        j.string = s;
      } else if (this.lit("true")) {
        j.type = JsonType.Bool;
        j.bool = true;
      } else if (this.lit("false")) {
        j.type = JsonType.Bool;
      } else if (this.lit("null")) {
        j.type = JsonType.Null;
      } else {
        return null;
      }
      v = j;
    }
    this.depth--;
    return v;
  }

  compound(object: bool): Json | null {
    const close = object ? 0x7d : 0x5d;
    const v = new Json();
    v.type = object ? JsonType.Object : JsonType.Array;
    this.off++;
    this.ws();
    if (this.peek() == close) {
      this.off++;
      return v;
    }
    while (true) {
      this.ws();
      if (object) {
        if (this.peek() != 0x22) return null;
        const k = this.string();
        if (k == null) return null;
        this.ws();
        if (this.peek() != 0x3a) return null;
        this.off++;
        v.keys.push(k);
      }
      const item = this.value();
      if (item == null) return null;
      v.items.push(item);
      this.ws();
      const c = this.peek();
      if (c < 0) return null;
      this.off++;
      if (c == close) return v;
      if (c != 0x2c) return null;
    }
    return null;
  }

  hex4(): i32 {
    if (this.len - this.off < 4) return -1;
    let v = 0;
    for (let i: u32 = 0; i < 4; i++) {
      const c = <i32>load<u8>(this.p + this.off + i);
      let h = -1;
      if (c >= 0x30 && c <= 0x39) h = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) h = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) h = c - 0x41 + 10;
      if (h < 0) return -1;
      v = v << 4 | h;
    }
    this.off += 4;
    return v;
  }

  // string decodes a JSON string into UTF-8 bytes, then into a string.
  string(): string | null {
    this.off++;
    // Fast path: no escapes before the closing quote.
    const start = this.off;
    let i = start;
    while (i < this.len) {
      const c = load<u8>(this.p + i);
      if (c == 0x22) {
        this.off = i + 1;
        return String.UTF8.decodeUnsafe(this.p + start, <usize>(i - start));
      }
      if (c == 0x5c || c < 0x20) break;
      i++;
    }
    const buf = new Array<u8>(0);
    while (true) {
      const c = this.peek();
      if (c < 0x20) return null; // end of input or a control character
      this.off++;
      if (c == 0x22) break;
      if (c != 0x5c) {
        buf.push(<u8>c);
        continue;
      }
      const e = this.peek();
      this.off++;
      if (e == 0x22 || e == 0x5c || e == 0x2f) buf.push(<u8>e);
      else if (e == 0x62) buf.push(8);
      else if (e == 0x66) buf.push(12);
      else if (e == 0x6e) buf.push(10);
      else if (e == 0x72) buf.push(13);
      else if (e == 0x74) buf.push(9);
      else if (e == 0x75) {
        let cp = this.hex4();
        if (cp < 0) return null;
        if (cp >= 0xd800 && cp < 0xdc00 && this.len - this.off >= 6 &&
          load<u8>(this.p + this.off) == 0x5c && load<u8>(this.p + this.off + 1) == 0x75) {
          const save = this.off;
          this.off += 2;
          const lo = this.hex4();
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else {
            this.off = save;
            cp = 0xfffd;
          }
        } else if (cp >= 0xd800 && cp < 0xe000) {
          cp = 0xfffd;
        }
        pushUTF8(buf, cp);
      } else return null;
    }
    return String.UTF8.decodeUnsafe(buf.dataStart, <usize>buf.length);
  }

  digits(): bool {
    const start = this.off;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) this.off++;
    return this.off > start;
  }

  number(): Json | null {
    const start = this.off;
    if (this.peek() == 0x2d) this.off++;
    if (this.peek() == 0x30) this.off++;
    else if (!this.digits()) return null;
    if (this.peek() == 0x2e) {
      this.off++;
      if (!this.digits()) return null;
    }
    if (this.peek() == 0x65 || this.peek() == 0x45) {
      this.off++;
      if (this.peek() == 0x2b || this.peek() == 0x2d) this.off++;
      if (!this.digits()) return null;
    }
    const v = new Json();
    v.type = JsonType.Number;
    v.number = parseFloat(String.UTF8.decodeUnsafe(this.p + start, <usize>(this.off - start)));
    return v;
  }
}

function pushUTF8(buf: Array<u8>, cp: i32): void {
  if (cp < 0x80) {
    buf.push(<u8>cp);
  } else if (cp < 0x800) {
    buf.push(<u8>(0xc0 | cp >> 6));
    buf.push(<u8>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    buf.push(<u8>(0xe0 | cp >> 12));
    buf.push(<u8>(0x80 | (cp >> 6 & 0x3f)));
    buf.push(<u8>(0x80 | (cp & 0x3f)));
  } else {
    buf.push(<u8>(0xf0 | cp >> 18));
    buf.push(<u8>(0x80 | (cp >> 12 & 0x3f)));
    buf.push(<u8>(0x80 | (cp >> 6 & 0x3f)));
    buf.push(<u8>(0x80 | (cp & 0x3f)));
  }
}
