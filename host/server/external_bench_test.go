package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/mcpstub"
	"github.com/decision-gate/dgw/host/internal/testutil"
	"github.com/decision-gate/dgw/host/wasm/plugincli"
)

// templateModule builds examples/plugins/template to Wasm and signs it
// with a fresh key; it returns the [[providers]] entry and [wasm] keys.
func templateModule(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	mod, manifest, key := filepath.Join(dir, "template.wasm"), filepath.Join(dir, "provider.json"), filepath.Join(dir, "example")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w -buildid=", "-o", mod, "./examples/plugins/template")
	cmd.Dir = testutil.ModuleRoot(tb)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	os.WriteFile(manifest, testutil.ReadFile(tb, filepath.Join(testutil.ModuleRoot(tb), "examples", "plugins", "template", "provider.json")), 0o644)
	for _, args := range [][]string{{"keygen", "--out", key}, {"sign", "--key", key + ".key", "--module", mod, "--manifest", manifest}} {
		var out, errOut strings.Builder
		if code := plugincli.PluginCommand(args, &out, &errOut); code != plugincli.ExitOK {
			tb.Fatalf("plugin %s: %s", args[0], errOut.String())
		}
	}
	return fmt.Sprintf(`
[wasm]
trusted_keys = [{ path = %q, providers = ["example.*"] }]
cache_dir = %q
[[providers]]
name = "example.template"
type = "wasm"
module = %q
manifest = %q
signature = %q
`, key+".pub", cacheDir, mod, manifest, manifest+".sig")
}

// BenchmarkExternalEvidence measures the same check (template value:
// echo params.value) answered by a Wasm module, by stdio stub processes
// and by HTTP stub servers on loopback, in one server: evidence_query over
// HTTP /rpc end to end, and the provider call alone (registry Query).
func BenchmarkExternalEvidence(b *testing.B) {
	dir := b.TempDir()
	httpDG := mcpstub.NewHTTP(b, mcpstub.Config{Protocol: mcpstub.ProtocolDGEvidence})
	httpMCP := mcpstub.NewHTTP(b, mcpstub.Config{Protocol: mcpstub.ProtocolMCP})
	cfg := strings.Replace(baseConfig(b.TempDir()), "[wasm]\ncache_dir = \""+cacheDir+"\"\n", "", 1) + templateModule(b) + `
[external_mcp]
private_cidr_allowlist = ["127.0.0.1/32"]
` + stdioProvider(b, dir, "stdio_dg", "dg_evidence_v1", "ok", "") + stdioProvider(b, dir, "stdio_mcp", "mcp", "ok", "") +
		httpProvider(b, dir, "http_dg", "dg_evidence_v1", httpDG.URL+"/rpc", "") + httpProvider(b, dir, "http_mcp", "mcp", httpMCP.URL+"/mcp", "")
	r := start(b, cfg)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	ectx := evidence.Context{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: "s", StageID: "a", TriggerID: "t", TriggerTime: evidence.AtLogical(1)}
	for _, p := range []string{"example.template", "stdio_dg", "stdio_mcp", "http_dg", "http_mcp"} {
		q := evidence.Query{ProviderID: p, CheckID: "value", Params: json.RawMessage(`{"value":"ok"}`)}
		b.Run(p+"/provider", func(b *testing.B) {
			reg := r.srv.Providers()
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				res, err := reg.Query(context.Background(), q, ectx)
				lat = append(lat, time.Since(t0))
				if err != nil || res.Error != nil {
					b.Fatalf("%s: %v %+v", p, err, res.Error)
				}
			}
			reportLatency(b, lat)
		})
		b.Run(p+"/evidence_query", func(b *testing.B) {
			body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{
				"name": "evidence_query", "arguments": map[string]any{"query": q, "context": ectx}}})
			drive(b, client, r.url, 1, func(int, int) []byte { return body })
		})
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
