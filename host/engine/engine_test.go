package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// source answers every query of provider "p" from a map keyed by check id;
// a missing key is a provider failure. It is safe for concurrent use.
type source struct {
	mu      sync.Mutex
	results map[string]evidence.Result
	calls   int
}

func newSource() *source { return &source{results: map[string]evidence.Result{}} }

func (s *source) Has(id string) bool { return id == "p" }

func (s *source) set(check string, r evidence.Result) {
	s.mu.Lock()
	s.results[check] = r
	s.mu.Unlock()
}

func (s *source) setJSON(check, raw string) {
	s.set(check, evidence.Result{Value: evidence.JSONOf(json.RawMessage(raw))})
}

func (s *source) Query(_ context.Context, q evidence.Query, _ evidence.Context) (evidence.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	r, ok := s.results[q.CheckID]
	if !ok {
		return evidence.Result{}, errors.New("no evidence for " + q.CheckID)
	}
	return r, nil
}

func cond(id, check string, cmp evidence.Comparator, expected string) scenario.Condition {
	c := scenario.Condition{ConditionID: id, Query: evidence.Query{ProviderID: "p", CheckID: check}, Comparator: cmp, PolicyTags: []string{}}
	if expected != "" {
		c.Expected = json.RawMessage(expected)
	}
	return c
}

func stage(id string, adv scenario.AdvanceTo, gates ...scenario.Gate) scenario.Stage {
	return scenario.Stage{StageID: id, EntryPackets: []scenario.PacketSpec{}, Gates: gates, AdvanceTo: adv, OnTimeout: scenario.TimeoutFail}
}

func gate(id string, r scenario.Requirement) scenario.Gate {
	return scenario.Gate{GateID: id, Requirement: r}
}

var (
	linear   = scenario.AdvanceTo{Kind: scenario.AdvanceLinear}
	terminal = scenario.AdvanceTo{Kind: scenario.AdvanceTerminal}
)

// twoStage: stage a (gate ga: ok == true) → stage b (gate gb: n > 5) → end.
func twoStage() *scenario.Spec {
	return &scenario.Spec{
		ScenarioID: "s", NamespaceID: 1, SpecVersion: "1", Policies: []scenario.PolicyRef{}, Schemas: []scenario.SchemaRef{},
		Conditions: []scenario.Condition{cond("ok", "ok", evidence.Equals, "true"), cond("n", "n", evidence.GreaterThan, "5")},
		Stages: []scenario.Stage{
			stage("a", linear, gate("ga", scenario.Cond("ok"))),
			stage("b", linear, gate("gb", scenario.Cond("n"))),
		},
	}
}

type harness struct {
	t   *testing.T
	eng *engine.Engine
	src *source
	st  *memstore.Store
}

func newHarness(t *testing.T, spec *scenario.Spec, opts *engine.Options) *harness {
	t.Helper()
	h := &harness{t: t, src: newSource(), st: memstore.New()}
	h.eng = engine.New(h.src, h.st, opts)
	if _, err := h.eng.Define(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) start(runID string, at evidence.Timestamp, issue bool, targets ...scenario.DispatchTarget) (*scenario.RunState, error) {
	return h.eng.Start(context.Background(), scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: runID, ScenarioID: "s",
		DispatchTargets: targets, PolicyTags: []string{}}, at, issue)
}

func (h *harness) trigger(runID, trig string, kind scenario.TriggerKind, at evidence.Timestamp) (*scenario.NextResult, error) {
	return h.eng.Trigger(context.Background(), "s", scenario.TriggerEvent{TriggerID: trig, TenantID: 1, NamespaceID: 1,
		RunID: runID, Kind: kind, Time: at, SourceID: "test"})
}

func (h *harness) state(runID string) *scenario.RunState {
	h.t.Helper()
	st, err := h.eng.Run(context.Background(), scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: runID})
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

