package mcpclient

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/decision-gate/dgw/host/internal/canonjson"
)

// supportedVersions are the MCP protocol versions this client speaks,
// newest first; initialize asks for the first.
var supportedVersions = []string{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}

// clientInfo names this client in initialize.
var clientInfo = map[string]string{"name": "decision-gate", "version": "0.1"}

// maxToolPages bounds tools/list pagination.
const maxToolPages = 16

// rpcFunc sends one request and returns its result.
type rpcFunc func(ctx context.Context, method string, params any) (json.RawMessage, *Error)

type initializeParams struct {
	ProtocolVersion string            `json:"protocolVersion"`
	Capabilities    struct{}          `json:"capabilities"`
	ClientInfo      map[string]string `json:"clientInfo"`
}

// initialize sends initialize and checks the answer: a protocol version
// this client supports; serverInfo is recorded.
func initialize(ctx context.Context, call rpcFunc) (Info, *Error) {
	raw, e := call(ctx, "initialize", initializeParams{ProtocolVersion: supportedVersions[0], ClientInfo: clientInfo})
	if e != nil {
		return Info{}, wrapHandshake("initialize", e)
	}
	var res struct {
		ProtocolVersion string         `json:"protocolVersion"`
		ServerInfo      map[string]any `json:"serverInfo"`
	}
	if !isObject(raw) {
		return Info{}, handshakeError("initialize: result is not a JSON object")
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return Info{}, handshakeError("initialize: invalid result: " + clip(err.Error()))
	}
	if !slices.Contains(supportedVersions, res.ProtocolVersion) {
		return Info{}, handshakeError("initialize: unsupported protocol version " + clip(res.ProtocolVersion))
	}
	return Info{ProtocolVersion: res.ProtocolVersion, ServerInfo: res.ServerInfo}, nil
}

// listTools pages through tools/list until it finds evidence_query and
// returns the sha256 of the canonical JSON of its input schema.
func listTools(ctx context.Context, call rpcFunc) (string, *Error) {
	var cursor string
	for range maxToolPages {
		var params any
		if cursor != "" {
			params = map[string]string{"cursor": cursor}
		}
		raw, e := call(ctx, "tools/list", params)
		if e != nil {
			return "", wrapHandshake("tools/list", e)
		}
		var res struct {
			Tools []struct {
				Name        string          `json:"name"`
				InputSchema json.RawMessage `json:"inputSchema"`
				InputSnake  json.RawMessage `json:"input_schema"`
			} `json:"tools"`
			NextCursor string `json:"nextCursor"`
		}
		if !isObject(raw) {
			return "", handshakeError("tools/list: result is not a JSON object")
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			return "", handshakeError("tools/list: invalid result: " + clip(err.Error()))
		}
		for _, t := range res.Tools {
			if t.Name != "evidence_query" {
				continue
			}
			schema := t.InputSchema
			if isNull(schema) {
				schema = t.InputSnake
			}
			if isNull(schema) {
				return "", nil
			}
			canon, err := canonjson.Transform(schema)
			if err != nil {
				return "", handshakeError("tools/list: evidence_query input schema: " + clip(err.Error()))
			}
			return canonjson.SHA256Bytes(canon), nil
		}
		if res.NextCursor == "" {
			break
		}
		cursor = res.NextCursor
	}
	return "", handshakeError("tools/list: no evidence_query tool")
}

func handshakeError(msg string) *Error { return &Error{Code: CodeHandshake, Msg: msg} }
