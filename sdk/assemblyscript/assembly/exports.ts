// The native ward/v1 exports. A guard's entry file re-exports them:
//
//   export { ward_alloc, ward_describe, ward_configure, ward_request,
//            ward_response, ward_response_chunk } from "@wardgate/guard/assembly/exports";

import {
  Bytes, Config, ConfigError, Exchange, Json, JsonType, KV, Message, Phase, Tool, Verdict,
  guard, phaseName, readNames, utf8Less,
} from "./index";
import { JsonParser } from "./json";

// ---- byte buffers outside the GC heap ------------------------------------------

// The input buffer the host writes into: unmanaged memory that only grows.
let inPtr: usize = 0;
let inCap: u32 = 0;

// The output of the last call: unmanaged, untouched until the next call.
let outPtr: usize = 0;
let outCap: u32 = 0;
let outLen: u32 = 0;

const MAX_INPUT: u32 = 1 << 30;

function outReset(): void {
  outLen = 0;
}

function outGrow(n: u32): void {
  if (<u64>outLen + n <= <u64>outCap) return;
  let cap: u64 = outCap ? outCap : 256;
  while (cap < <u64>outLen + n) cap *= 2;
  if (cap > <u64>MAX_INPUT) unreachable();
  outPtr = outPtr ? heap.realloc(outPtr, <usize>cap) : heap.alloc(<usize>cap);
  outCap = <u32>cap;
}

function putU8(v: u8): void {
  outGrow(1);
  store<u8>(outPtr + outLen, v);
  outLen += 1;
}

function putU16(v: u16): void {
  outGrow(2);
  store<u16>(outPtr + outLen, v);
  outLen += 2;
}

function putU32(v: u32): void {
  outGrow(4);
  store<u32>(outPtr + outLen, v);
  outLen += 4;
}

function putRaw(p: usize, n: u32): void {
  outGrow(n);
  memory.copy(outPtr + outLen, p, n);
  outLen += n;
}

function putBytes(b: Uint8Array): void {
  putRaw(b.dataStart, <u32>b.length);
}

function putStr(b: Uint8Array): void {
  putU32(<u32>b.length);
  putBytes(b);
}

function putAscii(s: string): void {
  const b = String.UTF8.encode(s);
  putRaw(changetype<usize>(b), <u32>b.byteLength);
}

function packOut(): i64 {
  if (outLen == 0) return 0;
  return <i64>(<u64>outPtr << 32 | <u64>outLen);
}

// ---- JSON writing --------------------------------------------------------------

const HEX = "0123456789abcdef";

function putJsonString(s: string): void {
  const b = String.UTF8.encode(s);
  const p = changetype<usize>(b);
  putU8(0x22);
  for (let i = 0; i < b.byteLength; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x22 || c == 0x5c) {
      putU8(0x5c);
      putU8(c);
    } else if (c < 0x20) {
      putAscii("\\u00");
      putU8(<u8>HEX.charCodeAt(c >> 4));
      putU8(<u8>HEX.charCodeAt(c & 15));
    } else {
      putU8(c);
    }
  }
  putU8(0x22);
}

// ---- exports -------------------------------------------------------------------

export function ward_alloc(size: u32): u32 {
  if (size > MAX_INPUT) return 0;
  if (inPtr == 0 || size > inCap) {
    let cap: u32 = 4096;
    while (cap < size) cap *= 2;
    if (inPtr != 0) heap.free(inPtr);
    inPtr = heap.alloc(<usize>cap);
    inCap = cap;
  }
  return <u32>inPtr;
}

function input(ptr: u32, len: u32): usize {
  if (len == 0) return 0;
  if (<usize>ptr != inPtr || len > inCap) unreachable();
  return inPtr;
}

function sortedSchema(): i32[] {
  const g = guard();
  const idx = new Array<i32>(0);
  for (let i = 0; i < g.schemaKeys.length; i++) {
    let j = idx.length;
    idx.push(i);
    while (j > 0 && utf8Less(g.schemaKeys[i], g.schemaKeys[idx[j - 1]])) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = i;
  }
  return idx;
}

