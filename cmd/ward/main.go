// Command ward is the Ward gateway: `ward serve`, `ward validate`,
// `ward demo`, `ward token`, `ward version`, and `ward guards`, `ward
// reload` and `ward rollback`, which call a running gateway's admin API.
// Logic lives in engine/; this package only parses flags and wires the
// pieces together.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
