package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// racingStore is a run store shared by engines as a database would be
// (every Load decodes a fresh copy). Before a Save it runs beforeSave
// once, which lets a test make another engine win the race.
type racingStore struct {
	*store.Store
	beforeSave func()
	saves      atomic.Int64
}

func (r *racingStore) Save(ctx context.Context, st *scenario.RunState, prev engine.Version) (engine.Version, error) {
	r.saves.Add(1)
	if f := r.beforeSave; f != nil {
		r.beforeSave = nil
		f()
	}
	return r.Store.Save(ctx, st, prev)
}

// twoEngines returns two engines (two replicas) over one shared store,
// with run "r" of twoStage started and gate ga satisfied.
func twoEngines(t *testing.T) (a, b *engine.Engine, rs *racingStore) {
	t.Helper()
	st, err := store.New(memstore.NewDriver(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rs = &racingStore{Store: st}
	src := newSource()
	src.setJSON("ok", "true")
	src.setJSON("n", "1")
	a, b = engine.New(src, rs, nil), engine.New(src, rs, nil)
	for _, eng := range []*engine.Engine{a, b} {
		if _, err := eng.Define(context.Background(), twoStage()); err != nil {
			t.Fatal(err)
		}
	}
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", PolicyTags: []string{}}
	if _, err := a.Start(context.Background(), cfg, evidence.AtLogical(1), false); err != nil {
		t.Fatal(err)
	}
	return a, b, rs
}

func ev(id string, at uint64) scenario.TriggerEvent {
	return scenario.TriggerEvent{TriggerID: id, TenantID: 1, NamespaceID: 1, RunID: "r",
		Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(at), SourceID: "test"}
}

func load(t *testing.T, rs *racingStore) *scenario.RunState {
	t.Helper()
	st, _, err := rs.Load(context.Background(), scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestRetry_sameTriggerReplaysTheWinner(t *testing.T) {
	ctx := context.Background()
	a, b, rs := twoEngines(t)
	var won *scenario.NextResult
	rs.beforeSave = func() { // b decides the same trigger while a is about to save
		var err error
		if won, err = b.Trigger(ctx, "s", ev("t1", 2)); err != nil {
			t.Error(err)
		}
	}
	res, err := a.Trigger(ctx, "s", ev("t1", 2))
	if err != nil {
		t.Fatal(err)
	}
	if won == nil || res.Decision.DecisionID != won.Decision.DecisionID || res.Decision.Outcome.Kind != scenario.OutcomeAdvance {
		t.Fatalf("a answered %+v, b decided %+v", res.Decision, won)
	}
	st := load(t, rs)
	if len(st.Decisions) != 1 || len(st.Triggers) != 1 || len(st.ToolCalls) != 2 || st.CurrentStageID != "b" {
		t.Fatalf("stored %d decisions, %d triggers, %d tool calls, stage %s; want 1, 1, 2, b",
			len(st.Decisions), len(st.Triggers), len(st.ToolCalls), st.CurrentStageID)
	}
}

func TestRetry_otherTriggerIsDecidedOnTop(t *testing.T) {
	ctx := context.Background()
	a, b, rs := twoEngines(t)
	rs.beforeSave = func() {
		if _, err := b.Trigger(ctx, "s", ev("t1", 2)); err != nil {
			t.Error(err)
		}
	}
	res, err := a.Trigger(ctx, "s", ev("t2", 3))
	if err != nil {
		t.Fatal(err)
	}
	// b advanced the run to stage b, where n > 5 fails: a's re-run holds.
	if res.Decision.DecisionID != "decision-2" || res.Decision.StageID != "b" || res.Decision.Outcome.Kind != scenario.OutcomeHold {
		t.Fatalf("a decided %+v", res.Decision)
	}
	st := load(t, rs)
	for i, d := range st.Decisions {
		if d.Seq != uint64(i+1) {
			t.Fatalf("decision %d has seq %d", i, d.Seq)
		}
	}
	if len(st.Decisions) != 2 || st.Decisions[0].TriggerID != "t1" || st.Decisions[1].TriggerID != "t2" {
		t.Fatalf("stored decisions %+v", st.Decisions)
	}
}

// conflictStore loses every save (after running beforeSave once).
type conflictStore struct {
	*racingStore
}

func (c conflictStore) Save(context.Context, *scenario.RunState, engine.Version) (engine.Version, error) {
	c.saves.Add(1)
	if f := c.beforeSave; f != nil {
		c.beforeSave = nil
		f()
	}
	return 0, errcode.New(errcode.Conflict, "run state changed concurrently")
}

func TestRetry_bounded(t *testing.T) {
	ctx := context.Background()
	_, _, rs := twoEngines(t)
	src := newSource()
	src.setJSON("ok", "true")
	eng := engine.New(src, conflictStore{rs}, nil)
	if _, err := eng.Define(ctx, twoStage()); err != nil {
		t.Fatal(err)
	}
	_, err := eng.Trigger(ctx, "s", ev("t1", 2))
	if errcode.Of(err) != errcode.Conflict {
		t.Fatalf("got %v, want conflict", err)
	}
	// The first attempt works on the store's cached state; its conflict
	// sends the call to a fresh load without counting as a lost race.
	if n := rs.saves.Load(); n != engine.MaxConflictRetries+2 {
		t.Fatalf("%d saves, want %d", n, engine.MaxConflictRetries+2)
	}
	if st := load(t, rs); len(st.Decisions) != 0 || len(st.ToolCalls) != 0 {
		t.Fatalf("a failed call left %d decisions, %d tool calls", len(st.Decisions), len(st.ToolCalls))
	}

	// A canceled context stops the retries.
	rs.saves.Store(0)
	canceled, cancel := context.WithCancel(ctx)
	rs.beforeSave = cancel
	eng = engine.New(src, conflictStore{rs}, nil)
	if _, err := eng.Define(ctx, twoStage()); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Trigger(canceled, "s", ev("t1", 2)); errcode.Of(err) != errcode.Conflict || rs.saves.Load() != 1 {
		t.Fatalf("after cancel: %v, %d saves", err, rs.saves.Load())
	}
}

func TestRetry_submitAndStatus(t *testing.T) {
	ctx := context.Background()
	a, b, rs := twoEngines(t)
	sub := scenario.SubmitRequest{TenantID: 1, NamespaceID: 1, RunID: "r", SubmissionID: "x", ContentType: "application/json",
		Payload: scenario.Payload{Kind: scenario.PayloadJSON, JSON: []byte(`1`)}, SubmittedAt: evidence.AtLogical(2)}
	rs.beforeSave = func() {
		if _, err := b.Submit(ctx, "s", sub); err != nil {
			t.Error(err)
		}
	}
	if _, err := a.Submit(ctx, "s", sub); err != nil {
		t.Fatalf("submit that lost the race: %v", err)
	}
	if st := load(t, rs); len(st.Submissions) != 1 || len(st.ToolCalls) != 2 {
		t.Fatalf("%d submissions, %d tool calls", len(st.Submissions), len(st.ToolCalls))
	}
	// A reused submission id is a final conflict, not a retried one.
	rs.saves.Store(0)
	other := sub
	other.Payload = scenario.Payload{Kind: scenario.PayloadJSON, JSON: []byte(`2`)}
	_, err := a.Submit(ctx, "s", other)
	if errcode.Of(err) != errcode.Conflict || rs.saves.Load() != 1 {
		t.Fatalf("reused submission id: %v after %d saves", err, rs.saves.Load())
	}
	rs.beforeSave = func() {
		if _, err := b.Trigger(ctx, "s", ev("t1", 3)); err != nil {
			t.Error(err)
		}
	}
	status, err := a.Status(ctx, "s", scenario.StatusRequest{TenantID: 1, NamespaceID: 1, RunID: "r", RequestedAt: evidence.AtLogical(4)})
	if err != nil {
		t.Fatal(err)
	}
	if status.LastDecision == nil || status.CurrentStageID != "b" {
		t.Fatalf("status after losing a race: %+v", status)
	}
}