export function ward_describe(): i64 {
  const g = guard();
  outReset();
  putAscii("{\"name\":");
  putJsonString(g.name);
  putAscii(",\"version\":");
  putJsonString(g.version);
  putAscii(",\"abi\":\"ward/v1\",\"phases\":[");
  let n = 0;
  for (let p = 1; p <= 3; p++) {
    if (!g.handles(<Phase>p)) continue;
    if (n++ > 0) putU8(0x2c);
    putJsonString(phaseName(<Phase>p));
  }
  putU8(0x5d);
  if (g.readsSome()) {
    putAscii(",\"reads\":[");
    let m = 0;
    for (let i = 0; i < readNames.length; i++) {
      if ((g.readParts & (1 << i)) == 0) continue;
      if (m++ > 0) putU8(0x2c);
      putJsonString(readNames[i]);
    }
    putU8(0x5d);
  }
  const idx = sortedSchema();
  if (idx.length > 0) {
    putAscii(",\"config_schema\":{");
    for (let i = 0; i < idx.length; i++) {
      if (i > 0) putU8(0x2c);
      putJsonString(g.schemaKeys[idx[i]]);
      putU8(0x3a);
      putJsonString(g.schemaTexts[idx[i]]);
    }
    putU8(0x7d);
  }
  putU8(0x7d);
  return packOut();
}

let configured: bool = false;
let configFailed: bool = false;

function configure(p: usize, len: u32): ConfigError | null {
  const parser = new JsonParser(p, len);
  parser.ws();
  const root = new Json();
  root.type = JsonType.Object;
  if (parser.off < len) {
    if (load<u8>(p + parser.off) != 0x7b) return new ConfigError("", "config is not a JSON object");
    const v = parser.value();
    if (v == null || parser.err) return new ConfigError("", "config is not a JSON object");
    parser.ws();
    if (parser.off != len) return new ConfigError("", "config has trailing data after the JSON object");
    root.items = v.items;
    root.keys = v.keys;
  }
  const c = new Config(root);
  const g = guard();
  const err = g.configure(c);
  if (err != null) return err;
  if (c.error != null) return c.error;
  const k = c.firstUnread();
  if (k != null) {
    let msg = "unknown key";
    const idx = sortedSchema();
    for (let i = 0; i < idx.length; i++) {
      msg += (i == 0 ? " (known: " : ", ") + g.schemaKeys[idx[i]];
    }
    if (idx.length > 0) msg += ")";
    return new ConfigError(k, msg);
  }
  return null;
}

export function ward_configure(ptr: u32, len: u32): i64 {
  const err = configure(input(ptr, len), len);
  outReset();
  if (err == null) {
    configured = true;
    configFailed = false;
    return 0;
  }
  configFailed = true;
  putAscii("{\"key\":");
  putJsonString(err.key);
  putAscii(",\"error\":");
  putJsonString(err.error);
  putU8(0x7d);
  return packOut();
}

function handle(phase: Phase, ptr: u32, len: u32): i64 {
  const g = guard();
  outReset();
  if (!g.handles(phase)) return 0;
  // A handler call before a successful configure is a host bug.
  if (!configured || configFailed) unreachable();
  const x = decodeExchange(input(ptr, len), len);
  if (x.phase != phase) unreachable();
  g.keepReads(x);
  const v = new Verdict();
  if (phase == Phase.Request) g.request(x, v);
  else if (phase == Phase.Response) g.response(x, v);
  else g.responseChunk(x, v);
  if (v.isPlainAllow()) return 0;
  encodeVerdict(v);
  return packOut();
}

export function ward_request(ptr: u32, len: u32): i64 {
  return handle(Phase.Request, ptr, len);
}

export function ward_response(ptr: u32, len: u32): i64 {
  return handle(Phase.Response, ptr, len);
}

export function ward_response_chunk(ptr: u32, len: u32): i64 {
  return handle(Phase.ResponseChunk, ptr, len);
}

// ---- verdict encoding ----------------------------------------------------------