// must returns v or panics on err (which fails the test with its stack).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func canon(t *testing.T, v any) string {
	t.Helper()
	return string(must(canonjson.Marshal(v)))
}

func TestLifecycleAdvanceAndComplete(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", "false")
	res := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	if res.Decision.Outcome.Kind != scenario.OutcomeHold || fmt.Sprint(res.Decision.Outcome.Summary.UnmetGates) != "[ga]" {
		t.Fatalf("want hold on ga, got %s", canon(t, res.Decision))
	}
	h.src.setJSON("ok", "true")
	res = must(h.trigger("r", "t2", scenario.TriggerExternalEvent, evidence.AtLogical(3)))
	o := res.Decision.Outcome
	if o.Kind != scenario.OutcomeAdvance || o.FromStage != "a" || o.ToStage != "b" || o.Timeout || res.Decision.StageID != "a" {
		t.Fatalf("want advance a→b, got %s", canon(t, res.Decision))
	}
	h.src.setJSON("n", "6.0")
	res = must(h.trigger("r", "t3", scenario.TriggerExternalEvent, evidence.AtLogical(4)))
	if res.Decision.Outcome.Kind != scenario.OutcomeComplete || res.Status != scenario.RunCompleted {
		t.Fatalf("want complete, got %s", canon(t, res))
	}
	st := h.state("r")
	if len(st.Decisions) != 3 || st.Decisions[2].DecisionID != "decision-3" || st.Decisions[2].Seq != 3 {
		t.Fatalf("decisions: %s", canon(t, st.Decisions))
	}
	if len(st.Triggers) != 3 || len(st.GateEvals) != 3 || len(st.ToolCalls) != 3 || st.ToolCalls[2].CallID != "call-3" {
		t.Fatalf("logs: %d triggers, %d evals, %d calls", len(st.Triggers), len(st.GateEvals), len(st.ToolCalls))
	}
	if !st.StageEnteredAt.Equal(evidence.AtLogical(3)) {
		t.Fatalf("stage_entered_at = %v", st.StageEnteredAt)
	}
}

func TestTriggerIdempotency(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", "false")
	first := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	calls := h.src.calls
	h.src.setJSON("ok", "true")
	again := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(5)))
	if canon(t, first) != canon(t, again) {
		t.Fatalf("replay differs:\n%s\n%s", canon(t, first), canon(t, again))
	}
	if h.src.calls != calls {
		t.Fatal("a replayed trigger must not query providers")
	}
	st := h.state("r")
	if len(st.Triggers) != 1 || len(st.Decisions) != 1 || len(st.ToolCalls) != 2 {
		t.Fatalf("replay must log a tool call only: %d triggers %d decisions %d calls", len(st.Triggers), len(st.Decisions), len(st.ToolCalls))
	}
	if st.ToolCalls[0].ResponseHash != st.ToolCalls[1].ResponseHash {
		t.Fatal("replay response hash differs")
	}
}

func TestInactiveRunReturnsLastDecision(t *testing.T) {
	spec := twoStage()
	spec.Stages = spec.Stages[:1]
	h := newHarness(t, spec, nil)
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", "true")
	done := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	after := must(h.trigger("r", "t2", scenario.TriggerExternalEvent, evidence.AtLogical(3)))
	if after.Decision.DecisionID != done.Decision.DecisionID || after.Status != scenario.RunCompleted {
		t.Fatalf("got %s", canon(t, after))
	}
	if st := h.state("r"); len(st.Triggers) != 1 || len(st.ToolCalls) != 2 {
		t.Fatalf("inactive trigger must not be recorded: %d triggers", len(st.Triggers))
	}
}

