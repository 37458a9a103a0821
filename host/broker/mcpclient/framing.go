package mcpclient

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxHeaderBytes bounds the header section of a Content-Length frame, as
// the reference provider templates do (spec §8.3).
const maxHeaderBytes = 8 << 10

// Frame reader failures besides I/O errors.
var (
	errOversize = errors.New("message over the size limit")
	errFraming  = errors.New("malformed frame")
)

// readFrame reads one Content-Length frame ("Content-Length: N", optional
// other headers, a blank line, N bytes of body). Header lines may end in
// CRLF or LF. A body over max is refused with errOversize before it is
// read. io.EOF means the stream ended cleanly between frames.
func readFrame(r *bufio.Reader, max int64) ([]byte, error) {
	length := int64(-1)
	total := 0
	for first := true; ; first = false {
		line, err := readHeaderLine(r, maxHeaderBytes-total)
		total += len(line)
		if err != nil {
			if first && err == io.EOF && len(line) == 0 {
				return nil, io.EOF
			}
			if err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		text := strings.TrimRight(string(line), "\r\n")
		if text == "" {
			break
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok {
			return nil, fmt.Errorf("%w: header line without ':'", errFraming)
		}
		if !strings.EqualFold(strings.TrimSpace(name), "content-length") {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%w: invalid content length", errFraming)
		}
		if length >= 0 && n != length {
			return nil, fmt.Errorf("%w: conflicting content lengths", errFraming)
		}
		length = n
	}
	if length < 0 {
		return nil, fmt.Errorf("%w: missing content length", errFraming)
	}
	if length > max {
		return nil, fmt.Errorf("%w: frame of %d bytes, limit %d", errOversize, length, max)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

// readHeaderLine reads up to and including '\n', refusing lines that would
// take the header section past its limit (room bytes left).
func readHeaderLine(r *bufio.Reader, room int) ([]byte, error) {
	var line []byte
	for {
		b, err := r.ReadByte()
		if err != nil {
			return line, err
		}
		if len(line) >= room {
			return line, fmt.Errorf("%w: header section over %d bytes", errFraming, maxHeaderBytes)
		}
		line = append(line, b)
		if b == '\n' {
			return line, nil
		}
	}
}

// appendFrame appends body as a Content-Length frame.
func appendFrame(dst, body []byte) []byte {
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\r\n\r\n"...)
	return append(dst, body...)
}

// readLine reads one newline-delimited JSON message, skipping blank lines.
// A line longer than max bytes (without its line ending) is refused with
// errOversize as soon as that is known. io.EOF means the stream ended
// cleanly between messages.
func readLine(r *bufio.Reader, max int64) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if int64(len(line)+len(chunk)) > max+2 { // room for "\r\n"
			return nil, fmt.Errorf("%w: line over %d bytes", errOversize, max)
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			msg := bytes.TrimRight(line, "\r\n")
			if int64(len(msg)) > max {
				return nil, fmt.Errorf("%w: line over %d bytes", errOversize, max)
			}
			if len(bytes.TrimSpace(msg)) == 0 {
				line = line[:0]
				continue
			}
			return msg, nil
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(bytes.TrimSpace(line)) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
}

// appendLine appends body as one newline-delimited message.
func appendLine(dst, body []byte) []byte {
	return append(append(dst, body...), '\n')
}
