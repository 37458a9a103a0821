// Package audit writes the Decision Gate audit trail: typed security and
// usage events as JSON Lines (spec §7.11), the mcp_tool_authz decision lines
// (§7.1), and the correlation ids that tie both to a request (§7.12).
//
// The audit trail is not the debug log. Debug and lifecycle logs go through
// log/slog and may change shape freely; audit lines have a fixed,
// wire-compatible schema that operators parse, so each event is a Go struct
// whose JSON form is exactly the reference's: every field present, absent
// values as null, fields in the reference order.
//
// # Sinks
//
// A [Sink] receives [Event]s: [MCPRequest], [Precheck], [Registry],
// [TenantAuthz], [Usage] and [Security]. [Open] appends to a file (created
// 0600), [New] writes to any io.Writer (stderr by default) and [Disabled]
// drops everything. The sink stamps each event with its name and
// timestamp_ms from the clock in [Options], so tests can pin time.
//
// [AuthzLog] writes [ToolAuthz] lines for every authentication decision.
// They go to stderr, never to the audit sink, and carry no timestamp.
//
// # Secrets
//
// Events never take a raw secret. A bearer token can enter only through
// [FingerprintToken], which keeps its SHA-256 and nothing else; the
// [ToolAuthz.TokenFingerprint] field has that type, so a raw token string
// does not compile there. Environment values and provider credentials have
// no field at all.
//
// # Correlation ids
//
// [SanitizeClientCorrelationID] validates the untrusted x-correlation-id
// header and rejects, never repairs, a bad value. An [IDGenerator] issues the
// server id "dg-<boot id>-<counter>" for every request.
//
// # Concurrency
//
// [Sink], [AuthzLog] and [IDGenerator] are safe for concurrent use. A sink
// holds one mutex and makes one Write call per line, so lines from
// concurrent callers never interleave. Close a sink once the server has
// stopped; records after Close fail with [ErrClosed].
//
// # Usage
//
//	sink, err := audit.Open("/var/log/decision-gate/audit.jsonl", nil)
//	defer sink.Close()
//	err = sink.Record(&audit.Security{Kind: audit.KindDevPermissiveEnabled, NamespaceAuthority: "none"})
package audit
