// Command agent-loop is an agent that lets Decision Gate decide when its
// plan may move on. It speaks JSON-RPC to a Decision Gate server over HTTP
// (POST /rpc) and uses only the standard library.
//
// It defines a three-stage plan (build, test, document), starts a run, and
// then loops: it asks the server for the next decision (scenario_next, with
// feedback "trace"), prints it, and when the run holds it looks at which
// conditions are not yet true and does the work that produces their
// evidence: it writes the JSON files the server's json provider reads from
// the workspace. The loop ends when the run completes, fails, or after
// -max-steps decisions.
//
//	go run ./cmd/decision-gate serve --config examples/agent-loop/decision-gate.toml
//	go run ./examples/agent-loop
//
// The workspace must be the json provider's root in the server's config.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// scenarioID names the plan on the server.
const scenarioID = "agent-ship-feature"

// spec is the plan: each stage's gate names the evidence that must exist
// before the agent may go on. The json provider reads the files from the
// workspace.
const spec = `{
  "scenario_id": "agent-ship-feature",
  "namespace_id": 1,
  "spec_version": "1",
  "default_tenant_id": 1,
  "policies": [],
  "schemas": [],
  "conditions": [
    {"condition_id": "build_succeeded", "comparator": "equals", "expected": "success", "policy_tags": [],
     "query": {"provider_id": "json", "check_id": "path", "params": {"file": "build.json", "jsonpath": "$.status"}}},
    {"condition_id": "tests_ran", "comparator": "greater_than", "expected": 0, "policy_tags": [],
     "query": {"provider_id": "json", "check_id": "path", "params": {"file": "test-report.json", "jsonpath": "$.total"}}},
    {"condition_id": "no_test_failures", "comparator": "equals", "expected": 0, "policy_tags": [],
     "query": {"provider_id": "json", "check_id": "path", "params": {"file": "test-report.json", "jsonpath": "$.failed"}}},
    {"condition_id": "changelog_updated", "comparator": "equals", "expected": "1.4.0", "policy_tags": [],
     "query": {"provider_id": "json", "check_id": "path", "params": {"file": "changelog.json", "jsonpath": "$.entries[0].version"}}}
  ],
  "stages": [
    {"stage_id": "build", "entry_packets": [], "advance_to": {"kind": "linear"}, "on_timeout": "fail",
     "gates": [{"gate_id": "build-ok", "requirement": {"Condition": "build_succeeded"}}]},
    {"stage_id": "test", "entry_packets": [], "advance_to": {"kind": "linear"}, "on_timeout": "fail",
     "gates": [{"gate_id": "tests-green", "requirement": {"And": [{"Condition": "tests_ran"}, {"Condition": "no_test_failures"}]}}]},
    {"stage_id": "document", "entry_packets": [], "advance_to": {"kind": "terminal"}, "on_timeout": "fail",
     "gates": [{"gate_id": "changelog", "requirement": {"Condition": "changelog_updated"}}]}
  ]
}`

// options configure one agent run.
type options struct {
	url       string // the server's /rpc endpoint
	workspace string // the json provider's root: where evidence is written
	runID     string
	agentID   string
	maxSteps  int
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "http://127.0.0.1:4000/rpc", "Decision Gate JSON-RPC endpoint")
	flag.StringVar(&o.workspace, "workspace", filepath.Join("examples", "agent-loop", "workspace"),
		"directory the server's json provider reads (its root); the agent writes its evidence here")
	flag.StringVar(&o.runID, "run-id", "", "run id (default: agent-run-<time>)")
	flag.StringVar(&o.agentID, "agent-id", "agent-loop", "agent id recorded with every request")
	flag.IntVar(&o.maxSteps, "max-steps", 12, "give up after this many decisions")
	flag.Parse()
	if o.runID == "" {
		o.runID = fmt.Sprintf("agent-run-%d", time.Now().UnixMilli())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "agent-loop:", err)
		os.Exit(1)
	}
}

