package assetcorestub

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/decision-gate/dgw/host/internal/testutil"
)

// FixturePath returns the path of a file in the repository's copy of the
// reference AssetCore fixtures (testdata/assetcore/…, copied byte for byte
// from the conformance data), e.g. FixturePath(t, "interop",
// "fixture_map.json").
func FixturePath(tb testing.TB, rel ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{testutil.ModuleRoot(tb), "testdata", "assetcore"}, rel...)...)
}

// ReadFixture reads a file of the AssetCore fixtures or fails the test.
func ReadFixture(tb testing.TB, rel ...string) []byte {
	tb.Helper()
	return testutil.ReadFile(tb, FixturePath(tb, rel...))
}

// Seeded returns a server whose state is the interop seed plan
// (interop/seed_plan.json) applied as one commit: namespace 1 at world_seq
// 1.
func Seeded(tb testing.TB, opts *Options) *Server {
	tb.Helper()
	s := New(opts)
	if _, err := s.ApplySeedPlan(ReadFixture(tb, "interop", "seed_plan.json")); err != nil {
		tb.Fatal(err)
	}
	return s
}

// Start serves s on a loopback port with net/http/httptest until the test
// ends, and returns its base URL ("http://127.0.0.1:port").
func (s *Server) Start(tb testing.TB) string {
	tb.Helper()
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return ts.URL
}
