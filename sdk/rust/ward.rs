//! Rust SDK for Ward guards, native ABI "ward/v1" (see ../ABI.md).
//!
//! A single source module for plain `rustc` (no crates, no Cargo): include
//! it in the guard's crate root and name the guard type there.
//!
//! ```ignore
//! #[path = "path/to/sdk/rust/ward.rs"]
//! mod ward;
//!
//! pub type WardGuard = MyGuard; // the type the exports dispatch to
//!
//! pub struct MyGuard;
//! impl ward::Guard for MyGuard {
//!     const META: ward::Meta = ward::Meta {
//!         name: "my-guard", version: "1.0.0",
//!         phases: &[ward::Phase::Request], config_schema: &[],
//!     };
//!     const READS: &'static [ward::Part] = &[ward::Part::Messages]; // optional
//!     fn configure(_c: &mut ward::Config) -> Result<Self, ward::ConfigError> { Ok(MyGuard) }
//!     fn request(&mut self, x: &ward::Exchange, v: &mut ward::Verdict) { /* ... */ }
//! }
//! ```
//!
//! Build (Debian's rustc 1.63 has the wasm32 standard library):
//!
//! ```sh
//! rustc --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown -O -o guard.wasm src/lib.rs
//! ```
//!
//! The module exports ward_alloc, ward_describe, ward_configure, ward_request,
//! ward_response and ward_response_chunk. Contracts:
//! - An `Exchange` borrows the host's input buffer: its byte strings are
//!   valid only during the handler call (the borrow checker enforces it).
//! - Strings are byte slices (`&[u8]`): the host passes whatever bytes the
//!   client sent, valid UTF-8 or not. `text_lossy` helps when you need `str`.
//! - A panic aborts, which traps: the host reports guard_trap and replaces
//!   the instance. Policy outcomes are verdicts, never panics.
//! - One call at a time per instance; no locking needed.
#![allow(dead_code)]

use std::borrow::Cow;

/// The ABI this SDK implements.
pub const ABI_VERSION: &str = "ward/v1";
/// The most text a response_chunk handler may hold back.
pub const MAX_HOLD: usize = 1024;

/// A phase of an exchange.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    Request = 1,
    Response = 2,
    ResponseChunk = 3,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Request => "request",
            Phase::Response => "response",
            Phase::ResponseChunk => "response_chunk",
        }
    }
}

/// API numbers (Exchange::api).
pub const API_UNKNOWN: u8 = 0;
pub const API_OPENAI_CHAT: u8 = 1;
pub const API_OPENAI_COMPLETIONS: u8 = 2;
pub const API_OPENAI_EMBEDDINGS: u8 = 3;
pub const API_OPENAI_RESPONSES: u8 = 4;
pub const API_ANTHROPIC_MESSAGES: u8 = 5;

/// Message kinds (Message::kind).
pub const KIND_TEXT: u8 = 0;
pub const KIND_TOOL_RESULT: u8 = 1;
pub const KIND_TOOL_CALL: u8 = 2;
pub const KIND_DOCUMENT: u8 = 3;

/// One text segment of a conversation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Message<'a> {
    pub turn: u32,
    pub kind: u8,
    pub role: &'a [u8],
    pub name: &'a [u8],
    pub text: &'a [u8],
}

impl<'a> Message<'a> {
    /// The text as `str`, invalid UTF-8 replaced by U+FFFD.
    pub fn text_lossy(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.text)
    }
}

/// A name/value pair (headers, annotations).
#[derive(Clone, Copy, Debug, Default)]
pub struct Kv<'a> {
    pub key: &'a [u8],
    pub value: &'a [u8],
}

/// A tool the client offers the model.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tool<'a> {
    pub name: &'a [u8],
    pub description: &'a [u8],
}

/// One LLM call as the host parsed it; borrows the input buffer.
#[derive(Debug, Default)]
pub struct Exchange<'a> {
    pub phase: u8,
    pub api: u8,
    pub stream: bool,
    /// response_chunk: the last call of the stream.
    pub final_chunk: bool,
    pub max_tokens: u32,
    pub request_id: &'a [u8],
    pub route: &'a [u8],
    pub path: &'a [u8],
    pub model: &'a [u8],
    pub headers: Vec<Kv<'a>>,
    pub annotations: Vec<Kv<'a>>,
    pub messages: Vec<Message<'a>>,
    pub tools: Vec<Tool<'a>>,
    pub status: u16,
    pub finish_reason: &'a [u8],
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub response_messages: Vec<Message<'a>>,
    pub chunk_delta: &'a [u8],
    pub chunk_window: &'a [u8],
}