function encodeVerdict(v: Verdict): void {
  putU32(0x00015657); // 'W' 'V' 1 0
  putU8(v.deny ? 1 : 0);
  putU8(0);
  putU16(v.status);
  putStr(v.code);
  putStr(v.message);
  putU32(<u32>v.reasons.length);
  for (let i = 0; i < v.reasons.length; i++) putStr(v.reasons[i]);
  putU32(<u32>v.rewrites.length);
  for (let i = 0; i < v.rewrites.length; i++) {
    putU32(v.rewrites[i].index);
    putStr(v.rewrites[i].text);
  }
  putU32(<u32>v.setHeaders.length);
  for (let i = 0; i < v.setHeaders.length; i++) {
    putStr(v.setHeaders[i].key);
    putStr(v.setHeaders[i].value);
  }
  putU32(<u32>v.annotations.length);
  for (let i = 0; i < v.annotations.length; i++) {
    putStr(v.annotations[i].key);
    putStr(v.annotations[i].value);
  }
  putU32(<u32>v.scores.length);
  for (let i = 0; i < v.scores.length; i++) {
    putStr(v.scores[i].name);
    outGrow(8);
    store<f64>(outPtr + outLen, v.scores[i].value);
    outLen += 8;
  }
}

// ---- exchange decoding ---------------------------------------------------------

// Malformed input is a host bug: every check traps.
class Reader {
  off: u32 = 0;
  constructor(public p: usize, public len: u32) {}

  need(n: u32): void {
    if (n > this.len - this.off) unreachable();
  }
  u8(): u8 {
    this.need(1);
    const v = load<u8>(this.p + this.off);
    this.off += 1;
    return v;
  }
  u16(): u16 {
    this.need(2);
    const v = load<u16>(this.p + this.off);
    this.off += 2;
    return v;
  }
  u32(): u32 {
    this.need(4);
    const v = load<u32>(this.p + this.off);
    this.off += 4;
    return v;
  }
  str(): Bytes {
    const n = this.u32();
    this.need(n);
    const b = new Bytes(this.p + this.off, <i32>n);
    this.off += n;
    return b;
  }
  count(min: u32): i32 {
    const n = this.u32();
    if (<u64>n * min > <u64>(this.len - this.off)) unreachable();
    return <i32>n;
  }
  kvs(): KV[] {
    const n = this.count(8);
    const out = new Array<KV>(n);
    for (let i = 0; i < n; i++) {
      const k = this.str();
      out[i] = new KV(k, this.str());
    }
    return out;
  }
  messages(): Message[] {
    const n = this.count(17);
    const out = new Array<Message>(n);
    for (let i = 0; i < n; i++) {
      const m = new Message();
      m.turn = this.u32();
      m.kind = this.u8();
      m.role = this.str();
      m.name = this.str();
      m.text = this.str();
      out[i] = m;
    }
    return out;
  }
}

function decodeExchange(p: usize, len: u32): Exchange {
  const r = new Reader(p, len);
  if (r.u32() != 0x00015857) unreachable(); // 'W' 'X' 1 0
  const x = new Exchange();
  x.phase = <Phase>r.u8();
  x.api = r.u8();
  const flags = r.u8();
  x.stream = (flags & 1) != 0;
  x.finalChunk = (flags & 2) != 0;
  r.u8();
  x.maxTokens = r.u32();
  x.requestId = r.str();
  x.route = r.str();
  x.path = r.str();
  x.model = r.str();
  x.headers = r.kvs();
  x.annotations = r.kvs();
  x.messages = r.messages();
  const n = r.count(8);
  const tools = new Array<Tool>(n);
  for (let i = 0; i < n; i++) {
    const name = r.str();
    tools[i] = new Tool(name, r.str());
  }
  x.tools = tools;
  x.status = r.u16();
  r.u16();
  x.finishReason = r.str();
  x.promptTokens = r.u32();
  x.completionTokens = r.u32();
  x.responseMessages = r.messages();
  x.chunkDelta = r.str();
  x.chunkWindow = r.str();
  if (r.off != len) unreachable();
  return x;
}
