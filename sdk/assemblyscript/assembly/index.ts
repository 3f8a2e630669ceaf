// @wardgate/guard - AssemblyScript SDK for Ward guards, native ABI
// "ward/v1" (see sdk/ABI.md in the Ward repository).
//
// A guard extends Guard, calls register() once at top level, and its entry
// file re-exports the ABI functions:
//
//   export { ward_alloc, ward_describe, ward_configure, ward_request,
//            ward_response, ward_response_chunk } from "@wardgate/guard/assembly/exports";
//
// Contracts:
// - Byte strings of an Exchange (Bytes) point into the host's input buffer
//   and are valid only during the handler call: copy (toString, toBytes)
//   what you keep.
// - Strings are bytes: the host passes what the client sent, valid UTF-8 or
//   not. Bytes.toString() decodes UTF-8 (invalid sequences replaced).
// - A trap (unreachable, an AssemblyScript abort) is a guard_trap: the host
//   replaces the instance. Policy outcomes are verdicts.
// - One call at a time per instance.

export { parseJSON, parseJSONBytes } from "./json";

export const ABI_VERSION = "ward/v1";
/** The most text a response_chunk handler may hold back. */
export const MAX_HOLD: i32 = 1024;

export enum Phase {
  Request = 1,
  Response = 2,
  ResponseChunk = 3,
}

export function phaseName(p: Phase): string {
  if (p == Phase.Request) return "request";
  if (p == Phase.Response) return "response";
  return "response_chunk";
}

export namespace API {
  export const Unknown: u8 = 0;
  export const OpenAIChat: u8 = 1;
  export const OpenAICompletions: u8 = 2;
  export const OpenAIEmbeddings: u8 = 3;
  export const OpenAIResponses: u8 = 4;
  export const AnthropicMessages: u8 = 5;
}

export namespace Kind {
  export const Text: u8 = 0;
  export const ToolResult: u8 = 1;
  export const ToolCall: u8 = 2;
  export const Document: u8 = 3;
}

/** A byte string in guest memory (not copied). */
export class Bytes {
  constructor(public ptr: usize, public length: i32) {}

  /** The byte at i (0 <= i < length). */
  @inline at(i: i32): u8 {
    return load<u8>(this.ptr + <usize>i);
  }

  /** The bytes decoded as UTF-8 into a new string. */
  toString(): string {
    return String.UTF8.decodeUnsafe(this.ptr, <usize>this.length);
  }

  /** A copy of the bytes. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    memory.copy(out.dataStart, this.ptr, <usize>this.length);
    return out;
  }

  /** Whether the bytes are the UTF-8 encoding of s. */
  equals(s: string): bool {
    // ASCII strings (the common case: roles, names) compare without
    // encoding s.
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (<u32>s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      if (n != this.length) return false;
      for (let i = 0; i < n; i++) {
        if (<u32>load<u8>(this.ptr + <usize>i) != <u32>s.charCodeAt(i)) return false;
      }
      return true;
    }
    const b = String.UTF8.encode(s);
    return b.byteLength == this.length && memory.compare(changetype<usize>(b), this.ptr, <usize>this.length) == 0;
  }
}

export class Message {
  turn: u32 = 0;
  kind: u8 = 0;
  role: Bytes = EMPTY;
  name: Bytes = EMPTY;
  text: Bytes = EMPTY;
}

export class KV {
  constructor(public key: Bytes, public value: Bytes) {}
}

export class Tool {
  constructor(public name: Bytes, public description: Bytes) {}
}

const EMPTY = new Bytes(0, 0);

/** One LLM call as the host parsed it. Read-only. */
export class Exchange {
  phase: Phase = Phase.Request;
  api: u8 = 0;
  stream: bool = false;
  /** response_chunk: the last call of the stream. */
  finalChunk: bool = false;
  maxTokens: u32 = 0;
  requestId: Bytes = EMPTY;
  route: Bytes = EMPTY;
  path: Bytes = EMPTY;
  model: Bytes = EMPTY;
  headers: KV[] = [];
  annotations: KV[] = [];
  messages: Message[] = [];
  tools: Tool[] = [];
  status: u16 = 0;
  finishReason: Bytes = EMPTY;
  promptTokens: u32 = 0;
  completionTokens: u32 = 0;
  responseMessages: Message[] = [];
  chunkDelta: Bytes = EMPTY;
  chunkWindow: Bytes = EMPTY;
}

class Rewrite {
  constructor(public index: u32, public text: Uint8Array) {}
}

class Pair {
  constructor(public key: Uint8Array, public value: Uint8Array) {}
}

class Score {
  constructor(public name: Uint8Array, public value: f64) {}
}

function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

