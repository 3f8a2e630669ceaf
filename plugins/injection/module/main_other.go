//go:build !wasip1

package main

import (
	"fmt"
	"os"
)

// On the host the package exists for its tests; the guard itself is a
// WebAssembly module.
func main() {
	fmt.Fprintln(os.Stderr, "injection is a Ward guard: build it with GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared")
	os.Exit(2)
}