// run drives the plan to completion and returns nil when the run completes.
func run(ctx context.Context, o options, out io.Writer) error {
	c := &client{url: o.url, http: &http.Client{Timeout: 30 * time.Second}}
	w := &worker{dir: o.workspace, out: out}
	if err := w.reset(); err != nil {
		return err
	}

	var defined struct {
		SpecHash struct{ Value string } `json:"spec_hash"`
	}
	err := c.call(ctx, "scenario_define", map[string]any{"spec": json.RawMessage(spec)}, &defined)
	var rpcErr *rpcError
	switch {
	case errors.As(err, &rpcErr) && rpcErr.Code == -32009:
		fmt.Fprintf(out, "scenario %s is already defined on the server; reusing it\n", scenarioID)
	case err != nil:
		return err
	default:
		fmt.Fprintf(out, "defined scenario %s (spec sha256 %s)\n", scenarioID, defined.SpecHash.Value)
	}

	if err := c.call(ctx, "scenario_start", map[string]any{
		"scenario_id": scenarioID,
		"run_config": map[string]any{"tenant_id": 1, "namespace_id": 1, "run_id": o.runID, "scenario_id": scenarioID,
			"dispatch_targets": []any{map[string]any{"kind": "agent", "agent_id": o.agentID}}, "policy_tags": []any{}},
		"started_at":          now(),
		"issue_entry_packets": false,
	}, nil); err != nil {
		return err
	}
	fmt.Fprintf(out, "started run %s\n", o.runID)

	for step := 1; step <= o.maxSteps; step++ {
		var next nextResult
		err := c.call(ctx, "scenario_next", map[string]any{
			"scenario_id": scenarioID,
			"request": map[string]any{"run_id": o.runID, "tenant_id": 1, "namespace_id": 1,
				"trigger_id": fmt.Sprintf("%s-step-%d", o.agentID, step), "agent_id": o.agentID,
				"time": now(), "correlation_id": nil},
			"feedback": "trace",
		}, &next)
		if err != nil {
			return err
		}
		d := next.Decision
		switch d.Outcome.Kind {
		case "advance":
			fmt.Fprintf(out, "step %d: %s advance: %s -> %s\n", step, d.ID, d.Outcome.FromStage, d.Outcome.ToStage)
		case "complete":
			fmt.Fprintf(out, "step %d: %s complete: stage %s passed, the plan is done\n", step, d.ID, d.Outcome.StageID)
			return nil
		case "fail":
			fmt.Fprintf(out, "step %d: %s fail: %s\n", step, d.ID, d.Outcome.Reason)
			return fmt.Errorf("run %s failed: %s", o.runID, d.Outcome.Reason)
		case "hold":
			fmt.Fprintf(out, "step %d: %s hold at stage %s: unmet gates %s\n", step, d.ID, d.StageID,
				strings.Join(d.Outcome.Summary.UnmetGates, ", "))
			var unmet []string
			for _, g := range next.Feedback.GateEvaluations {
				var parts []string
				for _, t := range g.Trace {
					parts = append(parts, t.ConditionID+"="+t.Status)
					if t.Status != "True" {
						unmet = append(unmet, t.ConditionID)
					}
				}
				fmt.Fprintf(out, "        gate %s is %s: %s\n", g.GateID, g.Status, strings.Join(parts, " "))
			}
			if next.Feedback.DeniedReason != "" {
				fmt.Fprintf(out, "        (feedback: %s)\n", next.Feedback.DeniedReason)
			}
			if err := w.produce(unmet); err != nil {
				return err
			}
		default:
			return fmt.Errorf("step %d: unexpected decision %q", step, d.Outcome.Kind)
		}
	}
	return fmt.Errorf("gave up after %d steps: run %s is still active", o.maxSteps, o.runID)
}

// nextResult is the part of scenario_next's result the agent reads.
type nextResult struct {
	Decision struct {
		ID      string `json:"decision_id"`
		StageID string `json:"stage_id"`
		Outcome struct {
			Kind      string `json:"kind"`
			StageID   string `json:"stage_id"`
			FromStage string `json:"from_stage"`
			ToStage   string `json:"to_stage"`
			Reason    string `json:"reason"`
			Summary   struct {
				UnmetGates []string `json:"unmet_gates"`
			} `json:"summary"`
		} `json:"outcome"`
	} `json:"decision"`
	Status   string `json:"status"`
	Feedback struct {
		Level           string `json:"level"`
		DeniedReason    string `json:"denied_reason"`
		GateEvaluations []struct {
			GateID string `json:"gate_id"`
			Status string `json:"status"`
			Trace  []struct {
				ConditionID string `json:"condition_id"`
				Status      string `json:"status"`
			} `json:"trace"`
		} `json:"gate_evaluations"`
	} `json:"feedback"`
}

