package mcp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/docs"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/testutil"
	"github.com/decision-gate/dgw/host/mcp"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/registry/memreg"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// refProvider answers with the reference contract of a built-in; the time
// checks are computed from the trigger time and env.get from a map. The
// real providers are Wasm modules, exercised in host/server.
type refProvider struct {
	contract *provider.Contract
	env      map[string]string
}

func (p *refProvider) ID() string                   { return p.contract.ProviderID }
func (p *refProvider) Contract() *provider.Contract { return p.contract }
func (p *refProvider) Query(_ context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	ct := "application/json"
	switch p.contract.ProviderID + "." + q.CheckID {
	case "time.after":
		var params struct {
			Timestamp uint64 `json:"timestamp"`
		}
		if err := json.Unmarshal(q.Params, &params); err != nil {
			return evidence.Result{}, err
		}
		return evidence.Result{Value: evidence.JSONOf(json.RawMessage(strconv.FormatBool(ec.TriggerTime.Counter > params.Timestamp))),
			EvidenceAnchor: &evidence.Anchor{AnchorType: "trigger_time_logical", AnchorValue: ec.TriggerTime.String()}, ContentType: &ct}, nil
	case "env.get":
		var params struct {
			Key string `json:"key"`
		}
		json.Unmarshal(q.Params, &params)
		tp := "text/plain"
		res := evidence.Result{EvidenceAnchor: &evidence.Anchor{AnchorType: "env", AnchorValue: params.Key}, ContentType: &tp}
		if v, ok := p.env[params.Key]; ok {
			raw, _ := json.Marshal(v)
			res.Value = evidence.JSONOf(raw)
		}
		return res, nil
	}
	return evidence.Result{}, nil
}

func refRegistry(t testing.TB, env map[string]string) *provider.Registry {
	t.Helper()
	var entries []json.RawMessage
	if err := json.Unmarshal(testutil.ReadFile(t, testutil.Conformance(t, "contract", "providers.json")), &entries); err != nil {
		t.Fatal(err)
	}
	var ps []provider.Provider
	for _, e := range entries {
		c, err := provider.ParseContract(e)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, &refProvider{contract: c, env: env})
	}
	reg, err := provider.NewRegistry(ps...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

type env struct {
	t       testing.TB
	url     string
	handler *mcp.Handler
	audit   *bytes.Buffer
	id      atomic.Int64
}

type setup struct {
	opts  func(*mcp.Options)
	auth  mcp.AuthOptions
	topts func(*mcp.TransportOptions)
	sse   bool
}

func newEnv(t testing.TB, s setup) *env {
	t.Helper()
	reg := refRegistry(t, map[string]string{"DEPLOY_ENV": "production"})
	eng := engine.New(reg, memstore.New(), nil)
	schemas, err := registry.New(memreg.New(), &registry.Options{ACL: registry.ACLConfig{AllowLocalOnly: true}})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := docs.New(docs.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, audit: &bytes.Buffer{}}
	o := mcp.Options{Engine: eng, Providers: reg, Registry: schemas, Docs: ix,
		Namespace: mcp.NamespacePolicy{AllowDefault: true, DefaultTenants: []evidence.TenantID{1}},
		Feedback:  mcp.DefaultFeedbackPolicy(), Audit: audit.New(io.Discard, nil)}
	if s.opts != nil {
		s.opts(&o)
	}
	svc, err := mcp.NewService(o)
	if err != nil {
		t.Fatal(err)
	}
	e.handler = mcp.NewHandler(svc, s.auth, nil)
	ids := audit.NewIDGenerator()
	topts := mcp.TransportOptions{NewCorrelationID: ids.Next, SanitizeCorrelationID: audit.SanitizeClientCorrelationID}
	if s.topts != nil {
		s.topts(&topts)
	}
	srv := httptest.NewServer(e.handler.HTTPHandler(topts, s.sse))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// rpc posts a JSON-RPC body and returns the HTTP status and decoded reply.
func (e *env) rpc(body any, headers ...string) (int, map[string]any, http.Header) {
	e.t.Helper()
	raw, ok := body.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			e.t.Fatal(err)
		}
	}
	req, _ := http.NewRequest("POST", e.url+"/rpc", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if resp.Header.Get("Content-Type") == "application/json" {
		if err := json.Unmarshal(data, &out); err != nil {
			e.t.Fatalf("reply is not JSON: %s", data)
		}
	} else {
		out = map[string]any{"raw": string(data)}
	}
	return resp.StatusCode, out, resp.Header
}

// call invokes a tool and returns the HTTP status, the json payload (or
// nil), and the error object (or nil).
func (e *env) call(tool string, args any, headers ...string) (int, map[string]any, map[string]any) {
	e.t.Helper()
	status, out, _ := e.rpc(map[string]any{"jsonrpc": "2.0", "id": e.id.Add(1), "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}}, headers...)
	if errObj, ok := out["error"].(map[string]any); ok {
		return status, nil, errObj
	}
	content := out["result"].(map[string]any)["content"].([]any)[0].(map[string]any)
	if content["type"] != "json" {
		e.t.Fatalf("content type %v", content["type"])
	}
	payload, _ := content["json"].(map[string]any)
	return status, payload, nil
}

// mustCall requires a successful tool call.
func (e *env) mustCall(tool string, args any) map[string]any {
	e.t.Helper()
	status, payload, errObj := e.call(tool, args)
	if errObj != nil || status != 200 {
		e.t.Fatalf("%s: status %d error %v", tool, status, errObj)
	}
	return payload
}

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(testutil.ReadFile(t, path), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
