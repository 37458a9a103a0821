package mcp_test

import (
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/mcp"
)

func envQuery() map[string]any {
	return map[string]any{"query": map[string]any{"provider_id": "env", "check_id": "get", "params": map[string]any{"key": "DEPLOY_ENV"}}, "context": evCtx()}
}

// TestEvidenceRedaction: raw values leave the server only with
// allow_raw_values and, by default, the provider's opt-in; the hash and
// anchor are always kept.
func TestEvidenceRedaction(t *testing.T) {
	cases := []struct {
		name   string
		policy mcp.DisclosurePolicy
		raw    bool
	}{
		{"default redacts", mcp.DisclosurePolicy{RequireProviderOptIn: true}, false},
		{"allowed but no opt-in", mcp.DisclosurePolicy{AllowRawValues: true, RequireProviderOptIn: true}, false},
		{"allowed with opt-in", mcp.DisclosurePolicy{AllowRawValues: true, RequireProviderOptIn: true, ProviderAllowRaw: map[string]bool{"env": true}}, true},
		{"allowed without opt-in requirement", mcp.DisclosurePolicy{AllowRawValues: true}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, setup{opts: func(o *mcp.Options) { o.Disclosure = tc.policy }})
			res := e.mustCall("evidence_query", envQuery())["result"].(map[string]any)
			if (res["value"] != nil) != tc.raw || (res["content_type"] != nil) != tc.raw {
				t.Fatalf("result %v", res)
			}
			if res["evidence_hash"] == nil || res["evidence_anchor"] == nil {
				t.Fatalf("hash and anchor must be kept: %v", res)
			}
		})
	}
}

func nextArgs(run, trig string, feedback any) map[string]any {
	args := map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": run, "tenant_id": 1, "namespace_id": 1,
		"trigger_id": trig, "agent_id": "a", "time": ts(2), "correlation_id": nil}}
	if feedback != nil {
		args["feedback"] = feedback
	}
	return args
}

// TestFeedbackLevels covers the default per auth method, the cap, and a
// denied request.
func TestFeedbackLevels(t *testing.T) {
	e := newEnv(t, setup{opts: func(o *mcp.Options) {
		o.Feedback = mcp.DefaultFeedbackPolicy()
		o.Feedback.Max = mcp.FeedbackEvidence
	}})
	e.mustCall("scenario_define", map[string]any{"spec": exampleSpec(t)})
	for _, run := range []string{"r1", "r2", "r3"} {
		e.mustCall("scenario_start", startArgs("s1", run))
	}
	// A loopback caller gets trace by default.
	out := e.mustCall("scenario_next", nextArgs("r1", "t", nil))
	fb := out["feedback"].(map[string]any)
	if fb["level"] != "trace" || fb["gate_evaluations"] == nil || fb["gate_records"] != nil {
		t.Fatalf("default feedback %v", fb)
	}
	// Evidence is not granted to loopback: falls back with a reason.
	out = e.mustCall("scenario_next", nextArgs("r2", "t", "evidence"))
	fb = out["feedback"].(map[string]any)
	if fb["level"] != "trace" || !strings.Contains(fb["denied_reason"].(string), "requested=evidence, allowed=trace") {
		t.Fatalf("denied feedback %v", fb)
	}
	// Asking for summary emits feedback with only the level.
	out = e.mustCall("scenario_next", nextArgs("r3", "t", "summary"))
	if fb = out["feedback"].(map[string]any); fb["level"] != "summary" || len(fb) != 1 {
		t.Fatalf("summary feedback %v", fb)
	}
}

