// Package testutil holds test helpers shared across the host packages:
// locating the conformance data, and loading golden files.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// ModuleRoot returns the directory holding go.mod, walking up from the
// test's working directory.
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testutil: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Conformance returns the path of a file or directory in the reference
// conformance data (../shared/conformance/decision-gate relative to the
// module root, or $DG_CONFORMANCE_DIR). It fails the test when missing: the
// conformance data is required, never optional.
func Conformance(tb testing.TB, rel ...string) string {
	tb.Helper()
	base := os.Getenv("DG_CONFORMANCE_DIR")
	if base == "" {
		base = filepath.Join(ModuleRoot(tb), "..", "shared", "conformance", "decision-gate")
	}
	p := filepath.Join(append([]string{base}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("conformance data missing: %v (set DG_CONFORMANCE_DIR or check out shared/ beside the repository)", err)
	}
	return p
}

// ReadFile reads a file or fails the test.
func ReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
