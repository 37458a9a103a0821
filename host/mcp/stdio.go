package mcp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/server"
)

// maxHeaderBytes caps the header block of one Content-Length frame.
const maxHeaderBytes = 8 << 10

// ServeStdio serves one client over stdin/stdout until EOF or a framing
// error. The first byte picks the dialect: '{' starts newline-delimited
// standard MCP (served by std), anything else Content-Length framed
// reference JSON-RPC, one request at a time.
func (h *Handler) ServeStdio(ctx context.Context, in io.Reader, out io.Writer, opts TransportOptions, std *server.MCPServer) error {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte()
			continue
		case '{':
			if std == nil {
				return errors.New("stdio: newline-delimited MCP is not enabled")
			}
			ss := server.NewStdioServer(std)
			ss.SetContextFunc(func(ctx context.Context) context.Context {
				return withInfo(ctx, &RequestInfo{Transport: "stdio"})
			})
			return ss.Listen(ctx, br, out)
		}
		return h.serveFramed(ctx, br, out, opts)
	}
}

func (h *Handler) serveFramed(ctx context.Context, br *bufio.Reader, out io.Writer, opts TransportOptions) error {
	w := bufio.NewWriter(out)
	for {
		body, err := readFrame(br, opts.MaxBodyBytes)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		info := &RequestInfo{Transport: "stdio", ServerCorrelationID: opts.NewCorrelationID(), RequestBytes: len(body)}
		var resp []byte
		var outc *Outcome
		switch ok, retry, full := opts.RateLimiter.Allow("transport:stdio"); {
		case !opts.Inflight.TryAcquire():
			e := rpcErr(CodeInflightLimit, "server overloaded")
			resp, outc = errorResponse(nil, e), &Outcome{Method: "Invalid", Err: e, Status: e.Status()}
		case !ok:
			opts.Inflight.Release()
			e := rpcErr(CodeRateLimited, "rate limit exceeded")
			if full {
				e = rpcErr(CodeInflightLimit, "rate limiter overloaded")
			} else {
				e.RetryAfterMS = &retry
			}
			resp, outc = errorResponse(nil, e), &Outcome{Method: "Invalid", Err: e, Status: e.Status()}
		default:
			resp, outc = h.Handle(ctx, info, body)
			opts.Inflight.Release()
		}
		if opts.OnRequest != nil {
			opts.OnRequest(info, outc, len(resp))
		}
		if _, err := fmt.Fprintf(w, "Content-Length: %d\r\n\r\n", len(resp)); err != nil {
			return err
		}
		if _, err := w.Write(resp); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
}

// readFrame reads one Content-Length frame. Header lines other than
// Content-Length are ignored; the name is matched case-sensitively as a
// prefix. A length over max is a fatal error.
func readFrame(br *bufio.Reader, max int64) ([]byte, error) {
	length := int64(-1)
	read := 0
	for {
		line, err := br.ReadString('\n')
		read += len(line)
		if err != nil {
			if errors.Is(err, io.EOF) && read == 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("stdio: truncated frame header: %w", err)
		}
		if read > maxHeaderBytes {
			return nil, fmt.Errorf("stdio: frame header exceeds %d bytes", maxHeaderBytes)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length < 0 {
				if read <= 2 {
					read = 0 // blank line between frames
					continue
				}
				return nil, errors.New("stdio: frame without Content-Length")
			}
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("stdio: invalid Content-Length %q", strings.TrimSpace(v))
			}
			length = n
		}
	}
	if length > max {
		return nil, fmt.Errorf("stdio: frame of %d bytes exceeds max_body_bytes %d", length, max)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, fmt.Errorf("stdio: truncated frame body: %w", err)
	}
	return body, nil
}
