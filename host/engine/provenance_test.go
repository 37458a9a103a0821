package engine_test

import (
	"context"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

type codedErr struct{}

func (codedErr) Error() string        { return "breaker open" }
func (codedErr) EvidenceCode() string { return "circuit_open" }

type codedSource struct{ *source }

func (c codedSource) Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	if q.CheckID == "n" {
		return evidence.Result{}, codedErr{}
	}
	return c.source.Query(ctx, q, ec)
}

func TestCodedProviderErrorKeepsItsCode(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	h.eng = engine.New(codedSource{h.src}, h.st, nil)
	must(h.eng.Define(context.Background(), twoStage()))
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", "true")
	must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	must(h.trigger("r", "t2", scenario.TriggerExternalEvent, evidence.AtLogical(3)))
	rec := h.state("r").GateEvals[1].Evidence[0]
	if rec.Status != evidence.Unknown || rec.Result.Error.Code != "circuit_open" ||
		rec.Result.Error.Message != "evidence provider error: breaker open" {
		t.Fatalf("record %s", canon(t, rec))
	}
}

func TestProvenanceIsStoredWithEachNewDecision(t *testing.T) {
	var inputs []engine.ProvenanceInput
	var committed []string
	opts := &engine.Options{
		Provenance: func(in engine.ProvenanceInput) scenario.Provenance {
			inputs = append(inputs, in)
			return scenario.Provenance{DecisionID: in.Decision.DecisionID, PolicyVersion: "v9", DegradedProviders: []scenario.DegradedProvider{}}
		},
		OnDecision: func(_ context.Context, _ scenario.RunKey, d *scenario.DecisionRecord, p *scenario.Provenance) {
			if p == nil || p.DecisionID != d.DecisionID {
				t.Errorf("OnDecision for %s got provenance %+v", d.DecisionID, p)
			}
			committed = append(committed, d.DecisionID)
		},
	}
	h := newHarness(t, twoStage(), opts)
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", "true")
	must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	// A replay of t1 records nothing new.
	must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	st := h.state("r")
	if len(st.Provenance) != 1 || st.Provenance[0].DecisionID != "decision-1" || st.ProvenanceFor("decision-1").PolicyVersion != "v9" {
		t.Fatalf("provenance %+v", st.Provenance)
	}
	if len(committed) != 1 || committed[0] != "decision-1" {
		t.Fatalf("OnDecision calls %v", committed)
	}
	in := inputs[0]
	if len(in.Evidence) != 1 || in.Evidence[0].ConditionID != "ok" || in.Evidence[0].ProviderID != "p" ||
		in.Evidence[0].Status != evidence.True || in.Evidence[0].Hash == nil {
		t.Fatalf("consulted evidence %+v", in.Evidence)
	}
	// Stage b's provider fails: the consulted record carries the code.
	must(h.trigger("r", "t2", scenario.TriggerExternalEvent, evidence.AtLogical(3)))
	if ev := inputs[1].Evidence; len(ev) != 1 || ev[0].ErrorCode != "provider_error" || ev[0].Hash != nil {
		t.Fatalf("consulted evidence %+v", ev)
	}
}

func TestProvenanceRollsBackWithItsDecision(t *testing.T) {
	opts := &engine.Options{Provenance: func(in engine.ProvenanceInput) scenario.Provenance {
		return scenario.Provenance{DecisionID: in.Decision.DecisionID}
	}}
	h := newHarness(t, twoStage(), opts)
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", "true")
	st := h.state("r")
	mark := st.Mark()
	st.Provenance = append(st.Provenance, scenario.Provenance{DecisionID: "x"})
	st.Rollback(mark)
	if len(st.Provenance) != 0 {
		t.Fatal("rollback kept a provenance record")
	}
}
