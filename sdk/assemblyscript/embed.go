// Package wardas ships the AssemblyScript SDK (the npm package
// @wardgate/guard in this directory) to Go programs that scaffold guards
// (`ward plugin new --lang assemblyscript`).
package wardas

import "embed"

// Package holds package.json, index.ts, README.md and assembly/*.ts.
//
//go:embed package.json index.ts README.md assembly/*.ts
var Package embed.FS
