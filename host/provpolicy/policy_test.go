package provpolicy_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/provpolicy"
	"github.com/decision-gate/dgw/host/scenario"
)

// contracts serves minimal contracts: env has get, time has after/before.
type contracts map[string][]string

type stub struct {
	id string
	c  *provider.Contract
}

func (s stub) ID() string                   { return s.id }
func (s stub) Contract() *provider.Contract { return s.c }
func (s stub) Query(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
	return evidence.Result{}, nil
}

func (c contracts) Get(id string) (provider.Provider, bool) {
	checks, ok := c[id]
	if !ok {
		return nil, false
	}
	var cs []map[string]any
	for _, ch := range checks {
		cs = append(cs, map[string]any{"check_id": ch, "description": "d", "determinism": "deterministic",
			"params_required": false, "params_schema": map[string]any{}, "result_schema": map[string]any{},
			"allowed_comparators": []string{"equals"}, "anchor_types": []string{}, "content_types": []string{"application/json"},
			"examples": []any{}})
	}
	doc, _ := json.Marshal(map[string]any{"provider_id": id, "name": id, "description": "d", "transport": "builtin",
		"config_schema": map[string]any{}, "checks": cs, "notes": []string{}})
	pc, err := provider.ParseContract(doc)
	if err != nil {
		panic(err)
	}
	return stub{id, pc}, true
}

var providers = contracts{"env": {"get"}, "time": {"after", "before"}}