/// What a handler decides. It starts as a plain allow.
#[derive(Debug, Default)]
pub struct Verdict {
    pub deny: bool,
    pub status: u16,
    pub code: Vec<u8>,
    pub message: Vec<u8>,
    pub reasons: Vec<Vec<u8>>,
    pub rewrites: Vec<(u32, Vec<u8>)>,
    pub set_headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub annotations: Vec<(Vec<u8>, Vec<u8>)>,
    pub scores: Vec<(Vec<u8>, f64)>,
}

impl Verdict {
    /// Deny with a status 400-599 (0: the host uses 403), a stable code
    /// such as "keyword.match" and a message for the client.
    pub fn deny(&mut self, status: u16, code: impl AsRef<[u8]>, message: impl AsRef<[u8]>) {
        self.deny = true;
        self.status = status;
        self.code = code.as_ref().to_vec();
        self.message = message.as_ref().to_vec();
    }
    /// Append a short reason for the audit record.
    pub fn add_reason(&mut self, reason: impl AsRef<[u8]>) {
        self.reasons.push(reason.as_ref().to_vec());
    }
    /// Replace the text of message `index` of the current phase.
    pub fn rewrite(&mut self, index: u32, text: impl AsRef<[u8]>) {
        self.rewrites.push((index, text.as_ref().to_vec()));
    }
    /// Answer a response_chunk: `send` replaces the delta; `hold` (a suffix
    /// of the delta, at most MAX_HOLD bytes, empty on the final chunk)
    /// comes back at the start of the next delta.
    pub fn stream(&mut self, send: impl AsRef<[u8]>, hold: impl AsRef<[u8]>) {
        self.rewrite(0, send);
        if !hold.as_ref().is_empty() {
            self.rewrite(1, hold);
        }
    }
    /// Record key=value for later guards and the audit.
    pub fn annotate(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.annotations.push((key.as_ref().to_vec(), value.as_ref().to_vec()));
    }
    /// Set a request (phase request) or answer header; empty value removes it.
    pub fn set_header(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.set_headers.push((name.as_ref().to_vec(), value.as_ref().to_vec()));
    }
    /// Record a named number in [0,1].
    pub fn score(&mut self, name: impl AsRef<[u8]>, value: f64) {
        self.scores.push((name.as_ref().to_vec(), value));
    }

    fn is_plain_allow(&self) -> bool {
        !self.deny
            && self.reasons.is_empty()
            && self.rewrites.is_empty()
            && self.set_headers.is_empty()
            && self.annotations.is_empty()
            && self.scores.is_empty()
    }

    fn encode(&self, b: &mut Vec<u8>) {
        b.clear();
        b.extend_from_slice(b"WV\x01\x00");
        b.push(self.deny as u8);
        b.push(0);
        b.extend_from_slice(&self.status.to_le_bytes());
        put_str(b, &self.code);
        put_str(b, &self.message);
        put_u32(b, self.reasons.len() as u32);
        for r in &self.reasons {
            put_str(b, r);
        }
        put_u32(b, self.rewrites.len() as u32);
        for (i, t) in &self.rewrites {
            put_u32(b, *i);
            put_str(b, t);
        }
        for kvs in [&self.set_headers, &self.annotations] {
            put_u32(b, kvs.len() as u32);
            for (k, v) in kvs.iter() {
                put_str(b, k);
                put_str(b, v);
            }
        }
        put_u32(b, self.scores.len() as u32);
        for (n, v) in &self.scores {
            put_str(b, n);
            b.extend_from_slice(&v.to_bits().to_le_bytes());
        }
    }
}

fn put_u32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put_str(b: &mut Vec<u8>, s: &[u8]) {
    put_u32(b, s.len() as u32);
    b.extend_from_slice(s);
}

/// Static facts about a guard, reported by ward_describe.
pub struct Meta {
    pub name: &'static str,
    pub version: &'static str,
    /// The phases the guard handles; the host calls only these.
    pub phases: &'static [Phase],
    /// key -> description of type, default and meaning.
    pub config_schema: &'static [(&'static str, &'static str)],
}

