//go:build nodfa

package detector

// dfaTable is empty without dfa.bin: the automaton is built at configure
// time (see table.go).
var dfaTable []byte