func TestTimeoutPolicies(t *testing.T) {
	build := func(p scenario.TimeoutPolicy, adv scenario.AdvanceTo) *scenario.Spec {
		s := twoStage()
		s.Stages[0].Timeout = &scenario.TimeoutSpec{TimeoutMS: 10, PolicyTags: []string{}}
		s.Stages[0].OnTimeout = p
		s.Stages[0].AdvanceTo = adv
		return s
	}
	def := "b"
	cases := []struct {
		name     string
		policy   scenario.TimeoutPolicy
		adv      scenario.AdvanceTo
		want     string
		wantStat scenario.RunStatus
		wantErr  string
	}{
		{"fail", scenario.TimeoutFail, linear, `{"kind":"fail","reason":"timeout"}`, scenario.RunFailed, ""},
		{"advance_with_flag", scenario.TimeoutAdvanceWithFlag, linear, `{"from_stage":"a","kind":"advance","timeout":true,"to_stage":"b"}`, scenario.RunActive, ""},
		{"advance_with_flag terminal", scenario.TimeoutAdvanceWithFlag, terminal, `{"kind":"complete","stage_id":"a"}`, scenario.RunCompleted, ""},
		{"alternate_branch unknown rule", scenario.TimeoutAlternateBranch, scenario.AdvanceTo{Kind: scenario.AdvanceBranch,
			Branches: []scenario.BranchRule{{GateID: "ga", Outcome: scenario.OutcomeTrue, NextStageID: "a"}, {GateID: "ga", Outcome: scenario.OutcomeUnknown, NextStageID: "b"}}},
			`{"from_stage":"a","kind":"advance","timeout":true,"to_stage":"b"}`, scenario.RunActive, ""},
		{"alternate_branch default", scenario.TimeoutAlternateBranch, scenario.AdvanceTo{Kind: scenario.AdvanceBranch, Default: &def},
			`{"from_stage":"a","kind":"advance","timeout":true,"to_stage":"b"}`, scenario.RunActive, ""},
		{"alternate_branch unmatched", scenario.TimeoutAlternateBranch, scenario.AdvanceTo{Kind: scenario.AdvanceBranch,
			Branches: []scenario.BranchRule{{GateID: "ga", Outcome: scenario.OutcomeTrue, NextStageID: "b"}}}, "", "", "gate resolution failed: no branch matched"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, build(tc.policy, tc.adv), nil)
			must(h.start("r", evidence.AtLogical(100), false))
			// Before the deadline and not a tick: evaluated normally (no evidence → hold).
			res := must(h.trigger("r", "early", scenario.TriggerTick, evidence.AtLogical(109)))
			if res.Decision.Outcome.Kind != scenario.OutcomeHold {
				t.Fatalf("before deadline: %s", canon(t, res.Decision))
			}
			res2 := must(h.trigger("r", "late-event", scenario.TriggerExternalEvent, evidence.AtLogical(200)))
			if res2.Decision.Outcome.Kind != scenario.OutcomeHold {
				t.Fatalf("non-tick after deadline must evaluate normally: %s", canon(t, res2.Decision))
			}
			res, err := h.trigger("r", "tick", scenario.TriggerTick, evidence.AtLogical(110))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || errcode.Of(err) != errcode.FailedPrecondition {
					t.Fatalf("err = %v", err)
				}
				if st := h.state("r"); len(st.Triggers) != 2 || len(st.ToolCalls) != 2 {
					t.Fatalf("failed call must leave no trace: %d triggers %d calls", len(st.Triggers), len(st.ToolCalls))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := canon(t, res.Decision.Outcome); got != tc.want || res.Status != tc.wantStat {
				t.Fatalf("outcome %s status %s, want %s %s", got, res.Status, tc.want, tc.wantStat)
			}
			if st := h.state("r"); len(st.GateEvals) != 2 {
				t.Fatalf("a timeout decision evaluates no gates: %d evals", len(st.GateEvals))
			}
		})
	}
}

