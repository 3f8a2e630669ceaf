// Package examples holds Ward's example guards, one directory each: the
// same keyword guard written with every native SDK (go-keyword, c-keyword,
// rust-keyword, assemblyscript-keyword) and an Extism guard (extism-go).
// Its tests build each keyword guard with its own toolchain and require
// that all of them give the verdicts of testdata/keyword-cases.json and
// pass the conformance suite (sdk/conformance).
package examples
