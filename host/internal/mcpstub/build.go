package mcpstub

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// moduleDir is the module root, found from this source file, so that a
// test that changed its working directory can still build the stub.
func moduleDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// mainPackage is the import path of the stub command.
const mainPackage = "github.com/decision-gate/dgw/host/internal/mcpstub/cmd/mcpstub"

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

// Build builds the stub command once per test process, with the local Go
// toolchain (go test puts its own go first on PATH) and the current
// module, and returns the binary's path. It fails t if the build fails.
func Build(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "mcpstub-")
		if built.err != nil {
			return
		}
		exe := filepath.Join(built.dir, "mcpstub")
		if runtime.GOOS == "windows" {
			exe += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", exe, mainPackage)
		cmd.Dir = moduleDir() // whatever the test's working directory
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "CGO_ENABLED=0")
		built.out, built.err = cmd.CombinedOutput()
		built.path = exe
	})
	if built.err != nil {
		t.Fatalf("mcpstub: build: %v\n%s", built.err, built.out)
	}
	return built.path
}

// Cleanup removes the directory [Build] built into. Call it at the end of
// TestMain, after every test has run.
func Cleanup() {
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
}
