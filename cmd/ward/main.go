// Command ward is the Ward gateway: `ward serve`, `ward validate`,
// `ward demo` and `ward version`. Logic lives in engine/; this package only
// parses flags and wires the pieces together.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
