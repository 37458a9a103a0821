package broker

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
)

// brokerEnv is the fake environment of the broker tests.
type brokerEnv struct {
	dial *dialer
	env  map[string]string
	opts *Options
}

func newBrokerEnv() *brokerEnv {
	e := &brokerEnv{dial: &dialer{be: &fakeBackend{}}, env: map[string]string{"PATH": "/bin"}}
	e.opts = &Options{
		Clock:      newFakeClock(),
		Getenv:     func(k string) (string, bool) { v, ok := e.env[k]; return v, ok },
		Dial:       e.dial.Dial,
		ConfigHash: "cfg-1",
	}
	return e
}

// strictEntry returns a stdio entry that satisfies the strict-mode rules.
func strictEntry(t *testing.T, name string) config.Provider {
	t.Helper()
	p := stdioEntry(t, name)
	p.Preflight.Required = true
	p.AllowUnenforcedEgress = true
	p.ContractSHA256 = sha256Hex(templateContract(t, name))
	sum, _, err := fileSHA256(p.Command[0])
	if err != nil {
		t.Fatal(err)
	}
	p.CommandSHA256 = sum
	return p
}

// testConfig returns a config with the given providers and a builtin one,
// which the broker must leave alone.
func testConfig(strict bool, providers ...config.Provider) *config.Config {
	em := testEM()
	em.Strict = strict
	all := append([]config.Provider{{Name: "time", Type: config.ProviderBuiltin}}, providers...)
	return &config.Config{Providers: all, ExternalMCP: em}
}

func TestNew_strictRefusesFailingProvider(t *testing.T) {
	e := newBrokerEnv()
	good := strictEntry(t, "good")
	bad := strictEntry(t, "deploys")
	bad.RequiredEnv = []string{"DEPLOYS_TOKEN"}
	b, err := New(t.Context(), testConfig(true, good, bad), e.opts)
	if err == nil {
		b.Close()
		t.Fatal("strict start-up accepted a failing non-optional provider")
	}
	want := "broker: providers[2] (deploys): preflight failed at step env: required_env: required_env_missing:DEPLOYS_TOKEN"
	if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "good") {
		t.Fatalf("error %q\nwant %q", err, want)
	}
	if errcode.Of(err) != errcode.FailedPrecondition {
		t.Fatalf("code %s", errcode.Of(err))
	}
}

