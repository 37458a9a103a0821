package provenance

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// Descriptor describes one registered provider for the provider-set hash.
type Descriptor struct {
	Name     string `json:"name"`
	Type     string `json:"type"`               // builtin, wasm, mcp
	Protocol string `json:"protocol,omitempty"` // mcp providers
	// Source identifies the code: a Wasm module digest, an MCP URL or a
	// stdio command with its pinned digest.
	Source       string   `json:"source"`
	Signer       string   `json:"signer,omitempty"`
	ContractHash string   `json:"contract_hash"`
	Trust        string   `json:"trust"`
	Capabilities []string `json:"capabilities"`
}

// Health is a provider's state as a decision saw it.
type Health struct {
	Admitted bool `json:"admitted"`
	// Breaker is closed, open or half_open; "none" for providers without
	// a circuit breaker.
	Breaker string `json:"breaker_state"`
	// LastPreflight identifies the latest preflight report ("" if none).
	LastPreflight string `json:"last_preflight_report_id"`
}

// HealthFunc reports a provider's health; nil reports every provider as
// admitted with no breaker.
type HealthFunc func(provider string) Health

// Recorder computes provenance. It is immutable and safe for concurrent
// use.
type Recorder struct {
	configHash      evidence.HashDigest
	policyHash      evidence.HashDigest
	providerSetHash evidence.HashDigest
	policyVersion   string
	hostVersion     string
	health          HealthFunc
}

// New computes the start-up hashes. policyHash is the compiled
// [provider_policy]'s own hash, folded into the policy hash.
func New(cfg *config.Config, policyVersion string, policyHash evidence.HashDigest, providers []Descriptor, health HealthFunc, hostVersion string) (*Recorder, error) {
	r := &Recorder{policyVersion: policyVersion, hostVersion: hostVersion, health: health}
	var err error
	if r.configHash, err = ConfigHash(cfg); err != nil {
		return nil, err
	}
	if r.policyHash, err = PolicyHash(cfg, policyHash); err != nil {
		return nil, err
	}
	if r.providerSetHash, err = ProviderSetHash(providers); err != nil {
		return nil, err
	}
	return r, nil
}

// ConfigHash hashes the whole effective configuration. Literal secrets
// encode as a fixed marker (config.Secret never reveals itself when
// marshalled), so they are not hashed.
func ConfigHash(cfg *config.Config) (evidence.HashDigest, error) {
	return hashOf(cfg)
}

// PolicyHash hashes the sections that can change an outcome or a
// disclosure: trust, evidence, anchors, validation, policy and the
// compiled provider policy. Timeouts and breaker tuning do not affect it.
func PolicyHash(cfg *config.Config, providerPolicy evidence.HashDigest) (evidence.HashDigest, error) {
	return hashOf(map[string]any{
		"trust": cfg.Trust, "evidence": cfg.Evidence, "anchors": cfg.Anchors,
		"validation": cfg.Validation, "policy": cfg.Policy, "provider_policy": providerPolicy,
	})
}

// ProviderSetHash hashes the descriptors sorted by name.
func ProviderSetHash(ds []Descriptor) (evidence.HashDigest, error) {
	ds = slices.Clone(ds)
	sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	for i := range ds {
		ds[i].Capabilities = slices.Sorted(slices.Values(ds[i].Capabilities))
		if ds[i].Capabilities == nil {
			ds[i].Capabilities = []string{}
		}
	}
	return hashOf(ds)
}

func hashOf(v any) (evidence.HashDigest, error) {
	// encoding/json first: config types carry json-less fields and
	// marshalers (secrets redact); the canonical encoder then fixes key
	// order and number form.
	doc, err := json.Marshal(v)
	if err != nil {
		return evidence.HashDigest{}, fmt.Errorf("provenance: %w", err)
	}
	h, _, err := evidence.HashCanonical(doc)
	return h, err
}

// ConfigHashes returns the start-up hashes (for status output and logs).
func (r *Recorder) ConfigHashes() (config, policy, providerSet evidence.HashDigest) {
	return r.configHash, r.policyHash, r.providerSetHash
}

// degradedCodes are the codes that mean a provider (or the host in front
// of it) failed, as opposed to evidence a provider reported in-band.
var degradedCodes = []string{
	"provider_error", "timeout", "circuit_open", "backend_busy", "provider_unavailable",
	"provider_disabled", "policy_denied", "anchor_invalid",
}

// IsDegraded reports whether an evidence error code marks a failed
// provider.
func IsDegraded(code string) bool { return slices.Contains(degradedCodes, code) }

type evidenceEntry struct {
	ConditionID string `json:"condition_id"`
	Status      string `json:"status"`
	// Exactly one of the two is set.
	EvidenceHash *evidence.HashDigest `json:"evidence_hash,omitempty"`
	ErrorCode    string               `json:"error_code,omitempty"`
}

type healthEntry struct {
	Provider string `json:"provider"`
	Health
}

// Record computes the provenance of one decision. It implements the
// engine's Options.Provenance.
func (r *Recorder) Record(in engine.ProvenanceInput) scenario.Provenance {
	p := scenario.Provenance{
		DecisionID: in.Decision.DecisionID, ConfigHash: r.configHash, PolicyVersion: r.policyVersion,
		PolicyHash: r.policyHash, ProviderSetHash: r.providerSetHash, HostVersion: r.hostVersion,
		DegradedProviders: []scenario.DegradedProvider{},
	}
	entries := make([]evidenceEntry, 0, len(in.Evidence))
	var consulted []string
	for _, ev := range in.Evidence {
		e := evidenceEntry{ConditionID: ev.ConditionID, Status: ev.Status.String(), ErrorCode: ev.ErrorCode}
		if ev.ErrorCode == "" {
			e.EvidenceHash = ev.Hash
		}
		entries = append(entries, e)
		if ev.ProviderID != "" && !slices.Contains(consulted, ev.ProviderID) {
			consulted = append(consulted, ev.ProviderID)
		}
		if IsDegraded(ev.ErrorCode) {
			d := scenario.DegradedProvider{Provider: ev.ProviderID, Code: ev.ErrorCode}
			if !slices.Contains(p.DegradedProviders, d) {
				p.DegradedProviders = append(p.DegradedProviders, d)
			}
		}
	}
	sort.Slice(p.DegradedProviders, func(i, j int) bool {
		a, b := p.DegradedProviders[i], p.DegradedProviders[j]
		return a.Provider < b.Provider || a.Provider == b.Provider && a.Code < b.Code
	})
	slices.Sort(consulted)
	health := make([]healthEntry, len(consulted))
	for i, name := range consulted {
		h := Health{Admitted: true, Breaker: "none"}
		if r.health != nil {
			h = r.health(name)
		}
		health[i] = healthEntry{Provider: name, Health: h}
	}
	// Hashing plain structs of strings cannot fail.
	p.EvidenceSetHash, _ = evidence.HashJSON(entries)
	p.ProviderHealthHash, _ = evidence.HashJSON(health)
	return p
}
