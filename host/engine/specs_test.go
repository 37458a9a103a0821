package engine_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// specStore keeps specs as JSON, like a durable store would; putErr fails
// every put.
type specStore struct {
	mu     sync.Mutex
	specs  map[string][]byte
	putErr error
	gets   int
}

func newSpecStore() *specStore { return &specStore{specs: map[string][]byte{}} }

func (s *specStore) PutSpec(_ context.Context, spec *scenario.Spec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.putErr != nil {
		return s.putErr
	}
	if _, ok := s.specs[spec.ScenarioID]; ok {
		return errcode.New(errcode.AlreadyExists, "stored")
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	s.specs[spec.ScenarioID] = b
	return nil
}

func (s *specStore) GetSpec(_ context.Context, id string) (*scenario.Spec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	b, ok := s.specs[id]
	if !ok {
		return nil, errcode.New(errcode.NotFound, "no spec %s", id)
	}
	return scenario.DecodeSpec(b)
}

func (s *specStore) SpecIDs(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.specs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

func TestDefine_persistsBeforeVisible(t *testing.T) {
	ctx := context.Background()
	specs := newSpecStore()
	eng := engine.New(newSource(), memstore.New(), &engine.Options{Specs: specs})
	h, err := eng.Define(ctx, twoStage())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := specs.specs["s"]; !ok {
		t.Fatal("defined spec was not stored")
	}
	stored, _ := specs.GetSpec(ctx, "s")
	if sh, _ := stored.Hash(); !sh.Equal(h) {
		t.Fatalf("stored spec hash %v, defined %v", sh, h)
	}
	_, err = eng.Define(ctx, twoStage())
	if errcode.Of(err) != errcode.AlreadyExists || errcode.Message(err) != "scenario already defined" {
		t.Fatalf("second Define: %v", err)
	}

	// Another engine on the same store: the store's uniqueness holds even
	// though this engine has never seen the spec.
	other := engine.New(newSource(), memstore.New(), &engine.Options{Specs: specs})
	_, err = other.Define(ctx, twoStage())
	if errcode.Of(err) != errcode.AlreadyExists || errcode.Message(err) != "scenario already defined" {
		t.Fatalf("Define on a second engine: %v", err)
	}
}

func TestDefine_storeFailureFailsClosed(t *testing.T) {
	specs := newSpecStore()
	specs.putErr = errcode.New(errcode.Unavailable, "disk full")
	eng := engine.New(newSource(), memstore.New(), &engine.Options{Specs: specs})
	_, err := eng.Define(context.Background(), twoStage())
	if errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("Define with a failing store: %v", err)
	}
	if _, _, ok := eng.Spec("s"); ok || len(eng.Specs()) != 0 {
		t.Fatal("a spec that was not stored is visible")
	}
	_, err = eng.Start(context.Background(), scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s"}, evidence.AtLogical(1), false)
	if errcode.Of(err) != errcode.NotFound {
		t.Fatalf("Start of an unstored scenario: %v", err)
	}
	// An uncoded store failure is unavailable, not internal.
	specs.putErr = context.DeadlineExceeded
	if _, err := eng.Define(context.Background(), twoStage()); errcode.Of(err) != errcode.DeadlineExceeded {
		t.Fatalf("deadline: %v", err)
	}
}

func TestRestore_resumesRuns(t *testing.T) {
	ctx := context.Background()
	specs, runs, src := newSpecStore(), memstore.New(), newSource()
	a := engine.New(src, runs, &engine.Options{Specs: specs})
	if _, err := a.Define(ctx, twoStage()); err != nil {
		t.Fatal(err)
	}
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s"}
	if _, err := a.Start(ctx, cfg, evidence.AtLogical(1), false); err != nil {
		t.Fatal(err)
	}
	_, wantHash, _ := a.Spec("s")

	b := engine.New(src, runs, &engine.Options{Specs: specs})
	if _, _, ok := b.Spec("s"); ok {
		t.Fatal("without BaseContext an engine must not look up specs on its own")
	}
	if err := b.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	if _, h, ok := b.Spec("s"); !ok || !h.Equal(wantHash) {
		t.Fatalf("restored spec: %v %v", h, ok)
	}
	src.setJSON("ok", "true")
	res, err := b.Trigger(ctx, "s", scenario.TriggerEvent{TriggerID: "t1", TenantID: 1, NamespaceID: 1, RunID: "r",
		Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2), SourceID: "test"})
	if err != nil || res.Decision.Outcome.Kind != scenario.OutcomeAdvance {
		t.Fatalf("trigger after restore: %v %+v", err, res)
	}
	if err := b.Restore(ctx); err != nil {
		t.Fatalf("second Restore: %v", err)
	}
	if err := engine.New(src, runs, nil).Restore(ctx); err != nil {
		t.Fatalf("Restore without a spec store: %v", err)
	}
}

func TestRestore_damagedSpec(t *testing.T) {
	specs := newSpecStore()
	specs.specs["s"] = []byte(`{"scenario_id":"s","namespace_id":1,"spec_version":"1","stages":[],"conditions":[],"policies":[],"schemas":[]}`)
	err := engine.New(newSource(), memstore.New(), &engine.Options{Specs: specs}).Restore(context.Background())
	if errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Restore of a spec that no longer compiles: %v", err)
	}
	specs.specs["s"] = mustJSON(t, twoStage())
	specs.specs["t"] = mustJSON(t, twoStage()) // stored under another id
	err = engine.New(newSource(), memstore.New(), &engine.Options{Specs: specs}).Restore(context.Background())
	if errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("Restore of a spec stored under the wrong id: %v", err)
	}
}

func TestSpec_lookupOnMiss(t *testing.T) {
	ctx := context.Background()
	specs := newSpecStore()
	a := engine.New(newSource(), memstore.New(), &engine.Options{Specs: specs})
	b := engine.New(newSource(), memstore.New(), &engine.Options{Specs: specs, BaseContext: func() context.Context { return ctx }})
	if _, err := a.Define(ctx, twoStage()); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := b.Spec("s"); !ok {
		t.Fatal("a spec defined by another engine was not found on a miss")
	}
	gets := specs.gets
	if _, _, ok := b.Spec("s"); !ok || specs.gets != gets {
		t.Fatal("a found spec must be kept, not fetched again")
	}
	other := twoStage()
	other.ScenarioID = "a-other"
	if _, err := a.Define(ctx, other); err != nil {
		t.Fatal(err)
	}
	got := b.Specs()
	if len(got) != 2 || got[0].ScenarioID != "a-other" || got[1].ScenarioID != "s" {
		t.Fatalf("Specs = %d specs", len(got))
	}
	if _, _, ok := b.Spec("missing"); ok {
		t.Fatal("found a spec nobody defined")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