func TestNew_strictOptionalSoftFails(t *testing.T) {
	e := newBrokerEnv()
	good := strictEntry(t, "good")
	opt := strictEntry(t, "deploys")
	opt.Optional = true
	opt.RequiredEnv = []string{"DEPLOYS_TOKEN"}
	b, err := New(t.Context(), testConfig(true, good, opt), e.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ids := providerIDs(b); strings.Join(ids, ",") != "good,deploys" {
		t.Fatalf("providers %v", ids)
	}
	hl, ok := b.Health("deploys")
	if !ok || hl.Admitted || !hl.Optional || hl.LastPreflight == nil || hl.LastPreflight.OK {
		t.Fatalf("optional provider health %+v", hl)
	}
	p, _ := b.Get("deploys")
	h := &harness{p: p}
	if _, err := h.query(t.Context()); code(err) != CodeProviderUnavailable {
		t.Fatalf("query of the unavailable optional provider: %v", err)
	}
	g, _ := b.Get("good")
	if _, err := (&harness{p: g}).query(t.Context()); err != nil {
		t.Fatalf("the healthy provider: %v", err)
	}

	// Once the variable is set, an on-demand preflight admits it.
	e.env["DEPLOYS_TOKEN"] = "token-value"
	r, err := b.Preflight(t.Context(), "deploys")
	if err != nil || !r.OK {
		t.Fatalf("preflight: %v %v", err, stepCodes(r))
	}
	if _, err := h.query(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestNew_nonStrict(t *testing.T) {
	e := newBrokerEnv()
	e.dial.err = errors.New("connection refused") // every start-up connection fails
	loose := stdioEntry(t, "loose")               // preflight not required
	gated := stdioEntry(t, "gated")
	gated.Preflight.Required = true
	b, err := New(t.Context(), testConfig(false, loose, gated), e.opts)
	if err != nil {
		t.Fatalf("non-strict start-up failed: %v", err)
	}
	defer b.Close()
	for _, name := range []string{"loose", "gated"} {
		hl, _ := b.Health(name)
		if f := hl.LastPreflight.Failed(); f == nil || f.Step != StepConnect {
			t.Fatalf("%s: failed step %+v, want connect", name, f)
		}
	}
	e.dial.mu.Lock()
	e.dial.err = nil // the backends come up
	e.dial.mu.Unlock()
	lp, _ := b.Get("loose")
	if _, err := (&harness{p: lp}).query(t.Context()); err != nil {
		t.Fatalf("a provider without preflight.required must stay in service: %v", err)
	}
	gp, _ := b.Get("gated")
	if _, err := (&harness{p: gp}).query(t.Context()); code(err) != CodeProviderUnavailable {
		t.Fatalf("a provider with preflight.required must be unavailable: %v", err)
	}
}

func TestNew_startupPreflightRunsConcurrently(t *testing.T) {
	e := newBrokerEnv()
	var started sync.WaitGroup
	started.Add(2)
	e.dial.be.handshake = func(ctx context.Context) (mcpclient.Info, error) {
		started.Done()
		done := make(chan struct{})
		go func() { started.Wait(); close(done) }()
		select {
		case <-done:
			return mcpclient.Info{}, nil
		case <-time.After(5 * time.Second):
			return mcpclient.Info{}, errors.New("the other preflight never started")
		}
	}
	b, err := New(t.Context(), testConfig(true, strictEntry(t, "one"), strictEntry(t, "two")), e.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
}

func TestNew_skipStartupPreflight(t *testing.T) {
	e := newBrokerEnv()
	e.opts.SkipStartupPreflight = true
	bad := strictEntry(t, "deploys")
	bad.RequiredEnv = []string{"DEPLOYS_TOKEN"}
	b, err := New(t.Context(), testConfig(true, bad), e.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if e.dial.count() != 0 {
		t.Fatal("dialled without start-up preflight")
	}
	r, err := b.Preflight(t.Context(), "deploys")
	if err != nil || r.OK {
		t.Fatalf("preflight %v %v", err, r)
	}
	if _, err := b.Preflight(t.Context(), "nope"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("unknown provider: %v", err)
	}
	if _, ok := b.Health("nope"); ok {
		t.Fatal("health of an unknown provider")
	}
}

func TestNew_contractErrorsJoined(t *testing.T) {
	e := newBrokerEnv()
	a := stdioEntry(t, "a")
	a.CapabilitiesPath = config.Path{Raw: "missing-a.json", Resolved: "/nonexistent/missing-a.json"}
	c := stdioEntry(t, "c")
	c.CapabilitiesPath = config.Path{Raw: "missing-c.json", Resolved: "/nonexistent/missing-c.json"}
	_, err := New(t.Context(), testConfig(false, a, stdioEntry(t, "b"), c), e.opts)
	if err == nil {
		t.Fatal("accepted missing contracts")
	}
	for _, want := range []string{"providers[1] (a).capabilities_path: contract_missing", "providers[3] (c).capabilities_path: contract_missing"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q lacks %q", err, want)
		}
	}
}

func TestBroker_closeClosesBackends(t *testing.T) {
	e := newBrokerEnv()
	b, err := New(t.Context(), testConfig(false, stdioEntry(t, "one")), e.opts)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := b.Get("one")
	if _, err := (&harness{p: p}).query(t.Context()); err != nil {
		t.Fatal(err)
	}
	closes := e.dial.be.closes.Load()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if e.dial.be.closes.Load() != closes+1 {
		t.Fatal("Close did not close the live backend exactly once")
	}
}

func providerIDs(b *Broker) []string {
	var ids []string
	for _, p := range b.Providers() {
		ids = append(ids, p.ID())
	}
	return ids
}
