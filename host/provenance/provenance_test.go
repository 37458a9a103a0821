package provenance_test

import (
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provenance"
	"github.com/decision-gate/dgw/host/scenario"
)

func parse(t *testing.T, extra string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(`
[server]
transport = "http"
bind = "127.0.0.1:8088"
[server.auth]
mode = "bearer_token"
bearer_tokens = ["super-secret-token-value"]
[[providers]]
name = "time"
type = "builtin"
`+extra), "/srv/dg")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func recorder(t *testing.T, cfg *config.Config) *provenance.Recorder {
	t.Helper()
	r, err := provenance.New(cfg, "v1", evidence.HashBytes([]byte("pp")), []provenance.Descriptor{
		{Name: "time", Type: "builtin", Source: "sha256:aa", ContractHash: "sha256:bb", Trust: "audit", Capabilities: []string{"log/v1"}},
	}, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStartupHashes(t *testing.T) {
	a1, _, _ := recorder(t, parse(t, "")).ConfigHashes()
	a2, p2, _ := recorder(t, parse(t, "")).ConfigHashes()
	if !a1.Equal(a2) {
		t.Fatal("same config, different config_hash")
	}
	b, pb, _ := recorder(t, parse(t, "[external_mcp.circuit_breaker]\nopen_ms = 60000\n")).ConfigHashes()
	if a1.Equal(b) {
		t.Fatal("changing open_ms did not change config_hash")
	}
	if !p2.Equal(pb) {
		t.Fatal("changing open_ms changed policy_hash")
	}
	_, pc, _ := recorder(t, parse(t, "[trust]\nmin_lane = \"asserted\"\n")).ConfigHashes()
	if pc.Equal(p2) {
		t.Fatal("changing trust.min_lane did not change policy_hash")
	}
}

func TestSecretsAreNotHashed(t *testing.T) {
	cfg := parse(t, "")
	other := parse(t, "")
	other.Server.Auth.BearerTokens = []config.Secret{config.NewSecret("a-different-secret")}
	h1, _ := provenance.ConfigHash(cfg)
	h2, _ := provenance.ConfigHash(other)
	if !h1.Equal(h2) {
		t.Fatal("a literal secret's value reached the config hash")
	}
}

func TestProviderSetHashIsOrderIndependent(t *testing.T) {
	a := provenance.Descriptor{Name: "a", Capabilities: []string{"x", "y"}}
	b := provenance.Descriptor{Name: "b"}
	h1, _ := provenance.ProviderSetHash([]provenance.Descriptor{a, b})
	a.Capabilities = []string{"y", "x"}
	h2, _ := provenance.ProviderSetHash([]provenance.Descriptor{b, a})
	if !h1.Equal(h2) {
		t.Fatal("provider-set hash depends on order")
	}
	b.ContractHash = "sha256:cc"
	h3, _ := provenance.ProviderSetHash([]provenance.Descriptor{a, b})
	if h1.Equal(h3) {
		t.Fatal("a contract change did not change the provider-set hash")
	}
}

func TestRecord(t *testing.T) {
	r := recorder(t, parse(t, ""))
	h := evidence.HashBytes([]byte("v"))
	in := engine.ProvenanceInput{
		Decision: &scenario.DecisionRecord{DecisionID: "decision-2"},
		Evidence: []engine.ConsultedEvidence{
			{ConditionID: "a", ProviderID: "time", Status: evidence.True, Hash: &h},
			{ConditionID: "b", ProviderID: "ext", Status: evidence.Unknown, ErrorCode: "circuit_open"},
			{ConditionID: "c", ProviderID: "ext", Status: evidence.Unknown, ErrorCode: "circuit_open"},
			{ConditionID: "d", ProviderID: "json", Status: evidence.Unknown, ErrorCode: "file_not_found"},
		},
	}
	p := r.Record(in)
	if p.DecisionID != "decision-2" || p.PolicyVersion != "v1" || p.HostVersion != "test" {
		t.Fatalf("record %+v", p)
	}
	if len(p.DegradedProviders) != 1 || p.DegradedProviders[0] != (scenario.DegradedProvider{Provider: "ext", Code: "circuit_open"}) {
		t.Fatalf("degraded %+v (in-band evidence errors are not degradation)", p.DegradedProviders)
	}
	again := r.Record(in)
	if !p.EvidenceSetHash.Equal(again.EvidenceSetHash) || !p.ProviderHealthHash.Equal(again.ProviderHealthHash) {
		t.Fatal("same input, different hashes")
	}
	in.Evidence[0].Status = evidence.False
	if r.Record(in).EvidenceSetHash.Equal(p.EvidenceSetHash) {
		t.Fatal("a status change did not change evidence_set_hash")
	}
	withHealth, _ := provenance.New(parse(t, ""), "v1", evidence.HashBytes([]byte("pp")), nil,
		func(name string) provenance.Health {
			return provenance.Health{Admitted: name != "ext", Breaker: "open"}
		}, "test")
	if withHealth.Record(in).ProviderHealthHash.Equal(r.Record(in).ProviderHealthHash) {
		t.Fatal("provider health did not reach provider_health_hash")
	}
	if !strings.HasPrefix(p.ConfigHash.Value, "") || p.ConfigHash.Algorithm != "sha256" {
		t.Fatal("config hash algorithm")
	}
}
