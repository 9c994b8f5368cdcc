package data

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"time"
)

// Fstat is Ruby's fstat data plugin: fstat("/etc/hosts") answers name,
// output ("present" or "not present"), present (1 or 0), type, mode (the
// octal st_mode, e.g. "100644"), size, uid, gid, md5 (regular files only),
// and for mtime, ctime and atime the local "YYYY-MM-DD HH:MM:SS" time, the
// _seconds since the epoch and the _age in seconds. A symlink is described
// itself, not its target. For a missing file the numbers are 0, mode is
// "0000", type "unknown" and the _age fields are absent.
type Fstat struct {
	// Now gives the time the _age fields count from; nil means time.Now.
	Now func() time.Time
}

var fstatQuery = query{maxLength: 120, pattern: regexp.MustCompile(`.+`)}

// timeLayout is Ruby's strftime("%F %T").
const timeLayout = "2006-01-02 15:04:05"

// Query stats file q.
func (f Fstat) Query(ctx context.Context, q string) (map[string]any, error) {
	if err := fstatQuery.validate(q); err != nil {
		return nil, err
	}
	res := map[string]any{
		"name": q, "output": "not present", "type": "unknown", "mode": "0000",
		"present": 0, "size": 0, "md5": 0, "uid": 0, "gid": 0,
		"mtime": 0, "ctime": 0, "atime": 0,
		"mtime_seconds": 0, "ctime_seconds": 0, "atime_seconds": 0,
	}
	// Ruby's File.exists? follows links: a dangling link is not present.
	if _, err := os.Stat(q); err != nil {
		return res, nil
	}
	info, err := os.Lstat(q)
	if err != nil {
		return nil, fmt.Errorf("fstat %q: %w", q, err)
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	st := statOf(info)
	res["output"], res["present"] = "present", 1
	res["size"], res["uid"], res["gid"] = info.Size(), st.uid, st.gid
	for name, t := range map[string]time.Time{"mtime": info.ModTime(), "ctime": st.ctime, "atime": st.atime} {
		res[name] = t.Local().Format(timeLayout)
		res[name+"_seconds"] = t.Unix()
		res[name+"_age"] = now().Unix() - t.Unix()
	}
	res["mode"] = strconv.FormatUint(uint64(st.mode), 8)
	res["type"] = fileType(info.Mode())
	if info.Mode().IsRegular() {
		sum, err := md5File(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("fstat %q: %w", q, err)
		}
		res["md5"] = sum
	}
	return res, nil
}

// fileType names the file type as Ruby's plugin does; a FIFO is unknown.
func fileType(m os.FileMode) string {
	switch {
	case m&os.ModeSymlink != 0:
		return "symlink"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0 && m&os.ModeCharDevice != 0:
		return "chardev"
	case m&os.ModeDevice != 0:
		return "blockdev"
	case m.IsDir():
		return "directory"
	case m.IsRegular():
		return "file"
	}
	return "unknown"
}

// md5File hashes a file, giving up when ctx is done.
func md5File(ctx context.Context, name string) (string, error) {
	fh, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := md5.New()
	buf := make([]byte, 64*1024)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := fh.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", err
		}
	}
}

// rawStat is what Ruby reads from File::Stat beyond os.FileInfo.
type rawStat struct {
	mode         uint32
	uid, gid     int64
	atime, ctime time.Time
}

// modeBits rebuilds a Unix st_mode from an os.FileMode, for systems where
// the raw value is not at hand.
func modeBits(m os.FileMode) uint32 {
	bits := uint32(m.Perm())
	switch {
	case m&os.ModeSymlink != 0:
		bits |= 0o120000
	case m&os.ModeSocket != 0:
		bits |= 0o140000
	case m&os.ModeDevice != 0 && m&os.ModeCharDevice != 0:
		bits |= 0o020000
	case m&os.ModeDevice != 0:
		bits |= 0o060000
	case m&os.ModeNamedPipe != 0:
		bits |= 0o010000
	case m.IsDir():
		bits |= 0o040000
	default:
		bits |= 0o100000
	}
	if m&os.ModeSetuid != 0 {
		bits |= 0o4000
	}
	if m&os.ModeSetgid != 0 {
		bits |= 0o2000
	}
	if m&os.ModeSticky != 0 {
		bits |= 0o1000
	}
	return bits
}
