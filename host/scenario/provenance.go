package scenario

import "github.com/decision-gate/dgw/host/evidence"

// Provenance is the governance record kept beside one decision: which
// configuration, provider policy and provider set decided it, what
// evidence was evaluated, and in what health the consulted providers were.
//
// It is stored with the run state, in the same write as its decision, and
// is not part of any runpack artifact: runpacks stay byte-identical to the
// reference whatever the governance settings.
type Provenance struct {
	DecisionID string `json:"decision_id"`
	// ConfigHash hashes the effective configuration, secrets replaced by
	// the names of the variables that hold them.
	ConfigHash evidence.HashDigest `json:"config_hash"`
	// PolicyVersion is [provider_policy] version ("" when unset).
	PolicyVersion string `json:"policy_version"`
	// PolicyHash hashes the sections that can change an outcome or a
	// disclosure: trust, evidence, anchors, validation, policy and
	// provider_policy.
	PolicyHash evidence.HashDigest `json:"policy_hash"`
	// ProviderSetHash hashes the descriptors of every registered provider.
	ProviderSetHash evidence.HashDigest `json:"provider_set_hash"`
	// EvidenceSetHash hashes the sorted (condition_id, status,
	// evidence_hash or error code) triples this decision evaluated.
	EvidenceSetHash evidence.HashDigest `json:"evidence_set_hash"`
	// ProviderHealthHash hashes the health of the consulted providers.
	ProviderHealthHash evidence.HashDigest `json:"provider_health_hash"`
	// DegradedProviders lists consulted providers that failed, with the
	// code they failed with, sorted by provider then code.
	DegradedProviders []DegradedProvider `json:"degraded_providers"`
	HostVersion       string             `json:"host_version"`
}

// DegradedProvider is one entry of [Provenance.DegradedProviders].
type DegradedProvider struct {
	Provider string `json:"provider"`
	Code     string `json:"code"`
}

// ProvenanceFor returns the provenance recorded for a decision, or nil.
func (s *RunState) ProvenanceFor(decisionID string) *Provenance {
	for i := range s.Provenance {
		if s.Provenance[i].DecisionID == decisionID {
			return &s.Provenance[i]
		}
	}
	return nil
}
