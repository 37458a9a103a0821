package policy_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/policy"
	"github.com/decision-gate/dgw/host/scenario"
)

var (
	agentA1    = scenario.DispatchTarget{Kind: "agent", AgentID: "a1"}
	sessionS1  = scenario.DispatchTarget{Kind: "session", SessionID: "s1"}
	channelOps = scenario.DispatchTarget{Kind: "channel", Channel: "ops"}
	externalGH = scenario.DispatchTarget{Kind: "external", System: "github", Target: "org/repo"}
)

// envelope is the packet every matching case is evaluated against.
func envelope() *scenario.PacketEnvelope {
	return &scenario.PacketEnvelope{
		ScenarioID: "scn", RunID: "run", StageID: "stg", PacketID: "pkt", SchemaID: "sch",
		ContentType: "application/json",
		Visibility:  scenario.Visibility{Labels: []string{"public", "internal"}, PolicyTags: []string{"pii"}},
	}
}

func request(t scenario.DispatchTarget) engine.DispatchRequest {
	env := envelope()
	return engine.DispatchRequest{ScenarioID: env.ScenarioID, StageID: env.StageID, Envelope: env, Target: t}
}

func mustStatic(t testing.TB, cfg policy.Static) *policy.Static {
	t.Helper()
	st, err := policy.NewStatic(cfg)
	if err != nil {
		t.Fatalf("NewStatic: %v", err)
	}
	return st
}

func authorize(t testing.TB, st *policy.Static, req engine.DispatchRequest) (bool, error) {
	t.Helper()
	return st.Authorize(context.Background(), req)
}

