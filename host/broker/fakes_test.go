package broker

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/evidence"
)

// fakeClock is a Clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeBackend is a Backend whose behaviour the test sets. Calls and
// handshakes are counted; nil funcs succeed.
type fakeBackend struct {
	handshake func(ctx context.Context) (mcpclient.Info, error)
	call      func(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error)

	stderr []byte // what StderrTail returns

	handshakes atomic.Int32
	calls      atomic.Int32
	closes     atomic.Int32
}

func (b *fakeBackend) StderrTail() []byte { return b.stderr }

func (b *fakeBackend) Handshake(ctx context.Context) (mcpclient.Info, error) {
	b.handshakes.Add(1)
	if b.handshake != nil {
		return b.handshake(ctx)
	}
	return mcpclient.Info{}, nil
}

func (b *fakeBackend) Call(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	b.calls.Add(1)
	if b.call != nil {
		return b.call(ctx, q, ec)
	}
	return okResult(), nil
}

func (b *fakeBackend) Close() error {
	b.closes.Add(1)
	return nil
}

// dialer hands out one shared fakeBackend and records every dial.
type dialer struct {
	be  *fakeBackend
	err error // returned by Dial when set

	mu    sync.Mutex
	opts  []mcpclient.Options
	dials int
}

func (d *dialer) Dial(o mcpclient.Options) (Backend, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dials++
	d.opts = append(d.opts, o)
	if d.err != nil {
		return nil, d.err
	}
	return d.be, nil
}

func (d *dialer) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dials
}

func (d *dialer) last() mcpclient.Options {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opts[len(d.opts)-1]
}

// fakeResolver resolves from a map.
type fakeResolver map[string][]netip.Addr

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, errors.New("no such host")
}

func okResult() evidence.Result {
	return evidence.Result{Lane: evidence.Verified, Value: evidence.JSONOf(json.RawMessage(`"ok"`))}
}

// clientErr returns a client failure with code c.
func clientErr(c mcpclient.Code) error { return &mcpclient.Error{Code: c, Msg: "test failure"} }

// templateContract returns the fixture contract with provider_id set to id.
func templateContract(tb testing.TB, id string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "template_provider.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	if id == "template" {
		return raw
	}
	doc["provider_id"] = id
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// writeFile writes data to name in dir and returns the path.
func writeFile(tb testing.TB, dir, name string, data []byte, perm os.FileMode) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, perm); err != nil {
		tb.Fatal(err)
	}
	return path
}

// testEM returns [external_mcp] with its defaults.
func testEM() config.ExternalMCP {
	return config.ExternalMCP{
		PreflightOnStart: true,
		MaxResponseBytes: 1 << 20,
		MaxConcurrency:   4,
		MaxQueue:         16,
		InheritEnv:       []string{"PATH"},
		StderrTailBytes:  64 << 10,
		CircuitBreaker:   config.CircuitBreaker{FailureThreshold: 5, OpenMS: 30000, HalfOpenMax: 1},
	}
}

// stdioEntry returns a stdio mcp entry named name whose contract and
// executable are real files in a temporary directory.
func stdioEntry(tb testing.TB, name string) config.Provider {
	tb.Helper()
	dir := tb.TempDir()
	contract := writeFile(tb, dir, "contract.json", templateContract(tb, name), 0o644)
	exe := writeFile(tb, dir, "provider", []byte("#!/bin/sh\nexit 0\n"), 0o755)
	return config.Provider{
		Name:             name,
		Type:             config.ProviderMCP,
		Command:          []string{exe, "--flag"},
		CapabilitiesPath: config.Path{Raw: contract, Resolved: contract},
		Timeouts:         config.Timeouts{ConnectTimeoutMS: 1000, RequestTimeoutMS: 2000, StartupTimeoutMS: 1000},
		MCP: config.MCP{
			Protocol:       config.ProtocolDGEvidence,
			CircuitBreaker: config.CircuitBreaker{FailureThreshold: 5, OpenMS: 30000, HalfOpenMax: 1},
			MaxConcurrency: 1,
			MaxQueue:       16,
		},
	}
}

// httpEntry returns an HTTP mcp entry named name for https://evidence.example.com/mcp.
func httpEntry(tb testing.TB, name string) config.Provider {
	tb.Helper()
	p := stdioEntry(tb, name)
	p.Command = nil
	p.URL = "https://evidence.example.com/mcp"
	p.EgressAllowlist = []string{"evidence.example.com"}
	p.MaxConcurrency = 4
	return p
}

// harness is a provider wired to fakes.
type harness struct {
	tb      testing.TB
	p       *Provider
	be      *fakeBackend
	dial    *dialer
	clock   *fakeClock
	env     map[string]string
	moves   *transitions
	entry   config.Provider
	options *Options
}

// transitions records breaker transitions.
type transitions struct {
	mu   sync.Mutex
	list []Transition
}

func (t *transitions) add(tr Transition) {
	t.mu.Lock()
	t.list = append(t.list, tr)
	t.mu.Unlock()
}

func (t *transitions) states() []State {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []State
	for _, tr := range t.list {
		out = append(out, tr.To)
	}
	return out
}

// newHarness builds the provider of entry with fake backend, clock,
// environment and resolver; edit adjusts the options first.
func newHarness(tb testing.TB, entry config.Provider, em config.ExternalMCP, edit func(*Options)) *harness {
	tb.Helper()
	h := &harness{
		tb:    tb,
		be:    &fakeBackend{},
		clock: newFakeClock(),
		env:   map[string]string{"PATH": "/usr/bin:/bin"},
		moves: &transitions{},
		entry: entry,
	}
	h.dial = &dialer{be: h.be}
	h.options = &Options{
		Clock:        h.clock,
		Getenv:       func(k string) (string, bool) { v, ok := h.env[k]; return v, ok },
		Dial:         h.dial.Dial,
		Resolver:     fakeResolver{"evidence.example.com": {netip.MustParseAddr("93.184.216.34")}},
		ConfigHash:   "cfg-1",
		OnTransition: h.moves.add,
	}
	if edit != nil {
		edit(h.options)
	}
	p, err := NewProvider(0, entry, em, h.options)
	if err != nil {
		tb.Fatalf("NewProvider: %v", err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	h.p = p
	return h
}

// query runs one query of the template check.
func (h *harness) query(ctx context.Context) (evidence.Result, error) {
	return h.p.Query(ctx, evidence.Query{ProviderID: h.p.ID(), CheckID: "value", Params: json.RawMessage(`{"value":"x"}`)}, testContext)
}

// testContext is the evidence context of test queries.
var testContext = evidence.Context{
	TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: "s", StageID: "st", TriggerID: "t",
	TriggerTime: evidence.AtMillis(1767323045000),
}

// code returns the evidence code of err ("" for nil).
func code(err error) string {
	if err == nil {
		return ""
	}
	return evidence.ErrorCode(err)
}

// waitFor polls cond for up to five seconds.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
