package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// ScenarioID is the id of the [Spec] fixture.
const ScenarioID = "storetest"

// Spec returns the suite's scenario: stage "build" waits for check "ready"
// to be true, then stage "ship" waits for "shipped"; then the run
// completes. Both checks belong to provider "fixture" (see [Source]).
func Spec() *scenario.Spec {
	cond := func(id string) scenario.Condition {
		return scenario.Condition{ConditionID: id, Query: evidence.Query{ProviderID: "fixture", CheckID: id},
			Comparator: evidence.Equals, Expected: json.RawMessage(`true`), PolicyTags: []string{}}
	}
	stage := func(id, condID string) scenario.Stage {
		return scenario.Stage{StageID: id, EntryPackets: []scenario.PacketSpec{},
			Gates:     []scenario.Gate{{GateID: condID, Requirement: scenario.Cond(condID)}},
			AdvanceTo: scenario.AdvanceTo{Kind: scenario.AdvanceLinear}, OnTimeout: scenario.TimeoutFail}
	}
	return &scenario.Spec{
		ScenarioID: ScenarioID, NamespaceID: 1, SpecVersion: "1",
		Policies: []scenario.PolicyRef{}, Schemas: []scenario.SchemaRef{},
		Conditions: []scenario.Condition{cond("ready"), cond("shipped")},
		Stages:     []scenario.Stage{stage("build", "ready"), stage("ship", "shipped")},
	}
}

// Source is an instant evidence source for provider "fixture": every check
// answers the boolean last set for it (false by default). It is safe for
// concurrent use.
type Source struct {
	mu     sync.RWMutex // guards values
	values map[string]bool
}

// NewSource returns a source where every check is false.
func NewSource() *Source { return &Source{values: map[string]bool{}} }

// Set sets a check's answer.
func (s *Source) Set(check string, v bool) {
	s.mu.Lock()
	s.values[check] = v
	s.mu.Unlock()
}

// Has implements [engine.EvidenceSource].
func (s *Source) Has(id string) bool { return id == "fixture" }

// Query implements [engine.EvidenceSource].
func (s *Source) Query(_ context.Context, q evidence.Query, _ evidence.Context) (evidence.Result, error) {
	s.mu.RLock()
	v := s.values[q.CheckID]
	s.mu.RUnlock()
	return evidence.Result{Value: evidence.JSONOf(json.RawMessage(fmt.Sprint(v)))}, nil
}

// newEngine builds an engine over rs with the fixture spec defined.
func newEngine(tb testing.TB, src *Source, rs engine.RunStore, opts *engine.Options) *engine.Engine {
	tb.Helper()
	eng := engine.New(src, rs, opts)
	if _, err := eng.Define(context.Background(), Spec()); err != nil {
		tb.Fatalf("Define: %v", err)
	}
	return eng
}

func runKey(run string) scenario.RunKey { return key(1, 1, run) }

func startRun(tb testing.TB, eng *engine.Engine, run string) {
	tb.Helper()
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: run, ScenarioID: ScenarioID,
		DispatchTargets: []scenario.DispatchTarget{}, PolicyTags: []string{}}
	if _, err := eng.Start(context.Background(), cfg, evidence.AtLogical(1), false); err != nil {
		tb.Fatalf("Start(%s): %v", run, err)
	}
}

func trigger(ctx context.Context, eng *engine.Engine, run, id, source string, at uint64) (*scenario.NextResult, error) {
	return eng.Trigger(ctx, ScenarioID, scenario.TriggerEvent{TriggerID: id, TenantID: 1, NamespaceID: 1, RunID: run,
		Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(at), SourceID: source})
}

func mustTrigger(tb testing.TB, eng *engine.Engine, run, id string) *scenario.NextResult {
	tb.Helper()
	res, err := trigger(context.Background(), eng, run, id, "storetest", 2)
	if err != nil {
		tb.Fatalf("Trigger(%s, %s): %v", run, id, err)
	}
	return res
}

func evidenceAt(n uint64) evidence.Timestamp { return evidence.AtLogical(n) }
