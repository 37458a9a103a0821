package broker

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/evidence"
)

var stepOrder = []string{StepConfig, StepEnv, StepContract, StepBinary, StepEgress, StepConnect, StepHandshake, StepTools, StepProbe}

// stepCodes returns "step=code" for every step of r.
func stepCodes(r *PreflightReport) []string {
	var out []string
	for _, s := range r.Steps {
		out = append(out, s.Step+"="+s.Code)
	}
	return out
}

func TestPreflight_stdioPasses(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	r := h.p.Preflight(t.Context())
	want := []string{"config=ok", "env=ok", "contract=ok", "binary=ok", "egress=skipped", "connect=ok", "handshake=skipped", "tools=skipped", "probe=skipped"}
	if got := stepCodes(r); !slices.Equal(got, want) {
		t.Fatalf("steps\n got %v\nwant %v", got, want)
	}
	if !r.OK || r.ID == "" || r.Provider != "template" || r.ConfigHash != "cfg-1" || !r.CheckedAt.Equal(h.clock.Now()) {
		t.Fatalf("report %+v", r)
	}
	if r.ContractHash != h.p.Contract().Hash().Value {
		t.Fatalf("contract hash %q", r.ContractHash)
	}
	if h.be.closes.Load() != 1 {
		t.Fatal("the preflight backend was not closed")
	}
	if h.p.LastPreflight() != r || h.p.Health().LastPreflightID != r.ID {
		t.Fatal("the report was not recorded")
	}
}

// mcpHTTP returns an HTTP mcp entry with a probe, and a harness whose
// backend handshakes like an MCP server.
func mcpHTTP(t *testing.T, edit func(*config.Provider)) *harness {
	t.Helper()
	entry := httpEntry(t, "template")
	entry.Protocol = config.ProtocolMCP
	entry.Preflight = config.Preflight{Required: true, ProbeCheckID: "value", ProbeParams: map[string]any{"value": "api"}}
	if edit != nil {
		edit(&entry)
	}
	h := newHarness(t, entry, testEM(), nil)
	h.be.handshake = func(context.Context) (mcpclient.Info, error) {
		return mcpclient.Info{ProtocolVersion: "2025-06-18", ServerInfo: map[string]any{"name": "deploys"}, ToolsSchemaHash: strings.Repeat("b", 64)}, nil
	}
	return h
}

func TestPreflight_mcpHTTPPasses(t *testing.T) {
	h := mcpHTTP(t, nil)
	var probe evidence.Query
	var probeCtx evidence.Context
	h.be.call = func(_ context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
		probe, probeCtx = q, ec
		return okResult(), nil
	}
	r := h.p.Preflight(t.Context())
	want := []string{"config=ok", "env=ok", "contract=ok", "binary=skipped", "egress=ok", "connect=ok", "handshake=ok", "tools=ok", "probe=ok"}
	if got := stepCodes(r); !slices.Equal(got, want) {
		t.Fatalf("steps\n got %v\nwant %v", got, want)
	}
	if r.ProtocolVersion != "2025-06-18" || r.ServerInfo["name"] != "deploys" || r.ToolsSchemaHash != strings.Repeat("b", 64) {
		t.Fatalf("handshake not recorded: %+v", r)
	}
	if probe.CheckID != "value" || string(probe.Params) != `{"value":"api"}` || probeCtx.RunID != "preflight" {
		t.Fatalf("probe %+v in context %+v", probe, probeCtx)
	}
	if !h.p.Admitted() {
		t.Fatal("a passing preflight did not admit the provider")
	}
	if h.p.breaker.State() != StateClosed || h.be.calls.Load() != 1 {
		t.Fatal("preflight touched the breaker or made extra calls")
	}
}

