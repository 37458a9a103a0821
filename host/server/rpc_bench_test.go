package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchSpec gates on four conditions over the Wasm built-ins: env, json
// and time pass, coverage (json) is one point short, so every decision is
// a hold and runs stay active.
func benchSpec() map[string]any {
	cond := func(id, provider, check string, params map[string]any, cmp string, expected any) map[string]any {
		return map[string]any{"condition_id": id, "query": map[string]any{"provider_id": provider, "check_id": check, "params": params},
			"comparator": cmp, "expected": expected, "policy_tags": []any{}}
	}
	return map[string]any{"scenario_id": "bench", "namespace_id": 1, "spec_version": "1", "default_tenant_id": 1,
		"policies": []any{}, "schemas": []any{},
		"conditions": []any{
			cond("env", "env", "get", map[string]any{"key": "DEPLOY_ENV"}, "equals", "production"),
			cond("tests", "json", "path", map[string]any{"file": "report.json", "jsonpath": "$.summary.failed"}, "equals", 0),
			cond("coverage", "json", "path", map[string]any{"file": "report.json", "jsonpath": "$.coverage"}, "greater_than_or_equal", 80),
			cond("after", "time", "after", map[string]any{"timestamp": 0}, "equals", true),
		},
		"stages": []any{map[string]any{"stage_id": "release", "entry_packets": []any{}, "advance_to": map[string]any{"kind": "terminal"},
			"on_timeout": "fail", "gates": []any{map[string]any{"gate_id": "ready", "requirement": map[string]any{"And": []any{
				map[string]any{"Condition": "env"}, map[string]any{"Condition": "tests"},
				map[string]any{"Condition": "coverage"}, map[string]any{"Condition": "after"}}}}}}},
	}
}

// BenchmarkRPC measures scenario_next end to end over HTTP /rpc (four
// conditions on the env, json and time Wasm providers) at concurrency 1, 8
// and 64, and the providers_list tool over the same transport as the floor.
// It reports requests/s and p50/p99 latency.
func BenchmarkRPC(b *testing.B) {
	root := b.TempDir()
	os.WriteFile(filepath.Join(root, "report.json"), []byte(`{"summary":{"passed":120,"failed":0},"coverage":79.5}`), 0o644)
	r := start(b, baseConfig(root))
	r.mustCall("scenario_define", map[string]any{"spec": benchSpec()})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128, MaxConnsPerHost: 128}}
	var runSeq atomic.Int64
	for _, conc := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("floor/c%d", conc), func(b *testing.B) {
			body := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"providers_list","arguments":{}}}`)
			drive(b, client, r.url, conc, func(int, int) []byte { return body })
		})
		b.Run(fmt.Sprintf("scenario_next/c%d", conc), func(b *testing.B) {
			// Each worker owns runs; it starts a fresh one every 100 decisions.
			runs := make([]string, conc)
			newRun := func(w int) {
				runs[w] = fmt.Sprintf("run-%d", runSeq.Add(1))
				r.mustCall("scenario_start", map[string]any{"scenario_id": "bench", "run_config": map[string]any{"tenant_id": 1,
					"namespace_id": 1, "run_id": runs[w], "scenario_id": "bench", "dispatch_targets": []any{}, "policy_tags": []any{}},
					"started_at": ts(0), "issue_entry_packets": false})
			}
			for w := range runs {
				newRun(w)
			}
			drive(b, client, r.url, conc, func(w, i int) []byte {
				if i > 0 && i%100 == 0 {
					newRun(w)
				}
				// Built without reflection, as a client with a fixed request
				// shape would: the client shares the server's two cores.
				return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"scenario_next","arguments":`+
					`{"scenario_id":"bench","feedback":"summary","request":{"run_id":%q,"tenant_id":1,"namespace_id":1,`+
					`"trigger_id":"t-%d","agent_id":"bench","time":{"kind":"logical","value":%d},"correlation_id":null}}}}`, i, runs[w], i, i+1)
			})
		})
	}
}

// drive sends b.N requests from conc workers and reports throughput and
// latency percentiles. body(worker, i) builds worker's i-th request.
func drive(b *testing.B, client *http.Client, url string, conc int, body func(w, i int) []byte) {
	var next atomic.Int64
	lat := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	b.ResetTimer()
	begin := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				if next.Add(1) > int64(b.N) {
					return
				}
				req := body(w, i)
				t0 := time.Now()
				resp, err := client.Post(url+"/rpc", "application/json", bytes.NewReader(req))
				if err != nil {
					b.Error(err)
					return
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if resp.StatusCode != 200 || bytes.Contains(data, []byte(`"error":{`)) {
					b.Errorf("request failed: %d %s", resp.StatusCode, data)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(begin)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
}
