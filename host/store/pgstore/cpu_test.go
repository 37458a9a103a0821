package pgstore

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUse is CPU time spent so far by this process and by the PostgreSQL
// server processes on this machine. Benchmarks report the difference per
// decision: on a shared machine, throughput depends on what else runs,
// while CPU per decision does not, and it is what sizes a deployment.
type cpuUse struct {
	self     time.Duration
	postgres time.Duration
	ok       bool // false where /proc is not available
}

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times; Linux fixes it
// at 100 for user space.
const clockTick = 100

func readCPU() cpuUse {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuUse{}
	}
	u := cpuUse{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil || len(stats) == 0 {
		return u
	}
	u.ok = true
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // exited meanwhile
		}
		s := string(b)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open || s[open+1:closing] != "postgres" {
			continue
		}
		// After "pid (comm) ": state is field 3; utime and stime are 14
		// and 15.
		f := strings.Fields(s[closing+1:])
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		u.postgres += time.Duration(ut+st) * time.Second / clockTick
	}
	return u
}

// since returns the CPU used from u to now, per op, in microseconds: this
// process and the PostgreSQL server (pgOK false when unknown). PostgreSQL
// backends that exited meanwhile are not counted; the benchmarks keep
// their pools open while they measure.
func (u cpuUse) since(ops int) (self, pg float64, pgOK bool) {
	now := readCPU()
	if ops <= 0 {
		return 0, 0, false
	}
	self = float64((now.self - u.self).Microseconds()) / float64(ops)
	if u.ok && now.ok {
		pg = float64((now.postgres - u.postgres).Microseconds()) / float64(ops)
	}
	return self, pg, u.ok && now.ok
}
