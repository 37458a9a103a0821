package audit_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/errcode"
)

// lineCalls records every Write call and fails the test unless each one is
// exactly one complete line. It is deliberately unsynchronised: the sink
// must serialise writes itself (the race detector checks that).
type lineCalls struct {
	t     testing.TB
	calls []string
}

func (w *lineCalls) Write(p []byte) (int, error) {
	if len(p) == 0 || p[len(p)-1] != '\n' || bytes.Count(p, []byte("\n")) != 1 {
		w.t.Errorf("write is not exactly one line: %q", p)
	}
	w.calls = append(w.calls, string(p))
	return len(p), nil
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestSink_concurrent(t *testing.T) {
	const goroutines, perG = 32, 100
	hammer := func(t *testing.T, record func(g, i int) error) {
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := range perG {
					if err := record(g, i); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	// checkLines verifies every line is a JSON object and every (g, i) pair
	// appears exactly once.
	checkLines := func(t *testing.T, lines []string, idField string) {
		t.Helper()
		if len(lines) != goroutines*perG {
			t.Fatalf("%d lines, want %d", len(lines), goroutines*perG)
		}
		seen := map[string]bool{}
		for _, l := range lines {
			var obj map[string]any
			if err := json.Unmarshal([]byte(l), &obj); err != nil {
				t.Fatalf("invalid line %q: %v", l, err)
			}
			id, _ := obj[idField].(string)
			if seen[id] {
				t.Fatalf("duplicate %s %q", idField, id)
			}
			seen[id] = true
		}
	}
	event := func(g, i int) audit.Event {
		return &audit.MCPRequest{RequestID: new(fmt.Sprintf("%d-%d", g, i)), Transport: audit.TransportHTTP,
			Method: audit.MethodToolsCall, Tool: new(strings.Repeat("x", 1+i*37%500)), Outcome: audit.OutcomeOK}
	}

	t.Run("writer", func(t *testing.T) {
		w := &lineCalls{t: t}
		sink := audit.New(w, fixedClock)
		hammer(t, func(g, i int) error { return sink.Record(event(g, i)) })
		checkLines(t, w.calls, "request_id")
	})
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "audit.jsonl")
		sink, err := audit.Open(path, fixedClock)
		if err != nil {
			t.Fatal(err)
		}
		hammer(t, func(g, i int) error { return sink.Record(event(g, i)) })
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		checkLines(t, readLines(t, path), "request_id")
	})
	t.Run("authz log", func(t *testing.T) {
		w := &lineCalls{t: t}
		log := audit.NewAuthzLog(w)
		hammer(t, func(g, i int) error {
			return log.Record(audit.ToolAuthz{Decision: audit.DecisionAllow, Action: "precheck",
				Transport: audit.TransportHTTP, ServerCorrelationID: new(fmt.Sprintf("%d-%d", g, i))})
		})
		checkLines(t, w.calls, "server_correlation_id")
	})
}

func TestOpen_appends(t *testing.T) {
	dir := t.TempDir()
	t.Run("new file is 0600", func(t *testing.T) {
		path := filepath.Join(dir, "new.jsonl")
		sink, err := audit.Open(path, fixedClock)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
		}
	})
	t.Run("existing content is kept", func(t *testing.T) {
		path := filepath.Join(dir, "existing.jsonl")
		if err := os.WriteFile(path, []byte(`{"event":"earlier"}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			sink, err := audit.Open(path, fixedClock)
			if err != nil {
				t.Fatal(err)
			}
			for range round + 1 {
				if err := sink.Record(&audit.Security{Kind: audit.KindDevPermissiveEnabled, NamespaceAuthority: "none"}); err != nil {
					t.Fatal(err)
				}
			}
			if err := sink.Close(); err != nil {
				t.Fatal(err)
			}
		}
		lines := readLines(t, path)
		if len(lines) != 4 || lines[0] != `{"event":"earlier"}` {
			t.Fatalf("lines %q", lines)
		}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, `{"event":"security_audit","timestamp_ms":1770724800123,`) {
				t.Fatalf("line %q", l)
			}
		}
	})
	t.Run("unopenable path", func(t *testing.T) {
		_, err := audit.Open(filepath.Join(dir, "missing", "audit.jsonl"), nil)
		if errcode.Of(err) != errcode.Unavailable {
			t.Fatalf("err = %v (code %s)", err, errcode.Of(err))
		}
	})
}

func TestSink_close(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	sink, err := audit.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Record(&audit.Usage{Metric: audit.MetricToolCalls, Units: 1}); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := sink.Record(&audit.Usage{}); !errors.Is(err, audit.ErrClosed) {
		t.Fatalf("Record after Close: %v", err)
	}
	if got := readLines(t, path); len(got) != 1 {
		t.Fatalf("lines %q", got)
	}

	t.Run("flushes a buffered writer", func(t *testing.T) {
		var out bytes.Buffer
		bw := bufio.NewWriter(&out)
		sink := audit.New(bw, fixedClock)
		if err := sink.Record(&audit.Security{}); err != nil {
			t.Fatal(err)
		}
		if out.Len() != 0 {
			t.Fatal("expected the line to sit in the buffer")
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), `{"event":"security_audit"`) {
			t.Fatalf("after Close: %q", out.String())
		}
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSink_errors(t *testing.T) {
	if err := audit.New(failingWriter{}, nil).Record(&audit.Security{}); errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("write failure: %v", err)
	}
	var out bytes.Buffer
	err := audit.New(&out, nil).Record(&audit.Precheck{Request: json.RawMessage(`{"unterminated"`)})
	if errcode.Of(err) != errcode.InvalidArgument || out.Len() != 0 {
		t.Fatalf("encode failure: %v, wrote %q", err, out.String())
	}
}

func TestSink_disabled(t *testing.T) {
	var nilSink *audit.Sink
	for name, s := range map[string]*audit.Sink{"Disabled": audit.Disabled(), "nil": nilSink, "zero": {}} {
		if s.Enabled() {
			t.Errorf("%s: Enabled", name)
		}
		if err := s.Record(&audit.Security{}); err != nil {
			t.Errorf("%s: Record: %v", name, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("%s: Close: %v", name, err)
		}
	}
	var nilLog *audit.AuthzLog
	if err := nilLog.Record(audit.ToolAuthz{}); err != nil {
		t.Errorf("nil AuthzLog: %v", err)
	}
	if !audit.New(&bytes.Buffer{}, nil).Enabled() {
		t.Error("a writer sink must be enabled")
	}
}

// TestSink_oneLinePerEvent checks that client-controlled strings cannot
// break a line or forge another event.
func TestSink_oneLinePerEvent(t *testing.T) {
	w := &lineCalls{t: t}
	forged := "x\n{\"event\":\"security_audit\"}\r\u2028<script>"
	if err := audit.New(w, fixedClock).Record(&audit.MCPRequest{Tool: &forged, ClientSubject: &forged}); err != nil {
		t.Fatal(err)
	}
	if err := audit.NewAuthzLog(w).Record(audit.ToolAuthz{Action: forged, Reason: &forged}); err != nil {
		t.Fatal(err)
	}
	for _, line := range w.calls {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(line, "<script>") {
			t.Errorf("HTML must not be escaped: %s", line)
		}
	}
	if len(w.calls) != 2 {
		t.Fatalf("%d writes", len(w.calls))
	}
}
