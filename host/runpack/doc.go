// Package runpack builds and verifies runpacks: a directory (or object
// prefix) holding a run's spec, logs and tool transcript as canonical JSON
// artifacts, plus a manifest that lists each file's SHA-256 and a root hash
// over the list. Anyone can verify a runpack offline, byte for byte.
//
// # Layout
//
// artifacts/scenario_spec.json, triggers.json, gate_evals.json,
// decisions.json, packets.json, submissions.json, tool_calls.json, and with
// verification artifacts/verifier_report.json; then the manifest
// (manifest.json by default). Files are written through a [Sink] and read
// through a [Source], so the same code serves directories and object stores.
//
// # Untrusted input
//
// Verification treats every byte it reads as hostile: paths are checked
// before use, reads are capped at [MaxArtifactBytes], and every failure is
// reported with the path of the first artifact that fails.
package runpack
