package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkServeStartup measures what an operator waits for: from exec of
// `decision-gate serve` (embedded default config, the four built-in Wasm
// providers, an empty working directory) to the first 200 on /healthz.
// The compilation cache is warmed by one untimed start. The poller is a
// goroutine with a 1 ms interval, so it takes no CPU from the starting
// server the way a shell loop spawning curl does.
//
//	go test -run '^$' -bench ServeStartup -benchtime 40x ./cmd/decision-gate
//
// DG_STARTUP_BIN names a prebuilt binary to measure instead (to compare
// two builds in one session).
func BenchmarkServeStartup(b *testing.B) {
	dir := b.TempDir()
	bin := os.Getenv("DG_STARTUP_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "decision-gate")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	work := filepath.Join(dir, "work")
	os.Mkdir(work, 0o755)
	cache := filepath.Join(dir, "cache") // XDG_CACHE_HOME: a private warm cache
	client := &http.Client{Timeout: 200 * time.Millisecond}
	once := func() time.Duration {
		cmd := exec.Command(bin, "serve")
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		}()
		deadline := t0.Add(30 * time.Second)
		for time.Now().Before(deadline) {
			resp, err := client.Get("http://127.0.0.1:4000/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return time.Since(t0)
				}
			}
			time.Sleep(time.Millisecond)
		}
		b.Fatal("the server did not answer /healthz within 30 s")
		return 0
	}
	cold := once()
	var lat []time.Duration
	for b.Loop() {
		lat = append(lat, once())
	}
	slices.Sort(lat)
	b.ReportMetric(float64(cold.Milliseconds()), "cold-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*9/10].Milliseconds()), "p90-ms")
	b.ReportMetric(float64(lat[0].Milliseconds()), "min-ms")
}