/** What a handler decides. It starts as a plain allow. */
export class Verdict {
  deny: bool = false;
  status: u16 = 0;
  code: Uint8Array = new Uint8Array(0);
  message: Uint8Array = new Uint8Array(0);
  reasons: Uint8Array[] = [];
  rewrites: Rewrite[] = [];
  setHeaders: Pair[] = [];
  annotations: Pair[] = [];
  scores: Score[] = [];

  /** Deny with status 400-599 (0: the host uses 403), a stable code such
   * as "keyword.match" and a message for the client. */
  denyWith(status: u16, code: string, message: string): void {
    this.deny = true;
    this.status = status;
    this.code = utf8(code);
    this.message = utf8(message);
  }

  /** Append a short reason for the audit record. */
  addReason(reason: string): void {
    this.reasons.push(utf8(reason));
  }

  /** Replace the text of message index of the current phase. */
  rewrite(index: u32, text: string): void {
    this.rewrites.push(new Rewrite(index, utf8(text)));
  }

  /** Like rewrite, with raw bytes. */
  rewriteBytes(index: u32, text: Uint8Array): void {
    this.rewrites.push(new Rewrite(index, text));
  }

  /** Answer a response_chunk: send replaces the delta; hold (a suffix of
   * the delta, at most MAX_HOLD bytes, empty on the final chunk) comes
   * back at the start of the next delta. */
  stream(send: Uint8Array, hold: Uint8Array): void {
    this.rewriteBytes(0, send);
    if (hold.length > 0) this.rewriteBytes(1, hold);
  }

  /** Record key=value for later guards and the audit. */
  annotate(key: string, value: string): void {
    this.annotations.push(new Pair(utf8(key), utf8(value)));
  }

  /** Set a request (phase request) or answer header; "" removes it. */
  setHeader(name: string, value: string): void {
    this.setHeaders.push(new Pair(utf8(name), utf8(value)));
  }

  /** Record a named number in [0,1]. */
  score(name: string, value: f64): void {
    this.scores.push(new Score(utf8(name), value));
  }

  isPlainAllow(): bool {
    return !this.deny && this.reasons.length == 0 && this.rewrites.length == 0 &&
      this.setHeaders.length == 0 && this.annotations.length == 0 && this.scores.length == 0;
  }
}

// ---- config ------------------------------------------------------------------

/** A rejected configuration: key is the path of the offending value
 * ("keywords[2]", "" for the whole table), error what is wrong with it. */
export class ConfigError {
  constructor(public key: string, public error: string) {}
}

export enum JsonType { Null, Bool, Number, String, Array, Object }

/** A decoded JSON value. */
export class Json {
  type: JsonType = JsonType.Null;
  bool: bool = false;
  number: f64 = 0;
  string: string = "";
  items: Json[] = [];
  keys: string[] = [];
  read: bool = false;

  /** The member key of an object (the last of duplicates), or null. */
  member(key: string): Json | null {
    let found: Json | null = null;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) found = this.items[i];
    }
    return found;
  }

  typeName(): string {
    switch (this.type) {
      case JsonType.Null: return "null";
      case JsonType.Bool: return "boolean";
      case JsonType.Number: return "number";
      case JsonType.String: return "string";
      case JsonType.Array: return "array";
    }
    return "table";
  }
}

/** The config table. Accessors mark keys read; keys no accessor read are
 * rejected as unknown after configure. A failed accessor returns null and
 * records the error (see Config.error), which configure should return. */
export class Config {
  error: ConfigError | null = null;

  constructor(public root: Json) {}

  /** The value of key (the last of duplicates), marking it read; null
   * when absent. */
  get(key: string): Json | null {
    let found: Json | null = null;
    for (let i = 0; i < this.root.keys.length; i++) {
      if (this.root.keys[i] == key) {
        this.root.items[i].read = true;
        found = this.root.items[i];
      }
    }
    return found;
  }

  /** Whether key is present (does not mark it read). */
  has(key: string): bool {
    return this.root.keys.includes(key);
  }

  reject(key: string, error: string): ConfigError {
    const e = new ConfigError(key, error);
    if (this.error == null) this.error = e;
    return e;
  }

  private wrongType(key: string, want: string, got: Json): ConfigError {
    return this.reject(key, "want " + want + ", got " + got.typeName());
  }

  /** A list of strings; null when absent or of the wrong type (then
   * this.error is set). */
  strings(key: string): string[] | null {
    const v = this.get(key);
    if (v == null) return null;
    if (v.type != JsonType.Array) {
      this.wrongType(key, "array of strings", v);
      return null;
    }
    const out = new Array<string>(v.items.length);
    for (let i = 0; i < v.items.length; i++) {
      const it = v.items[i];
      if (it.type != JsonType.String) {
        this.wrongType(key + "[" + i.toString() + "]", "string", it);
        return null;
      }
      out[i] = it.string;
    }
    return out;
  }

