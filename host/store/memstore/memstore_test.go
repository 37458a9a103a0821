package memstore_test

import (
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/memstore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

var harness = storetest.Harness{
	Open: func(testing.TB, string) driver.Store { return memstore.NewDriver() },
}

func newStore(testing.TB) engine.RunStore { return memstore.New() }

func TestConformance(t *testing.T) {
	storetest.Run(t, harness)
}

// TestStore_engine runs the engine-level checks against the pointer store
// the server uses in memory mode.
func TestStore_engine(t *testing.T) {
	storetest.RunEngine(t, newStore)
}

func BenchmarkDurableDecision(b *testing.B) {
	b.Run("store", func(b *testing.B) { storetest.BenchmarkDecision(b, harness) })
	b.Run("native", func(b *testing.B) { storetest.BenchmarkRunStore(b, newStore) })
}