/// A part of the exchange a guard declares it reads (`Guard::READS`, "reads"
/// in the description; see ../ABI.md "Parts a guard reads").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Part {
    Headers,
    Annotations,
    Messages,
    Tools,
    /// response_messages and finish_reason.
    Response,
    /// chunk_delta and chunk_window.
    Chunk,
}

impl Part {
    /// Every part, in the order of a description's "reads".
    pub const ALL: [Part; 6] = [Part::Headers, Part::Annotations, Part::Messages, Part::Tools, Part::Response, Part::Chunk];

    pub fn name(self) -> &'static str {
        match self {
            Part::Headers => "headers",
            Part::Annotations => "annotations",
            Part::Messages => "messages",
            Part::Tools => "tools",
            Part::Response => "response",
            Part::Chunk => "chunk",
        }
    }
}

/// A guard. `configure` builds it from its config table, once per
/// instance, before any handler; handlers of phases not in META.phases are
/// never called.
pub trait Guard: Sized + 'static {
    const META: Meta;
    /// The parts of the exchange the handlers read: the host sends the
    /// others empty, and the SDK empties them too (for a host older than
    /// "reads"), so that a part left out by mistake shows in the guard's
    /// own tests. Empty (the default) or every part: every part.
    const READS: &'static [Part] = &[];
    fn configure(config: &mut Config) -> Result<Self, ConfigError>;
    fn request(&mut self, _x: &Exchange, _v: &mut Verdict) {}
    fn response(&mut self, _x: &Exchange, _v: &mut Verdict) {}
    fn response_chunk(&mut self, _x: &Exchange, _v: &mut Verdict) {}
}

// ---- config ----------------------------------------------------------------

/// A rejected configuration: `key` is the path of the offending value
/// ("keywords[2]", "" for the whole table), `msg` what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub key: String,
    pub msg: String,
}

impl ConfigError {
    pub fn new(key: impl Into<String>, msg: impl Into<String>) -> ConfigError {
        ConfigError { key: key.into(), msg: msg.into() }
    }
}

/// A decoded JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The type name used in error messages ("want string, got number").
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::Str(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "table",
        }
    }
}

/// The guard's config table. Accessors mark keys as read; a key no
/// accessor read is rejected as unknown after `configure`.
pub struct Config {
    members: Vec<(String, Json)>,
    read: Vec<bool>,
}

impl Config {
    /// The value of `key` (the last one of duplicates), marking it read.
    pub fn get(&mut self, key: &str) -> Option<&Json> {
        let mut found = None;
        for (i, (k, _)) in self.members.iter().enumerate() {
            if k == key {
                self.read[i] = true;
                found = Some(i);
            }
        }
        found.map(move |i| &self.members[i].1)
    }

    /// Whether `key` is present (does not mark it read).
    pub fn has(&self, key: &str) -> bool {
        self.members.iter().any(|(k, _)| k == key)
    }

    /// A list of strings, or None when absent.
    pub fn strings(&mut self, key: &str) -> Result<Option<Vec<String>>, ConfigError> {
        let v = match self.get(key) {
            None => return Ok(None),
            Some(v) => v,
        };
        let items = match v {
            Json::Array(items) => items,
            other => return Err(wrong_type(key, "array of strings", other)),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Json::Str(s) => out.push(s.clone()),
                other => return Err(wrong_type(&format!("{}[{}]", key, i), "string", other)),
            }
        }
        Ok(Some(out))
    }

    /// A string, or None when absent.
    pub fn string(&mut self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Str(s)) => Ok(Some(s.clone())),
            Some(other) => Err(wrong_type(key, "string", other)),
        }
    }

    /// A boolean, or None when absent.
    pub fn boolean(&mut self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(wrong_type(key, "boolean", other)),
        }
    }

    /// A number, or None when absent.
    pub fn number(&mut self, key: &str) -> Result<Option<f64>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Number(n)) => Ok(Some(*n)),
            Some(other) => Err(wrong_type(key, "number", other)),
        }
    }

    fn first_unread(&self) -> Option<&str> {
        let mut best: Option<&str> = None;
        for (i, (k, _)) in self.members.iter().enumerate() {
            if !self.read[i] && best.map_or(true, |b| k.as_bytes() < b.as_bytes()) {
                best = Some(k);
            }
        }
        best
    }
}

fn wrong_type(key: &str, want: &str, got: &Json) -> ConfigError {
    ConfigError::new(key, format!("want {}, got {}", want, got.type_name()))
}

