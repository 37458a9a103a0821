package broker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
)

// childEnvVar makes the test binary serve as a stdio provider.
const childEnvVar = "BROKER_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnvVar) == "1" {
		if err := serveChild(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveChild is a minimal dg_evidence_v1 provider: Content-Length frames,
// no initialize; every tools/call answers with the child's sorted
// environment as the value.
func serveChild(in io.Reader, out io.Writer) error {
	r := bufio.NewReader(in)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err == io.EOF && line == "" {
				return nil
			}
			if err != nil {
				return err
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "content-length") {
				length, _ = strconv.Atoi(strings.TrimSpace(value))
			}
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return err
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return err
		}
		env := os.Environ()
		slices.Sort(env)
		result := map[string]any{
			"value": map[string]any{"kind": "json", "value": env},
			"lane":  "verified", "error": nil, "evidence_hash": nil, "evidence_ref": nil,
			"evidence_anchor": nil, "signature": nil, "content_type": nil,
		}
		reply, _ := json.Marshal(map[string]any{
			"jsonrpc": "2.0", "id": req.ID,
			"result": map[string]any{"content": []any{map[string]any{"type": "json", "json": result}}},
		})
		if _, err := fmt.Fprintf(out, "Content-Length: %d\r\n\r\n%s", len(reply), reply); err != nil {
			return err
		}
	}
}

func TestProvider_stdioChild(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sum, _, err := fileSHA256(exe)
	if err != nil {
		t.Fatal(err)
	}
	entry := stdioEntry(t, "template")
	entry.Command = []string{exe}
	entry.CommandSHA256 = sum
	entry.RequiredEnv = []string{"LICENSE_KEY"}
	entry.MCP.Env = map[string]string{childEnvVar: "1"}
	entry.Timeouts = config.Timeouts{ConnectTimeoutMS: 2000, RequestTimeoutMS: 10000, StartupTimeoutMS: 10000}
	env := map[string]string{"PATH": "/usr/bin:/bin", "LICENSE_KEY": secretValue, "HOME": "/root"}
	p, err := NewProvider(0, entry, testEM(), &Options{Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	h := &harness{p: p}
	res, err := h.query(t.Context())
	if err != nil {
		t.Fatalf("query: %v\nstderr: %s", err, p.StderrTail())
	}
	var got []string
	if res.Value == nil || json.Unmarshal(res.Value.JSON, &got) != nil {
		t.Fatalf("result %+v", res)
	}
	want := []string{childEnvVar + "=1", "LICENSE_KEY=" + secretValue, "PATH=/usr/bin:/bin"}
	if !slices.Equal(got, want) {
		t.Fatalf("the child saw env\n %q\nwant %q", got, want)
	}
	if r := p.Preflight(t.Context()); !r.OK {
		t.Fatalf("preflight: %v", stepCodes(r))
	}
}
