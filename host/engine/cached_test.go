package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// loadCounting is a cached run store that counts the loads that reach its
// backend; tamper, when set, edits every state LoadCached hands out.
type loadCounting struct {
	*store.Store
	loads  atomic.Int64
	tamper func(*scenario.RunState)
}

func (l *loadCounting) Load(ctx context.Context, key scenario.RunKey) (*scenario.RunState, engine.Version, error) {
	l.loads.Add(1)
	return l.Store.Load(ctx, key)
}

func (l *loadCounting) LoadCached(key scenario.RunKey) (*scenario.RunState, engine.Version, bool) {
	st, v, ok := l.Store.LoadCached(key)
	if ok && l.tamper != nil {
		l.tamper(st)
	}
	return st, v, ok
}

// replicaOn returns an engine over its own store (and cache) on d, as a
// server replica on a shared database.
func replicaOn(t *testing.T, d driver.Store) (*engine.Engine, *loadCounting) {
	t.Helper()
	st, err := store.New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	lc := &loadCounting{Store: st}
	src := newSource()
	src.setJSON("ok", "true")
	src.setJSON("n", "1")
	eng := engine.New(src, lc, nil)
	if _, err := eng.Define(context.Background(), twoStage()); err != nil {
		t.Fatal(err)
	}
	return eng, lc
}

var runR = scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}

func startR(t *testing.T, eng *engine.Engine) {
	t.Helper()
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", PolicyTags: []string{}}
	if _, err := eng.Start(context.Background(), cfg, evidence.AtLogical(1), false); err != nil {
		t.Fatal(err)
	}
}

// A call that saves works on the cached state and never reads the run
// back: its save proves the state was the latest.
func TestCached_saveConfirmsWithoutLoad(t *testing.T) {
	ctx := context.Background()
	eng, lc := replicaOn(t, memstore.NewDriver())
	startR(t, eng)
	lc.loads.Store(0)
	for i, id := range []string{"t1", "t2", "t3"} {
		if _, err := eng.Trigger(ctx, "s", ev(id, uint64(i+2))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := eng.Status(ctx, "s", scenario.StatusRequest{TenantID: 1, NamespaceID: 1, RunID: "r", RequestedAt: evidence.AtLogical(9)}); err != nil {
		t.Fatal(err)
	}
	if n := lc.loads.Load(); n != 0 {
		t.Fatalf("%d loads reached the backend, want 0", n)
	}
	st, err := lc.Get(ctx, runR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Decisions) != 3 || len(st.ToolCalls) != 4 {
		t.Fatalf("stored %d decisions, %d tool calls; want 3, 4", len(st.Decisions), len(st.ToolCalls))
	}
}

// Another replica moved the run on: the save over the cached version
// conflicts, and the call is decided again on top of the stored state.
func TestCached_behindCacheIsReloaded(t *testing.T) {
	ctx := context.Background()
	d := memstore.NewDriver()
	a, la := replicaOn(t, d)
	b, _ := replicaOn(t, d)
	startR(t, a)
	if _, err := b.Trigger(ctx, "s", ev("t1", 2)); err != nil { // advances to stage b
		t.Fatal(err)
	}
	la.loads.Store(0)
	res, err := a.Trigger(ctx, "s", ev("t2", 3)) // a's cache still has stage a
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.DecisionID != "decision-2" || res.Decision.StageID != "b" || res.Decision.Outcome.Kind != scenario.OutcomeHold {
		t.Fatalf("a decided %+v on a state it had not seen", res.Decision)
	}
	if n := la.loads.Load(); n != 1 {
		t.Fatalf("%d loads, want 1 (after the conflict)", n)
	}
	// The same trigger sent to a replica that is behind replays the
	// stored decision instead of deciding it twice.
	again, err := b.Trigger(ctx, "s", ev("t2", 3))
	if err != nil {
		t.Fatal(err)
	}
	if again.Decision.DecisionID != "decision-2" {
		t.Fatalf("b answered %+v", again.Decision)
	}
	st, err := la.Get(ctx, runR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Decisions) != 2 || len(st.Triggers) != 2 {
		t.Fatalf("stored %d decisions, %d triggers; want 2, 2", len(st.Decisions), len(st.Triggers))
	}
}

// An answer computed from a cached state that no save confirmed is never
// returned: here the cached state would make the call fail, the fresh one
// lets it succeed.
func TestCached_unconfirmedErrorIsDiscarded(t *testing.T) {
	ctx := context.Background()
	eng, lc := replicaOn(t, memstore.NewDriver())
	startR(t, eng)
	lc.tamper = func(st *scenario.RunState) { st.ScenarioID = "other" }
	lc.loads.Store(0)
	res, err := eng.Trigger(ctx, "s", ev("t1", 2))
	if err != nil {
		t.Fatalf("the error from the cached state was returned: %v", err)
	}
	if res.Decision.Outcome.Kind != scenario.OutcomeAdvance || lc.loads.Load() != 1 {
		t.Fatalf("decided %+v after %d loads", res.Decision, lc.loads.Load())
	}
	// An error the fresh state also yields is returned.
	_, err = eng.Trigger(ctx, "other", ev("t2", 3))
	if err == nil {
		t.Fatal("trigger for an undefined scenario succeeded")
	}
}