// TestStatic_criteria checks each criterion alone: a permit rule over a deny
// default, so the decision is true exactly when the rule matches.
func TestStatic_criteria(t *testing.T) {
	tests := []struct {
		name   string
		rule   policy.Rule
		target scenario.DispatchTarget
		match  bool
	}{
		{"target_kinds match", policy.Rule{TargetKinds: []string{"channel", "agent"}}, agentA1, true},
		{"target_kinds no match", policy.Rule{TargetKinds: []string{"channel"}}, agentA1, false},
		{"targets agent id", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "agent", TargetID: new("a1")}}}, agentA1, true},
		{"targets agent other id", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "agent", TargetID: new("a2")}}}, agentA1, false},
		{"targets agent wildcard", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "agent"}}}, agentA1, true},
		{"targets wrong kind same id", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "session", TargetID: new("a1")}}}, agentA1, false},
		{"targets any of several", policy.Rule{Targets: []policy.TargetSelector{
			{TargetKind: "channel", TargetID: new("ops")}, {TargetKind: "agent", TargetID: new("a1")}}}, agentA1, true},
		{"targets session id", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "session", TargetID: new("s1")}}}, sessionS1, true},
		{"targets session other id", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "session", TargetID: new("s2")}}}, sessionS1, false},
		{"targets channel id", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "channel", TargetID: new("ops")}}}, channelOps, true},
		{"targets channel other id", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "channel", TargetID: new("dev")}}}, channelOps, false},
		{"targets external system", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "external", System: new("github")}}}, externalGH, true},
		{"targets external other system", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "external", System: new("gitlab")}}}, externalGH, false},
		{"targets external target", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "external", Target: new("org/repo")}}}, externalGH, true},
		{"targets external other target", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "external", Target: new("org/other")}}}, externalGH, false},
		{"targets external both", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "external", System: new("github"), Target: new("org/repo")}}}, externalGH, true},
		{"targets external both one wrong", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "external", System: new("github"), Target: new("x")}}}, externalGH, false},
		{"targets external selector vs agent", policy.Rule{Targets: []policy.TargetSelector{{TargetKind: "external", System: new("a1")}}}, agentA1, false},
		{"require_labels all present", policy.Rule{RequireLabels: []string{"public", "internal"}}, agentA1, true},
		{"require_labels one missing", policy.Rule{RequireLabels: []string{"public", "secret"}}, agentA1, false},
		{"require_labels case-sensitive", policy.Rule{RequireLabels: []string{"Public"}}, agentA1, false},
		{"forbid_labels absent", policy.Rule{ForbidLabels: []string{"secret"}}, agentA1, true},
		{"forbid_labels present", policy.Rule{ForbidLabels: []string{"secret", "internal"}}, agentA1, false},
		{"require_policy_tags present", policy.Rule{RequirePolicyTags: []string{"pii"}}, agentA1, true},
		{"require_policy_tags missing", policy.Rule{RequirePolicyTags: []string{"pii", "gdpr"}}, agentA1, false},
		{"require_policy_tags not labels", policy.Rule{RequirePolicyTags: []string{"public"}}, agentA1, false},
		{"forbid_policy_tags absent", policy.Rule{ForbidPolicyTags: []string{"gdpr"}}, agentA1, true},
		{"forbid_policy_tags present", policy.Rule{ForbidPolicyTags: []string{"pii"}}, agentA1, false},
		{"content_types listed", policy.Rule{ContentTypes: []string{"text/plain", "application/json"}}, agentA1, true},
		{"content_types not listed", policy.Rule{ContentTypes: []string{"text/plain"}}, agentA1, false},
		{"schema_ids listed", policy.Rule{SchemaIDs: []string{"sch"}}, agentA1, true},
		{"schema_ids not listed", policy.Rule{SchemaIDs: []string{"other"}}, agentA1, false},
		{"packet_ids listed", policy.Rule{PacketIDs: []string{"pkt"}}, agentA1, true},
		{"packet_ids not listed", policy.Rule{PacketIDs: []string{"pk"}}, agentA1, false},
		{"stage_ids listed", policy.Rule{StageIDs: []string{"stg"}}, agentA1, true},
		{"stage_ids not listed", policy.Rule{StageIDs: []string{"other"}}, agentA1, false},
		{"scenario_ids listed", policy.Rule{ScenarioIDs: []string{"scn"}}, agentA1, true},
		{"scenario_ids not listed", policy.Rule{ScenarioIDs: []string{"other"}}, agentA1, false},
		{"all criteria hold", policy.Rule{TargetKinds: []string{"agent"}, RequireLabels: []string{"public"},
			ForbidLabels: []string{"secret"}, SchemaIDs: []string{"sch"}, StageIDs: []string{"stg"}}, agentA1, true},
		{"one criterion of many fails", policy.Rule{TargetKinds: []string{"agent"}, RequireLabels: []string{"public"},
			ForbidLabels: []string{"secret"}, SchemaIDs: []string{"sch"}, StageIDs: []string{"other"}}, agentA1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.rule.Effect = policy.EffectPermit
			st := mustStatic(t, policy.Static{Default: policy.EffectDeny, Rules: []policy.Rule{tc.rule}})
			req := request(tc.target)
			before := envelope()
			ok, err := authorize(t, st, req)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.match {
				t.Fatalf("permitted = %v, want %v", ok, tc.match)
			}
			if !reflect.DeepEqual(req.Envelope, before) {
				t.Fatal("Authorize mutated the envelope")
			}
			// The same rule with effect deny over a permit default inverts.
			tc.rule.Effect = policy.EffectDeny
			inv := mustStatic(t, policy.Static{Default: policy.EffectPermit, Rules: []policy.Rule{tc.rule}})
			if ok, _ := authorize(t, inv, req); ok == tc.match {
				t.Fatalf("deny rule: permitted = %v, want %v", ok, !tc.match)
			}
		})
	}
}