func TestTimeoutKindMismatch(t *testing.T) {
	s := twoStage()
	s.Stages[0].Timeout = &scenario.TimeoutSpec{TimeoutMS: 10, PolicyTags: []string{}}
	h := newHarness(t, s, nil)
	must(h.start("r", evidence.AtLogical(1), false))
	_, err := h.trigger("r", "t", scenario.TriggerTick, evidence.AtMillis(1_700_000_000_000))
	if err == nil || !strings.HasPrefix(errcode.Message(err), "trigger time kind mismatch") {
		t.Fatalf("err = %v", err)
	}
}

func TestBranching(t *testing.T) {
	s := twoStage()
	s.Stages = append(s.Stages, stage("c", terminal))
	s.Stages[0].AdvanceTo = scenario.AdvanceTo{Kind: scenario.AdvanceBranch, Branches: []scenario.BranchRule{
		{GateID: "ga", Outcome: scenario.OutcomeFalse, NextStageID: "b"},
		{GateID: "ga", Outcome: scenario.OutcomeTrue, NextStageID: "c"},
	}}
	h := newHarness(t, s, nil)
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", "true")
	res := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	if res.Decision.Outcome.ToStage != "c" {
		t.Fatalf("got %s", canon(t, res.Decision))
	}
}

func TestStatusAndSubmitAreLogged(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	must(h.start("r", evidence.AtLogical(1), false))
	ctx := context.Background()
	req := scenario.StatusRequest{RunID: "r", TenantID: 1, NamespaceID: 1, RequestedAt: evidence.AtLogical(2)}
	status := must(h.eng.Status(ctx, "s", req))
	if status.LastDecision != nil || status.SafeSummary != nil || status.CurrentStageID != "a" {
		t.Fatalf("status %s", canon(t, status))
	}
	sub := scenario.SubmitRequest{RunID: "r", TenantID: 1, NamespaceID: 1, SubmissionID: "x", ContentType: "application/json",
		Payload: scenario.Payload{Kind: scenario.PayloadJSON, JSON: json.RawMessage(`{"b":1,"a":2}`)}, SubmittedAt: evidence.AtLogical(3)}
	first := must(h.eng.Submit(ctx, "s", sub))
	sub.Payload.JSON = json.RawMessage(`{"a":2, "b":1}`)
	same := must(h.eng.Submit(ctx, "s", sub))
	if canon(t, first) != canon(t, same) {
		t.Fatal("resubmitting the same canonical payload must be idempotent")
	}
	sub.Payload.JSON = json.RawMessage(`{"a":3}`)
	if _, err := h.eng.Submit(ctx, "s", sub); errcode.Of(err) != errcode.Conflict || errcode.Message(err) != "submission_id conflict: x" {
		t.Fatalf("err = %v", err)
	}
	st := h.state("r")
	methods := []string{}
	for _, c := range st.ToolCalls {
		methods = append(methods, c.Method)
	}
	if fmt.Sprint(methods) != "[scenario.status scenario.submit scenario.submit scenario.submit]" {
		t.Fatalf("tool calls %v", methods)
	}
	if last := st.ToolCalls[3]; last.Error == nil || last.Error.Code != "submission_conflict" {
		t.Fatalf("conflict must be logged: %s", canon(t, last))
	}
	if len(st.Submissions) != 1 || st.Submissions[0].ContentHash.Value != evidence.HashBytes([]byte(`{"a":2,"b":1}`)).Value {
		t.Fatalf("submissions %s", canon(t, st.Submissions))
	}
	// request/response hashes are the canonical hashes of the core objects.
	if st.ToolCalls[0].RequestHash != must(evidence.HashJSON(&req)) || st.ToolCalls[0].ResponseHash != must(evidence.HashJSON(status)) {
		t.Fatal("status tool-call hashes")
	}
}

func TestProviderMissingIsLoggedAndFails(t *testing.T) {
	s := twoStage()
	s.Conditions[0].Query.ProviderID = "ghost"
	h := newHarness(t, s, nil)
	must(h.start("r", evidence.AtLogical(1), false))
	_, err := h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2))
	if errcode.Of(err) != errcode.FailedPrecondition || !strings.Contains(err.Error(), "ghost") {
		t.Fatalf("err = %v", err)
	}
	st := h.state("r")
	if len(st.Triggers) != 0 || len(st.ToolCalls) != 1 || st.ToolCalls[0].Error.Details.Kind != "provider_missing" {
		t.Fatalf("state %s", canon(t, st))
	}
}

