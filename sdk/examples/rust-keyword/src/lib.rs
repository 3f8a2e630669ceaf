//! keyword - Ward's example keyword guard, written with the Rust SDK
//! (sdk/rust/ward.rs, a single module for plain rustc).
//!
//! Config: {"keywords": ["secret", ...]} (required, at least one non-empty
//! string). A request whose user message contains a keyword, ignoring ASCII
//! case, is denied with 403 and code "keyword.match". The same guard exists
//! in Go, C and AssemblyScript (sdk/examples/{go,c,assemblyscript}-keyword),
//! passing the same cases (sdk/examples/testdata/keyword-cases.json).
//!
//! Build:
//!   rustc --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown -O \
//!         -o keyword.wasm sdk/examples/rust-keyword/src/lib.rs

#[path = "../../../rust/ward.rs"]
mod ward;

use ward::{Config, ConfigError, Exchange, Guard, Meta, Part, Phase, Verdict};

/// The type the SDK's exports dispatch to.
pub type WardGuard = Keyword;

/// The configured keywords, in ASCII lower case.
pub struct Keyword {
    keywords: Vec<Vec<u8>>,
}

impl Guard for Keyword {
    const META: Meta = Meta {
        name: "keyword",
        version: "1.0.0",
        phases: &[Phase::Request],
        config_schema: &[(
            "keywords",
            "list of strings, required: a request whose user message contains one of them (ASCII case ignored) is denied",
        )],
    };
    // Only the messages are read: the host sends the other parts empty.
    const READS: &'static [Part] = &[Part::Messages];

    fn configure(c: &mut Config) -> Result<Self, ConfigError> {
        if !c.has("keywords") {
            return Err(ConfigError::new("keywords", "required: list the keywords to block"));
        }
        let list = c.strings("keywords")?.unwrap_or_default();
        if list.is_empty() {
            return Err(ConfigError::new("keywords", "must not be empty"));
        }
        let mut keywords = Vec::with_capacity(list.len());
        for (i, k) in list.iter().enumerate() {
            if k.is_empty() {
                return Err(ConfigError::new(format!("keywords[{}]", i), "must not be empty"));
            }
            keywords.push(k.as_bytes().to_ascii_lowercase());
        }
        Ok(Keyword { keywords })
    }

    fn request(&mut self, x: &Exchange, v: &mut Verdict) {
        for (m, msg) in x.messages.iter().enumerate() {
            if msg.role != b"user" {
                continue;
            }
            for (k, kw) in self.keywords.iter().enumerate() {
                if contains(msg.text, kw) {
                    v.deny(403, "keyword.match", "request contains a blocked keyword");
                    v.add_reason(format!("keywords[{}] in messages[{}]", k, m));
                    return;
                }
            }
        }
    }
}

/// Whether kw (ASCII lower case) occurs in text, ignoring ASCII case; other
/// bytes, valid UTF-8 or not, compare exactly.
fn contains(text: &[u8], kw: &[u8]) -> bool {
    kw.len() <= text.len() && text.windows(kw.len()).any(|w| w.iter().zip(kw).all(|(a, b)| a.to_ascii_lowercase() == *b))
}
