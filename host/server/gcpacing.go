package server

import (
	"runtime/debug"
	"sync"
)

// loadGCPercent is the GC pacing target while a server is being built.
// Loading allocates and drops tens of megabytes in a burst (module bytes,
// cached machine code being deserialised), and at the default target the
// collector runs again and again during start-up while almost nothing it
// scans survives. Measured with BenchmarkServeStartup (cmd/decision-gate),
// three alternating series: warm start p50 280–307 → 248–281 ms, p90
// 324–380 → 308–321 ms. A memory limit (GOMEMLIMIT) still applies
// throughout.
const loadGCPercent = 800

var gcPacing struct {
	mu    sync.Mutex
	users int
	prev  int
}

// relaxGC raises the GC target to loadGCPercent (never lowering it, and
// leaving GOGC=off alone) until the returned func is called. Concurrent
// callers share one raise; the last release restores the setting.
func relaxGC() (restore func()) {
	gcPacing.mu.Lock()
	defer gcPacing.mu.Unlock()
	if gcPacing.users == 0 {
		gcPacing.prev = debug.SetGCPercent(loadGCPercent)
		if gcPacing.prev < 0 || gcPacing.prev > loadGCPercent {
			debug.SetGCPercent(gcPacing.prev) // off, or already higher
		}
	}
	gcPacing.users++
	return func() {
		gcPacing.mu.Lock()
		defer gcPacing.mu.Unlock()
		gcPacing.users--
		if gcPacing.users == 0 {
			debug.SetGCPercent(gcPacing.prev)
		}
	}
}
