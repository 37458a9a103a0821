package mcpclient

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestNextResponseEvent(t *testing.T) {
	cases := []struct {
		name, in string
		max      int64
		want     string
		err      error
	}{
		{"one event", "data: {\"id\":1,\"result\":{}}\n\n", 100, `{"id":1,"result":{}}`, nil},
		{"crlf", "data: {\"id\":1,\"result\":{}}\r\n\r\n", 100, `{"id":1,"result":{}}`, nil},
		{"comment, id and event fields", ": hi\nid: 3\nevent: message\ndata: {\"id\":1,\"result\":{}}\n\n", 200, `{"id":1,"result":{}}`, nil},
		{"multi-line data", "data: {\"id\":1,\ndata: \"result\":{}}\n\n", 100, "{\"id\":1,\n\"result\":{}}", nil},
		{"notification first", "data: {\"method\":\"notifications/progress\"}\n\ndata: {\"id\":1,\"result\":{}}\n\n", 200, `{"id":1,"result":{}}`, nil},
		{"server request skipped", "data: {\"id\":9,\"method\":\"ping\"}\n\ndata: {\"id\":1,\"result\":{}}\n\n", 200, `{"id":1,"result":{}}`, nil},
		{"garbage event is returned for decoding", "data: nope\n\n", 100, "nope", nil},
		{"no data", "event: x\n\n", 100, "", io.EOF},
		{"unterminated event", "data: {\"id\":1,\"result\":{}}\n", 100, "", io.EOF},
		{"empty stream", "", 100, "", io.EOF},
		{"over the cap", "data: " + strings.Repeat("x", 200) + "\n\n", 100, "", errOversize},
		{"padding over the cap", strings.Repeat(": keep-alive\n", 20) + "data: {}\n\n", 100, "", errOversize},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := nextResponseEvent(strings.NewReader(tc.in), tc.max)
			if !errors.Is(err, tc.err) || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func FuzzEventStream(f *testing.F) {
	f.Add([]byte("data: {\"id\":1,\"result\":{}}\n\n"), int64(100))
	f.Add([]byte(": c\ndata: a\ndata: b\n\n"), int64(10))
	f.Fuzz(func(t *testing.T, in []byte, max int64) {
		if max < 1 || max > 1<<16 {
			max = 1 << 10
		}
		got, err := nextResponseEvent(strings.NewReader(string(in)), max)
		if err == nil && int64(len(got)) > max {
			t.Fatalf("event of %d bytes with cap %d", len(got), max)
		}
	})
}
