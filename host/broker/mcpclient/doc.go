// Package mcpclient calls one tool, evidence_query, on an external evidence
// provider, with hard size caps and deadline-kill.
//
// A [Client] speaks to one backend over one of two transports and one of
// two protocols (broker design §4.3.1, spec §8.1):
//
//   - stdio ([Options.Command]): the child is spawned lazily with exactly
//     [Options.Env] as its environment, in its own process group. Calls are
//     serialised. A call that times out, overruns MaxResponseBytes, breaks
//     the framing or finds the child gone kills the whole group; the next
//     call spawns a fresh child (and, for mcp, handshakes again).
//   - HTTP ([Options.URL]): every request goes through the egress policy
//     ([Options.Egress]), which checks the URL before the request and the
//     literal address at dial time. Redirects are never followed.
//
// With [ProtocolDGEvidence] (the Decision Gate SDK protocol) stdio frames
// carry a Content-Length header and HTTP is one JSON-RPC POST per call; no
// initialize is sent. With [ProtocolMCP] stdio frames are newline-delimited
// JSON, HTTP is Streamable HTTP with the Mcp-Session-Id kept, and
// initialize, notifications/initialized and tools/list come first.
//
// # Usage
//
//	c, err := mcpclient.New(opts)
//	defer c.Close()
//	res, err := c.Call(ctx, query, evidenceContext)
//
// # Errors
//
// Every failure is an [*Error] with a [Code]; its message follows the
// reference wording where there is one ("http request failed with status
// 502", "unexpected text response: …", "empty tool result"). Provider
// text inside messages is truncated.
//
// # Concurrency
//
// A Client is safe for concurrent use. Stdio calls run one at a time; HTTP
// calls run in parallel (the broker bounds them). Close kills the child,
// waits for it and for every goroutine the client started, and is
// idempotent.
package mcpclient
