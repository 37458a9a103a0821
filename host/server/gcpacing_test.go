package server

import (
	"runtime/debug"
	"sync"
	"testing"
)

func TestRelaxGCRestores(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			restore := relaxGC()
			if got := debug.SetGCPercent(loadGCPercent); got != loadGCPercent {
				t.Errorf("GC percent %d while loading, want %d", got, loadGCPercent)
			}
			restore()
		}()
	}
	wg.Wait()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GC percent %d after every release, want 100", got)
	}
	debug.SetGCPercent(-1)
	restore := relaxGC()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Fatalf("GOGC=off was turned on (%d)", got)
	}
	restore()
	if got := debug.SetGCPercent(100); got != -1 {
		t.Fatalf("GOGC=off not restored (%d)", got)
	}
}
