package runpack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/internal/jsonstrict"
	"github.com/decision-gate/dgw/host/scenario"
)

// ManifestError is returned by [Verify] when the manifest itself cannot be
// read or parsed (the -32040 family); every other failure is reported in
// the [Report].
type ManifestError struct {
	Path string
	Err  error
}

func (e *ManifestError) Error() string { return fmt.Sprintf("invalid manifest %s: %v", e.Path, e.Err) }

func (e *ManifestError) Unwrap() error { return e.Err }

// ParseManifest decodes a manifest strictly (required fields, known
// variants).
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := jsonstrict.Decode(data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Verify checks the runpack whose manifest is at manifestPath in src. It
// returns a report whose errors name each failing file; err is non-nil only
// when the manifest cannot be read or parsed.
//
// Beyond the reference checks (file hashes, root hash, decision log,
// anchors), Verify also requires that the manifest is exactly the canonical
// encoding of its own fields (no unknown or reformatted content), that
// its artifact list matches its file-hash list, and that its ids and spec
// hash agree with the artifacts, so a single changed byte in any
// authenticated field is caught.
func Verify(ctx context.Context, src Source, manifestPath string) (*Report, *Manifest, error) {
	if err := CheckPath(manifestPath); err != nil {
		return nil, nil, &ManifestError{manifestPath, err}
	}
	data, err := src.Get(ctx, manifestPath)
	if err != nil {
		return nil, nil, &ManifestError{manifestPath, err}
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, nil, &ManifestError{manifestPath, err}
	}
	rep := verifyManifest(ctx, m, src)
	for i, msg := range rep.Errors {
		if !strings.Contains(msg, "artifacts/") {
			rep.Errors[i] = msg + " (" + manifestPath + ")"
		}
	}
	if m.ManifestVersion != ManifestVersion {
		return rep, m, nil
	}
	var extra []string
	if canon, err := canonjson.Marshal(m); err != nil || !bytes.Equal(canon, data) {
		extra = append(extra, fmt.Sprintf("%s: manifest is not the canonical encoding of its fields (unknown, missing or reformatted content)", manifestPath))
	}
	extra = append(extra, crossCheck(ctx, m, src, manifestPath)...)
	if len(extra) > 0 {
		rep.Errors = append(rep.Errors, extra...)
		rep.Status = "fail"
	}
	return rep, m, nil
}

// verifyManifest runs the reference verification algorithm.
func verifyManifest(ctx context.Context, m *Manifest, src Source) *Report {
	rep := &Report{Errors: []string{}}
	if m.ManifestVersion != ManifestVersion {
		rep.Status = "fail"
		rep.Errors = append(rep.Errors, "unsupported manifest version: "+m.ManifestVersion)
		return rep
	}
	if m.HashAlgorithm != evidence.HashAlgorithm {
		rep.Errors = append(rep.Errors, "hash algorithm mismatch")
	}
	for _, fh := range m.Integrity.FileHashes {
		data, err := src.Get(ctx, fh.Path)
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("artifact read failed for %s: %v", fh.Path, err))
			continue
		}
		rep.CheckedFiles++
		if !evidence.HashBytes(data).Equal(fh.Hash) {
			rep.Errors = append(rep.Errors, "hash mismatch for "+fh.Path)
		}
	}
	if root, err := RootHash(m.Integrity.FileHashes); err != nil || !root.Equal(m.Integrity.RootHash) {
		rep.Errors = append(rep.Errors, "root hash mismatch")
	}
	if data, err := src.Get(ctx, "artifacts/decisions.json"); err != nil {
		rep.Errors = append(rep.Errors, "decision log read failed for artifacts/decisions.json: "+err.Error())
	} else {
		var ds []scenario.DecisionRecord
		if err := jsonstrict.Decode(data, &ds); err != nil {
			rep.Errors = append(rep.Errors, "decision log parse failed for artifacts/decisions.json: "+err.Error())
		} else {
			seen := map[string]bool{}
			for _, d := range ds {
				if seen[d.TriggerID] {
					rep.Errors = append(rep.Errors, "duplicate decision for trigger "+d.TriggerID)
				}
				seen[d.TriggerID] = true
			}
		}
	}
	if m.AnchorPolicy != nil {
		rep.Errors = append(rep.Errors, checkAnchors(ctx, m.AnchorPolicy, src)...)
	}
	rep.Status = "pass"
	if len(rep.Errors) > 0 {
		rep.Status = "fail"
	}
	return rep
}

// crossCheck ties the manifest's unhashed fields to its hashed artifacts.
func crossCheck(ctx context.Context, m *Manifest, src Source, manifestPath string) []string {
	var errs []string
	bad := func(format string, args ...any) {
		errs = append(errs, manifestPath+": "+fmt.Sprintf(format, args...))
	}
	if m.VerifierMode != "offline_strict" && m.VerifierMode != "offline_with_fetch" {
		bad("unknown verifier_mode %q", m.VerifierMode)
	}
	if s := m.Security; s != nil && s.NamespaceAuthority != "dg_registry" && s.NamespaceAuthority != "assetcore_catalog" {
		bad("unknown security.namespace_authority %q", s.NamespaceAuthority)
	}
	kinds := map[string]string{reportPath: "verifier_report"}
	for _, a := range artifactSpecs {
		kinds[a.path] = a.kind
	}
	if len(m.Artifacts) != len(m.Integrity.FileHashes) {
		bad("artifacts lists %d files but integrity lists %d", len(m.Artifacts), len(m.Integrity.FileHashes))
	} else {
		for i, a := range m.Artifacts {
			fh := m.Integrity.FileHashes[i]
			if a.Path != fh.Path || a.ArtifactID != fh.Path || !a.Hash.Equal(fh.Hash) {
				bad("artifacts[%d] (%s) does not match integrity.file_hashes[%d] (%s)", i, a.Path, i, fh.Path)
			}
			if k, ok := kinds[a.Path]; ok && a.Kind != k {
				bad("artifacts[%d] (%s) has kind %q, expected %q", i, a.Path, a.Kind, k)
			}
			if a.ContentType != "application/json" || !a.Required {
				bad("artifacts[%d] (%s) must be required application/json", i, a.Path)
			}
		}
	}
	specData, err := src.Get(ctx, "artifacts/scenario_spec.json")
	if err != nil {
		return errs // already reported by the hash check
	}
	if !evidence.HashBytes(specData).Equal(m.SpecHash) {
		bad("spec_hash does not match artifacts/scenario_spec.json")
	}
	var spec struct {
		ScenarioID  string               `json:"scenario_id"`
		NamespaceID evidence.NamespaceID `json:"namespace_id"`
	}
	if json.Unmarshal(specData, &spec) == nil {
		if spec.ScenarioID != m.ScenarioID {
			bad("scenario_id %q does not match the spec (%q)", m.ScenarioID, spec.ScenarioID)
		}
		if spec.NamespaceID != m.NamespaceID {
			bad("namespace_id %d does not match the spec (%d)", m.NamespaceID, spec.NamespaceID)
		}
	}
	if data, err := src.Get(ctx, "artifacts/triggers.json"); err == nil {
		var trs []scenario.TriggerRecord
		if json.Unmarshal(data, &trs) == nil {
			for _, tr := range trs {
				if tr.Event.RunID != m.RunID || tr.Event.TenantID != m.TenantID || tr.Event.NamespaceID != m.NamespaceID {
					bad("run key %d/%d/%s does not match trigger %s", m.TenantID, m.NamespaceID, m.RunID, tr.Event.TriggerID)
					break
				}
			}
		}
	}
	return errs
}
