package policy_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/policy"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// passSource answers every query of provider "p" with true.
type passSource struct{}

func (passSource) Has(id string) bool { return id == "p" }

func (passSource) Query(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
	return evidence.Result{Value: evidence.JSONOf(json.RawMessage("true"))}, nil
}

// secretSpec has two stages, each gated on "ok == true"; the stage at
// packetStage issues one packet labelled "secret".
func secretSpec(packetStage int) *scenario.Spec {
	stage := func(id string) scenario.Stage {
		return scenario.Stage{StageID: id, EntryPackets: []scenario.PacketSpec{},
			Gates:     []scenario.Gate{{GateID: "g-" + id, Requirement: scenario.Cond("ok")}},
			AdvanceTo: scenario.AdvanceTo{Kind: scenario.AdvanceLinear}, OnTimeout: scenario.TimeoutFail}
	}
	spec := &scenario.Spec{
		ScenarioID: "s", NamespaceID: 1, SpecVersion: "1", Policies: []scenario.PolicyRef{}, Schemas: []scenario.SchemaRef{},
		Conditions: []scenario.Condition{{ConditionID: "ok", Query: evidence.Query{ProviderID: "p", CheckID: "ok"},
			Comparator: evidence.Equals, Expected: json.RawMessage("true"), PolicyTags: []string{}}},
		Stages: []scenario.Stage{stage("a"), stage("b")},
	}
	spec.Stages[packetStage].EntryPackets = []scenario.PacketSpec{{
		PacketID: "pk", SchemaID: "x", ContentType: "application/json",
		VisibilityLabels: []string{"secret"}, PolicyTags: []string{},
		Payload: scenario.Payload{Kind: scenario.PayloadJSON, JSON: json.RawMessage(`{"hello":"world"}`)},
	}}
	return spec
}

// noSecrets permits disclosure only of packets not labelled "secret".
var noSecrets = policy.Static{Default: policy.EffectDeny, Rules: []policy.Rule{
	{Effect: policy.EffectPermit, ForbidLabels: []string{"secret"}},
}}

func newEngine(t *testing.T, spec *scenario.Spec, cfg policy.Static) *engine.Engine {
	t.Helper()
	st := mustStatic(t, cfg)
	eng := engine.New(passSource{}, memstore.New(), &engine.Options{Dispatch: st})
	if _, err := eng.Define(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	return eng
}

func start(eng *engine.Engine, issue bool, targets ...scenario.DispatchTarget) (*scenario.RunState, error) {
	return eng.Start(context.Background(), scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s",
		DispatchTargets: targets, PolicyTags: []string{}}, evidence.AtLogical(1), issue)
}

func next(t *testing.T, eng *engine.Engine) *scenario.NextResult {
	t.Helper()
	res, err := eng.Trigger(context.Background(), "s", scenario.TriggerEvent{TriggerID: "t1", TenantID: 1, NamespaceID: 1,
		RunID: "r", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2), SourceID: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestEngine_staticPolicy(t *testing.T) {
	ctx := context.Background()
	key := scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}

	t.Run("start with a forbidden label fails", func(t *testing.T) {
		eng := newEngine(t, secretSpec(0), noSecrets)
		_, err := start(eng, true, agentA1)
		if err == nil || errcode.Message(err) != "policy denied disclosure" {
			t.Fatalf("err = %v", err)
		}
		if _, err := eng.Run(ctx, key); errcode.Of(err) != errcode.NotFound {
			t.Fatalf("a denied start must save nothing, Run err = %v", err)
		}
	})
	t.Run("start without dispatch targets is not policed", func(t *testing.T) {
		eng := newEngine(t, secretSpec(0), noSecrets)
		st, err := start(eng, true)
		if err != nil || len(st.Packets) != 1 || len(st.Packets[0].Receipts) != 0 {
			t.Fatalf("got %v, %v", st, err)
		}
	})
	t.Run("advance into a forbidden stage fails the run", func(t *testing.T) {
		eng := newEngine(t, secretSpec(1), noSecrets)
		if _, err := start(eng, true, agentA1); err != nil {
			t.Fatal(err)
		}
		res := next(t, eng)
		if res.Status != scenario.RunFailed || res.Decision.Outcome.Kind != scenario.OutcomeFail ||
			res.Decision.Outcome.Reason != "policy denied disclosure" {
			t.Fatalf("got status %s outcome %+v", res.Status, res.Decision.Outcome)
		}
		if len(res.Packets) != 0 {
			t.Fatalf("a denied advance issued packets: %+v", res.Packets)
		}
	})
	t.Run("error rule on advance", func(t *testing.T) {
		eng := newEngine(t, secretSpec(1), policy.Static{Default: policy.EffectPermit, Rules: []policy.Rule{
			{Effect: policy.EffectError, ErrorMessage: "classification service down", RequireLabels: []string{"secret"}},
		}})
		if _, err := start(eng, true, agentA1); err != nil {
			t.Fatal(err)
		}
		res := next(t, eng)
		if res.Status != scenario.RunFailed || res.Decision.Outcome.Reason != "policy decision error: classification service down" {
			t.Fatalf("got status %s outcome %+v", res.Status, res.Decision.Outcome)
		}
	})
	t.Run("error rule at start", func(t *testing.T) {
		eng := newEngine(t, secretSpec(0), policy.Static{Rules: []policy.Rule{
			{Effect: policy.EffectError, ErrorMessage: "nope", TargetKinds: []string{"channel"}},
		}})
		_, err := start(eng, true, channelOps)
		if err == nil || errcode.Message(err) != "policy decision error: nope" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("permitted target gets a receipt", func(t *testing.T) {
		eng := newEngine(t, secretSpec(1), policy.Static{Default: policy.EffectDeny, Rules: []policy.Rule{
			{Effect: policy.EffectPermit, Targets: []policy.TargetSelector{{TargetKind: "agent", TargetID: new("a1")}}},
		}})
		if _, err := start(eng, true, agentA1); err != nil {
			t.Fatal(err)
		}
		res := next(t, eng)
		if res.Status != scenario.RunActive || len(res.Packets) != 1 || len(res.Packets[0].Receipts) != 1 ||
			res.Packets[0].Receipts[0].Target != agentA1 {
			t.Fatalf("got status %s packets %+v", res.Status, res.Packets)
		}
	})
	t.Run("one denied target of several fails", func(t *testing.T) {
		eng := newEngine(t, secretSpec(1), policy.Static{Default: policy.EffectPermit, Rules: []policy.Rule{
			{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{{TargetKind: "external", System: new("github")}}},
		}})
		if _, err := start(eng, true, agentA1, externalGH); err != nil {
			t.Fatal(err)
		}
		if res := next(t, eng); res.Decision.Outcome.Reason != "policy denied disclosure" {
			t.Fatalf("outcome %+v", res.Decision.Outcome)
		}
	})
}