func TestPreflight_failures(t *testing.T) {
	slow := func(ctx context.Context) (mcpclient.Info, error) { <-ctx.Done(); return mcpclient.Info{}, ctx.Err() }
	for _, tc := range []struct {
		name     string
		edit     func(*config.Provider)
		setup    func(*harness)
		step     string
		code     string
		contains string
	}{
		{
			name: "config", step: StepConfig, code: "config_invalid",
			edit: func(p *config.Provider) { p.Command = []string{"x"} },
		},
		{
			name: "env", step: StepEnv, code: "required_env_missing", contains: "required_env_missing:DEPLOYS_TOKEN",
			edit: func(p *config.Provider) { p.RequiredEnv = []string{"DEPLOYS_TOKEN"} },
		},
		{
			name: "contract pin", step: StepContract, code: "contract_sha256_mismatch",
			setup: func(h *harness) {
				h.p.cfg.ContractSHA256 = strings.Repeat("c", 64) // as if the file changed under its pin
			},
		},
		{
			name: "contract changed", step: StepContract, code: "contract_changed",
			setup: func(h *harness) {
				doc := templateContract(h.tb, "template")
				doc = []byte(strings.Replace(string(doc), "Template Provider", "Changed Provider", 1))
				if err := os.WriteFile(h.entry.CapabilitiesPath.Resolved, doc, 0o644); err != nil {
					h.tb.Fatal(err)
				}
			},
		},
		{
			name: "egress private address", step: StepEgress, code: "egress_denied", contains: "10.0.0.7",
			setup: func(h *harness) {
				h.p.resolver = fakeResolver{"evidence.example.com": {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")}}
			},
		},
		{
			name: "egress host not allowed", step: StepEgress, code: "egress_denied",
			edit: func(p *config.Provider) { p.EgressAllowlist = []string{"other.example.com"} },
		},
		{
			name: "dns", step: StepEgress, code: "dns_failed",
			setup: func(h *harness) { h.p.resolver = fakeResolver{} },
		},
		{
			name: "connect timeout", step: StepConnect, code: "connect_timeout",
			edit:  func(p *config.Provider) { p.Timeouts.StartupTimeoutMS = 50 },
			setup: func(h *harness) { h.be.handshake = slow },
		},
		{
			name: "connect refused", step: StepConnect, code: "connect_failed",
			setup: func(h *harness) {
				h.be.handshake = func(context.Context) (mcpclient.Info, error) {
					return mcpclient.Info{}, clientErr(mcpclient.CodeTransport)
				}
			},
		},
		{
			name: "handshake", step: StepHandshake, code: "handshake_failed",
			setup: func(h *harness) {
				h.be.handshake = func(context.Context) (mcpclient.Info, error) {
					return mcpclient.Info{}, clientErr(mcpclient.CodeHandshake)
				}
			},
		},
		{
			name: "tools", step: StepTools, code: "tools_missing",
			setup: func(h *harness) {
				h.be.handshake = func(context.Context) (mcpclient.Info, error) {
					return mcpclient.Info{ProtocolVersion: "2025-06-18"}, nil
				}
			},
		},
		{
			name: "probe check unknown", step: StepProbe, code: "probe_invalid",
			edit: func(p *config.Provider) { p.Preflight.ProbeCheckID = "nope" },
		},
		{
			name: "probe params invalid", step: StepProbe, code: "probe_invalid",
			edit: func(p *config.Provider) { p.Preflight.ProbeParams = map[string]any{"value": 7} },
		},
		{
			name: "probe params missing", step: StepProbe, code: "probe_invalid",
			edit: func(p *config.Provider) { p.Preflight.ProbeParams = nil },
		},
		{
			name: "probe failed", step: StepProbe, code: "probe_failed",
			setup: func(h *harness) {
				h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
					return evidence.Result{}, clientErr(mcpclient.CodeRPCError)
				}
			},
		},
		{
			name: "probe timeout", step: StepProbe, code: "probe_timeout",
			edit: func(p *config.Provider) { p.Timeouts.RequestTimeoutMS = 50 },
			setup: func(h *harness) {
				h.be.call = func(ctx context.Context, _ evidence.Query, _ evidence.Context) (evidence.Result, error) {
					<-ctx.Done()
					return evidence.Result{}, ctx.Err()
				}
			},
		},
		{
			name: "probe malformed", step: StepProbe, code: "probe_malformed",
			setup: func(h *harness) {
				h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
					return evidence.Result{Error: &evidence.ResultError{}}, nil
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mcpHTTP(t, tc.edit)
			if tc.setup != nil {
				tc.setup(h)
			}
			r := h.p.Preflight(t.Context())
			if r.OK {
				t.Fatalf("preflight passed: %v", stepCodes(r))
			}
			if len(r.Steps) != len(stepOrder) {
				t.Fatalf("steps %v", stepCodes(r))
			}
			failedAt := -1
			for i, s := range r.Steps {
				if s.Step != stepOrder[i] {
					t.Fatalf("step %d is %s, want %s", i, s.Step, stepOrder[i])
				}
				switch {
				case failedAt >= 0:
					if s.OK || s.Code != CodeNotRun {
						t.Fatalf("step %s after the failure: %+v, want not_run", s.Step, s)
					}
				case !s.OK:
					failedAt = i
					if s.Step != tc.step || s.Code != tc.code || !strings.Contains(s.Message, tc.contains) {
						t.Fatalf("failed step %+v, want %s / %s containing %q", s, tc.step, tc.code, tc.contains)
					}
				}
			}
			if h.p.Admitted() {
				t.Fatal("a failed preflight admitted the provider")
			}
			if _, err := h.query(t.Context()); code(err) != CodeProviderUnavailable {
				t.Fatalf("query after a failed required preflight: %v", err)
			}
		})
	}
}

func TestPreflight_durations(t *testing.T) {
	h := mcpHTTP(t, nil)
	h.be.handshake = func(context.Context) (mcpclient.Info, error) {
		h.clock.Advance(1500 * time.Millisecond)
		return mcpclient.Info{ProtocolVersion: "v", ToolsSchemaHash: "h"}, nil
	}
	r := h.p.Preflight(t.Context())
	for _, s := range r.Steps {
		want := int64(0)
		if s.Step == StepConnect {
			want = 1500
		}
		if s.DurationMS != want {
			t.Fatalf("step %s took %d ms, want %d", s.Step, s.DurationMS, want)
		}
	}
}

func TestPreflight_noSecretsInReport(t *testing.T) {
	h := mcpHTTP(t, func(p *config.Provider) {
		p.RequiredEnv = []string{"DEPLOYS_TOKEN"}
		p.Auth = &config.ProviderAuth{BearerTokenEnv: "DEPLOYS_TOKEN"}
	})
	h.env["DEPLOYS_TOKEN"] = secretValue
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, &mcpclient.Error{Code: mcpclient.CodeRPCError, Msg: "bad token " + secretValue}
	}
	r := h.p.Preflight(t.Context())
	doc, _ := json.Marshal(r)
	if strings.Contains(string(doc), secretValue) {
		t.Fatalf("report leaks the token: %s", doc)
	}
	if f := r.Failed(); f == nil || f.Code != "probe_failed" {
		t.Fatalf("failed step %+v", f)
	}
}

