//go:build unix

package mcpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/canonjson"
)

// pidOf asks the stub for its process id.
func pidOf(t *testing.T, c *Client) int {
	t.Helper()
	res, err := call(t, c, "pid", "")
	if err != nil {
		t.Fatalf("pid: %v", err)
	}
	pid, err := strconv.Atoi(string(res.Value.JSON))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// gone reports whether no process pid exists any more (it was killed and
// reaped).
func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

func TestStdio_happyPath(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			noLeaks(t)
			c := newClient(t, stdioOptions(t, proto))
			res, err := call(t, c, "value", `{"value":"hello","anchor":"a-1"}`)
			wantValue(t, res, err, `"hello"`)
			if res.Lane != evidence.Verified || res.EvidenceAnchor == nil || res.EvidenceAnchor.AnchorType != "template" ||
				res.EvidenceAnchor.AnchorValue != "a-1" || res.ContentType == nil || *res.ContentType != "application/json" {
				t.Fatalf("result = %+v", res)
			}
			// In-band provider errors are results, not failures.
			res, err = call(t, c, "value", `{}`)
			if err != nil || res.Error == nil || res.Error.Code != "params_invalid" {
				t.Fatalf("in-band error: %+v, %v", res, err)
			}
			// The child is kept between calls.
			if a, b := pidOf(t, c), pidOf(t, c); a != b {
				t.Fatalf("respawned between good calls: %d, %d", a, b)
			}
		})
	}
}

func TestStdio_dgEvidenceNeedsNoInitialize(t *testing.T) {
	c := newClient(t, stdioOptions(t, ProtocolDGEvidence))
	info, err := c.Handshake(context.Background())
	if err != nil || info.ProtocolVersion != "" || info.ToolsSchemaHash != "" {
		t.Fatalf("Handshake = %+v, %v", info, err)
	}
	res, err := call(t, c, "value", `{"value":1}`)
	wantValue(t, res, err, `1`)
}

func TestStdio_mcpHandshake(t *testing.T) {
	c := newClient(t, stdioOptions(t, ProtocolMCP))
	info, err := c.Handshake(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	schema := `{"type":"object","required":["query","context"],"properties":{"query":{"type":"object"},"context":{"type":"object"}}}`
	canon, _ := canonjson.Transform([]byte(schema))
	if info.ProtocolVersion != supportedVersions[0] || info.ServerInfo["name"] != "mcpstub" ||
		info.ToolsSchemaHash != canonjson.SHA256Bytes(canon) {
		t.Fatalf("info = %+v", info)
	}
	pid := pidOf(t, c)
	if _, err := c.Handshake(context.Background()); err != nil || pidOf(t, c) != pid {
		t.Fatalf("a second Handshake respawned or failed: %v", err)
	}
}

func TestStdio_mcpAgainstDGEvidenceProvider(t *testing.T) {
	opts := stdioOptions(t, ProtocolDGEvidence)
	opts.Protocol = ProtocolMCP
	opts.StartupTimeout = 500 * time.Millisecond
	c := newClient(t, opts)
	start := time.Now()
	_, err := c.Handshake(context.Background())
	wantCode(t, err, CodeHandshake, "initialize")
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("handshake failure took %v", d)
	}
	_, err = call(t, c, "value", `{"value":1}`)
	wantCode(t, err, CodeHandshake, "initialize")
}

func TestStdio_handshakeFailures(t *testing.T) {
	for _, tc := range []struct{ mode, msg string }{
		{"badversion", "unsupported protocol version"},
		{"notool", "no evidence_query tool"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			c := newClient(t, stdioOptions(t, ProtocolMCP, "-mode", tc.mode))
			_, err := c.Handshake(context.Background())
			wantCode(t, err, CodeHandshake, tc.msg)
		})
	}
}

