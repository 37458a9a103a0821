package mcp

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type infoKey struct{}

// withInfo stores the request info for standard-MCP tool handlers.
func withInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

func infoFrom(ctx context.Context) *RequestInfo {
	if info, ok := ctx.Value(infoKey{}).(*RequestInfo); ok {
		return info
	}
	return &RequestInfo{Transport: "stdio"}
}

// StandardServer builds a standard MCP server (initialize handshake,
// inputSchema, text plus structured results) over the same tools, resources,
// authentication and limits as the reference dialect.
func (h *Handler) StandardServer(name, version string, opts TransportOptions) *server.MCPServer {
	s := server.NewMCPServer(name, version,
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, false),
		server.WithRecovery(),
		server.WithToolFilter(func(ctx context.Context, tools []mcpgo.Tool) []mcpgo.Tool {
			byName := make(map[string]mcpgo.Tool, len(tools))
			for _, t := range tools {
				byName[t.Name] = t
			}
			out := make([]mcpgo.Tool, 0, len(tools))
			for _, c := range h.svc.List() { // canonical order, visibility applied
				if t, ok := byName[c.Name]; ok {
					out = append(out, t)
				}
			}
			return out
		}),
	)
	for _, c := range h.svc.order {
		name := c.contract.Name
		s.AddTool(mcpgo.NewToolWithRawSchema(name, c.contract.Description, c.contract.InputSchema),
			func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
				return h.standardCall(ctx, opts, name, req), nil
			})
	}
	if docs := h.svc.opts.Docs; docs != nil && docs.ResourcesEnabled() {
		h.addDocResources(s)
	}
	return s
}

// standardCall runs one tool for a standard MCP client. Failures are tool
// results with isError and the same code, kind and message as the
// reference dialect.
func (h *Handler) standardCall(ctx context.Context, opts TransportOptions, name string, req mcpgo.CallToolRequest) *mcpgo.CallToolResult {
	info := *infoFrom(ctx)
	if info.ServerCorrelationID == "" && opts.NewCorrelationID != nil {
		info.ServerCorrelationID = opts.NewCorrelationID()
	}
	args := req.Params.RawArguments
	if len(args) == 0 {
		raw, err := json.Marshal(req.GetRawArguments())
		if err != nil {
			raw = json.RawMessage("{}")
		}
		args = raw
	}
	out := &Outcome{Method: "ToolsCall", Tool: name, Status: http.StatusOK}
	defer func() {
		if opts.OnRequest != nil {
			opts.OnRequest(&info, out, 0)
		}
	}()
	if !opts.Inflight.TryAcquire() {
		out.Err = rpcErr(CodeInflightLimit, "server overloaded")
		return errorResult(out.Err)
	}
	defer opts.Inflight.Release()
	p, authErr := h.authenticate(ctx, &info, "tools/call", name)
	out.Principal = p
	if authErr != nil {
		out.Err = authErr
		return errorResult(authErr)
	}
	res, err := h.svc.Call(ctx, &Call{Tool: name, Principal: p, Info: &info, Args: args})
	if err != nil {
		out.Err = toWire(err)
		return errorResult(out.Err)
	}
	text, mErr := jsonMarshal(res)
	if mErr != nil {
		out.Err = rpcErr(CodeSerialization, "serialization failed")
		return errorResult(out.Err)
	}
	var structured any = json.RawMessage(text)
	return mcpgo.NewToolResultStructured(structured, string(text))
}

func errorResult(e *Error) *mcpgo.CallToolResult {
	body, _ := jsonMarshal(map[string]any{"code": e.Code, "kind": e.Kind(), "message": e.Message, "retryable": e.Retryable()})
	r := mcpgo.NewToolResultError(e.Kind() + ": " + e.Message)
	r.StructuredContent = json.RawMessage(body)
	return r
}

func (h *Handler) addDocResources(s *server.MCPServer) {
	for _, r := range h.svc.opts.Docs.List() {
		s.AddResource(mcpgo.NewResource(r.URI, r.Name, mcpgo.WithResourceDescription(r.Description), mcpgo.WithMIMEType(r.MIMEType)),
			func(ctx context.Context, req mcpgo.ReadResourceRequest) ([]mcpgo.ResourceContents, error) {
				c, err := h.svc.opts.Docs.Read(req.Params.URI)
				if err != nil {
					return nil, err
				}
				return []mcpgo.ResourceContents{mcpgo.TextResourceContents{URI: c.URI, MIMEType: c.MIMEType, Text: c.Text}}, nil
			})
	}
}

// StandardHTTPHandler serves streamable HTTP MCP. Every POST is
// authenticated like /rpc; an unauthenticated bearer-mode request gets 401
// with a WWW-Authenticate challenge before it reaches the MCP session.
func (h *Handler) StandardHTTPHandler(s *server.MCPServer, path string, opts TransportOptions) http.Handler {
	inner := server.NewStreamableHTTPServer(s,
		server.WithEndpointPath(path),
		server.WithSessionIdleTTL(10*time.Minute),
		server.WithHTTPContextFunc(func(ctx context.Context, r *http.Request) context.Context {
			return withInfo(ctx, &RequestInfo{Transport: "http", PeerIP: peerIP(r), Header: r.Header.Clone()})
		}),
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &RequestInfo{Transport: "http", PeerIP: peerIP(r), Header: r.Header}
		if _, _, err := h.identify(info); err != nil {
			if err.Code == CodeUnauthenticated && h.auth.Mode == BearerToken {
				w.Header().Set("WWW-Authenticate", `Bearer realm="decision-gate"`)
			}
			writeJSON(w, err.Status(), errorResponse(nil, err))
			return
		}
		if r.ContentLength > opts.MaxBodyBytes && opts.MaxBodyBytes > 0 {
			e := rpcErr(CodeRequestTooLarge, "request body too large")
			writeJSON(w, e.Status(), errorResponse(nil, e))
			return
		}
		if opts.MaxBodyBytes > 0 {
			r.Body = http.MaxBytesReader(w, r.Body, opts.MaxBodyBytes)
		}
		inner.ServeHTTP(w, r)
	})
}