// TestStatic_emptyEnvelopeLists checks the list criteria against an envelope
// without labels or tags: forbid lists match, require lists do not.
func TestStatic_emptyEnvelopeLists(t *testing.T) {
	req := request(agentA1)
	req.Envelope.Visibility = scenario.Visibility{}
	for _, tc := range []struct {
		rule  policy.Rule
		match bool
	}{
		{policy.Rule{ForbidLabels: []string{"x"}}, true},
		{policy.Rule{ForbidPolicyTags: []string{"x"}}, true},
		{policy.Rule{RequireLabels: []string{"x"}}, false},
		{policy.Rule{RequirePolicyTags: []string{"x"}}, false},
	} {
		tc.rule.Effect = policy.EffectPermit
		st := mustStatic(t, policy.Static{Rules: []policy.Rule{tc.rule}})
		if ok, err := authorize(t, st, req); err != nil || ok != tc.match {
			t.Errorf("%+v: got (%v, %v), want %v", tc.rule, ok, err, tc.match)
		}
	}
}

func TestStatic_firstMatchWins(t *testing.T) {
	deny := policy.Rule{Effect: policy.EffectDeny, RequireLabels: []string{"public"}}
	permit := policy.Rule{Effect: policy.EffectPermit, TargetKinds: []string{"agent"}}
	fail := policy.Rule{Effect: policy.EffectError, ErrorMessage: "rules unavailable", SchemaIDs: []string{"sch"}}
	skipped := policy.Rule{Effect: policy.EffectError, ErrorMessage: "never", SchemaIDs: []string{"nope"}}
	tests := []struct {
		name    string
		rules   []policy.Rule
		want    bool
		wantErr string
	}{
		{"deny first", []policy.Rule{deny, permit, fail}, false, ""},
		{"permit first", []policy.Rule{permit, deny, fail}, true, ""},
		{"error first", []policy.Rule{fail, permit}, false, "rules unavailable"},
		{"non-matching rule skipped", []policy.Rule{skipped, permit}, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := mustStatic(t, policy.Static{Default: policy.EffectDeny, Rules: tc.rules})
			ok, err := authorize(t, st, request(agentA1))
			if tc.wantErr != "" {
				if err == nil || errcode.Message(err) != tc.wantErr || errcode.Of(err) != errcode.FailedPrecondition {
					t.Fatalf("err = %v (code %s), want message %q", err, errcode.Of(err), tc.wantErr)
				}
				if ok {
					t.Fatal("an error effect must not permit")
				}
				return
			}
			if err != nil || ok != tc.want {
				t.Fatalf("got (%v, %v), want %v", ok, err, tc.want)
			}
		})
	}
}

func TestStatic_default(t *testing.T) {
	unmatched := policy.Rule{Effect: policy.EffectPermit, PacketIDs: []string{"other"}}
	tests := []struct {
		name string
		cfg  policy.Static
		want bool
	}{
		{"permit default, no rules", policy.Static{Default: policy.EffectPermit}, true},
		{"deny default, no rules", policy.Static{Default: policy.EffectDeny}, false},
		{"empty default is deny", policy.Static{}, false},
		{"permit default, no rule matches", policy.Static{Default: policy.EffectPermit, Rules: []policy.Rule{unmatched}}, true},
		{"deny default, no rule matches", policy.Static{Default: policy.EffectDeny, Rules: []policy.Rule{unmatched}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := mustStatic(t, tc.cfg)
			for _, target := range []scenario.DispatchTarget{agentA1, sessionS1, channelOps, externalGH} {
				if ok, err := authorize(t, st, request(target)); err != nil || ok != tc.want {
					t.Fatalf("%s: got (%v, %v), want %v", target.Kind, ok, err, tc.want)
				}
			}
		})
	}
	t.Run("zero value denies", func(t *testing.T) {
		if ok, err := authorize(t, &policy.Static{}, request(agentA1)); ok || err != nil {
			t.Fatalf("got (%v, %v)", ok, err)
		}
	})
	t.Run("default recorded", func(t *testing.T) {
		if st := mustStatic(t, policy.Static{}); st.Default != policy.EffectDeny {
			t.Fatalf("Default = %q", st.Default)
		}
	})
}

