// extism-assemblyscript - Ward's example keyword guard built with the
// Extism AssemblyScript PDK (npm @extism/as-pdk, unmodified): Ward loads it
// through its Extism support (JSON exchange and verdict, see sdk/ABI.md
// "Extism guards"). It behaves like the native keyword guards
// (sdk/examples/*-keyword) and passes the same cases; only @wardgate/guard's
// JSON reader and Config (for identical config errors) are borrowed from
// Ward's AssemblyScript SDK, whose native exports it does not use.
//
// Build: npm ci && npm run build

import { Host, Memory } from "@extism/as-pdk";
import { error_set } from "@extism/as-pdk/lib/env";
import { Config, ConfigError, Json, JsonType, parseJSONBytes } from "@wardgate/guard";

const SCHEMA = "list of strings, required: a request whose user message contains one of them (ASCII case ignored) is denied";

// The configured keywords, UTF-8 in ASCII lower case.
let keywords: Uint8Array[] = [];

@inline function lower(c: u8): u8 {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function jsonString(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20) out += "\\u00" + (c < 16 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

export function describe(): i32 {
  Host.outputString("{\"name\":\"keyword\",\"version\":\"1.0.0\",\"abi\":\"ward/v1\",\"phases\":[\"request\"],\"config_schema\":{\"keywords\":" +
    jsonString(SCHEMA) + "}}");
  return 0;
}

function reject(e: ConfigError): i32 {
  error_set(Memory.allocateString("{\"key\":" + jsonString(e.key) + ",\"error\":" + jsonString(e.error) + "}").offset);
  return 1;
}

function check(c: Config): ConfigError | null {
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
  keywords = out;
  return null;
}

export function configure(): i32 {
  const root = parseJSONBytes(Host.input());
  if (root == null || root.type != JsonType.Object) return reject(new ConfigError("", "config is not a JSON object"));
  const c = new Config(root);
  const err = check(c);
  if (err != null) return reject(err);
  const k = c.firstUnread();
  if (k != null) return reject(new ConfigError(k, "unknown key (known: keywords)"));
  return 0;
}

function contains(text: Uint8Array, kw: Uint8Array): bool {
  const n = kw.length;
  for (let i = 0; i + n <= text.length; i++) {
    let k = 0;
    while (k < n && lower(text[i + k]) == kw[k]) k++;
    if (k == n) return true;
  }
  return false;
}

function str(v: Json | null): string {
  return v != null && v.type == JsonType.String ? v.string : "";
}

export function request(): i32 {
  const x = parseJSONBytes(Host.input());
  if (x == null) return 1; // the host sends JSON: an error here is a guard_trap
  const msgs = x.member("messages");
  if (msgs == null || msgs.type != JsonType.Array) return 0;
  for (let m = 0; m < msgs.items.length; m++) {
    const msg = msgs.items[m];
    if (str(msg.member("role")) != "user") continue;
    const text = Uint8Array.wrap(String.UTF8.encode(str(msg.member("text"))));
    for (let k = 0; k < keywords.length; k++) {
      if (!contains(text, keywords[k])) continue;
      Host.outputString("{\"decision\":\"deny\",\"status\":403,\"code\":\"keyword.match\",\"message\":\"request contains a blocked keyword\",\"reasons\":[" +
        jsonString("keywords[" + k.toString() + "] in messages[" + m.toString() + "]") + "]}");
      return 0;
    }
  }
  return 0; // no output: a plain allow
}
