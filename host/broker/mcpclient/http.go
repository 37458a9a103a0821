package mcpclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"

	"github.com/decision-gate/dgw/host/egress"
	"github.com/decision-gate/dgw/host/evidence"
)

// maxDrainBytes is how much of an unwanted body is read so that the
// connection can be reused.
const maxDrainBytes = 4 << 10

// callHTTP runs one evidence_query as a single JSON-RPC POST
// (dg_evidence_v1, spec §8.1).
func (c *Client) callHTTP(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, *Error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	ctx, release := c.untilClose(ctx)
	defer release()
	id := c.nextID.Add(1)
	body, err := encodeRequest(id, "tools/call", evidenceCall(q, ec))
	if err != nil {
		return evidence.Result{}, &Error{Code: CodeTransport, Msg: "encode request: " + err.Error()}
	}
	h := http.Header{}
	if ec.CorrelationID != nil && *ec.CorrelationID != "" {
		h.Set("X-Correlation-Id", *ec.CorrelationID)
	}
	resp, e := c.post(ctx, body, h)
	if e != nil {
		return evidence.Result{}, e
	}
	defer closeBody(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return evidence.Result{}, statusError(resp.StatusCode)
	}
	data, e := c.readBody(ctx, resp.Body, resp.ContentLength)
	if e != nil {
		return evidence.Result{}, e
	}
	raw, e := decodeReply(data, id)
	if e != nil {
		return evidence.Result{}, e
	}
	return decodeToolResult(raw, c.opts.Protocol)
}

// post sends body to the backend URL after checking it against the egress
// policy. The caller closes the response body.
func (c *Client) post(ctx context.Context, body []byte, h http.Header) (*http.Response, *Error) {
	return c.send(ctx, http.MethodPost, body, h)
}

func (c *Client) send(ctx context.Context, method string, body []byte, h http.Header) (*http.Response, *Error) {
	u, err := c.opts.Egress.CheckURL(c.opts.URL)
	if err != nil {
		return nil, c.egressError(err)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, &Error{Code: CodeTransport, Msg: "http request: " + clip(err.Error())}
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.opts.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.BearerToken)
	}
	resp, err := c.httpc.Do(req)
	if err != nil {
		return nil, c.httpFailure(ctx, err)
	}
	return resp, nil
}

// readBody reads a whole response body of at most MaxResponseBytes.
func (c *Client) readBody(ctx context.Context, body io.Reader, declared int64) ([]byte, *Error) {
	max := c.opts.MaxResponseBytes
	if declared > max {
		return nil, c.oversize()
	}
	data, err := io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		return nil, c.httpFailure(ctx, err)
	}
	if int64(len(data)) > max {
		return nil, c.oversize()
	}
	return data, nil
}

func (c *Client) oversize() *Error {
	return &Error{Code: CodeOversize, Msg: fmt.Sprintf("response over %d bytes", c.opts.MaxResponseBytes)}
}

func statusError(code int) *Error {
	return &Error{Code: CodeHTTPStatus, Msg: fmt.Sprintf("http request failed with status %d", code)}
}

// httpFailure classifies a failed request or body read.
func (c *Client) httpFailure(ctx context.Context, err error) *Error {
	var ne net.Error
	switch {
	case errors.Is(err, egress.ErrRefused), errors.Is(err, egress.ErrInvalidURL):
		return c.egressError(err)
	case c.closed.Load():
		return errClosed()
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return &Error{Code: CodeTimeout, Msg: "http request timed out"}
	case ctx.Err() != nil:
		return &Error{Code: CodeTransport, Msg: "http request canceled"}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL may carry a token in its query
	}
	return &Error{Code: CodeTransport, Msg: "http request failed: " + clip(err.Error())}
}

// untilClose returns a context that also ends when the client is closed.
func (c *Client) untilClose(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(c.life, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// closeBody drains a little of the body, so the connection can be reused,
// and closes it.
func closeBody(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrainBytes)
	_ = resp.Body.Close()
}
