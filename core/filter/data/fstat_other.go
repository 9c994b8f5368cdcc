//go:build !linux

package data

import "os"

// statOf approximates the raw stat data from FileInfo where the Unix
// fields are not portable: owner 0, access and change time = mtime.
func statOf(info os.FileInfo) rawStat {
	return rawStat{mode: modeBits(info.Mode()), atime: info.ModTime(), ctime: info.ModTime()}
}
