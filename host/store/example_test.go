package store_test

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/memstore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

func ExampleNew() {
	ctx := context.Background()
	st, err := store.New(memstore.NewDriver(), &store.Options{MaxVersions: 2})
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
	for _, id := range []string{"t1", "t2", "t3"} {
		if _, err := eng.Trigger(ctx, storetest.ScenarioID, scenario.TriggerEvent{TriggerID: id, TenantID: 1, NamespaceID: 1,
			RunID: "run-1", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2), SourceID: "ci"}); err != nil {
			panic(err)
		}
	}
	vs, _ := st.Versions(ctx, cfg.Key())
	for _, v := range vs {
		fmt.Println("version", v.Version)
	}
	// Output:
	// version 3
	// version 4
}

func ExampleStore_Verify() {
	ctx := context.Background()
	st, _ := store.New(memstore.NewDriver(), nil)
	defer st.Close()
	eng := engine.New(storetest.NewSource(), st, &engine.Options{Specs: st})
	eng.Define(ctx, storetest.Spec())
	eng.Start(ctx, scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: storetest.ScenarioID}, evidence.AtLogical(1), false)
	rep, err := st.Verify(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.OK(), rep.Runs, rep.Versions, rep.Specs)
	// Output: true 1 1 1
}