// TestStdio_failures runs each misbehaviour once, then proves the next
// call succeeds (on a fresh child where the failure killed the old one).
func TestStdio_failures(t *testing.T) {
	cases := []struct {
		check  string
		protos []string
		code   Code
		msg    string
		killed bool
	}{
		{"malformed", protocols, CodeMalformed, "", true},
		{"badframe", []string{ProtocolDGEvidence}, CodeMalformed, "content length", true},
		{"text", protocols, CodeTextResult, "unexpected text response: plain text instead of evidence", false},
		{"empty", protocols, CodeEmptyResult, "empty tool result", false},
		{"rpc_error", protocols, CodeRPCError, "provider failed on purpose", false},
		{"tool_error", []string{ProtocolMCP}, CodeToolError, "the tool failed", false},
		{"wrong_id", protocols, CodeMalformed, "does not match request id", true},
		{"exit", protocols, CodeProcessExited, "mcp process exited: exit status 3", true},
	}
	for _, proto := range protocols {
		for _, tc := range cases {
			if !slices.Contains(tc.protos, proto) {
				continue
			}
			t.Run(proto+"/"+tc.check, func(t *testing.T) {
				noLeaks(t)
				c := newClient(t, stdioOptions(t, proto))
				pid := pidOf(t, c)
				_, err := call(t, c, tc.check, "")
				e := wantCode(t, err, tc.code, tc.msg)
				if !e.Counted() {
					t.Fatal("failure not counted")
				}
				if got := gone(pid); got != tc.killed {
					t.Fatalf("child gone = %v, want %v", got, tc.killed)
				}
				res, err := call(t, c, "value", `{"value":"after"}`)
				wantValue(t, res, err, `"after"`)
				if again := pidOf(t, c); (again != pid) != tc.killed {
					t.Fatalf("pid %d → %d, killed = %v", pid, again, tc.killed)
				}
			})
		}
	}
}

func TestStdio_exitKeepsStderr(t *testing.T) {
	c := newClient(t, stdioOptions(t, ProtocolDGEvidence))
	_, err := call(t, c, "exit", "")
	wantCode(t, err, CodeProcessExited, "exit status 3")
	if !bytes.Contains(c.StderrTail(), []byte("exiting as asked")) {
		t.Fatalf("stderr tail = %q", c.StderrTail())
	}
}

func TestStdio_notificationsSkipped(t *testing.T) {
	c := newClient(t, stdioOptions(t, ProtocolMCP))
	res, err := call(t, c, "notify", "")
	wantValue(t, res, err, `"notify"`)
}

func TestStdio_hungBackend(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			noLeaks(t)
			opts := stdioOptions(t, proto)
			opts.RequestTimeout = 300 * time.Millisecond
			c := newClient(t, opts)
			pid := pidOf(t, c)
			start := time.Now()
			_, err := call(t, c, "hang", "")
			took := time.Since(start)
			e := wantCode(t, err, CodeTimeout, "timed out")
			if e.EvidenceCode() != "timeout" || !e.Counted() {
				t.Fatalf("evidence code %s, counted %v", e.EvidenceCode(), e.Counted())
			}
			if took < opts.RequestTimeout || took > opts.RequestTimeout+500*time.Millisecond {
				t.Fatalf("timed out after %v, want %v + ε", took, opts.RequestTimeout)
			}
			if !gone(pid) {
				t.Fatalf("hung child %d still exists", pid)
			}
			// The next call respawns (and, for mcp, handshakes again).
			res, err := call(t, c, "value", `{"value":"again"}`)
			wantValue(t, res, err, `"again"`)
			if pidOf(t, c) == pid {
				t.Fatal("not respawned")
			}
		})
	}
}

func TestStdio_modeHangEveryCall(t *testing.T) {
	opts := stdioOptions(t, ProtocolDGEvidence, "-mode", "hang")
	opts.RequestTimeout = 200 * time.Millisecond
	c := newClient(t, opts)
	for range 2 {
		_, err := call(t, c, "value", `{"value":1}`)
		wantCode(t, err, CodeTimeout, "")
	}
}

