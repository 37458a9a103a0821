package runpack

import (
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
)

// MaxArtifactBytes caps every artifact read or written.
const MaxArtifactBytes = 16 << 20

// ManifestVersion is the only manifest version.
const ManifestVersion = "v1"

// Manifest is the runpack manifest.
type Manifest struct {
	ManifestVersion string               `json:"manifest_version"`
	GeneratedAt     evidence.Timestamp   `json:"generated_at"`
	ScenarioID      string               `json:"scenario_id"`
	TenantID        evidence.TenantID    `json:"tenant_id"`
	NamespaceID     evidence.NamespaceID `json:"namespace_id"`
	RunID           string               `json:"run_id"`
	SpecHash        evidence.HashDigest  `json:"spec_hash"`
	HashAlgorithm   string               `json:"hash_algorithm"`
	VerifierMode    string               `json:"verifier_mode"`
	AnchorPolicy    *AnchorPolicy        `json:"anchor_policy,omitempty"`
	Security        *Security            `json:"security,omitempty"`
	Integrity       Integrity            `json:"integrity"`
	Artifacts       []Artifact           `json:"artifacts"`
}

// AnchorPolicy is the anchor policy in force at export.
type AnchorPolicy struct {
	Providers []ProviderAnchor `json:"providers"`
}

// ProviderAnchor is one provider's anchor requirement.
type ProviderAnchor struct {
	ProviderID  string            `json:"provider_id"`
	Requirement AnchorRequirement `json:"requirement"`
}

// AnchorRequirement is the engine's anchor requirement.
type AnchorRequirement = engine.AnchorRequirement

// Security records the server's security posture at export.
type Security struct {
	DevPermissive      bool   `json:"dev_permissive"`
	NamespaceAuthority string `json:"namespace_authority"` // dg_registry | assetcore_catalog
}

// Integrity lists file hashes and their root hash.
type Integrity struct {
	FileHashes []FileHash          `json:"file_hashes"`
	RootHash   evidence.HashDigest `json:"root_hash"`
}

// FileHash is one file's hash.
type FileHash struct {
	Path string              `json:"path"`
	Hash evidence.HashDigest `json:"hash"`
}

// Artifact describes one artifact file.
type Artifact struct {
	ArtifactID  string              `json:"artifact_id"`
	Kind        string              `json:"kind"`
	Path        string              `json:"path"`
	ContentType string              `json:"content_type"`
	Hash        evidence.HashDigest `json:"hash"`
	Required    bool                `json:"required"`
}

// Report is the verification report.
type Report struct {
	Status       string   `json:"status"` // pass | fail
	CheckedFiles int      `json:"checked_files"`
	Errors       []string `json:"errors"`
}

// Passed reports whether verification passed.
func (r *Report) Passed() bool { return r.Status == "pass" }

// RootHash returns the root hash of a file-hash list: sha256 of its
// canonical JSON.
func RootHash(files []FileHash) (evidence.HashDigest, error) {
	if files == nil {
		files = []FileHash{}
	}
	return evidence.HashJSON(files)
}
