package mcpstub

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/internal/canonjson"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

const callValue = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"evidence_query","arguments":{"query":{"provider_id":"template","check_id":"value","params":{"value":"v"}},"context":{}}}}`

func frame(msg string) string {
	return "Content-Length: " + strconv.Itoa(len(msg)) + "\r\n\r\n" + msg
}

// serve runs a stub over in-memory stdio and returns what it wrote.
func serve(t *testing.T, cfg Config, in string) string {
	t.Helper()
	s, err := newStub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := s.serveStdio(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestStdio_dgEvidence(t *testing.T) {
	init := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}`
	list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	out := serve(t, Config{}, frame(init)+frame(list)+frame(callValue))
	br := bufio.NewReader(strings.NewReader(out))
	var replies []string
	for {
		body, err := readFrame(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, string(body))
	}
	if len(replies) != 3 || !strings.Contains(replies[0], `"code":-32601`) ||
		!strings.Contains(replies[1], `"input_schema"`) || !strings.Contains(replies[2], `"value":{"kind":"json","value":"v"}`) {
		t.Fatalf("replies %q", replies)
	}
}

func TestStdio_mcpNeedsInitialize(t *testing.T) {
	out := serve(t, Config{Protocol: ProtocolMCP}, callValue+"\n")
	if !strings.Contains(out, "server not initialized") {
		t.Fatalf("out = %q", out)
	}
	init := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}`
	note := `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	out = serve(t, Config{Protocol: ProtocolMCP}, init+"\n"+note+"\n"+callValue+"\n")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"protocolVersion":"2025-03-26"`) || !strings.Contains(lines[1], `"kind":"json"`) {
		t.Fatalf("out = %q", out)
	}
}

func TestSign(t *testing.T) {
	seed, pubFile := GenerateKey(t)
	pubB64, _ := os.ReadFile(pubFile)
	pub, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(string(pubB64)))
	for _, mode := range []string{"ok", "badsig", "hashmismatch"} {
		t.Run(mode, func(t *testing.T) {
			s, err := newStub(Config{Mode: mode, SignKey: seed, KeyID: "keys/stub.pub"})
			if err != nil {
				t.Fatal(err)
			}
			res := s.result("value", map[string]json.RawMessage{"value": json.RawMessage(`{"b":1,"a":[1.0]}`)})
			sig := res["signature"].(map[string]any)
			digest := res["evidence_hash"].(map[string]string)
			canon, _ := canonjson.Transform([]byte(`{"b":1,"a":[1.0]}`))
			sum := sha256.Sum256(canon)
			hashOK := digest["value"] == hex.EncodeToString(sum[:])
			msg, _ := canonjson.Marshal(map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(sum[:])})
			var raw []byte
			for _, n := range sig["signature"].([]int) {
				raw = append(raw, byte(n))
			}
			sigOK := ed25519.Verify(pub, msg, raw)
			if sig["scheme"] != "ed25519" || sig["key_id"] != "keys/stub.pub" ||
				hashOK != (mode != "hashmismatch") || sigOK != (mode != "badsig") {
				t.Fatalf("hash ok %v, signature ok %v, %v", hashOK, sigOK, res)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{{Protocol: "grpc"}, {Mode: "nonsense"}, {Mode: "slow:x"}, {Mode: "redirect:"}, {Mode: "status:0"}} {
		if _, err := cfg.normalise(); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

func TestBuild(t *testing.T) {
	bin := Build(t)
	if Build(t) != bin {
		t.Fatal("built twice")
	}
	cmd := exec.Command(bin, "-protocol", "dg_evidence_v1")
	cmd.Stdin = strings.NewReader(frame(callValue))
	cmd.Env = []string{}
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), `"value":"v"`) {
		t.Fatalf("%s, %v", out, err)
	}
}

func TestNewHTTP(t *testing.T) {
	srv := NewHTTP(t, Config{})
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(callValue))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"value":"v"`) || srv.Requests() != 1 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	mcp := NewHTTP(t, Config{Protocol: ProtocolMCP})
	resp, err = http.Post(mcp.URL, "application/json", strings.NewReader(callValue))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("call without a session: %d", resp.StatusCode)
	}
}