func now() map[string]any {
	return map[string]any{"kind": "unix_millis", "value": time.Now().UnixMilli()}
}

// worker does the agent's work. Each task writes one evidence file; which
// task runs is decided by the conditions the server reports as not true.
type worker struct {
	dir        string
	out        io.Writer
	testRounds int
}

// files the worker writes (and removes before a new run).
var files = []string{"build.json", "test-report.json", "changelog.json"}

func (w *worker) reset() error {
	st, err := os.Stat(w.dir)
	if err != nil {
		return fmt.Errorf("workspace: %w (it must exist and be the json provider's root)", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("workspace %s is not a directory", w.dir)
	}
	for _, f := range files {
		if err := os.Remove(filepath.Join(w.dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// tasks maps each condition to the task whose output is its evidence.
var tasks = map[string]string{
	"build_succeeded":   "build",
	"tests_ran":         "test",
	"no_test_failures":  "test",
	"changelog_updated": "changelog",
}

// produce runs the task behind each unmet condition, once per task.
func (w *worker) produce(conditions []string) error {
	done := map[string]bool{}
	for _, c := range conditions {
		name, ok := tasks[c]
		if !ok {
			return fmt.Errorf("no task produces evidence for condition %s", c)
		}
		if done[name] {
			continue
		}
		done[name] = true
		var err error
		switch name {
		case "build":
			err = w.build()
		case "test":
			err = w.test()
		case "changelog":
			err = w.changelog()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *worker) build() error {
	fmt.Fprintln(w.out, "        work: building the release artifact")
	return w.write("build.json", map[string]any{"status": "success", "artifact": "acme-service-1.4.0.tar.gz"})
}

// test runs the test suite. The first round finds two failures, which the
// agent then fixes, as an agent would after reading the report.
func (w *worker) test() error {
	w.testRounds++
	report := map[string]any{"total": 128, "passed": 128, "failed": 0}
	if w.testRounds == 1 {
		fmt.Fprintln(w.out, "        work: running the test suite")
		report = map[string]any{"total": 128, "passed": 126, "failed": 2,
			"failures": []string{"TestInvoiceRounding", "TestRefundTwice"}}
	} else {
		fmt.Fprintln(w.out, "        work: fixing TestInvoiceRounding and TestRefundTwice, running the test suite again")
	}
	return w.write("test-report.json", report)
}

func (w *worker) changelog() error {
	fmt.Fprintln(w.out, "        work: writing the changelog entry")
	return w.write("changelog.json", map[string]any{"entries": []any{
		map[string]any{"version": "1.4.0", "notes": "Refunds can be issued twice; invoice totals round half-even."}}})
}

// write replaces a workspace file atomically, so the server never reads a
// half-written report.
func (w *worker) write(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(w.dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(w.dir, name))
}

// client calls tools over the reference JSON-RPC dialect at /rpc.
type client struct {
	url  string
	http *http.Client
	id   int
}

// rpcError is a JSON-RPC error response.
type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("JSON-RPC error %d: %s", e.Code, e.Message) }

// call runs one tool and decodes its JSON result into out (when not nil).
func (c *client) call(ctx context.Context, tool string, args any, out any) error {
	c.id++
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.id, "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w (is the server running?)", tool, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", tool, err)
	}
	var env struct {
		Error  *rpcError `json:"error"`
		Result *struct {
			Content []struct {
				Type string          `json:"type"`
				JSON json.RawMessage `json:"json"`
			} `json:"content"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s: HTTP %d, not a JSON-RPC response: %.200s", tool, resp.StatusCode, raw)
	}
	if env.Error != nil {
		return fmt.Errorf("%s: %w", tool, env.Error)
	}
	if env.Result == nil || len(env.Result.Content) == 0 {
		return fmt.Errorf("%s: empty result", tool)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result.Content[0].JSON, out); err != nil {
		return fmt.Errorf("%s: %w", tool, err)
	}
	return nil
}
