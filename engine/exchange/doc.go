// Package exchange turns the bodies of LLM API calls (OpenAI chat,
// completions, embeddings and responses; Anthropic messages) into the
// sdk/abi values that guards read, and back.
//
// Bodies are parsed once, by a validating JSON scanner of this package that
// records where every text came from (the byte span of its string literal,
// or of the raw JSON of an Anthropic tool input). Rewrite then re-encodes
// only the texts a guard changed and copies every other byte verbatim, so a
// body that no guard touched goes upstream byte for byte as the client sent
// it.
//
// The package knows nothing of HTTP servers or WebAssembly: it sees a
// method, a path and bytes, and returns abi values and *Error values whose
// Status, Type, Code and Message can be shown to the client
// (AppendErrorBody renders them in the shape of the API the client used).
//
// # Security-relevant choices
//
//   - Object keys are compared after unescaping ("mess\u0061ges" is
//     "messages"), and a key this package interprets may occur only once per
//     object: a duplicate is a 400, because JSON decoders upstream disagree
//     on which copy wins and a guard must see what the model will see.
//   - The whole body is validated (RFC 8259 grammar, nesting depth at most
//     MaxDepth), not only the fields that are read.
//   - Texts handed to guards are valid UTF-8: invalid bytes and lone
//     surrogate escapes become U+FFFD in the abi values, while Rewrite keeps
//     the original bytes of every text it does not replace.
//   - Prompts given as token ids (completions, embeddings) cannot be read
//     without the model's tokenizer and yield no message.
package exchange
