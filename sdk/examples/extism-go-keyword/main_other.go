//go:build !wasip1

// The guard is a Wasm module only (GOOS=wasip1); this file lets the host
// toolchain build and vet the package.
package main

func main() {}
