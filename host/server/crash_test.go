package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/boltstore"
	"github.com/decision-gate/dgw/host/store/driver"
	"github.com/decision-gate/dgw/host/store/sqlitestore"
)

// TestCrashRecovery runs the real binary with a durable run store, drives
// it from four concurrent clients over /rpc, and SIGKILLs it at random
// points 20 times. After every kill, every decision a client saw
// acknowledged must be in the store with the same content; after every
// restart the runs continue without re-defining their scenarios; at the
// end every finished run exports a runpack that verifies.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server binary and kills it 20 times per backend")
	}
	bin := buildServer(t)
	for _, backend := range []string{"bbolt", "sqlite"} {
		t.Run(backend, func(t *testing.T) { crashTest(t, bin, backend) })
	}
}

const (
	crashKills   = 20
	crashClients = 4
	// Stage thresholds: a run holds until the trigger's logical time
	// passes each one, so it takes nine decisions (six holds, two
	// advances, one completion) to finish at time 10.
	crashFinalTime = 10
)

func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "decision-gate")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/decision-gate/dgw/cmd/decision-gate")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func crashConfig(dir, backend string) string {
	return fmt.Sprintf(`
[server]
transport = "http"
bind = "127.0.0.1:0"
[server.auth]
mode = "local_only"
[server.audit]
enabled = false
[namespace]
allow_default = true
default_tenants = [1]
[run_state_store]
type = %q
path = %q
[wasm]
cache_dir = %q
[[providers]]
name = "time"
type = "builtin"
`, backend, filepath.Join(dir, "data", "runs.db"), cacheDir)
}

// crashSpec is scenario id's spec: three stages gated on time.after 3, 6
// and 9.
func crashSpec(id string) map[string]any {
	var conds, stages []any
	for i, at := range []int{3, 6, 9} {
		cid := fmt.Sprintf("after-%d", at)
		conds = append(conds, map[string]any{"condition_id": cid, "comparator": "equals", "expected": true, "policy_tags": []any{},
			"query": map[string]any{"provider_id": "time", "check_id": "after", "params": map[string]any{"timestamp": at}}})
		stages = append(stages, map[string]any{"stage_id": fmt.Sprintf("stage-%d", i+1), "entry_packets": []any{},
			"gates":      []any{map[string]any{"gate_id": "gate-" + cid, "requirement": map[string]any{"Condition": cid}}},
			"advance_to": map[string]any{"kind": "linear"}, "on_timeout": "fail", "timeout": nil})
	}
	return map[string]any{"scenario_id": id, "namespace_id": 1, "default_tenant_id": 1, "spec_version": "1",
		"policies": []any{}, "schemas": []any{}, "conditions": conds, "stages": stages}
}

// serverProc is one run of the binary.
type serverProc struct {
	cmd  *exec.Cmd
	addr string
	done chan error
	mu   sync.Mutex // guards log
	log  bytes.Buffer
}

var servingAddr = regexp.MustCompile(`msg=serving .*addr=(\S+)`)

func startProc(t *testing.T, bin, cfgPath string) *serverProc {
	t.Helper()
	p := &serverProc{cmd: exec.Command(bin, "serve", "--config", cfgPath), done: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = io.Discard
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.log.Write(sc.Bytes())
			p.log.WriteByte('\n')
			p.mu.Unlock()
			if m := servingAddr.FindSubmatch(sc.Bytes()); m != nil {
				addr <- string(m[1])
			}
		}
		p.done <- p.cmd.Wait()
	}()
	select {
	case p.addr = <-addr:
		return p
	case err := <-p.done:
		t.Fatalf("server exited before serving: %v\n%s", err, p.logText())
	case <-time.After(60 * time.Second):
		p.kill()
		t.Fatalf("server did not start serving\n%s", p.logText())
	}
	return nil
}