func TestPreflight_stderrKeptOutOfReport(t *testing.T) {
	h := mcpHTTP(t, nil)
	h.be.stderr = []byte("panic: license " + secretValue)
	h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
		return evidence.Result{}, clientErr(mcpclient.CodeProcessExited)
	}
	r := h.p.Preflight(t.Context())
	doc, _ := json.Marshal(r)
	if r.OK || strings.Contains(string(doc), "panic") {
		t.Fatalf("report %s", doc)
	}
	if got := string(h.p.StderrTail()); got != string(h.be.stderr) {
		t.Fatalf("stderr tail %q, want the preflight child's", got)
	}
}

func TestAdmission_configHash(t *testing.T) {
	entry := stdioEntry(t, "template")
	entry.Preflight.Required = true
	h := newHarness(t, entry, testEM(), func(o *Options) { o.ConfigHash = "current" })
	if h.p.Admitted() {
		t.Fatal("admitted before any preflight")
	}
	r := h.p.Preflight(t.Context())
	if !r.OK || r.ConfigHash != "current" || !h.p.Admitted() {
		t.Fatalf("passing preflight did not admit: %+v", r)
	}
	if _, err := h.query(t.Context()); err != nil {
		t.Fatal(err)
	}

	stale := *r
	stale.ConfigHash = "previous"
	stale.CheckedAt = r.CheckedAt.Add(time.Second)
	h.p.RecordPreflight(&stale)
	if h.p.Admitted() {
		t.Fatal("a passing report for another config hash admitted the provider")
	}
	if _, err := h.query(t.Context()); code(err) != CodeProviderUnavailable {
		t.Fatalf("code %q, want provider_unavailable", code(err))
	}

	h.clock.Advance(time.Minute)
	if r := h.p.Preflight(t.Context()); !r.OK || !h.p.Admitted() {
		t.Fatal("a new passing preflight did not re-admit")
	}
	older := *r
	older.OK = false
	h.p.RecordPreflight(&older) // checked earlier than the recorded one: ignored
	if !h.p.Admitted() {
		t.Fatal("an older report replaced a newer one")
	}

	h.clock.Advance(time.Minute)
	h.env = map[string]string{}
	h.p.cfg.RequiredEnv = []string{"GONE"}
	if r := h.p.Preflight(t.Context()); r.OK || h.p.Admitted() {
		t.Fatal("a failing preflight left the provider admitted")
	}
	if hl := h.p.Health(); hl.Admitted || !hl.PreflightRequired || hl.Breaker != StateClosed || hl.Transport != "stdio" || hl.Egress != "unenforced" {
		t.Fatalf("health %+v", hl)
	}
}

func TestAdmission_notRequired(t *testing.T) {
	h := newHarness(t, stdioEntry(t, "template"), testEM(), nil)
	h.p.RecordPreflight(&PreflightReport{OK: false, ConfigHash: "x"})
	if !h.p.Admitted() {
		t.Fatal("a provider without preflight.required must stay admitted")
	}
}
