package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/decision-gate/dgw/host/evidence"
)

// exitGrace is how long a call that saw the child's output end waits for
// the child to be reaped, so that the error can say how it exited.
const exitGrace = time.Second

// callStdio runs one evidence_query on the stdio child.
func (c *Client) callStdio(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, *Error) {
	c.callMu.Lock()
	defer c.callMu.Unlock()
	sctx, cancel := context.WithTimeout(ctx, c.opts.StartupTimeout)
	p, e := c.readyProcessLocked(sctx)
	cancel()
	if e != nil {
		return evidence.Result{}, e
	}
	ctx, cancel = context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	raw, e := c.exchangeLocked(ctx, p, "tools/call", evidenceCall(q, ec))
	if e != nil {
		return evidence.Result{}, e
	}
	res, e := decodeToolResult(raw, c.opts.Protocol)
	if e != nil && e.Code == CodeMalformed {
		c.dropLocked(p)
	}
	return res, e
}

// readyProcessLocked returns a running child, spawning one (and, for mcp,
// handshaking with it) if there is none or the last one died.
func (c *Client) readyProcessLocked(ctx context.Context) (*process, *Error) {
	c.procMu.Lock()
	p := c.proc
	c.procMu.Unlock()
	if p != nil && p.alive() && (p.ready || c.opts.Protocol != ProtocolMCP) {
		return p, nil
	}
	if p != nil {
		c.dropLocked(p)
	}
	p, err := startProcess(c.opts.Command, c.opts.Env, c.opts.Dir, c.tail)
	if err != nil {
		return nil, &Error{Code: CodeTransport, Msg: "mcp process spawn failed: " + clip(err.Error())}
	}
	c.procMu.Lock()
	if c.closed.Load() {
		c.procMu.Unlock()
		p.stop()
		return nil, errClosed()
	}
	c.proc = p
	c.procMu.Unlock()
	if c.opts.Protocol != ProtocolMCP {
		return p, nil
	}
	call := func(ctx context.Context, method string, params any) (json.RawMessage, *Error) {
		return c.exchangeLocked(ctx, p, method, params)
	}
	info, e := initialize(ctx, call)
	if e == nil {
		e = wrapHandshake("notifications/initialized", c.notifyLocked(ctx, p, "notifications/initialized"))
	}
	if e == nil {
		info.ToolsSchemaHash, e = listTools(ctx, call)
	}
	if e != nil {
		c.dropLocked(p)
		return nil, e
	}
	p.ready = true
	c.setInfo(info)
	return p, nil
}

// dropLocked kills p, waits for it and forgets it, so that the next call
// spawns a fresh child.
func (c *Client) dropLocked(p *process) {
	p.stop()
	c.procMu.Lock()
	if c.proc == p {
		c.proc = nil
	}
	c.procMu.Unlock()
}

// exchangeLocked sends one request to p and reads until its reply. The
// child is killed when ctx ends, which unblocks the read; any failure
// that leaves the stream in doubt drops the child.
func (c *Client) exchangeLocked(ctx context.Context, p *process, method string, params any) (json.RawMessage, *Error) {
	id := c.nextID.Add(1)
	body, err := encodeRequest(id, method, params)
	if err != nil {
		return nil, &Error{Code: CodeTransport, Msg: "encode request: " + err.Error()}
	}
	stop := context.AfterFunc(ctx, p.kill)
	defer stop()
	if err := c.writeLocked(p, body); err != nil {
		return nil, c.stdioFailure(ctx, p, err)
	}
	for {
		msg, err := c.readLocked(p)
		if err != nil {
			return nil, c.stdioFailure(ctx, p, err)
		}
		m, e := parseMessage(msg)
		if e == nil && c.opts.Protocol == ProtocolMCP && !m.isResponse() {
			continue // a notification or server request: ignored
		}
		var raw json.RawMessage
		if e == nil {
			raw, e = m.reply(id)
		}
		if e != nil && e.Code == CodeMalformed {
			c.dropLocked(p)
		}
		return raw, e
	}
}

// notifyLocked sends a notification to p.
func (c *Client) notifyLocked(ctx context.Context, p *process, method string) *Error {
	body, err := encodeNotification(method)
	if err != nil {
		return &Error{Code: CodeTransport, Msg: "encode notification: " + err.Error()}
	}
	stop := context.AfterFunc(ctx, p.kill)
	defer stop()
	if err := c.writeLocked(p, body); err != nil {
		return c.stdioFailure(ctx, p, err)
	}
	return nil
}

func (c *Client) writeLocked(p *process, body []byte) error {
	var frame []byte
	if c.opts.Protocol == ProtocolMCP {
		frame = appendLine(make([]byte, 0, len(body)+1), body)
	} else {
		frame = appendFrame(make([]byte, 0, len(body)+32), body)
	}
	_, err := p.stdin.Write(frame)
	return err
}

func (c *Client) readLocked(p *process) ([]byte, error) {
	if c.opts.Protocol == ProtocolMCP {
		return readLine(p.br, c.opts.MaxResponseBytes)
	}
	return readFrame(p.br, c.opts.MaxResponseBytes)
}

// stdioFailure classifies a failed read or write on p and drops p.
func (c *Client) stdioFailure(ctx context.Context, p *process, err error) *Error {
	killed := ctx.Err() != nil
	if !killed && !errors.Is(err, errOversize) && !errors.Is(err, errFraming) {
		// The output ended or broke: wait briefly for the exit status.
		select {
		case <-p.exited:
		case <-time.After(exitGrace):
		}
	}
	c.dropLocked(p)
	switch {
	case c.closed.Load():
		return errClosed()
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Code: CodeTimeout, Msg: "mcp request timed out"}
	case killed:
		return &Error{Code: CodeTransport, Msg: "mcp request canceled"}
	case errors.Is(err, errOversize):
		return &Error{Code: CodeOversize, Msg: fmt.Sprintf("response over %d bytes", c.opts.MaxResponseBytes)}
	case errors.Is(err, errFraming):
		return &Error{Code: CodeMalformed, Msg: clip(err.Error())}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, os.ErrClosed),
		errors.Is(err, syscall.EPIPE):
		return &Error{Code: CodeProcessExited, Msg: "mcp process exited: " + p.exitStatus()}
	}
	return &Error{Code: CodeTransport, Msg: "mcp i/o failed: " + clip(err.Error())}
}
