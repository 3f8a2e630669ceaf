//go:build linux

package reload

import (
	"os"
	"syscall"
)

type sysID struct {
	dev, ino          uint64
	ctimeSec, ctimeNs int64
}

func sysIdentity(fi os.FileInfo) sysID {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return sysID{}
	}
	sec, nsec := st.Ctim.Unix()
	return sysID{dev: uint64(st.Dev), ino: uint64(st.Ino), ctimeSec: sec, ctimeNs: nsec}
}
