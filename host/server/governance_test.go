package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/server"
)

// gateSpec is a one-stage scenario whose single gate needs condition c1:
// provider.check(params) == expected, pinned to tenant.
func gateSpec(id, provider, check string, params map[string]any, expected any, tenant int) map[string]any {
	spec := map[string]any{
		"scenario_id": id, "namespace_id": 1, "spec_version": "1", "policies": []any{}, "schemas": []any{},
		"conditions": []any{map[string]any{"condition_id": "c1", "comparator": "equals", "expected": expected, "policy_tags": []any{},
			"query": map[string]any{"provider_id": provider, "check_id": check, "params": params}}},
		"stages": []any{map[string]any{"stage_id": "s1", "entry_packets": []any{}, "on_timeout": "fail", "timeout": nil,
			"advance_to": map[string]any{"kind": "terminal"},
			"gates":      []any{map[string]any{"gate_id": "g1", "requirement": map[string]any{"Condition": "c1"}}}}},
	}
	spec["default_tenant_id"] = tenant
	return spec
}

// runOnce defines spec, starts run and triggers it once; it returns the
// trigger result and the run's latest evidence record.
func (r *running) runOnce(spec map[string]any, run string) (map[string]any, map[string]any) {
	r.t.Helper()
	r.defineAndStart(spec, run)
	return r.triggerOnce(spec["scenario_id"], run, "t1")
}

func (r *running) defineAndStart(spec map[string]any, run string) {
	r.t.Helper()
	sid := spec["scenario_id"]
	r.mustCall("scenario_define", map[string]any{"spec": spec})
	r.mustCall("scenario_start", map[string]any{"scenario_id": sid, "run_config": map[string]any{"tenant_id": 1,
		"namespace_id": 1, "run_id": run, "scenario_id": sid, "dispatch_targets": []any{}, "policy_tags": []any{}},
		"started_at": ts(1), "issue_entry_packets": false})
}

func (r *running) triggerOnce(sid any, run, trigger string) (map[string]any, map[string]any) {
	r.t.Helper()
	res := r.mustCall("scenario_trigger", map[string]any{"scenario_id": sid, "trigger": map[string]any{"trigger_id": trigger,
		"tenant_id": 1, "namespace_id": 1, "run_id": run, "kind": "external_event", "time": ts(2),
		"source_id": "test", "payload": nil, "correlation_id": nil}})
	st, err := r.srv.Engine().Run(context.Background(), scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: run})
	if err != nil {
		r.t.Fatal(err)
	}
	var rec map[string]any
	b, _ := json.Marshal(st.GateEvals[len(st.GateEvals)-1].Evidence[0])
	json.Unmarshal(b, &rec)
	return res, rec
}

func errorCode(rec map[string]any) string {
	e, _ := rec["result"].(map[string]any)["error"].(map[string]any)
	if e == nil {
		return ""
	}
	return e["code"].(string)
}

// TestProviderPolicyEnforced: a denied check is refused at define, and a
// deny added after define (the server restarted with a new policy over
// the same store) makes the next evaluation Unknown with policy_denied,
// without querying the provider; evidence_query answers policy_denied.
func TestProviderPolicyEnforced(t *testing.T) {
	stores := fmt.Sprintf("\n[run_state_store]\ntype = \"sqlite\"\npath = %q\n", filepath.Join(t.TempDir(), "dg.db"))
	r := start(t, baseConfig(t.TempDir())+stores)
	r.defineAndStart(gateSpec("later-denied", "env", "get", map[string]any{"key": "DEPLOY_ENV"}, "production", 1), "r1")
	r.srv.Close()

	r = start(t, baseConfig(t.TempDir())+stores+`
[provider_policy]
version = "2026-11-22.1"
[[provider_policy.rules]]
effect = "deny"
providers = ["time"]
checks = ["before"]
[[provider_policy.rules]]
effect = "deny"
providers = ["env"]
checks = ["get"]
tenants = [1]
`)
	_, errObj := r.call("scenario_define", map[string]any{"spec": gateSpec("denied", "time", "before", map[string]any{"timestamp": 0}, true, 1)})
	if errObj == nil || !strings.Contains(errObj["message"].(string), "policy_denied: condition c1 uses time.before") {
		t.Fatalf("define of a denied check: %v", errObj)
	}
	res, rec := r.triggerOnce("later-denied", "r1", "t1")
	if kind := res["decision"].(map[string]any)["outcome"].(map[string]any)["kind"]; kind != "hold" {
		t.Fatalf("decision %v", res)
	}
	if rec["status"] != "Unknown" || errorCode(rec) != "policy_denied" {
		t.Fatalf("evidence %v", rec)
	}
	st, _ := r.srv.Engine().Run(context.Background(), scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r1"})
	if p := st.ProvenanceFor("decision-1"); p == nil || p.PolicyVersion != "2026-11-22.1" ||
		len(p.DegradedProviders) != 1 || p.DegradedProviders[0].Code != "policy_denied" {
		t.Fatalf("provenance %+v", p)
	}
	// Allowed checks still work in the same server.
	if _, rec := r.runOnce(gateSpec("allowed", "time", "after", map[string]any{"timestamp": 0}, true, 1), "r2"); rec["status"] != "True" {
		t.Fatalf("allowed check: %v", rec)
	}
	ctx := map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": "r", "scenario_id": "s", "stage_id": "a",
		"trigger_id": "t", "trigger_time": ts(1), "correlation_id": nil}
	out := r.mustCall("evidence_query", map[string]any{"query": map[string]any{"provider_id": "env", "check_id": "get",
		"params": map[string]any{"key": "DEPLOY_ENV"}}, "context": ctx})
	if errorCode(out) != "policy_denied" || out["result"].(map[string]any)["value"] != nil {
		t.Fatalf("evidence_query of a denied check: %v", out)
	}
}

