//go:build !linux

package reload

import "os"

type sysID struct{}

func sysIdentity(os.FileInfo) sysID { return sysID{} }
