package sqlitestore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/storetest"
)

func storeOptions(max int) store.Options { return store.Options{MaxVersions: max} }

func scenarioKey(run string) scenario.RunKey {
	return scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: run}
}

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "sqlitestore")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	st, err := Open(filepath.Join(dir, "runs.db"), &Options{JournalMode: "wal", SyncMode: "full", BusyTimeoutMS: 5000})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	eng := engine.New(storetest.NewSource(), st, &engine.Options{Specs: st})
	if _, err := eng.Define(ctx, storetest.Spec()); err != nil {
		panic(err)
	}
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: storetest.ScenarioID}
	if _, err := eng.Start(ctx, cfg, evidence.AtLogical(1), false); err != nil {
		panic(err)
	}
	vs, err := st.Versions(ctx, scenarioKey("run-1"))
	if err != nil {
		panic(err)
	}
	fmt.Println(len(vs), vs[0].Version)
	// Output: 1 1
}
