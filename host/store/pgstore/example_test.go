package pgstore_test

import (
	"context"
	"fmt"
	"os"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/pgstore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// Two replicas (here in one process, normally two servers) share one
// database: a run started on one is triggered on the other. The example
// needs a server, so it is compiled but not run; see TestReplicas_* for
// the same code under test.
func ExampleOpen() {
	ctx := context.Background()
	dsn := os.Getenv("DG_PG_DSN") // e.g. postgres://dg@db.internal/dg?sslmode=verify-full
	a, err := pgstore.Open(ctx, dsn, &pgstore.Options{MaxConns: 8, Store: store.Options{MaxVersions: 16}})
	if err != nil {
		panic(err)
	}
	defer a.Close()
	b, err := pgstore.Open(ctx, dsn, &pgstore.Options{MaxConns: 8, Store: store.Options{MaxVersions: 16}})
	if err != nil {
		panic(err)
	}
	defer b.Close()

	src := storetest.NewSource()
	engA := engine.New(src, a, &engine.Options{Specs: a, BaseContext: context.Background})
	engB := engine.New(src, b, &engine.Options{Specs: b, BaseContext: context.Background})
	if _, err := engA.Define(ctx, storetest.Spec()); err != nil {
		panic(err)
	}
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: storetest.ScenarioID}
	if _, err := engA.Start(ctx, cfg, evidence.AtLogical(1), false); err != nil {
		panic(err)
	}
	// engB finds the spec and the run in the database.
	res, err := engB.Trigger(ctx, storetest.ScenarioID, scenario.TriggerEvent{TriggerID: "t1", TenantID: 1, NamespaceID: 1,
		RunID: "run-1", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2), SourceID: "ci"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Decision.DecisionID, res.Decision.Outcome.Kind)
}
