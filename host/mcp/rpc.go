package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/decision-gate/dgw/host/errcode"
)

// RequestInfo is the transport context of one request.
type RequestInfo struct {
	Transport           string // "http", "sse" or "stdio"
	PeerIP              string // "" for stdio
	Header              http.Header
	ClientCorrelationID *string // sanitised x-correlation-id
	ServerCorrelationID string
	RequestBytes        int
}

// request is a JSON-RPC request envelope. ID keeps its JSON text; a nil ID
// means the key was absent, which is an error (null is allowed).
type request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

type rpcErrorData struct {
	Kind         string  `json:"kind"`
	Retryable    bool    `json:"retryable"`
	RequestID    *string `json:"request_id"`
	RetryAfterMS *int64  `json:"retry_after_ms,omitempty"`
}

type rpcErrorBody struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Data    rpcErrorData `json:"data"`
}

type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcErrorBody   `json:"error,omitempty"`
}

// Outcome describes a handled request for audit and transport headers.
type Outcome struct {
	Status    int    // HTTP status
	Method    string // "ToolsList", "ToolsCall", "ResourcesList", "ResourcesRead", "Invalid", "Other"
	Tool      string
	RequestID *string
	Err       *Error
	Principal *Principal
}

// errorResponse renders a JSON-RPC error for an id (nil id → null).
func errorResponse(id json.RawMessage, e *Error) []byte {
	var reqID *string
	if id != nil {
		s := string(id)
		reqID = &s
	} else {
		id = json.RawMessage("null")
	}
	out, err := jsonMarshal(response{JSONRPC: "2.0", ID: id, Error: &rpcErrorBody{
		Code: e.Code, Message: e.Message,
		Data: rpcErrorData{Kind: e.Kind(), Retryable: e.Retryable(), RequestID: reqID, RetryAfterMS: e.RetryAfterMS},
	}})
	if err != nil {
		return []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32060,"message":"serialization failed","data":{"kind":"serialization","retryable":false,"request_id":null}}}`)
	}
	return out
}

// Handle runs one JSON-RPC request body for the reference dialect and
// returns the response bytes and outcome. Transport-level checks (limits,
// correlation ids) happen before it.
func (h *Handler) Handle(ctx context.Context, info *RequestInfo, body []byte) ([]byte, *Outcome) {
	out := &Outcome{Method: "Invalid"}
	var req request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil || req.ID == nil || dec.More() {
		return h.fail(out, nil, rpcErr(CodeInvalidRequest, "invalid json-rpc request"))
	}
	id := normaliseID(req.ID)
	s := string(id)
	out.RequestID = &s
	if req.JSONRPC != "2.0" {
		return h.fail(out, id, rpcErr(CodeInvalidRequest, "invalid json-rpc version"))
	}
	switch req.Method {
	case "tools/list":
		out.Method = "ToolsList"
		p, err := h.authenticate(ctx, info, "tools/list", "")
		out.Principal = p
		if err != nil {
			return h.fail(out, id, err)
		}
		return h.ok(out, id, map[string]any{"tools": h.toolList()})
	case "tools/call":
		out.Method = "ToolsCall"
		var params struct {
			Name      *string          `json:"name"`
			Arguments *json.RawMessage `json:"arguments"`
		}
		if err := json.Unmarshal(req.Params, &params); err != nil || params.Name == nil || params.Arguments == nil {
			return h.fail(out, id, rpcErr(CodeInvalidParams, "invalid tool params"))
		}
		out.Tool = *params.Name
		if _, ok := h.svc.tools[*params.Name]; !ok {
			return h.fail(out, id, rpcErr(CodeMethodNotFound, "unknown tool"))
		}
		p, err := h.authenticate(ctx, info, "tools/call", *params.Name)
		out.Principal = p
		if err != nil {
			return h.fail(out, id, err)
		}
		res, callErr := h.svc.Call(ctx, &Call{Tool: *params.Name, Principal: p, Info: info, Args: *params.Arguments})
		if callErr != nil {
			return h.fail(out, id, toWire(callErr))
		}
		return h.ok(out, id, map[string]any{"content": []any{map[string]any{"type": "json", "json": res}}})
	case "resources/list", "resources/read":
		out.Method = map[string]string{"resources/list": "ResourcesList", "resources/read": "ResourcesRead"}[req.Method]
		if h.svc.opts.Docs == nil || !h.svc.opts.Docs.ResourcesEnabled() {
			return h.fail(out, id, rpcErr(CodeMethodNotFound, "method not found"))
		}
		p, err := h.authenticate(ctx, info, req.Method, "")
		out.Principal = p
		if err != nil {
			return h.fail(out, id, err)
		}
		res, resErr := h.resources(req.Method, req.Params)
		if resErr != nil {
			return h.fail(out, id, toWire(resErr))
		}
		return h.ok(out, id, res)
	}
	out.Method = "Other"
	return h.fail(out, id, rpcErr(CodeMethodNotFound, "method not found"))
}

func (h *Handler) ok(out *Outcome, id json.RawMessage, result any) ([]byte, *Outcome) {
	b, err := jsonMarshal(response{JSONRPC: "2.0", ID: id, Result: result})
	if err != nil {
		return h.fail(out, id, rpcErr(CodeSerialization, "serialization failed"))
	}
	out.Status = http.StatusOK
	return b, out
}

func (h *Handler) fail(out *Outcome, id json.RawMessage, e *Error) ([]byte, *Outcome) {
	out.Err = e
	out.Status = e.Status()
	return errorResponse(id, e), out
}

// normaliseID re-encodes the id compactly so request_id is its JSON text.
func normaliseID(id json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, id); err != nil {
		return id
	}
	return buf.Bytes()
}

func (h *Handler) toolList() []map[string]any {
	list := h.svc.List()
	out := make([]map[string]any, 0, len(list))
	for _, t := range list {
		out = append(out, map[string]any{"name": t.Name, "description": t.Description, "input_schema": t.InputSchema})
	}
	return out
}

func (h *Handler) resources(method string, params json.RawMessage) (any, error) {
	docs := h.svc.opts.Docs
	if method == "resources/list" {
		return map[string]any{"resources": docs.List()}, nil
	}
	var p struct {
		URI       *string `json:"uri"`
		Arguments *struct {
			URI *string `json:"uri"`
		} `json:"arguments"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, invalidParams("invalid resource params")
	}
	uri := p.URI
	if uri == nil && p.Arguments != nil {
		uri = p.Arguments.URI
	}
	if uri == nil {
		return nil, invalidParams("missing field `uri`")
	}
	c, err := docs.Read(*uri)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, "", err)
	}
	return map[string]any{"contents": []any{c}}, nil
}
