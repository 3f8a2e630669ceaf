package examples

import "embed"

// Keyword holds the sources of the keyword guard in every SDK language and
// its shared cases (testdata/keyword-cases.json): the templates of
// `ward plugin new`, so that a new guard starts from code these tests
// check.
//
//go:embed go-keyword/guard.go go-keyword/main.go go-keyword/main_other.go
//go:embed c-keyword/keyword.c
//go:embed rust-keyword/src/lib.rs
//go:embed assemblyscript-keyword/assembly/index.ts assemblyscript-keyword/asconfig.json assemblyscript-keyword/package.json
//go:embed testdata/keyword-cases.json
var Keyword embed.FS
