package data

import (
	"os"
	"syscall"
	"time"
)

// statOf reads the raw stat data Linux keeps in FileInfo.Sys.
func statOf(info os.FileInfo) rawStat {
	s, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return rawStat{mode: modeBits(info.Mode()), atime: info.ModTime(), ctime: info.ModTime()}
	}
	return rawStat{
		mode:  s.Mode,
		uid:   int64(s.Uid),
		gid:   int64(s.Gid),
		atime: time.Unix(s.Atim.Sec, s.Atim.Nsec),
		ctime: time.Unix(s.Ctim.Sec, s.Ctim.Nsec),
	}
}
