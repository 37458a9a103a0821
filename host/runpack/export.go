package runpack

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/scenario"
)

// DefaultManifestName is the manifest file name used by the tool.
const DefaultManifestName = "manifest.json"

// ExportOptions configures [Export].
type ExportOptions struct {
	ManifestName        string // default DefaultManifestName
	GeneratedAt         evidence.Timestamp
	IncludeVerification bool
	AnchorPolicy        *AnchorPolicy // nil: omitted from the manifest
	Security            *Security     // nil: omitted from the manifest
}

type artifactSpec struct {
	path, kind string
	value      func(spec *scenario.Spec, st *scenario.RunState) any
}

var artifactSpecs = []artifactSpec{
	{"artifacts/scenario_spec.json", "scenario_spec", func(s *scenario.Spec, _ *scenario.RunState) any { return s }},
	{"artifacts/triggers.json", "trigger_log", func(_ *scenario.Spec, st *scenario.RunState) any { return nonNil(st.Triggers) }},
	{"artifacts/gate_evals.json", "gate_eval_log", func(_ *scenario.Spec, st *scenario.RunState) any { return nonNil(st.GateEvals) }},
	{"artifacts/decisions.json", "decision_log", func(_ *scenario.Spec, st *scenario.RunState) any { return nonNil(st.Decisions) }},
	{"artifacts/packets.json", "packet_log", func(_ *scenario.Spec, st *scenario.RunState) any { return nonNil(st.Packets) }},
	{"artifacts/submissions.json", "submission_log", func(_ *scenario.Spec, st *scenario.RunState) any { return nonNil(st.Submissions) }},
	{"artifacts/tool_calls.json", "tool_transcript", func(_ *scenario.Spec, st *scenario.RunState) any { return nonNil(st.ToolCalls) }},
}

const reportPath = "artifacts/verifier_report.json"

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Export writes a runpack of st to sink and returns its manifest, and the
// verification report when opts.IncludeVerification is set. The spec's hash
// must equal the run's spec hash. Artifacts are written first and the
// manifest last, so a reader never sees a manifest without its files.
func Export(ctx context.Context, spec *scenario.Spec, st *scenario.RunState, sink Sink, opts ExportOptions) (*Manifest, *Report, error) {
	name := opts.ManifestName
	if name == "" {
		name = DefaultManifestName
	}
	if err := CheckPath(name); err != nil {
		return nil, nil, fmt.Errorf("invalid manifest name: %w", err)
	}
	h, err := spec.Hash()
	if err != nil {
		return nil, nil, err
	}
	if !h.Equal(st.SpecHash) {
		return nil, nil, fmt.Errorf("hashing error: run state spec hash mismatch")
	}
	m := &Manifest{
		ManifestVersion: ManifestVersion, GeneratedAt: opts.GeneratedAt,
		ScenarioID: st.ScenarioID, TenantID: st.TenantID, NamespaceID: st.NamespaceID, RunID: st.RunID,
		SpecHash: st.SpecHash, HashAlgorithm: evidence.HashAlgorithm, VerifierMode: "offline_strict",
		AnchorPolicy: opts.AnchorPolicy, Security: opts.Security,
	}
	files := map[string][]byte{}
	for _, a := range artifactSpecs {
		data, err := canonjson.Marshal(a.value(spec, st))
		if err != nil {
			return nil, nil, fmt.Errorf("hashing error: %s: %w", a.path, err)
		}
		if err := m.add(ctx, sink, a.path, a.kind, data); err != nil {
			return nil, nil, err
		}
		files[a.path] = data
	}
	if err := m.seal(); err != nil {
		return nil, nil, err
	}
	if !opts.IncludeVerification {
		if err := putJSON(ctx, sink, name, m); err != nil {
			return nil, nil, err
		}
		return m, nil, nil
	}
	report := verifyManifest(ctx, m, memSource(files))
	data, err := canonjson.Marshal(report)
	if err != nil {
		return nil, nil, err
	}
	if err := m.add(ctx, sink, reportPath, "verifier_report", data); err != nil {
		return nil, nil, err
	}
	if err := m.seal(); err != nil {
		return nil, nil, err
	}
	if err := putJSON(ctx, sink, name, m); err != nil {
		return nil, nil, err
	}
	return m, report, nil
}

func (m *Manifest) add(ctx context.Context, sink Sink, path, kind string, data []byte) error {
	if err := sink.Put(ctx, path, data); err != nil {
		return fmt.Errorf("runpack write %s: %w", path, err)
	}
	h := evidence.HashBytes(data)
	m.Integrity.FileHashes = append(m.Integrity.FileHashes, FileHash{Path: path, Hash: h})
	m.Artifacts = append(m.Artifacts, Artifact{
		ArtifactID: path, Kind: kind, Path: path, ContentType: "application/json", Hash: h, Required: true,
	})
	return nil
}

func (m *Manifest) seal() error {
	root, err := RootHash(m.Integrity.FileHashes)
	if err != nil {
		return err
	}
	m.Integrity.RootHash = root
	return nil
}

func putJSON(ctx context.Context, sink Sink, path string, v any) error {
	data, err := canonjson.Marshal(v)
	if err != nil {
		return err
	}
	if err := sink.Put(ctx, path, data); err != nil {
		return fmt.Errorf("runpack write %s: %w", path, err)
	}
	return nil
}

// memSource serves files already in memory.
type memSource map[string][]byte

func (s memSource) Get(_ context.Context, path string) ([]byte, error) {
	if d, ok := s[path]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("file not found")
}
