package mcpclient

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadFrame(t *testing.T) {
	cases := []struct {
		name, in string
		max      int64
		want     []string // bodies read before the error
		err      error    // the error after them
	}{
		{"one frame", "Content-Length: 2\r\n\r\n{}", 10, []string{"{}"}, io.EOF},
		{"two frames", "Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]", 10, []string{"{}", "[1]"}, io.EOF},
		{"lf only", "Content-Length: 2\n\n{}", 10, []string{"{}"}, io.EOF},
		{"other headers", "Content-Type: application/json\r\ncontent-length:  2 \r\n\r\n{}", 10, []string{"{}"}, io.EOF},
		{"at the cap", "Content-Length: 4\r\n\r\n1234", 4, []string{"1234"}, io.EOF},
		{"over the cap", "Content-Length: 5\r\n\r\n12345", 4, nil, errOversize},
		{"huge length", "Content-Length: 99999999999999\r\n\r\n", 4, nil, errOversize},
		{"missing length", "X: y\r\n\r\n{}", 10, nil, errFraming},
		{"zero length", "Content-Length: 0\r\n\r\n", 10, nil, errFraming},
		{"negative length", "Content-Length: -1\r\n\r\n", 10, nil, errFraming},
		{"bad length", "Content-Length: ten\r\n\r\n", 10, nil, errFraming},
		{"conflicting lengths", "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 10, nil, errFraming},
		{"no colon", "garbage\r\n\r\n", 10, nil, errFraming},
		{"json instead of frame", "{\"jsonrpc\":\"2.0\"}\n", 10, nil, io.ErrUnexpectedEOF},
		{"header too large", "X: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n", 10, nil, errFraming},
		{"cut in header", "Content-Length: 2\r\n", 10, nil, io.ErrUnexpectedEOF},
		{"cut in body", "Content-Length: 5\r\n\r\n{}", 10, nil, io.ErrUnexpectedEOF},
		{"empty stream", "", 10, nil, io.EOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader(tc.in))
			var got []string
			for {
				b, err := readFrame(br, tc.max)
				if err != nil {
					if !errors.Is(err, tc.err) {
						t.Fatalf("err = %v, want %v", err, tc.err)
					}
					break
				}
				got = append(got, string(b))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("bodies %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAppendFrameRoundTrip(t *testing.T) {
	var buf []byte
	for _, body := range []string{"{}", `{"a":"\r\n\r\n"}`, strings.Repeat("x", 70000)} {
		buf = appendFrame(buf, []byte(body))
	}
	br := bufio.NewReader(bytes.NewReader(buf))
	for _, want := range []string{"{}", `{"a":"\r\n\r\n"}`, strings.Repeat("x", 70000)} {
		got, err := readFrame(br, 1<<20)
		if err != nil || string(got) != want {
			t.Fatalf("got %d bytes, %v", len(got), err)
		}
	}
}

func TestReadLine(t *testing.T) {
	long := strings.Repeat("x", 5000) // longer than bufio's default buffer
	cases := []struct {
		name, in string
		max      int64
		want     []string
		err      error
	}{
		{"lines", "{}\n[1]\n", 10, []string{"{}", "[1]"}, io.EOF},
		{"crlf", "{}\r\n", 10, []string{"{}"}, io.EOF},
		{"blank lines skipped", "\n\r\n  \n{}\n", 10, []string{"{}"}, io.EOF},
		{"at the cap", "1234\n", 4, []string{"1234"}, io.EOF},
		{"at the cap crlf", "1234\r\n", 4, []string{"1234"}, io.EOF},
		{"over the cap", "12345\n", 4, nil, errOversize},
		{"long line", long + "\n", 6000, []string{long}, io.EOF},
		{"long line over the cap", long + "\n", 4000, nil, errOversize},
		{"unterminated", "{}", 10, nil, io.ErrUnexpectedEOF},
		{"unterminated over the cap", long, 100, nil, errOversize},
		{"empty", "", 10, nil, io.EOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.in), 16)
			var got []string
			for {
				b, err := readLine(br, tc.max)
				if err != nil {
					if !errors.Is(err, tc.err) {
						t.Fatalf("err = %v, want %v", err, tc.err)
					}
					break
				}
				got = append(got, string(b))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("lines %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzReadFrame(f *testing.F) {
	for _, s := range []string{
		"Content-Length: 2\r\n\r\n{}", "Content-Length: 2\n\n{}Content-Length: 1\r\n\r\n1",
		"content-length:5\r\n\r\n12345", "Content-Length: -1\r\n\r\n", "X\r\n\r\n", "",
	} {
		f.Add([]byte(s), int64(4))
	}
	f.Fuzz(func(t *testing.T, in []byte, max int64) {
		if max < 1 || max > 1<<16 {
			max = 1 << 10
		}
		br := bufio.NewReader(bytes.NewReader(in))
		var bodies [][]byte
		for range 64 {
			b, err := readFrame(br, max)
			if err != nil {
				break
			}
			if len(b) == 0 || int64(len(b)) > max {
				t.Fatalf("body of %d bytes with cap %d", len(b), max)
			}
			bodies = append(bodies, b)
		}
		// What was read re-frames to something that reads back the same.
		var buf []byte
		for _, b := range bodies {
			buf = appendFrame(buf, b)
		}
		br = bufio.NewReader(bytes.NewReader(buf))
		for _, want := range bodies {
			got, err := readFrame(br, max)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("round trip: %q, %v; want %q", got, err, want)
			}
		}
	})
}

func FuzzReadLine(f *testing.F) {
	for _, s := range []string{"{}\n", "{}\r\n[1]\n", "\n\n", "12345", ""} {
		f.Add([]byte(s), int64(4))
	}
	f.Fuzz(func(t *testing.T, in []byte, max int64) {
		if max < 1 || max > 1<<16 {
			max = 1 << 10
		}
		br := bufio.NewReaderSize(bytes.NewReader(in), 16)
		for range 64 {
			b, err := readLine(br, max)
			if err != nil {
				return
			}
			if len(bytes.TrimSpace(b)) == 0 || int64(len(b)) > max || bytes.ContainsAny(b, "\n") {
				t.Fatalf("line %q with cap %d", b, max)
			}
		}
	})
}
