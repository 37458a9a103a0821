package boltstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/boltstore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

func storeOptions(max int) store.Options { return store.Options{MaxVersions: max} }

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "boltstore")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	path := filepath.Join(dir, "runs.db")

	st, err := boltstore.Open(path, &boltstore.Options{Store: store.Options{MaxVersions: 16}})
	if err != nil {
		panic(err)
	}
	eng := engine.New(storetest.NewSource(), st, &engine.Options{Specs: st})
	if _, err := eng.Define(ctx, storetest.Spec()); err != nil {
		panic(err)
	}
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: storetest.ScenarioID}
	if _, err := eng.Start(ctx, cfg, evidence.AtLogical(1), false); err != nil {
		panic(err)
	}
	st.Close()

	// After a restart the spec and the run are still there.
	st, err = boltstore.Open(path, nil)
	if err != nil {
		panic(err)
	}
	defer st.Close()
	eng = engine.New(storetest.NewSource(), st, &engine.Options{Specs: st})
	if err := eng.Restore(ctx); err != nil {
		panic(err)
	}
	res, err := eng.Trigger(ctx, storetest.ScenarioID, scenario.TriggerEvent{TriggerID: "t1", TenantID: 1, NamespaceID: 1,
		RunID: "run-1", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2), SourceID: "ci"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Decision.DecisionID, res.Decision.Outcome.Kind)
	// Output: decision-1 hold
}
