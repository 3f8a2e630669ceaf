//go:build !nodfa

package detector

import _ "embed"

// dfaTable is the keyword automaton generated into dfa.bin (see table.go).
//
//go:embed dfa.bin
var dfaTable []byte
