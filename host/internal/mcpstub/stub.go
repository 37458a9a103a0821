package mcpstub

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// mcpVersions are the MCP versions the stub accepts, newest first.
var mcpVersions = []string{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}

// stub answers JSON-RPC messages; it is shared by the stdio and HTTP
// front ends and safe for concurrent use.
type stub struct {
	cfg    Config
	signer *signer // nil: results are not signed
	calls  atomic.Int64
}

func newStub(cfg Config) (*stub, error) {
	cfg, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	s := &stub{cfg: cfg}
	if cfg.SignKey != "" || cfg.Mode == "badsig" || cfg.Mode == "hashmismatch" {
		if s.signer, err = newSigner(cfg.SignKey, cfg.KeyID); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// conn is the state of one stdio process or HTTP session.
type conn struct {
	mu           sync.Mutex // held by the HTTP front end around handle
	initializing bool       // initialize answered
	initialized  bool       // and notifications/initialized received
}

// outcome is what a front end does with one message.
type outcome struct {
	before []byte        // a message sent before the reply (mcp notify)
	reply  []byte        // the reply; nil = none (a notification)
	raw    bool          // reply breaks the framing: write it unframed
	delay  time.Duration // wait before answering
	hang   bool          // never answer
	exit   bool          // exit (stdio) or drop the connection (HTTP)
}

type rpcRequest struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// handle answers one message received on c.
func (s *stub) handle(c *conn, msg []byte) outcome {
	var req rpcRequest
	if err := json.Unmarshal(msg, &req); err != nil {
		return outcome{reply: errorReply(nil, -32700, "invalid json")}
	}
	if req.ID == nil { // a notification
		if req.Method == "notifications/initialized" && c.initializing {
			c.initialized = true
		}
		return outcome{}
	}
	mcp := s.cfg.Protocol == ProtocolMCP
	switch req.Method {
	case "initialize":
		if !mcp {
			return outcome{reply: errorReply(req.ID, -32601, "method not found")}
		}
		return outcome{reply: s.initialize(c, req)}
	case "ping":
		return outcome{reply: resultReply(req.ID, map[string]any{})}
	case "tools/list", "tools/call":
		if mcp && !c.initialized {
			return outcome{reply: errorReply(req.ID, -32002, "server not initialized")}
		}
	default:
		return outcome{reply: errorReply(req.ID, -32601, "method not found")}
	}
	if req.Method == "tools/list" {
		return outcome{reply: resultReply(req.ID, s.toolList())}
	}
	return s.toolsCall(req)
}

func (s *stub) initialize(c *conn, req rpcRequest) []byte {
	var p struct {
		ProtocolVersion string `json:"protocolVersion"`
	}
	_ = json.Unmarshal(req.Params, &p)
	version := mcpVersions[1]
	for _, v := range mcpVersions {
		if v == p.ProtocolVersion {
			version = v
		}
	}
	if s.cfg.Mode == "badversion" {
		version = "1999-01-01"
	}
	c.initializing = true
	return resultReply(req.ID, map[string]any{
		"protocolVersion": version,
		"capabilities":    map[string]any{"tools": map[string]any{}},
		"serverInfo":      map[string]any{"name": "mcpstub", "version": "1.0.0"},
	})
}

// inputSchema is the evidence_query input schema the stub advertises.
var inputSchema = map[string]any{
	"type":     "object",
	"required": []string{"query", "context"},
	"properties": map[string]any{
		"query":   map[string]any{"type": "object"},
		"context": map[string]any{"type": "object"},
	},
}

func (s *stub) toolList() map[string]any {
	key := "input_schema" // the SDK templates' spelling (spec §8.3)
	if s.cfg.Protocol == ProtocolMCP {
		key = "inputSchema"
	}
	name := "evidence_query"
	if s.cfg.Mode == "notool" {
		name = "something_else"
	}
	return map[string]any{"tools": []map[string]any{{
		"name": name, "description": "Resolve a Decision Gate evidence query.", key: inputSchema,
	}}}
}

type toolCallParams struct {
	Name      string `json:"name"`
	Arguments struct {
		Query struct {
			ProviderID string          `json:"provider_id"`
			CheckID    string          `json:"check_id"`
			Params     json.RawMessage `json:"params"`
		} `json:"query"`
		Context json.RawMessage `json:"context"`
	} `json:"arguments"`
}

// callModes are the modes a check_id may select for one call.
var callModes = map[string]bool{
	"malformed": true, "badframe": true, "text": true, "empty": true, "rpc_error": true,
	"tool_error": true, "structured": true, "wrong_id": true, "notify": true, "hang": true,
	"slow": true, "exit": true, "oversize": true,
}

func (s *stub) toolsCall(req rpcRequest) outcome {
	var p toolCallParams
	if err := json.Unmarshal(req.Params, &p); err != nil || p.Name != "evidence_query" {
		return outcome{reply: errorReply(req.ID, -32602, "invalid tool params")}
	}
	n := s.calls.Add(1)
	check := p.Arguments.Query.CheckID
	var params map[string]json.RawMessage
	_ = json.Unmarshal(p.Arguments.Query.Params, &params)
	mode := s.cfg.Mode
	if name, _, _ := strings.Cut(mode, ":"); !callModes[name] && name != "flaky" && callModes[check] {
		mode = check
		if check == "slow" {
			mode = fmt.Sprintf("slow:%d", intParam(params, "ms", 100))
		}
		if check == "oversize" {
			mode = fmt.Sprintf("oversize:%d", intParam(params, "bytes", 2<<20))
		}
	}
	name, _, _ := strings.Cut(mode, ":")
	var o outcome
	switch name {
	case "hang":
		return outcome{hang: true}
	case "exit":
		return outcome{exit: true}
	case "slow":
		o.delay = millis(modeArg(mode, 100))
	case "flaky":
		if n%int64(modeArg(mode, 2)) == 0 {
			return outcome{reply: errorReply(req.ID, -32000, fmt.Sprintf("flaky failure on call %d", n))}
		}
	case "malformed":
		return outcome{reply: []byte("this is not json {")}
	case "badframe":
		return outcome{reply: []byte("Content-Length: many\r\n\r\n{}"), raw: true}
	case "rpc_error":
		return outcome{reply: errorReply(req.ID, -32000, "provider failed on purpose")}
	case "text":
		return outcome{reply: resultReply(req.ID, map[string]any{"content": []any{
			map[string]any{"type": "text", "text": "plain text instead of evidence"}}})}
	case "empty":
		return outcome{reply: resultReply(req.ID, map[string]any{"content": []any{}})}
	case "tool_error":
		return outcome{reply: resultReply(req.ID, map[string]any{"isError": true, "content": []any{
			map[string]any{"type": "text", "text": "the tool failed"}}})}
	case "wrong_id":
		return outcome{reply: resultReply(json.RawMessage("987654321"), map[string]any{"content": []any{}})}
	case "oversize":
		return outcome{reply: oversizeReply(req.ID, modeArg(mode, 2<<20))}
	case "notify":
		o.before = notification("notifications/message", map[string]any{"level": "info", "data": "working"})
	}
	res := s.result(check, params)
	if name == "structured" {
		text, _ := json.Marshal(res)
		o.reply = resultReply(req.ID, map[string]any{
			"content":           []any{map[string]any{"type": "text", "text": string(text)}},
			"structuredContent": res,
		})
		return o
	}
	o.reply = resultReply(req.ID, map[string]any{"content": []any{map[string]any{"type": "json", "json": res}}})
	return o
}

func intParam(params map[string]json.RawMessage, name string, def int) int {
	var n int
	if err := json.Unmarshal(params[name], &n); err != nil || n <= 0 {
		return def
	}
	return n
}

func resultReply(id json.RawMessage, result any) []byte {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "result": result})
	return b
}

func errorReply(id json.RawMessage, code int, msg string) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "error": map[string]any{"code": code, "message": msg}})
	return b
}

func notification(method string, params any) []byte {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	return b
}

// oversizeReply is a well-formed reply of about n bytes.
func oversizeReply(id json.RawMessage, n int) []byte {
	pad := strings.Repeat("x", max(n-128, 1))
	return resultReply(id, map[string]any{"content": []any{map[string]any{"type": "json", "json": map[string]any{
		"value": map[string]any{"kind": "json", "value": pad}, "lane": "verified",
	}}}})
}