func TestOversizedEvidenceRollsBack(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	must(h.start("r", evidence.AtLogical(1), false))
	h.src.setJSON("ok", `"`+strings.Repeat("x", engine.MaxEvidenceBytes)+`"`)
	_, err := h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2))
	if err == nil || !strings.Contains(err.Error(), "evidence payload exceeds size limit") {
		t.Fatalf("err = %v", err)
	}
	if st := h.state("r"); len(st.Triggers)+len(st.GateEvals)+len(st.Decisions)+len(st.ToolCalls) != 0 {
		t.Fatalf("nothing may be half-written: %s", canon(t, st))
	}
}

func TestProviderErrorIsUnknown(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	must(h.start("r", evidence.AtLogical(1), false))
	res := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
	if res.Decision.Outcome.Kind != scenario.OutcomeHold {
		t.Fatal("a failing provider must hold the run")
	}
	rec := h.state("r").GateEvals[0].Evidence[0]
	if rec.Status != evidence.Unknown || rec.Result.Error.Code != "provider_error" || rec.Result.Error.Message != "evidence provider error: no evidence for ok" {
		t.Fatalf("record %s", canon(t, rec))
	}
}

func TestTrustLanes(t *testing.T) {
	verified, asserted := evidence.Verified, evidence.Asserted
	cases := []struct {
		name      string
		min       evidence.TrustLane
		lane      evidence.TrustLane
		condTrust *evidence.TrustLane
		gateTrust *evidence.TrustLane
		want      evidence.TriState
	}{
		{"verified meets verified", verified, verified, nil, nil, evidence.True},
		{"asserted fails verified", verified, asserted, nil, nil, evidence.Unknown},
		{"asserted meets asserted", asserted, asserted, nil, nil, evidence.True},
		{"condition cannot weaken", verified, asserted, &asserted, nil, evidence.Unknown},
		{"condition tightens", asserted, asserted, &verified, nil, evidence.Unknown},
		{"gate tightens", asserted, asserted, nil, &verified, evidence.Unknown},
		{"gate cannot weaken", verified, asserted, nil, &asserted, evidence.Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := twoStage()
			if tc.condTrust != nil {
				s.Conditions[0].Trust = &evidence.TrustRequirement{MinLane: *tc.condTrust}
			}
			if tc.gateTrust != nil {
				s.Stages[0].Gates[0].Trust = &evidence.TrustRequirement{MinLane: *tc.gateTrust}
			}
			h := newHarness(t, s, &engine.Options{Trust: engine.TrustPolicy{MinLane: tc.min}})
			must(h.start("r", evidence.AtLogical(1), false))
			h.src.set("ok", evidence.Result{Value: evidence.JSONOf(json.RawMessage("true")), Lane: tc.lane})
			must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
			rec := h.state("r").GateEvals[0].Evidence[0]
			if rec.Status != tc.want {
				t.Fatalf("status %v, want %v", rec.Status, tc.want)
			}
			if tc.want == evidence.Unknown && (rec.Result.Error == nil || rec.Result.Error.Code != "trust_lane" ||
				!strings.HasPrefix(rec.Result.Error.Message, "evidence lane Asserted does not satisfy")) {
				t.Fatalf("record %s", canon(t, rec))
			}
		})
	}
}

