// Command gcguard is a guard whose configure allocates past the Go
// collector's first trigger (4 MB), as a guard building a large table
// does, and whose calls allocate nothing. Its request handler reports the
// collections completed so far as its reason ("gc=N"): TestGuestGCAfterConfigure
// checks that the collection configure started has finished before the
// first call (inside Wasm nothing else would finish it, and every call
// would run with the collector's write barriers on).
package main

import (
	"runtime"
	"strconv"

	ward "github.com/wardgate/ward/sdk/go"
)

var table [][]byte // kept: live memory for the collector to mark

var reason []byte

func init() {
	ward.Register(ward.Guard{
		Name: "gc", Version: "0.0.1",
		Configure: func(c *ward.Config) error {
			// One large allocation, as a table's: it starts a collection
			// and allocates nothing more that would assist it.
			table = append(table, make([]byte, 6<<20))
			return nil
		},
		Request: func(x *ward.Exchange, v *ward.Verdict) {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			reason = strconv.AppendUint(append(reason[:0], "gc="...), uint64(ms.NumGC), 10)
			v.Deny(409, "gc", string(reason))
		},
	})
}

func main() {}
