package mcpstub

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Frame limits of the SDK templates (spec §8.3).
const (
	maxHeaderBytes = 8 << 10
	maxBodyBytes   = 1 << 20
)

// Main runs the stub on stdin and stdout with the behaviour given by the
// command-line flags (-protocol, -mode, -sign-key, -key-id) and exits.
func Main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	s, err := newStub(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := s.serveStdio(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mcpstub:", err)
		os.Exit(1)
	}
}

// serveStdio answers messages from in on out until in ends.
func (s *stub) serveStdio(in io.Reader, out io.Writer) error {
	br := bufio.NewReader(in)
	bw := bufio.NewWriter(out)
	mcp := s.cfg.Protocol == ProtocolMCP
	c := &conn{}
	for {
		var msg []byte
		var err error
		if mcp {
			msg, err = readLine(br)
		} else {
			msg, err = readFrame(br)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			s.write(bw, errorReply(nil, -32600, err.Error()), false)
			return err
		}
		o := s.handle(c, msg)
		switch {
		case o.hang:
			_, _ = io.Copy(io.Discard, br) // until stdin closes or the stub is killed
			time.Sleep(time.Hour)
			return nil
		case o.exit:
			_, _ = os.Stderr.WriteString("mcpstub: exiting as asked\n")
			os.Exit(3)
		}
		time.Sleep(o.delay)
		if o.before != nil {
			s.write(bw, o.before, false)
		}
		if o.reply != nil {
			s.write(bw, o.reply, o.raw)
		}
	}
}

func (s *stub) write(bw *bufio.Writer, msg []byte, raw bool) {
	switch {
	case raw:
		_, _ = bw.Write(msg)
	case s.cfg.Protocol == ProtocolMCP:
		_, _ = bw.Write(msg)
		_ = bw.WriteByte('\n')
	default:
		_, _ = fmt.Fprintf(bw, "Content-Length: %d\r\n\r\n", len(msg))
		_, _ = bw.Write(msg)
	}
	_ = bw.Flush()
}

var errFrame = errors.New("bad frame")

// readFrame reads one Content-Length frame as the SDK templates do.
func readFrame(br *bufio.Reader) ([]byte, error) {
	length, total := -1, 0
	for {
		line, err := br.ReadString('\n')
		total += len(line)
		if total > maxHeaderBytes {
			return nil, fmt.Errorf("%w: headers too large", errFrame)
		}
		if err != nil {
			if err == io.EOF && total == 0 {
				return nil, io.EOF
			}
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "content-length") {
			if length, err = strconv.Atoi(strings.TrimSpace(value)); err != nil {
				return nil, fmt.Errorf("%w: invalid content length", errFrame)
			}
		}
	}
	if length <= 0 || length > maxBodyBytes {
		return nil, fmt.Errorf("%w: content length %d", errFrame, length)
	}
	body := make([]byte, length)
	_, err := io.ReadFull(br, body)
	return body, err
}

// readLine reads one newline-delimited message of at most maxBodyBytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > maxBodyBytes+2 {
			return nil, fmt.Errorf("%w: line too long", errFrame)
		}
		line = bytes.TrimSpace(line)
		if len(line) > 0 {
			return line, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