func TestAnchorPolicy(t *testing.T) {
	req := engine.AnchorRequirement{AnchorType: "assetcore.anchor_set", RequiredFields: []string{"a.commit", "a.seq"}}
	cases := []struct {
		name   string
		anchor *evidence.Anchor
		ok     bool
	}{
		{"valid", &evidence.Anchor{AnchorType: "assetcore.anchor_set", AnchorValue: `{"a.commit":"c1","a.seq":42}`}, true},
		{"missing", nil, false},
		{"wrong type", &evidence.Anchor{AnchorType: "url", AnchorValue: `{"a.commit":"c1","a.seq":42}`}, false},
		{"not object", &evidence.Anchor{AnchorType: "assetcore.anchor_set", AnchorValue: `[1]`}, false},
		{"bool field", &evidence.Anchor{AnchorType: "assetcore.anchor_set", AnchorValue: `{"a.commit":true,"a.seq":42}`}, false},
		{"missing field", &evidence.Anchor{AnchorType: "assetcore.anchor_set", AnchorValue: `{"a.commit":"c"}`}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, twoStage(), &engine.Options{Anchors: map[string]engine.AnchorRequirement{"p": req}})
			must(h.start("r", evidence.AtLogical(1), false))
			h.src.set("ok", evidence.Result{Value: evidence.JSONOf(json.RawMessage("true")), EvidenceAnchor: tc.anchor})
			must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
			rec := h.state("r").GateEvals[0].Evidence[0]
			if tc.ok != (rec.Status == evidence.True) {
				t.Fatalf("record %s", canon(t, rec))
			}
			if !tc.ok && (rec.Result.Error.Code != "anchor_invalid" || rec.Result.Value != nil || rec.Result.EvidenceAnchor != nil) {
				t.Fatalf("anchor failure must replace the result: %s", canon(t, rec))
			}
		})
	}
}

type policyFunc func(engine.DispatchRequest) (bool, error)

func (f policyFunc) Authorize(_ context.Context, r engine.DispatchRequest) (bool, error) { return f(r) }

func withPacket(s *scenario.Spec, stageIdx int) *scenario.Spec {
	s.Stages[stageIdx].EntryPackets = []scenario.PacketSpec{{PacketID: fmt.Sprintf("pk%d", stageIdx), SchemaID: "x",
		ContentType: "application/json", VisibilityLabels: []string{"secret"}, PolicyTags: []string{},
		Payload: scenario.Payload{Kind: scenario.PayloadJSON, JSON: json.RawMessage(`{"hello":"world"}`)}}}
	return s
}