func compile(t *testing.T, toml string) *provpolicy.Policy {
	t.Helper()
	cfg, err := config.Parse([]byte(`
[[providers]]
name = "env"
type = "builtin"
[[providers]]
name = "time"
type = "builtin"
`+toml), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := provpolicy.Compile(cfg, providers)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func u(v uint64) *uint64 { return &v }

func TestDecide(t *testing.T) {
	p := compile(t, `
[provider_policy]
version = "2026-11-01.1"
default_effect = "deny"
[[provider_policy.rules]]
effect = "allow"
providers = ["time"]
checks = ["*"]
[[provider_policy.rules]]
effect = "deny"
providers = ["*"]
checks = ["before"]
tenants = [7]
[[provider_policy.rules]]
effect = "allow"
providers = ["env"]
checks = ["get"]
namespaces = [3]
`)
	tests := []struct {
		prov, check string
		tenant      *uint64
		ns          uint64
		want        provpolicy.Effect
		rule        int
	}{
		{"time", "after", u(1), 2, provpolicy.Allow, 0},
		{"time", "before", u(1), 2, provpolicy.Allow, 0},
		{"time", "before", u(7), 2, provpolicy.Deny, 1}, // deny wins over the earlier allow
		{"time", "before", nil, 2, provpolicy.Allow, 0}, // tenant-scoped rules need a tenant
		{"env", "get", u(1), 3, provpolicy.Allow, 2},
		{"env", "get", u(1), 4, provpolicy.Deny, -1}, // default deny
	}
	for _, tt := range tests {
		d := p.Decide(tt.prov, tt.check, tt.tenant, tt.ns)
		if d.Effect != tt.want || d.Rule != tt.rule {
			t.Errorf("Decide(%s.%s, %v, %d) = %v rule %d, want %v rule %d", tt.prov, tt.check, tt.tenant, tt.ns, d.Effect, d.Rule, tt.want, tt.rule)
		}
	}
	if p.Version() != "2026-11-01.1" {
		t.Fatalf("version %q", p.Version())
	}
}

func TestUnknownCheckIsConfigError(t *testing.T) {
	cfg, err := config.Parse([]byte(`
[[providers]]
name = "env"
type = "builtin"
[[provider_policy.rules]]
effect = "deny"
providers = ["env"]
checks = ["nope"]
`), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = provpolicy.Compile(cfg, providers)
	if err == nil || !strings.Contains(err.Error(), "provider_policy.rules[0].checks[0]") {
		t.Fatalf("err = %v", err)
	}
}

func TestHashIgnoresNonPolicySettings(t *testing.T) {
	a := compile(t, "[provider_policy]\nversion = \"1\"\n")
	b := compile(t, "[provider_policy]\nversion = \"1\"\n[external_mcp.circuit_breaker]\nopen_ms = 5000\n")
	c := compile(t, "[provider_policy]\nversion = \"2\"\n")
	if !a.Hash().Equal(b.Hash()) {
		t.Fatal("breaker tuning changed the policy hash")
	}
	if a.Hash().Equal(c.Hash()) {
		t.Fatal("a new version did not change the policy hash")
	}
}

type counting struct{ calls int }

func (c *counting) Has(string) bool { return true }
func (c *counting) Query(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
	c.calls++
	return evidence.Result{}, nil
}

func TestGuardDeniesWithoutTraffic(t *testing.T) {
	p := compile(t, `
[[provider_policy.rules]]
effect = "deny"
providers = ["env"]
checks = ["get"]
tenants = [2]
`)
	src := &counting{}
	g := p.Guard(src)
	ec := evidence.Context{TenantID: 2, NamespaceID: 5}
	_, err := g.Query(context.Background(), evidence.Query{ProviderID: "env", CheckID: "get"}, ec)
	var de *provpolicy.DeniedError
	if !errors.As(err, &de) || evidence.ErrorCode(err) != "policy_denied" {
		t.Fatalf("err = %v", err)
	}
	if src.calls != 0 {
		t.Fatalf("denied query reached the provider (%d calls)", src.calls)
	}
	ec.TenantID = 3
	if _, err := g.Query(context.Background(), evidence.Query{ProviderID: "env", CheckID: "get"}, ec); err != nil || src.calls != 1 {
		t.Fatalf("allowed query: err %v, calls %d", err, src.calls)
	}
}

func TestGuardIsTransparentWhenPermissive(t *testing.T) {
	p := compile(t, "")
	src := &counting{}
	if p.Guard(src) != provpolicy.Source(src) {
		t.Fatal("a policy that allows everything should not wrap the source")
	}
}

func TestCheckSpec(t *testing.T) {
	p := compile(t, `
[[provider_policy.rules]]
effect = "deny"
providers = ["env"]
checks = ["get"]
tenants = [2]
[[provider_policy.rules]]
effect = "deny"
providers = ["time"]
checks = ["before"]
`)
	spec := func(prov, check string, tenant *evidence.TenantID) *scenario.Spec {
		return &scenario.Spec{ScenarioID: "s", NamespaceID: 1, DefaultTenantID: tenant,
			Conditions: []scenario.Condition{{ConditionID: "c1", Query: evidence.Query{ProviderID: prov, CheckID: check}}}}
	}
	two, three := evidence.TenantID(2), evidence.TenantID(3)
	if err := p.CheckSpec(spec("env", "get", nil)); err != nil {
		t.Fatalf("unpinned spec refused though other tenants may use it: %v", err)
	}
	if err := p.CheckSpec(spec("env", "get", &three)); err != nil {
		t.Fatalf("tenant 3: %v", err)
	}
	err := p.CheckSpec(spec("env", "get", &two))
	if errcode.Of(err) != errcode.InvalidArgument || !strings.Contains(err.Error(), "condition c1") {
		t.Fatalf("tenant 2: %v", err)
	}
	if err := p.CheckSpec(spec("time", "before", nil)); err == nil {
		t.Fatal("check denied everywhere was accepted")
	}
}

func TestStrictDeniesUnmatchedNonBuiltin(t *testing.T) {
	// Strict mode forces deny for unmatched non-builtin providers; the
	// built-ins keep default_effect.
	dir := t.TempDir()
	cfg, err := config.Parse([]byte(`
[[providers]]
name = "env"
type = "builtin"
[provider_policy]
version = "v1"
[external_mcp]
strict = true
`), dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := provpolicy.Compile(cfg, providers)
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Decide("env", "get", u(1), 2); d.Effect != provpolicy.Allow {
		t.Fatalf("builtin under strict: %v", d.Effect)
	}
	if d := p.Decide("ext", "value", u(1), 2); d.Effect != provpolicy.Deny {
		t.Fatalf("non-builtin under strict: %v", d.Effect)
	}
}