struct Parser<'a> {
    p: &'a [u8],
    off: usize,
    depth: u32,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.off < self.p.len() && matches!(self.p[self.off], b' ' | b'\t' | b'\n' | b'\r') {
            self.off += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.p.get(self.off).copied()
    }

    fn lit(&mut self, l: &[u8]) -> bool {
        if self.p[self.off..].starts_with(l) {
            self.off += l.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Json> {
        self.ws();
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let v = match self.peek()? {
            b'{' => self.compound(true)?,
            b'[' => self.compound(false)?,
            b'"' => Json::Str(self.string()?),
            b'-' | b'0'..=b'9' => self.number()?,
            _ if self.lit(b"true") => Json::Bool(true),
            _ if self.lit(b"false") => Json::Bool(false),
            _ if self.lit(b"null") => Json::Null,
            _ => return None,
        };
        self.depth -= 1;
        Some(v)
    }

    fn compound(&mut self, object: bool) -> Option<Json> {
        let close = if object { b'}' } else { b']' };
        self.off += 1;
        let mut items = Vec::new();
        let mut members = Vec::new();
        self.ws();
        if self.peek() == Some(close) {
            self.off += 1;
        } else {
            loop {
                self.ws();
                let key = if object {
                    if self.peek() != Some(b'"') {
                        return None;
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return None;
                    }
                    self.off += 1;
                    Some(k)
                } else {
                    None
                };
                let v = self.value()?;
                match key {
                    Some(k) => members.push((k, v)),
                    None => items.push(v),
                }
                self.ws();
                let c = self.peek()?;
                self.off += 1;
                if c == close {
                    break;
                }
                if c != b',' {
                    return None;
                }
            }
        }
        Some(if object { Json::Object(members) } else { Json::Array(items) })
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.p.get(self.off..self.off + 4)?;
        let mut v = 0u32;
        for &c in h {
            v = v << 4 | (c as char).to_digit(16)?;
        }
        self.off += 4;
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.off += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = self.peek()?;
            self.off += 1;
            match c {
                b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                0..=0x1f => return None,
                b'\\' => {
                    let e = self.peek()?;
                    self.off += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) && self.p[self.off..].starts_with(b"\\u") {
                                let save = self.off;
                                self.off += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                    }
                                    _ => {
                                        self.off = save;
                                        cp = 0xFFFD;
                                    }
                                }
                            }
                            char::from_u32(cp).unwrap_or('\u{FFFD}')
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
    }

    fn digits(&mut self) -> bool {
        let start = self.off;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.off += 1;
        }
        self.off > start
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.off;
        if self.peek() == Some(b'-') {
            self.off += 1;
        }
        if self.peek() == Some(b'0') {
            self.off += 1;
        } else if !self.digits() {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.off += 1;
            if !self.digits() {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.off += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.off += 1;
            }
            if !self.digits() {
                return None;
            }
        }
        let s = std::str::from_utf8(&self.p[start..self.off]).ok()?;
        s.parse::<f64>().ok().map(Json::Number)
    }
}

/// Parse a config table. Empty input is an empty table.
pub fn parse_config(input: &[u8]) -> Result<Config, ConfigError> {
    let mut p = Parser { p: input, off: 0, depth: 0 };
    p.ws();
    if p.off == input.len() {
        return Ok(Config { members: Vec::new(), read: Vec::new() });
    }
    let not_object = || ConfigError::new("", "config is not a JSON object");
    if p.peek() != Some(b'{') {
        return Err(not_object());
    }
    let members = match p.value() {
        Some(Json::Object(m)) => m,
        _ => return Err(not_object()),
    };
    p.ws();
    if p.off != input.len() {
        return Err(ConfigError::new("", "config has trailing data after the JSON object"));
    }
    let read = vec![false; members.len()];
    Ok(Config { members, read })
}

fn json_string(b: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    b.push(b'"');
    for &c in s {
        match c {
            b'"' | b'\\' => b.extend_from_slice(&[b'\\', c]),
            0..=0x1f => b.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
            _ => b.push(c),
        }
    }
    b.push(b'"');
}

// ---- decoding --------------------------------------------------------------

struct Reader<'a> {
    b: &'a [u8],
    off: usize,
}