// TestEvidenceFeedbackRedacted: evidence-level feedback still redacts raw
// values without disclosure rights.
func TestEvidenceFeedbackRedacted(t *testing.T) {
	e := newEnv(t, setup{opts: func(o *mcp.Options) {
		o.Feedback = mcp.DefaultFeedbackPolicy()
		o.Feedback.Max = mcp.FeedbackEvidence
		o.Feedback.EvidenceSubjects = []string{"loopback"}
	}})
	e.mustCall("scenario_define", map[string]any{"spec": exampleSpec(t)})
	e.mustCall("scenario_start", startArgs("s1", "r1"))
	out := e.mustCall("scenario_next", nextArgs("r1", "t", "evidence"))
	rec := out["feedback"].(map[string]any)["gate_records"].([]any)[0].(map[string]any)
	res := rec["evidence"].([]any)[0].(map[string]any)["result"].(map[string]any)
	if res["value"] != nil || res["evidence_hash"] == nil {
		t.Fatalf("evidence feedback must be redacted: %v", res)
	}
}

// TestNamespaceRules: namespace 1 needs allow_default and a listed tenant.
func TestNamespaceRules(t *testing.T) {
	cases := []struct {
		name   string
		policy mcp.NamespacePolicy
		ok     bool
	}{
		{"default namespace refused", mcp.NamespacePolicy{}, false},
		{"tenant not listed", mcp.NamespacePolicy{AllowDefault: true, DefaultTenants: []evidence.TenantID{7}}, false},
		{"allowed", mcp.NamespacePolicy{AllowDefault: true, DefaultTenants: []evidence.TenantID{1}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, setup{opts: func(o *mcp.Options) { o.Namespace = tc.policy }})
			status, _, errObj := e.call("scenario_define", map[string]any{"spec": exampleSpec(t)})
			if tc.ok != (errObj == nil) || (!tc.ok && (status != 403 || errObj["code"] != float64(-32003))) {
				t.Fatalf("status %d error %v", status, errObj)
			}
		})
	}
	// A spec in namespace 1 without default_tenant_id has no tenant.
	e := newEnv(t, setup{})
	spec := exampleSpec(t)
	delete(spec, "default_tenant_id")
	if _, _, errObj := e.call("scenario_define", map[string]any{"spec": spec}); errObj == nil || errObj["code"] != float64(-32003) {
		t.Fatalf("namespace 1 without a tenant: %v", errObj)
	}
}

// TestPrecheckDoesNotMutate: precheck leaves run state byte-identical and
// holds under the verified lane (asserted evidence).
func TestPrecheckDoesNotMutate(t *testing.T) {
	e := newEnv(t, setup{})
	e.mustCall("scenario_define", map[string]any{"spec": exampleSpec(t)})
	e.mustCall("scenario_start", startArgs("s1", "r1"))
	shape := map[string]any{"type": "object", "properties": map[string]any{"prod": map[string]any{"type": "string"}}}
	e.mustCall("schemas_register", map[string]any{"record": map[string]any{"tenant_id": 1, "namespace_id": 1, "schema_id": "shape",
		"version": "v1", "schema": shape, "description": nil, "created_at": ts(1)}})
	statusArgs := map[string]any{"scenario_id": "s1", "request": map[string]any{"run_id": "r1", "tenant_id": 1, "namespace_id": 1, "requested_at": ts(2), "correlation_id": nil}}
	before := e.mustCall("scenario_status", statusArgs)
	out := e.mustCall("precheck", map[string]any{"tenant_id": 1, "namespace_id": 1, "scenario_id": "s1",
		"data_shape": map[string]any{"schema_id": "shape", "version": "v1"}, "payload": map[string]any{"prod": "production"}})
	dec := out["decision"].(map[string]any)
	if dec["kind"] != "hold" {
		t.Fatalf("asserted evidence must not pass a verified gate: %v", out)
	}
	after := e.mustCall("scenario_status", statusArgs)
	if before["status"] != after["status"] || after["last_decision"] != nil {
		t.Fatalf("precheck changed the run: %v → %v", before, after)
	}
	if _, _, errObj := e.call("precheck", map[string]any{"tenant_id": 1, "namespace_id": 1, "scenario_id": "s1",
		"data_shape": map[string]any{"schema_id": "shape", "version": "v1"}, "payload": map[string]any{"prod": 5}}); errObj == nil ||
		!strings.Contains(errObj["message"].(string), "payload does not match schema") {
		t.Fatalf("invalid payload: %v", errObj)
	}
}