func TestDispatchPolicy(t *testing.T) {
	agent := scenario.DispatchTarget{Kind: "agent", AgentID: "ag"}
	deny := policyFunc(func(r engine.DispatchRequest) (bool, error) {
		return !contains(r.Envelope.Visibility.Labels, "secret"), nil
	})
	t.Run("deny at start fails the call", func(t *testing.T) {
		h := newHarness(t, withPacket(twoStage(), 0), &engine.Options{Dispatch: deny})
		_, err := h.start("r", evidence.AtLogical(1), true, agent)
		if err == nil || errcode.Message(err) != "policy denied disclosure" {
			t.Fatalf("err = %v", err)
		}
		if _, err := h.eng.Run(context.Background(), scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r"}); errcode.Of(err) != errcode.NotFound {
			t.Fatal("a denied start must save nothing")
		}
	})
	t.Run("deny on advance fails the run", func(t *testing.T) {
		h := newHarness(t, withPacket(twoStage(), 1), &engine.Options{Dispatch: deny})
		must(h.start("r", evidence.AtLogical(1), true, agent))
		h.src.setJSON("ok", "true")
		res := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
		if got := canon(t, res.Decision.Outcome); got != `{"kind":"fail","reason":"policy denied disclosure"}` || res.Status != scenario.RunFailed {
			t.Fatalf("got %s %s", got, res.Status)
		}
	})
	t.Run("error on advance", func(t *testing.T) {
		h := newHarness(t, withPacket(twoStage(), 1), &engine.Options{Dispatch: policyFunc(func(engine.DispatchRequest) (bool, error) {
			return false, errors.New("rules unavailable")
		})})
		must(h.start("r", evidence.AtLogical(1), false, agent))
		h.src.setJSON("ok", "true")
		res := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
		if res.Decision.Outcome.Reason != "policy decision error: rules unavailable" {
			t.Fatalf("got %s", canon(t, res.Decision))
		}
	})
	t.Run("permit issues receipts", func(t *testing.T) {
		h := newHarness(t, withPacket(twoStage(), 1), nil)
		must(h.start("r", evidence.AtLogical(1), false, agent, scenario.DispatchTarget{Kind: "channel", Channel: "ops"}))
		h.src.setJSON("ok", "true")
		res := must(h.trigger("r", "t1", scenario.TriggerExternalEvent, evidence.AtLogical(2)))
		if len(res.Packets) != 1 || len(res.Packets[0].Receipts) != 2 || res.Packets[0].DecisionID != "decision-1" {
			t.Fatalf("packets %s", canon(t, res.Packets))
		}
		r := res.Packets[0].Receipts[0]
		if r.DispatchID != "mcp-pk1" || r.ReceiptHash != must(evidence.HashJSON(res.Packets[0].Envelope)) {
			t.Fatalf("receipt %s", canon(t, r))
		}
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestStartErrors(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	must(h.start("r", evidence.AtLogical(1), false))
	if _, err := h.start("r", evidence.AtLogical(1), false); errcode.Message(err) != "run already exists: r" {
		t.Fatalf("err = %v", err)
	}
	_, err := h.eng.Start(context.Background(), scenario.RunConfig{TenantID: 1, NamespaceID: 2, RunID: "x", ScenarioID: "s"}, evidence.AtLogical(1), false)
	if errcode.Message(err) != "namespace mismatch for run: 2" {
		t.Fatalf("err = %v", err)
	}
	if _, err := h.eng.Define(context.Background(), twoStage()); errcode.Of(err) != errcode.AlreadyExists {
		t.Fatalf("define twice: %v", err)
	}
	if _, err := h.trigger("nope", "t", scenario.TriggerExternalEvent, evidence.AtLogical(1)); errcode.Message(err) != "run not found: nope" {
		t.Fatalf("err = %v", err)
	}
}

// TestConcurrentRunsAreDeterministic runs the same flow on many engines at
// once, each with its own store; every run state must be byte-identical.
func TestConcurrentRunsAreDeterministic(t *testing.T) {
	const n = 16
	states := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			h := newHarness(t, twoStage(), nil)
			h.src.setJSON("ok", "true")
			h.src.setJSON("n", "7")
			if _, err := h.start("r", evidence.AtLogical(1), false); err != nil {
				t.Error(err)
				return
			}
			for j, trig := range []string{"t1", "t2", "t2"} {
				if _, err := h.trigger("r", trig, scenario.TriggerExternalEvent, evidence.AtLogical(uint64(2+j))); err != nil {
					t.Error(err)
				}
			}
			states[i] = canon(t, h.state("r"))
		}(i)
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if states[i] != states[0] {
			t.Fatalf("engine %d produced a different state", i)
		}
	}
}

// TestConcurrentTriggersOnOneRun sends the same trigger id from many
// goroutines: exactly one decision is made and every caller sees it.
func TestConcurrentTriggersOnOneRun(t *testing.T) {
	h := newHarness(t, twoStage(), nil)
	h.src.setJSON("ok", "false")
	must(h.start("r", evidence.AtLogical(1), false))
	const n = 16
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := h.trigger("r", "same", scenario.TriggerExternalEvent, evidence.AtLogical(2))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = res.Decision.DecisionID
		}(i)
	}
	wg.Wait()
	st := h.state("r")
	if len(st.Decisions) != 1 || len(st.ToolCalls) != n {
		t.Fatalf("%d decisions, %d tool calls", len(st.Decisions), len(st.ToolCalls))
	}
	for _, id := range ids {
		if id != "decision-1" {
			t.Fatalf("caller saw %s", id)
		}
	}
}
