package store_test

import (
	"context"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// LoadCached hands out private copies of what the store last read or
// wrote, and nothing once a failed write left the outcome unknown or when
// the cache is off.
func TestLoadCached(t *testing.T) {
	ctx := context.Background()
	key := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}
	fresh := func() *scenario.RunState {
		return &scenario.RunState{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", Status: scenario.RunActive, StageEnteredAt: evidence.AtLogical(1)}
	}
	addTrigger := func(st *scenario.RunState, id string) {
		st.Triggers = append(st.Triggers, scenario.TriggerRecord{Seq: uint64(len(st.Triggers) + 1),
			Event: scenario.TriggerEvent{TriggerID: id, TenantID: 1, NamespaceID: 1, RunID: "r", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2)}})
	}

	s, err := store.New(memstore.NewDriver(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, ok := s.LoadCached(key); ok {
		t.Fatal("LoadCached found a run that was never stored")
	}
	if _, err := s.Create(ctx, fresh()); err != nil {
		t.Fatal(err)
	}
	st, v, ok := s.LoadCached(key)
	if !ok || v != 1 || len(st.Triggers) != 0 {
		t.Fatalf("after Create: ok %v, version %d, %d triggers", ok, v, len(st.Triggers))
	}
	addTrigger(st, "a")
	if again, _, _ := s.LoadCached(key); len(again.Triggers) != 0 {
		t.Fatal("changing a handed-out copy changed the cache")
	}
	if _, err := s.Save(ctx, st, v); err != nil {
		t.Fatal(err)
	}
	st, v, ok = s.LoadCached(key)
	if !ok || v != 2 || len(st.Triggers) != 1 {
		t.Fatalf("after Save: ok %v, version %d, %d triggers", ok, v, len(st.Triggers))
	}

	// A save over a version that is no longer the latest fails, and the
	// store forgets the run rather than guess.
	addTrigger(st, "b")
	if _, err := s.Save(ctx, st, 1); errcode.Of(err) != errcode.Conflict {
		t.Fatalf("stale save: %v, want Conflict", err)
	}
	if _, _, ok := s.LoadCached(key); ok {
		t.Fatal("LoadCached still answers after a failed save")
	}
	if _, v, err := s.Load(ctx, key); err != nil || v != 2 {
		t.Fatalf("Load after the failed save: version %d, %v", v, err)
	}
	if _, v, ok := s.LoadCached(key); !ok || v != 2 {
		t.Fatalf("LoadCached after Load: ok %v, version %d", ok, v)
	}

	off, err := store.New(memstore.NewDriver(), &store.Options{CacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	if _, err := off.Create(ctx, fresh()); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := off.LoadCached(key); ok {
		t.Fatal("LoadCached answered with the cache disabled")
	}
}