func TestStdio_oversizeFrame(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			noLeaks(t)
			c := newClient(t, stdioOptions(t, proto)) // 1 MiB cap
			pid := pidOf(t, c)
			_, err := call(t, c, "oversize", `{"bytes":2097152}`)
			wantCode(t, err, CodeOversize, "over 1048576 bytes")
			if !gone(pid) {
				t.Fatal("child not killed")
			}
			res, err := call(t, c, "value", `{"value":true}`)
			wantValue(t, res, err, `true`)
		})
	}
}

func TestStdio_envHygiene(t *testing.T) {
	t.Setenv("DG_HOST_SECRET", "s3cret")
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			opts := stdioOptions(t, proto)
			opts.Env = []string{"DG_VISIBLE=yes", "LANG=C"}
			c := newClient(t, opts)
			res, err := call(t, c, "env", `{"name":"DG_VISIBLE"}`)
			wantValue(t, res, err, `{"name":"DG_VISIBLE","present":true,"value":"yes"}`)
			res, err = call(t, c, "env", `{"name":"DG_HOST_SECRET"}`)
			wantValue(t, res, err, `{"name":"DG_HOST_SECRET","present":false,"value":null}`)
			res, err = call(t, c, "environ", "")
			var env []string
			if err != nil || json.Unmarshal(res.Value.JSON, &env) != nil {
				t.Fatalf("environ: %+v %v", res, err)
			}
			if want := []string{"DG_VISIBLE=yes", "LANG=C"}; !slices.Equal(env, want) {
				t.Fatalf("child environment = %q, want exactly %q", env, want)
			}
		})
	}
}

func TestStdio_emptyEnvInheritsNothing(t *testing.T) {
	opts := stdioOptions(t, ProtocolDGEvidence)
	opts.Env = nil
	c := newClient(t, opts)
	res, err := call(t, c, "environ", "")
	wantValue(t, res, err, `[]`)
}

func TestStdio_stderrTailIsBounded(t *testing.T) {
	opts := stdioOptions(t, ProtocolDGEvidence)
	opts.StderrTailBytes = 16
	c := newClient(t, opts)
	if _, err := call(t, c, "stderr", `{"text":"0123456789abcdefTAIL"}`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for string(c.StderrTail()) != "456789abcdefTAIL" {
		if time.Now().After(deadline) {
			t.Fatalf("stderr tail = %q", c.StderrTail())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStdio_spawnFailure(t *testing.T) {
	opts := stdioOptions(t, ProtocolDGEvidence)
	opts.Command = []string{"/nonexistent/provider"}
	c := newClient(t, opts)
	_, err := call(t, c, "value", `{"value":1}`)
	wantCode(t, err, CodeTransport, "spawn failed")
}

func TestStdio_concurrentCalls(t *testing.T) {
	noLeaks(t)
	c := newClient(t, stdioOptions(t, ProtocolMCP))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				v := strconv.Itoa(i*10 + j)
				res, err := call(t, c, "value", `{"value":`+v+`}`)
				if err != nil || string(res.Value.JSON) != v {
					errs <- errors.Join(err, errors.New("value "+string(res.Value.JSON)+" want "+v))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestStdio_close(t *testing.T) {
	noLeaks(t)
	c, err := New(stdioOptions(t, ProtocolMCP))
	if err != nil {
		t.Fatal(err)
	}
	pid := pidOf(t, c)
	done := make(chan error, 1)
	go func() {
		_, err := call(t, c, "hang", "")
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if !gone(pid) {
		t.Fatal("child survived Close")
	}
	select {
	case err := <-done:
		wantCode(t, err, CodeClosed, "")
	case <-time.After(2 * time.Second):
		t.Fatal("call in progress did not end on Close")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Close took %v", d)
	}
	_, err = call(t, c, "value", `{"value":1}`)
	wantCode(t, err, CodeClosed, "")
	if _, err := c.Handshake(context.Background()); err == nil {
		t.Fatal("Handshake after Close succeeded")
	}
}

func TestStdio_parentDeadline(t *testing.T) {
	c := newClient(t, stdioOptions(t, ProtocolDGEvidence))
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := c.Call(ctx, query("hang", ""), evCtx())
	wantCode(t, err, CodeTimeout, "")
}
