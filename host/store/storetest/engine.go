package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
)

// RunEngine runs the engine-level checks against run stores made by
// newStore: a run's lifecycle, and concurrent triggers on one run. Run
// calls it with the portable store over the harness's driver.
func RunEngine(t *testing.T, newStore func(tb testing.TB) engine.RunStore) {
	t.Run("Lifecycle", func(t *testing.T) {
		src := NewSource()
		rs := newStore(t)
		eng := newEngine(t, src, rs, nil)
		startRun(t, eng, "r")
		cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: ScenarioID}
		if _, err := eng.Start(context.Background(), cfg, evidenceAt(1), false); errcode.Of(err) != errcode.FailedPrecondition {
			t.Fatalf("second Start: %v", err)
		}
		if res := mustTrigger(t, eng, "r", "t1"); res.Decision.Outcome.Kind != scenario.OutcomeHold {
			t.Fatalf("t1: %+v", res.Decision.Outcome)
		}
		src.Set("ready", true)
		if res := mustTrigger(t, eng, "r", "t2"); res.Decision.Outcome.Kind != scenario.OutcomeAdvance {
			t.Fatalf("t2: %+v", res.Decision.Outcome)
		}
		src.Set("shipped", true)
		res := mustTrigger(t, eng, "r", "t3")
		if res.Decision.Outcome.Kind != scenario.OutcomeComplete || res.Status != scenario.RunCompleted {
			t.Fatalf("t3: %+v", res)
		}
		st, v, err := rs.Load(context.Background(), runKey("r"))
		must(t, err)
		if st.Status != scenario.RunCompleted || len(st.Decisions) != 3 || len(st.ToolCalls) != 3 || v != 4 {
			t.Fatalf("stored run: status %s, %d decisions, %d tool calls, version %d", st.Status, len(st.Decisions), len(st.ToolCalls), v)
		}
	})

	t.Run("ConcurrentTriggers", func(t *testing.T) {
		rs := newStore(t)
		eng := newEngine(t, NewSource(), rs, nil)
		concurrentTriggers(t, []*engine.Engine{eng}, rs)
	})
}

// concurrentTriggers sends triggers to one run from 8 goroutines spread
// over engines: each goroutine sends its own trigger ids and all of them
// also send a few shared ids. Conflicts (two engines racing) are retried,
// as a client would. Every trigger id must end with exactly one decision,
// every caller of an id must see that decision, and no call may be lost.
func concurrentTriggers(t *testing.T, engines []*engine.Engine, rs engine.RunStore) {
	const goroutines, own, shared = 8, 12, 4
	startRun(t, engines[0], "hot")
	var mu sync.Mutex
	seen := map[string]map[string]bool{} // trigger id -> decision ids callers saw
	calls := 0
	hammer(goroutines, func(g int) {
		eng := engines[g%len(engines)]
		for i := range own + shared {
			id := fmt.Sprintf("t-%d-%d", g, i)
			if i >= own {
				id = fmt.Sprintf("shared-%d", i-own)
			}
			var res *scenario.NextResult
			for attempt := 0; ; attempt++ {
				var err error
				res, err = trigger(context.Background(), eng, "hot", id, "hammer", uint64(2+i))
				if err == nil {
					break
				}
				if errcode.Of(err) != errcode.Conflict || attempt > 1000 {
					t.Errorf("trigger %s: %v", id, err)
					return
				}
			}
			mu.Lock()
			if seen[id] == nil {
				seen[id] = map[string]bool{}
			}
			seen[id][res.Decision.DecisionID] = true
			calls++
			mu.Unlock()
		}
	})
	if t.Failed() {
		return
	}
	st, _, err := rs.Load(context.Background(), runKey("hot"))
	must(t, err)
	byTrigger := map[string]string{}
	for i, d := range st.Decisions {
		if d.Seq != uint64(i+1) || d.DecisionID != fmt.Sprintf("decision-%d", i+1) {
			t.Fatalf("decision %d is %s (seq %d)", i, d.DecisionID, d.Seq)
		}
		if prev, dup := byTrigger[d.TriggerID]; dup {
			t.Fatalf("trigger %s has two decisions: %s and %s", d.TriggerID, prev, d.DecisionID)
		}
		byTrigger[d.TriggerID] = d.DecisionID
	}
	if want := goroutines*own + shared; len(st.Decisions) != want || len(st.Triggers) != want {
		t.Fatalf("%d decisions and %d triggers, want %d", len(st.Decisions), len(st.Triggers), want)
	}
	for id, ds := range seen {
		if len(ds) != 1 || !ds[byTrigger[id]] {
			t.Fatalf("callers of %s saw decisions %v, stored %q", id, ds, byTrigger[id])
		}
	}
	if len(st.ToolCalls) != calls {
		t.Fatalf("%d tool calls stored for %d acknowledged calls: updates were lost", len(st.ToolCalls), calls)
	}
}