// TestProviderPolicyUnknownCheck: a rule naming a check no provider has
// stops start-up with the rule's path.
func TestProviderPolicyUnknownCheck(t *testing.T) {
	_, err := build(t, baseConfig(t.TempDir())+"\n[[provider_policy.rules]]\neffect = \"deny\"\nproviders = [\"env\"]\nchecks = [\"nope\"]\n")
	if err == nil || !strings.Contains(err.Error(), "provider_policy.rules[0].checks[0]") {
		t.Fatalf("err = %v", err)
	}
}

// TestRequireSignatureOnBuiltins: under trust.default_policy =
// require_signature the built-ins' unsigned results are provider errors,
// so a gate on them holds (spec §8.4).
func TestRequireSignatureOnBuiltins(t *testing.T) {
	key := filepath.Join(t.TempDir(), "evidence.pub")
	os.WriteFile(key, make([]byte, 31), 0o600)
	if _, err := build(t, baseConfig(t.TempDir())+"\n[trust]\ndefault_policy = { require_signature = { keys = [\""+key+"\"] } }\n"); err == nil ||
		!strings.Contains(err.Error(), "evidence key") {
		t.Fatalf("a malformed key must stop start-up: %v", err)
	}
	os.WriteFile(key, []byte("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"), 0o600)
	r := start(t, baseConfig(t.TempDir())+"\n[trust]\ndefault_policy = { require_signature = { keys = [\""+key+"\"] } }\n")
	res, rec := r.runOnce(gateSpec("signed", "time", "after", map[string]any{"timestamp": 0}, true, 1), "r1")
	if kind := res["decision"].(map[string]any)["outcome"].(map[string]any)["kind"]; kind != "hold" {
		t.Fatalf("decision %v", res)
	}
	msg := rec["result"].(map[string]any)["error"].(map[string]any)["message"].(string)
	if rec["status"] != "Unknown" || errorCode(rec) != "provider_error" || !strings.Contains(msg, "missing evidence signature") {
		t.Fatalf("evidence %v", rec)
	}
}

// TestProvenanceRecorded: every decision gets a provenance record, stored
// with the run and written to the audit log; it never enters the runpack.
func TestProvenanceRecorded(t *testing.T) {
	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	r := start(t, baseConfig(t.TempDir())+"\n[server.audit]\nenabled = true\npath = \""+auditPath+"\"\n")
	r.runOnce(gateSpec("prov", "time", "after", map[string]any{"timestamp": 0}, true, 1), "r1")
	st, err := r.srv.Engine().Run(context.Background(), scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	p := st.ProvenanceFor(st.Decisions[len(st.Decisions)-1].DecisionID)
	if p == nil || p.ConfigHash.Value == "" || p.PolicyHash.Value == "" || p.ProviderSetHash.Value == "" ||
		p.EvidenceSetHash.Value == "" || p.ProviderHealthHash.Value == "" || p.HostVersion != "test" {
		t.Fatalf("provenance %+v", p)
	}
	out := t.TempDir()
	r.mustCall("runpack_export", map[string]any{"scenario_id": "prov", "tenant_id": 1, "namespace_id": 1, "run_id": "r1",
		"output_dir": out, "generated_at": ts(10), "include_verification": false})
	filepath.Walk(out, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if b, _ := os.ReadFile(path); strings.Contains(string(b), "provenance") || strings.Contains(string(b), p.ConfigHash.Value) {
				t.Errorf("%s carries provenance", path)
			}
		}
		return nil
	})
	r.srv.Close()
	f, err := os.Open(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var line map[string]any
		json.Unmarshal(sc.Bytes(), &line)
		if line["event"] == "decision_provenance" && line["run_id"] == "r1" && line["decision_id"] == p.DecisionID {
			found = line["config_hash"].(map[string]any)["value"] == p.ConfigHash.Value
		}
	}
	if !found {
		t.Fatal("no decision_provenance audit line for the decision")
	}
}

// build builds (but does not serve) a server from TOML; it is closed at
// cleanup.
func build(t *testing.T, toml string) (*server.Server, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(toml), "")
	if err != nil {
		return nil, err
	}
	srv, err := server.New(context.Background(), cfg, server.Options{Version: "test", Stderr: io.Discard})
	if err == nil {
		t.Cleanup(func() { srv.Close() })
	}
	return srv, err
}