func (p *serverProc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// kill SIGKILLs the process and waits for it.
func (p *serverProc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// target is where clients send requests; it changes at every restart.
type target struct {
	mu  sync.RWMutex // guards url
	url string
}

func (tg *target) get() string {
	tg.mu.RLock()
	defer tg.mu.RUnlock()
	return tg.url
}

func (tg *target) set(url string) {
	tg.mu.Lock()
	tg.url = url
	tg.mu.Unlock()
}

// ack is one decision a client saw acknowledged.
type ack struct {
	run, triggerID, decisionID string
	hash                       string
}

// crashClient drives runs of its own scenario, one after another.
type crashClient struct {
	id       int
	tg       *target
	http     *http.Client
	scenario string

	mu       sync.Mutex // guards acks and finished
	acks     []ack
	finished []string // completed runs
}

// rpcError is a JSON-RPC error answer.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// call sends one tool call, retrying (with the same arguments) while the
// server is unreachable; it returns the tool's JSON result or its error.
func (c *crashClient) call(ctx context.Context, tool string, args any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}})
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.tg.get()+"/rpc", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.http.Do(req)
		if err != nil {
			time.Sleep(10 * time.Millisecond) // down: killed or restarting
			continue
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			time.Sleep(10 * time.Millisecond) // killed mid-response
			continue
		}
		var out struct {
			Result *struct {
				Content []struct {
					JSON json.RawMessage `json:"json"`
				} `json:"content"`
				IsError bool `json:"isError"`
			} `json:"result"`
			Error *rpcError `json:"error"`
		}
		if err := json.Unmarshal(data, &out); err != nil {
			return nil, fmt.Errorf("%s: bad response %q: %v", tool, data, err)
		}
		if out.Error != nil {
			return nil, out.Error
		}
		if out.Result == nil || len(out.Result.Content) == 0 || out.Result.IsError {
			return nil, fmt.Errorf("%s: tool error: %s", tool, data)
		}
		return out.Result.Content[0].JSON, nil
	}
}

// alreadyDone reports an error that means a retried define or start had
// in fact succeeded before a kill.
func alreadyDone(err error) bool {
	var re *rpcError
	return errors.As(err, &re) && strings.Contains(re.Message, "already")
}

// loop defines the client's scenario, then runs runs to completion until
// ctx ends (or, once drain is closed, until its current run completes).
func (c *crashClient) loop(ctx context.Context, drain <-chan struct{}) error {
	if _, err := c.call(ctx, "scenario_define", map[string]any{"spec": crashSpec(c.scenario)}); err != nil && !alreadyDone(err) {
		return fmt.Errorf("define: %w", err)
	}
	for n := 0; ; n++ {
		select {
		case <-drain:
			return nil
		default:
		}
		run := fmt.Sprintf("c%d-run-%d", c.id, n)
		_, err := c.call(ctx, "scenario_start", map[string]any{"scenario_id": c.scenario, "run_config": map[string]any{
			"tenant_id": 1, "namespace_id": 1, "run_id": run, "scenario_id": c.scenario, "dispatch_targets": []any{},
			"policy_tags": []any{}}, "started_at": ts(1), "issue_entry_packets": false})
		if err != nil && !alreadyDone(err) {
			return fmt.Errorf("start %s: %w", run, err)
		}
		for k := 2; k <= crashFinalTime; k++ {
			trig := fmt.Sprintf("t%d", k)
			res, err := c.call(ctx, "scenario_trigger", map[string]any{"scenario_id": c.scenario, "trigger": map[string]any{
				"trigger_id": trig, "tenant_id": 1, "namespace_id": 1, "run_id": run, "kind": "external_event",
				"time": ts(k), "source_id": "crash-test", "payload": nil, "correlation_id": nil}})
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("trigger %s/%s: %w", run, trig, err)
			}
			var out scenario.NextResult
			if err := json.Unmarshal(res, &out); err != nil {
				return fmt.Errorf("trigger %s/%s: %w", run, trig, err)
			}
			if out.Decision.TriggerID != trig {
				return fmt.Errorf("trigger %s/%s answered with the decision of %s", run, trig, out.Decision.TriggerID)
			}
			h, err := evidence.HashJSON(out.Decision)
			if err != nil {
				return err
			}
			c.mu.Lock()
			c.acks = append(c.acks, ack{run: run, triggerID: trig, decisionID: out.Decision.DecisionID, hash: h.Value})
			if out.Status == scenario.RunCompleted {
				c.finished = append(c.finished, run)
			}
			c.mu.Unlock()
			if out.Status == scenario.RunCompleted {
				if k != crashFinalTime {
					return fmt.Errorf("run %s completed at time %d", run, k)
				}
				break
			}
		}
	}
}