func TestStatic_nilEnvelopeFailsClosed(t *testing.T) {
	st := mustStatic(t, policy.Static{Default: policy.EffectPermit})
	ok, err := authorize(t, st, engine.DispatchRequest{Target: agentA1})
	if ok || errcode.Of(err) != errcode.Internal {
		t.Fatalf("got (%v, %v)", ok, err)
	}
}

func TestNewStatic_validation(t *testing.T) {
	labels := []string{"x"}
	tests := []struct {
		name string
		cfg  policy.Static
		want []string // substrings of the error; nil means valid
	}{
		{"empty", policy.Static{}, nil},
		{"explicit permit default", policy.Static{Default: policy.EffectPermit}, nil},
		{"error default", policy.Static{Default: policy.EffectError}, []string{"default: must be permit or deny"}},
		{"unknown default", policy.Static{Default: "allow"}, []string{`default: unknown effect "allow"`}},
		{"unknown effect", policy.Static{Rules: []policy.Rule{{Effect: "allow", RequireLabels: labels}}},
			[]string{`rules[0]: unknown effect "allow"`}},
		{"missing effect", policy.Static{Rules: []policy.Rule{{RequireLabels: labels}}}, []string{`rules[0]: unknown effect ""`}},
		{"no criterion", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectPermit}}},
			[]string{"rules[0]: rule must set at least one match criterion"}},
		{"empty lists are no criterion", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{}, RequireLabels: []string{}}}},
			[]string{"rules[0]: rule must set at least one match criterion"}},
		{"error without message", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectError, RequireLabels: labels}}},
			[]string{"rules[0]: error effect requires error_message"}},
		{"error with message", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectError, ErrorMessage: "m", RequireLabels: labels}}}, nil},
		{"unknown target kind", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, TargetKinds: []string{"agent", "robot"}}}},
			[]string{`rules[0].target_kinds[1]: unknown target kind "robot"`}},
		{"selector unknown kind", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{{TargetKind: "Agent"}}}}},
			[]string{`rules[0].targets[0]: unknown target kind "Agent"`}},
		{"external with target_id", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{
			{TargetKind: "external", System: new("gh"), TargetID: new("x")}}}}},
			[]string{"rules[0].targets[0]: external selector must not set target_id"}},
		{"external without system or target", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{
			{TargetKind: "external"}}}}},
			[]string{"rules[0].targets[0]: external selector requires system or target"}},
		{"external target only", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{
			{TargetKind: "external", Target: new("t")}}}}}, nil},
		{"agent with system", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{
			{TargetKind: "agent", System: new("gh")}}}}},
			[]string{"rules[0].targets[0]: agent selector may set only target_id"}},
		{"channel with target", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{
			{TargetKind: "channel", TargetID: new("c"), Target: new("t")}}}}},
			[]string{"rules[0].targets[0]: channel selector may set only target_id"}},
		{"session wildcard", policy.Static{Rules: []policy.Rule{{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{
			{TargetKind: "session"}}}}}, nil},
		{"every problem reported", policy.Static{Default: policy.EffectError, Rules: []policy.Rule{
			{Effect: policy.EffectPermit, RequireLabels: labels},
			{Effect: policy.EffectError},
			{Effect: policy.EffectDeny, Targets: []policy.TargetSelector{{TargetKind: "session", TargetID: new("s")}, {TargetKind: "external", TargetID: new("x"), System: new("y")}}},
		}}, []string{"default:", "rules[1]: error effect requires error_message", "rules[1]: rule must set at least one",
			"rules[2].targets[1]: external selector must not set target_id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := policy.NewStatic(tc.cfg)
			if tc.want == nil {
				if err != nil || st == nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			if st != nil {
				t.Fatal("a failed NewStatic must return nil")
			}
			if errcode.Of(err) != errcode.InvalidArgument {
				t.Fatalf("code = %s", errcode.Of(err))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestNewStatic_copies checks that NewStatic neither mutates its input nor
// keeps aliases to it.
func TestNewStatic_copies(t *testing.T) {
	cfg := policy.Static{Rules: []policy.Rule{{
		Effect: policy.EffectPermit, RequireLabels: []string{"public"},
		Targets: []policy.TargetSelector{{TargetKind: "agent", TargetID: new("a1")}},
	}}}
	want := policy.Static{Rules: []policy.Rule{{
		Effect: policy.EffectPermit, RequireLabels: []string{"public"},
		Targets: []policy.TargetSelector{{TargetKind: "agent", TargetID: new("a1")}},
	}}}
	st := mustStatic(t, cfg)
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("input mutated: %+v", cfg)
	}
	cfg.Rules[0].Effect = policy.EffectDeny
	cfg.Rules[0].RequireLabels[0] = "secret"
	*cfg.Rules[0].Targets[0].TargetID = "a2"
	if ok, err := authorize(t, st, request(agentA1)); !ok || err != nil {
		t.Fatalf("policy changed with its input: (%v, %v)", ok, err)
	}
}

func TestStatic_concurrent(t *testing.T) {
	st := mustStatic(t, policy.Static{Default: policy.EffectPermit, Rules: []policy.Rule{
		{Effect: policy.EffectDeny, TargetKinds: []string{"channel"}},
	}})
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			target := agentA1
			if i%2 == 1 {
				target = channelOps
			}
			for range 200 {
				if ok, _ := authorize(t, st, request(target)); ok != (i%2 == 0) {
					t.Errorf("goroutine %d: wrong decision", i)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNew(t *testing.T) {
	valid := &policy.Static{Default: policy.EffectPermit}
	tests := []struct {
		name     string
		engine   policy.Engine
		static   *policy.Static
		want     bool // decision for agentA1
		wantType any
		wantErr  bool
	}{
		{"default is permit_all", "", nil, true, policy.PermitAll{}, false},
		{"permit_all", policy.EnginePermitAll, nil, true, policy.PermitAll{}, false},
		{"deny_all", policy.EngineDenyAll, nil, false, policy.DenyAll{}, false},
		{"static", policy.EngineStatic, valid, true, (*policy.Static)(nil), false},
		{"static without rules table", policy.EngineStatic, nil, false, nil, true},
		{"permit_all with static", policy.EnginePermitAll, valid, false, nil, true},
		{"deny_all with static", policy.EngineDenyAll, valid, false, nil, true},
		{"invalid static", policy.EngineStatic, &policy.Static{Default: policy.EffectError}, false, nil, true},
		{"unknown engine", "opa", nil, false, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.New(tc.engine, tc.static)
			if tc.wantErr {
				if err == nil || errcode.Of(err) != errcode.InvalidArgument || p != nil {
					t.Fatalf("got (%v, %v), want an InvalidArgument error and a nil policy", p, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if reflect.TypeOf(p) != reflect.TypeOf(tc.wantType) {
				t.Fatalf("type %T, want %T", p, tc.wantType)
			}
			if ok, err := p.Authorize(context.Background(), request(agentA1)); ok != tc.want || err != nil {
				t.Fatalf("got (%v, %v), want %v", ok, err, tc.want)
			}
		})
	}
}

// TestErrorEffect_unwraps checks the error effect's error against errors.As
// so callers can still reach the code through wrapping.
func TestErrorEffect_unwraps(t *testing.T) {
	st := mustStatic(t, policy.Static{Rules: []policy.Rule{{Effect: policy.EffectError, ErrorMessage: "boom", TargetKinds: []string{"agent"}}}})
	_, err := authorize(t, st, request(agentA1))
	var ce *errcode.Error
	if !errors.As(err, &ce) || ce.Code != errcode.FailedPrecondition || err.Error() != "policy: boom" {
		t.Fatalf("err = %#v", err)
	}
}
