// Package scenario is the Decision Gate data model: scenario specs (stages,
// gates, conditions, requirement trees, entry packets), run state and every
// record a run accumulates (triggers, gate evaluations, decisions, packets,
// submissions, tool calls). It parses and statically checks specs; it does
// no I/O and no evaluation.
//
// # Wire form
//
// Types marshal to the reference implementation's JSON byte for byte, since
// specs and records are hashed and exported in runpacks. Optional fields are
// either emitted as null (pointer fields without omitempty) or left out
// (omitempty), exactly as the reference does; see the field comments.
//
// # Parsing
//
// [ParseSpec] decodes untrusted input through host/internal/jsonstrict, so
// a missing required field or a type mismatch is reported with its JSON path,
// then runs [Spec.Validate] for the structural rules.
package scenario