  /** A string; null when absent or of the wrong type. */
  string(key: string): string | null {
    const v = this.get(key);
    if (v == null) return null;
    if (v.type != JsonType.String) {
      this.wrongType(key, "string", v);
      return null;
    }
    return v.string;
  }

  /** A boolean, or def when absent (or of the wrong type: this.error). */
  bool(key: string, def: bool): bool {
    const v = this.get(key);
    if (v == null) return def;
    if (v.type != JsonType.Bool) {
      this.wrongType(key, "boolean", v);
      return def;
    }
    return v.bool;
  }

  /** A number, or def when absent (or of the wrong type: this.error). */
  number(key: string, def: f64): f64 {
    const v = this.get(key);
    if (v == null) return def;
    if (v.type != JsonType.Number) {
      this.wrongType(key, "number", v);
      return def;
    }
    return v.number;
  }

  firstUnread(): string | null {
    let best: string | null = null;
    for (let i = 0; i < this.root.keys.length; i++) {
      const k = this.root.keys[i];
      if (!this.root.items[i].read && (best == null || utf8Less(k, best))) best = k;
    }
    return best;
  }
}

/** a < b in UTF-8 byte order. */
export function utf8Less(a: string, b: string): bool {
  const x = String.UTF8.encode(a);
  const y = String.UTF8.encode(b);
  const n = min(x.byteLength, y.byteLength);
  const c = memory.compare(changetype<usize>(x), changetype<usize>(y), <usize>n);
  if (c != 0) return c < 0;
  return x.byteLength < y.byteLength;
}

// ---- guard -------------------------------------------------------------------

/** Parts of the exchange a guard reads (Guard.reads; "reads" in the
 * description, see ../ABI.md "Parts a guard reads"), or'ed together. */
export enum Read {
  Headers = 1,
  Annotations = 2,
  Messages = 4,
  Tools = 8,
  /** responseMessages and finishReason */
  Response = 16,
  /** chunkDelta and chunkWindow */
  Chunk = 32,
  All = 63,
}

/** The names of the parts in a description, by bit. */
export const readNames: string[] = ["headers", "annotations", "messages", "tools", "response", "chunk"];

/** A guard: subclass it, override configure and the handlers of the
 * phases you list, and register() one instance. */
export class Guard {
  schemaKeys: string[] = [];
  schemaTexts: string[] = [];
  /** The parts the handlers read (Read flags); 0 is every part. */
  readParts: i32 = 0;

  constructor(public name: string, public version: string, public phases: Phase[]) {}

  /** Declare the parts of the exchange the handlers read (Read flags or'ed):
   * the host sends the others empty, and the SDK empties them too (for a
   * host older than "reads"), so that a part left out by mistake shows in
   * the guard's own tests. Not called, or Read.All: every part. */
  reads(parts: i32): this {
    this.readParts = parts & Read.All;
    return this;
  }

  /** Whether the guard reads some parts but not all (then it declares them). */
  readsSome(): bool {
    return this.readParts != 0 && this.readParts != Read.All;
  }

  /** Empty the parts of x the guard does not read, as the host does. */
  keepReads(x: Exchange): void {
    if (!this.readsSome()) return;
    const r = this.readParts;
    if ((r & Read.Headers) == 0) x.headers = [];
    if ((r & Read.Annotations) == 0) x.annotations = [];
    if ((r & Read.Messages) == 0) x.messages = [];
    if ((r & Read.Tools) == 0) x.tools = [];
    if ((r & Read.Response) == 0) {
      x.responseMessages = [];
      x.finishReason = EMPTY;
    }
    if ((r & Read.Chunk) == 0) {
      x.chunkDelta = EMPTY;
      x.chunkWindow = EMPTY;
    }
  }

  /** Document a config key (description of type, default and meaning). */
  schema(key: string, text: string): this {
    this.schemaKeys.push(key);
    this.schemaTexts.push(text);
    return this;
  }

  /** Validate the config table and prepare the handlers' state; return
   * null to accept it. Called once per instance before any handler. */
  configure(c: Config): ConfigError | null {
    return null;
  }

  request(x: Exchange, v: Verdict): void {}
  response(x: Exchange, v: Verdict): void {}
  responseChunk(x: Exchange, v: Verdict): void {}

  handles(p: Phase): bool {
    return this.phases.includes(p);
  }
}

let registered: Guard | null = null;

/** Make g the module's guard; call once, at top level. */
export function register(g: Guard): void {
  if (registered != null) unreachable();
  registered = g;
}

/** The registered guard (traps when none). */
export function guard(): Guard {
  const g = registered;
  if (g == null) unreachable();
  return changetype<Guard>(g);
}