// testTwoEngines runs concurrent triggers through two engines that share
// the storage (through one driver, or two when the backend is Shared), so
// that the store's optimistic versions are all that keeps them apart.
func testTwoEngines(t *testing.T, h Harness) {
	path := newPath(t)
	a := openStore(t, h, path, nil)
	b := a
	if h.Shared {
		b = openStore(t, h, path, nil)
	} else {
		// A second portable store over the same driver, as a second engine
		// in one process would have.
		var err error
		if b, err = store.New(nopClose{a.Driver()}, nil); err != nil {
			t.Fatal(err)
		}
	}
	src := NewSource()
	engA := newEngine(t, src, a, &engine.Options{Specs: a})
	engB := engine.New(src, b, &engine.Options{Specs: b})
	must(t, engB.Restore(context.Background()))
	concurrentTriggers(t, []*engine.Engine{engA, engB}, a)
}

// nopClose shares a driver without letting the sharer close it.
type nopClose struct{ driver.Store }

func (nopClose) Close() error { return nil }

// testSpecPersistence covers the engine's spec store through the portable
// store: define stores, restore and lookups find, failures fail closed.
func testSpecPersistence(t *testing.T, h Harness) {
	ctx := context.Background()
	path := newPath(t)
	st := openStore(t, h, path, nil)
	src := NewSource()
	engA := newEngine(t, src, st, &engine.Options{Specs: st})
	_, wantHash, _ := engA.Spec(ScenarioID)
	startRun(t, engA, "r")
	mustTrigger(t, engA, "r", "t1")

	t.Run("Restore", func(t *testing.T) {
		engB := engine.New(src, st, &engine.Options{Specs: st})
		if _, _, ok := engB.Spec(ScenarioID); ok {
			t.Fatal("an engine without BaseContext found a stored spec before Restore")
		}
		must(t, engB.Restore(ctx))
		_, h, ok := engB.Spec(ScenarioID)
		if !ok || !h.Equal(wantHash) {
			t.Fatalf("restored spec hash %v (found %v), want %v", h, ok, wantHash)
		}
		if res := mustTrigger(t, engB, "r", "t2"); res.Decision.DecisionID != "decision-2" {
			t.Fatalf("restored engine decided %s", res.Decision.DecisionID)
		}
		_, err := engB.Define(ctx, Spec())
		wantCode(t, err, errcode.AlreadyExists)
	})

	t.Run("LookupOnMiss", func(t *testing.T) {
		engC := engine.New(src, st, &engine.Options{Specs: st, BaseContext: func() context.Context { return ctx }})
		_, h, ok := engC.Spec(ScenarioID)
		if !ok || !h.Equal(wantHash) {
			t.Fatalf("lookup on miss: hash %v, found %v", h, ok)
		}
		other := Spec()
		other.ScenarioID = "other"
		if _, err := engA.Define(ctx, other); err != nil {
			t.Fatal(err)
		}
		if specs := engC.Specs(); len(specs) != 2 || specs[0].ScenarioID != "other" {
			t.Fatalf("Specs after another engine defined one: %d specs", len(specs))
		}
		if _, _, ok := engC.Spec("never-defined"); ok {
			t.Fatal("found a spec nobody defined")
		}
	})

	t.Run("DefineFailsClosed", func(t *testing.T) {
		broken, err := store.New(failingSpecs{openDriver(t, h, newPath(t))}, nil)
		must(t, err)
		eng := engine.New(src, broken, &engine.Options{Specs: broken})
		_, err = eng.Define(ctx, Spec())
		wantCode(t, err, errcode.Unavailable)
		if _, _, ok := eng.Spec(ScenarioID); ok {
			t.Fatal("a spec that could not be stored is visible")
		}
		if len(eng.Specs()) != 0 {
			t.Fatal("a spec that could not be stored is listed")
		}
	})
}

// failingSpecs is a driver whose spec writes fail.
type failingSpecs struct{ driver.Store }

func (failingSpecs) PutSpec(context.Context, driver.Spec) error {
	return errcode.New(errcode.Unavailable, "storetest: spec storage is down")
}

func (f failingSpecs) Close() error { return nil } // the harness driver is closed by its cleanup