// Malformed input is a host bug: the panics below trap.
impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let s = &self.b[self.off..self.off.checked_add(n).expect("ward: malformed exchange")];
        self.off += n;
        s
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u16(&mut self) -> u16 {
        let s = self.take(2);
        u16::from_le_bytes([s[0], s[1]])
    }
    fn u32(&mut self) -> u32 {
        let s = self.take(4);
        u32::from_le_bytes([s[0], s[1], s[2], s[3]])
    }
    fn str(&mut self) -> &'a [u8] {
        let n = self.u32() as usize;
        self.take(n)
    }
    fn count(&mut self, min: usize) -> usize {
        let n = self.u32() as usize;
        assert!(n.saturating_mul(min) <= self.b.len() - self.off, "ward: malformed exchange");
        n
    }
    fn kvs(&mut self) -> Vec<Kv<'a>> {
        let n = self.count(8);
        (0..n).map(|_| Kv { key: self.str(), value: self.str() }).collect()
    }
    fn messages(&mut self) -> Vec<Message<'a>> {
        let n = self.count(17);
        (0..n)
            .map(|_| Message { turn: self.u32(), kind: self.u8(), role: self.str(), name: self.str(), text: self.str() })
            .collect()
    }
}

/// Decode a binary exchange (sdk/abi layout). Panics (traps) when malformed.
pub fn decode_exchange(b: &[u8]) -> Exchange<'_> {
    let mut r = Reader { b, off: 0 };
    assert!(r.take(4) == b"WX\x01\x00", "ward: bad exchange magic");
    let mut x = Exchange::default();
    x.phase = r.u8();
    x.api = r.u8();
    let flags = r.u8();
    x.stream = flags & 1 != 0;
    x.final_chunk = flags & 2 != 0;
    r.u8();
    x.max_tokens = r.u32();
    x.request_id = r.str();
    x.route = r.str();
    x.path = r.str();
    x.model = r.str();
    x.headers = r.kvs();
    x.annotations = r.kvs();
    x.messages = r.messages();
    let n = r.count(8);
    x.tools = (0..n).map(|_| Tool { name: r.str(), description: r.str() }).collect();
    x.status = r.u16();
    r.u16();
    x.finish_reason = r.str();
    x.prompt_tokens = r.u32();
    x.completion_tokens = r.u32();
    x.response_messages = r.messages();
    x.chunk_delta = r.str();
    x.chunk_window = r.str();
    assert!(r.off == b.len(), "ward: trailing bytes after the exchange");
    x
}

// ---- exports ---------------------------------------------------------------

type G = crate::WardGuard;

static mut INPUT: Vec<u8> = Vec::new();
static mut OUTPUT: Vec<u8> = Vec::new();
static mut GUARD: Option<G> = None;
static mut CONFIG_FAILED: bool = false;

const MAX_INPUT: usize = 1 << 30;

fn pack(b: &[u8]) -> i64 {
    if b.is_empty() {
        return 0;
    }
    ((b.as_ptr() as u64) << 32 | b.len() as u64) as i64
}

#[no_mangle]
pub extern "C" fn ward_alloc(size: u32) -> u32 {
    let size = size as usize;
    unsafe {
        if size > MAX_INPUT {
            return 0;
        }
        if INPUT.is_empty() || size > INPUT.len() {
            let mut cap = 4096;
            while cap < size {
                cap *= 2;
            }
            let mut v: Vec<u8> = Vec::new();
            if v.try_reserve_exact(cap).is_err() {
                return 0;
            }
            v.resize(cap, 0);
            INPUT = v;
        }
        INPUT.as_ptr() as u32
    }
}

unsafe fn input(ptr: u32, len: u32) -> &'static [u8] {
    if len == 0 {
        return &[];
    }
    assert!(ptr == INPUT.as_ptr() as u32 && len as usize <= INPUT.len(), "ward: input is not in the ward_alloc buffer");
    &INPUT[..len as usize]
}

fn sorted_schema_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = G::META.config_schema.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether the guard reads some parts but not all (then it declares them).
fn reads_some() -> bool {
    !G::READS.is_empty() && !Part::ALL.iter().all(|p| G::READS.contains(p))
}

/// Empties the parts of x the guard does not read, as the host does.
fn keep_reads(x: &mut Exchange) {
    if !reads_some() {
        return;
    }
    let reads = |p: Part| G::READS.contains(&p);
    if !reads(Part::Headers) {
        x.headers.clear();
    }
    if !reads(Part::Annotations) {
        x.annotations.clear();
    }
    if !reads(Part::Messages) {
        x.messages.clear();
    }
    if !reads(Part::Tools) {
        x.tools.clear();
    }
    if !reads(Part::Response) {
        x.response_messages.clear();
        x.finish_reason = b"";
    }
    if !reads(Part::Chunk) {
        x.chunk_delta = b"";
        x.chunk_window = b"";
    }
}

