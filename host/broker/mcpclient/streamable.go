package mcpclient

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"time"

	"github.com/decision-gate/dgw/host/evidence"
)

// Streamable HTTP headers (MCP 2025-03-26 and later).
const (
	headerSession = "Mcp-Session-Id"
	headerVersion = "Mcp-Protocol-Version"
)

// deleteTimeout bounds the DELETE that ends a session on Close.
const deleteTimeout = 2 * time.Second

// session is one initialised Streamable HTTP session. It is immutable.
type session struct {
	id      string // Mcp-Session-Id; "" when the server keeps no session
	version string // the negotiated protocol version
}

// httpReply is the outcome of one request over Streamable HTTP.
type httpReply struct {
	result json.RawMessage
	header http.Header
	status int
}

// callStreamable runs one evidence_query over Streamable HTTP,
// initialising a session first when there is none. A 404 on a request
// that carried a session id means the session expired: the client
// initialises once more and retries the call.
func (c *Client) callStreamable(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, *Error) {
	ctx, release := c.untilClose(ctx)
	defer release()
	cctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		s, e := c.ensureSession(ctx)
		if e != nil {
			return evidence.Result{}, e
		}
		rep, e := c.rpcStreamable(cctx, s, "tools/call", evidenceCall(q, ec), ec.CorrelationID)
		if e != nil && rep.status == http.StatusNotFound && s.id != "" && attempt == 0 {
			c.forgetSession(s)
			continue
		}
		if e != nil {
			return evidence.Result{}, e
		}
		return decodeToolResult(rep.result, c.opts.Protocol)
	}
}

// ensureSession returns the current session, initialising one within
// StartupTimeout if there is none.
func (c *Client) ensureSession(ctx context.Context) (*session, *Error) {
	if s := c.session(); s != nil {
		return s, nil
	}
	c.initMu.Lock()
	defer c.initMu.Unlock()
	if c.closed.Load() {
		return nil, errClosed()
	}
	if s := c.session(); s != nil {
		return s, nil // another call initialised meanwhile
	}
	ctx, release := c.untilClose(ctx)
	defer release()
	ctx, cancel := context.WithTimeout(ctx, c.opts.StartupTimeout)
	defer cancel()
	s := &session{}
	var header http.Header
	call := func(ctx context.Context, method string, params any) (json.RawMessage, *Error) {
		rep, e := c.rpcStreamable(ctx, s, method, params, nil)
		if method == "initialize" && e == nil {
			header = rep.header
		}
		return rep.result, e
	}
	info, e := initialize(ctx, call)
	if e != nil {
		return nil, e
	}
	s = &session{id: header.Get(headerSession), version: info.ProtocolVersion}
	e = wrapHandshake("notifications/initialized", c.notifyStreamable(ctx, s, "notifications/initialized"))
	if e == nil {
		info.ToolsSchemaHash, e = listTools(ctx, call)
	}
	if e != nil {
		if s.id != "" {
			c.deleteSession(s)
		}
		return nil, e
	}
	c.sessMu.Lock()
	if c.closed.Load() {
		c.sessMu.Unlock()
		if s.id != "" {
			c.deleteSession(s)
		}
		return nil, errClosed()
	}
	c.sess = s
	c.sessMu.Unlock()
	c.setInfo(info)
	return s, nil
}

// session returns the current session, or nil.
func (c *Client) session() *session {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	return c.sess
}

// forgetSession drops s if it is still the current session.
func (c *Client) forgetSession(s *session) {
	c.sessMu.Lock()
	if c.sess == s {
		c.sess = nil
	}
	c.sessMu.Unlock()
}

// rpcStreamable POSTs one request and reads its reply from a JSON body or
// an event stream. rep.status is set whenever a response arrived.
func (c *Client) rpcStreamable(ctx context.Context, s *session, method string, params any, correlationID *string) (httpReply, *Error) {
	id := c.nextID.Add(1)
	body, err := encodeRequest(id, method, params)
	if err != nil {
		return httpReply{}, &Error{Code: CodeTransport, Msg: "encode request: " + err.Error()}
	}
	h := c.sessionHeader(s)
	h.Set("Accept", "application/json, text/event-stream")
	if correlationID != nil && *correlationID != "" {
		h.Set("X-Correlation-Id", *correlationID)
	}
	resp, e := c.post(ctx, body, h)
	if e != nil {
		return httpReply{}, e
	}
	defer closeBody(resp)
	rep := httpReply{header: resp.Header, status: resp.StatusCode}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return rep, statusError(resp.StatusCode)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "text/event-stream" {
		rep.result, e = c.readEventStream(ctx, resp.Body, id)
		return rep, e
	}
	data, e := c.readBody(ctx, resp.Body, resp.ContentLength)
	if e != nil {
		return rep, e
	}
	rep.result, e = decodeReply(data, id)
	return rep, e
}

// notifyStreamable POSTs a notification; the server answers 202.
func (c *Client) notifyStreamable(ctx context.Context, s *session, method string) *Error {
	body, err := encodeNotification(method)
	if err != nil {
		return &Error{Code: CodeTransport, Msg: "encode notification: " + err.Error()}
	}
	h := c.sessionHeader(s)
	h.Set("Accept", "application/json, text/event-stream")
	resp, e := c.post(ctx, body, h)
	if e != nil {
		return e
	}
	defer closeBody(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusError(resp.StatusCode)
	}
	return nil
}

// deleteSession asks the server to end s; failures are ignored. It runs
// from Close, which has no caller context, so it is bounded on its own.
func (c *Client) deleteSession(s *session) {
	ctx, cancel := context.WithTimeout(context.Background(), min(deleteTimeout, c.opts.RequestTimeout))
	defer cancel()
	resp, e := c.send(ctx, http.MethodDelete, nil, c.sessionHeader(s))
	if e == nil {
		closeBody(resp)
	}
}

func (c *Client) sessionHeader(s *session) http.Header {
	h := http.Header{}
	if s.id != "" {
		h.Set(headerSession, s.id)
	}
	if s.version != "" {
		h.Set(headerVersion, s.version)
	}
	return h
}
