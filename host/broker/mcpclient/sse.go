package mcpclient

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
)

// readEventStream reads a text/event-stream body until the event that
// carries the response to request id. Notifications and server requests
// on the stream are ignored. The whole stream read is capped at
// MaxResponseBytes.
func (c *Client) readEventStream(ctx context.Context, body io.Reader, id int64) (json.RawMessage, *Error) {
	raw, err := nextResponseEvent(body, c.opts.MaxResponseBytes)
	switch {
	case errors.Is(err, errOversize):
		return nil, c.oversize()
	case errors.Is(err, io.EOF):
		return nil, malformed("event stream ended without a reply")
	case err != nil:
		return nil, c.httpFailure(ctx, err)
	}
	return decodeReply(raw, id)
}

// nextResponseEvent returns the data of the first event that holds a
// JSON-RPC response (a message without a method). It reads at most max
// bytes in all; io.EOF means the stream ended first (an event cut off by
// the end of the stream is not dispatched).
func nextResponseEvent(body io.Reader, max int64) ([]byte, error) {
	lr := &io.LimitedReader{R: body, N: max + 1}
	br := bufio.NewReader(lr)
	var data []byte
	hasData := false
	total := int64(0)
	for {
		line, err := br.ReadBytes('\n')
		total += int64(len(line))
		if total > max || err == io.EOF && lr.N <= 0 {
			return nil, errOversize
		}
		if err != nil {
			return nil, err // io.EOF included: an unterminated event is dropped
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if hasData {
				if m, e := parseMessage(data); e != nil || m.isResponse() {
					return data, nil // decodeReply reports what is wrong with it
				}
			}
			data, hasData = data[:0], false
		case line[0] == ':':
			// a comment, e.g. a keep-alive
		default:
			field, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimPrefix(value, []byte(" "))
			if string(field) == "data" {
				if hasData {
					data = append(data, '\n')
				}
				data = append(data, value...)
				hasData = true
			}
		}
	}
}