#[no_mangle]
pub extern "C" fn ward_describe() -> i64 {
    let m = &G::META;
    let mut b = Vec::new();
    b.extend_from_slice(b"{\"name\":");
    json_string(&mut b, m.name.as_bytes());
    b.extend_from_slice(b",\"version\":");
    json_string(&mut b, m.version.as_bytes());
    b.extend_from_slice(b",\"abi\":\"ward/v1\",\"phases\":[");
    let mut n = 0;
    for p in [Phase::Request, Phase::Response, Phase::ResponseChunk] {
        if m.phases.contains(&p) {
            if n > 0 {
                b.push(b',');
            }
            json_string(&mut b, p.name().as_bytes());
            n += 1;
        }
    }
    b.push(b']');
    if reads_some() {
        b.extend_from_slice(b",\"reads\":[");
        let mut n = 0;
        for p in Part::ALL {
            if G::READS.contains(&p) {
                if n > 0 {
                    b.push(b',');
                }
                json_string(&mut b, p.name().as_bytes());
                n += 1;
            }
        }
        b.push(b']');
    }
    let keys = sorted_schema_keys();
    if !keys.is_empty() {
        b.extend_from_slice(b",\"config_schema\":{");
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            json_string(&mut b, k.as_bytes());
            b.push(b':');
            let text = m.config_schema.iter().find(|(kk, _)| kk == k).map_or("", |(_, t)| *t);
            json_string(&mut b, text.as_bytes());
        }
        b.push(b'}');
    }
    b.push(b'}');
    unsafe {
        OUTPUT = b;
        pack(&OUTPUT)
    }
}

fn configure(input: &[u8]) -> Result<G, ConfigError> {
    let mut c = parse_config(input)?;
    let g = G::configure(&mut c)?;
    if let Some(k) = c.first_unread() {
        let keys = sorted_schema_keys();
        let mut msg = String::from("unknown key");
        if !keys.is_empty() {
            msg.push_str(" (known: ");
            msg.push_str(&keys.join(", "));
            msg.push(')');
        }
        return Err(ConfigError::new(k, msg));
    }
    Ok(g)
}

#[no_mangle]
pub extern "C" fn ward_configure(ptr: u32, len: u32) -> i64 {
    unsafe {
        match configure(input(ptr, len)) {
            Ok(g) => {
                GUARD = Some(g);
                CONFIG_FAILED = false;
                0
            }
            Err(e) => {
                GUARD = None;
                CONFIG_FAILED = true;
                let mut b = Vec::new();
                b.extend_from_slice(b"{\"key\":");
                json_string(&mut b, e.key.as_bytes());
                b.extend_from_slice(b",\"error\":");
                json_string(&mut b, e.msg.as_bytes());
                b.push(b'}');
                OUTPUT = b;
                pack(&OUTPUT)
            }
        }
    }
}

unsafe fn handle(phase: Phase, ptr: u32, len: u32) -> i64 {
    if !G::META.phases.contains(&phase) {
        return 0;
    }
    // A handler call before a successful configure is a host bug.
    let g = match GUARD.as_mut() {
        Some(g) if !CONFIG_FAILED => g,
        _ => panic!("ward: handler called before a successful configure"),
    };
    let mut x = decode_exchange(input(ptr, len));
    assert!(x.phase == phase as u8, "ward: exchange of another phase");
    keep_reads(&mut x);
    let mut v = Verdict::default();
    match phase {
        Phase::Request => g.request(&x, &mut v),
        Phase::Response => g.response(&x, &mut v),
        Phase::ResponseChunk => g.response_chunk(&x, &mut v),
    }
    if v.is_plain_allow() {
        return 0;
    }
    v.encode(&mut OUTPUT);
    pack(&OUTPUT)
}

#[no_mangle]
pub extern "C" fn ward_request(ptr: u32, len: u32) -> i64 {
    unsafe { handle(Phase::Request, ptr, len) }
}

#[no_mangle]
pub extern "C" fn ward_response(ptr: u32, len: u32) -> i64 {
    unsafe { handle(Phase::Response, ptr, len) }
}

#[no_mangle]
pub extern "C" fn ward_response_chunk(ptr: u32, len: u32) -> i64 {
    unsafe { handle(Phase::ResponseChunk, ptr, len) }
}