func (c *crashClient) snapshot() ([]ack, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ack(nil), c.acks...), append([]string(nil), c.finished...)
}

func openCrashStore(t *testing.T, backend, path string) *store.Store {
	t.Helper()
	var st *store.Store
	var err error
	if backend == "bbolt" {
		st, err = boltstore.Open(path, &boltstore.Options{Timeout: 5 * time.Second})
	} else {
		st, err = sqlitestore.Open(path, nil)
	}
	if err != nil {
		t.Fatalf("open %s after kill: %v", path, err)
	}
	return st
}

// checkRecovered opens the store while the server is down and checks
// that every stored version passes its checksum (every version is also
// decoded when full is set) and that every acknowledged decision is
// there, unchanged. It returns how many decisions are stored in all.
func checkRecovered(t *testing.T, backend, path string, acks []ack, full bool) int {
	t.Helper()
	ctx := context.Background()
	st := openCrashStore(t, backend, path)
	defer st.Close()
	if full {
		rep, err := st.Verify(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("store verify after kill: %v %+v", err, rep)
		}
	}
	stored := map[string]map[string]string{} // run -> decision id -> hash
	for _, a := range acks {
		if stored[a.run] == nil {
			run, err := st.Get(ctx, scenario.RunKey{TenantID: 1, NamespaceID: 1, RunID: a.run}, 0)
			if err != nil {
				t.Fatalf("acknowledged run %s: %v", a.run, err)
			}
			m := map[string]string{}
			for _, d := range run.Decisions {
				h, _ := evidence.HashJSON(d)
				m[d.DecisionID] = h.Value
			}
			stored[a.run] = m
		}
		if got, ok := stored[a.run][a.decisionID]; !ok || got != a.hash {
			t.Fatalf("acknowledged decision %s of %s (trigger %s) lost or changed after a kill: stored %q", a.decisionID, a.run, a.triggerID, got)
		}
	}
	total := 0
	runs, err := st.List(ctx, driver.ListOptions{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, ri := range runs {
		run, err := st.Get(ctx, ri.Key, 0)
		if err != nil {
			t.Fatal(err)
		}
		total += len(run.Decisions)
		if full {
			continue
		}
		vs, err := st.Versions(ctx, ri.Key)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if _, err := st.Record(ctx, ri.Key, v.Version); err != nil {
				t.Fatalf("after a kill: %v", err)
			}
		}
	}
	return total
}

func crashTest(t *testing.T, bin, backend string) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "decision-gate.toml")
	if err := os.WriteFile(cfgPath, []byte(crashConfig(dir, backend)), 0o600); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "data", "runs.db")
	began := time.Now()

	proc := startProc(t, bin, cfgPath)
	defer func() {
		if proc != nil {
			proc.kill()
		}
	}()
	tg := &target{url: "http://" + proc.addr}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	drain := make(chan struct{})
	clients := make([]*crashClient, crashClients)
	errs := make(chan error, crashClients)
	var wg sync.WaitGroup
	for i := range clients {
		c := &crashClient{id: i, tg: tg, http: &http.Client{Timeout: 10 * time.Second}, scenario: fmt.Sprintf("crash-%d", i)}
		clients[i] = c
		wg.Go(func() {
			if err := c.loop(ctx, drain); err != nil {
				errs <- fmt.Errorf("client %d: %w", c.id, err)
			}
		})
	}
	allAcks := func() []ack {
		var out []ack
		for _, c := range clients {
			a, _ := c.snapshot()
			out = append(out, a...)
		}
		return out
	}
	failed := func() {
		t.Helper()
		select {
		case err := <-errs:
			cancel()
			t.Fatalf("%v\nserver log:\n%s", err, proc.logText())
		default:
		}
	}

	var acked, stored, inFlight int
	for i := range crashKills {
		time.Sleep(time.Duration(100+rng.IntN(400)) * time.Millisecond)
		failed()
		proc.kill()
		proc = nil
		acks := allAcks()
		stored = checkRecovered(t, backend, dbPath, acks, false)
		acked = len(acks)
		if stored < acked {
			t.Fatalf("kill %d: %d decisions stored, %d acknowledged", i+1, stored, acked)
		}
		inFlight += stored - acked // committed, but the answer died with the server
		proc = startProc(t, bin, cfgPath)
		tg.set("http://" + proc.addr)
	}

	// Let every client finish its current run on the last server, then
	// check that each finished run exports a runpack that verifies and
	// holds every acknowledged decision.
	before := len(allAcks())
	close(drain)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("clients did not finish their runs\n%s", proc.logText())
	}
	failed()
	if after := len(allAcks()); after <= before {
		t.Fatalf("no decision after the last restart: runs did not continue")
	}
	byRun := map[string]map[string]string{}
	for _, a := range allAcks() {
		if byRun[a.run] == nil {
			byRun[a.run] = map[string]string{}
		}
		byRun[a.run][a.decisionID] = a.hash
	}
	type job struct{ scenario, run string }
	var jobs []job
	for _, c := range clients {
		_, finished := c.snapshot()
		for _, run := range finished {
			jobs = append(jobs, job{c.scenario, run})
		}
	}
	finishedRuns := len(jobs)
	next := make(chan job)
	problems := make(chan error, len(jobs))
	var ex sync.WaitGroup
	for range 4 {
		ex.Go(func() {
			verifier := &crashClient{tg: tg, http: &http.Client{Timeout: 30 * time.Second}}
			for j := range next {
				if err := checkRunpack(ctx, verifier, filepath.Join(dir, "packs", j.run), j.scenario, j.run, byRun[j.run]); err != nil {
					problems <- err
				}
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	ex.Wait()
	close(problems)
	for err := range problems {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	proc.kill()
	proc = nil
	total := allAcks()
	stored = checkRecovered(t, backend, dbPath, total, true)
	t.Logf("%s: %d kills (seed %d): before the last kill %d decisions acknowledged, all %d recovered; "+
		"%d decisions committed whose answer was cut off by a kill (re-sent and replayed after restart); "+
		"at the end %d acknowledged, %d stored, %d runs finished and their runpacks verified; %v",
		backend, crashKills, seed, acked, acked, inFlight, len(total), stored, finishedRuns, time.Since(began).Round(time.Millisecond))
	if finishedRuns == 0 {
		t.Fatal("no run finished")
	}
}

// checkRunpack exports a finished run through the server, verifies the
// runpack through the server, and checks that its decision log holds
// exactly the run's decisions, every acknowledged one unchanged.
func checkRunpack(ctx context.Context, c *crashClient, out, scenarioID, run string, acked map[string]string) error {
	res, err := c.call(ctx, "runpack_export", map[string]any{"scenario_id": scenarioID, "tenant_id": 1, "namespace_id": 1,
		"run_id": run, "output_dir": out, "generated_at": ts(100), "include_verification": true})
	if err != nil {
		return fmt.Errorf("runpack_export %s: %w", run, err)
	}
	var exp struct{ Report struct{ Status string } }
	json.Unmarshal(res, &exp)
	res, err = c.call(ctx, "runpack_verify", map[string]any{"runpack_dir": out, "manifest_path": "manifest.json"})
	if err != nil {
		return fmt.Errorf("runpack_verify %s: %w", run, err)
	}
	var ver struct{ Status string }
	json.Unmarshal(res, &ver)
	if exp.Report.Status != "pass" || ver.Status != "pass" {
		return fmt.Errorf("runpack of %s: export report %q, verify %q", run, exp.Report.Status, ver.Status)
	}
	var decisions []scenario.DecisionRecord
	data, err := os.ReadFile(filepath.Join(out, "artifacts", "decisions.json"))
	if err != nil || json.Unmarshal(data, &decisions) != nil || len(decisions) != crashFinalTime-1 {
		return fmt.Errorf("decisions.json of %s: %v, %d decisions", run, err, len(decisions))
	}
	seen := 0
	for _, d := range decisions {
		h, _ := evidence.HashJSON(d)
		if want, ok := acked[d.DecisionID]; ok {
			if want != h.Value {
				return fmt.Errorf("runpack of %s: %s differs from the acknowledged decision", run, d.DecisionID)
			}
			seen++
		}
	}
	if seen != len(acked) {
		return fmt.Errorf("runpack of %s holds %d of its %d acknowledged decisions", run, seen, len(acked))
	}
	return nil
}
