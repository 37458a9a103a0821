package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/trust"
)

// Module is a loaded provider module: a compiled Wasm module, its effective
// grant, and a pool of warm instances. It implements [provider.Provider].
// It is safe for concurrent use; at most Limits().PoolSize queries run at
// once and the others wait, up to their deadline, for an instance. The
// caller closes it with [Module.Close].
type Module struct {
	id       string
	contract *provider.Contract
	verified *trust.Verified
	grant    capability.Set
	limits   Limits
	config   json.RawMessage

	engine *engine
	pool   *pool
	log    *slog.Logger

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// ID returns the provider id: the manifest name, which pv_describe
// confirmed.
func (m *Module) ID() string { return m.id }

// Contract returns the capability contract built from pv_describe.
func (m *Module) Contract() *provider.Contract { return m.contract }

// Manifest returns the verified manifest.
func (m *Module) Manifest() *trust.Manifest { return m.verified.Manifest }

// Signer returns the key that signed the manifest, or nil for a module
// loaded unsigned.
func (m *Module) Signer() *trust.PublicKey { return m.verified.Signer }

// Grant returns the effective grant: the intersection of the manifest's
// request and the operator's grant.
func (m *Module) Grant() capability.Set { return m.grant }

// Limits returns the effective limits.
func (m *Module) Limits() Limits { return m.limits }

// Query runs one check in a warm instance under a deadline of
// Limits().TimeoutMS (or ctx's, if earlier). The module answers with an
// evidence result or a provider error.
//
// Any trap, timeout, oversized output or malformed response discards the
// instance, and a fresh one replaces it in the background.
//
// # Errors
//
// errcode.ProviderFailed with the module's own error text (cut to 512
// bytes); errcode.DeadlineExceeded when the module overran its timeout;
// errcode.ResourceExhausted for an oversized query or response, or when no
// instance came free before the deadline; errcode.Canceled or
// DeadlineExceeded when ctx ended first; errcode.Unavailable after Close;
// errcode.Internal for a trap or a malformed response.
func (m *Module) Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	op := "wasm: " + m.id + "." + q.CheckID
	if m.closed.Load() {
		return evidence.Result{}, errcode.New(errcode.Unavailable, "%s: module is closed", op)
	}
	input, err := m.encodeQuery(q, ec)
	if err != nil {
		return evidence.Result{}, errcode.Wrap(errcode.InvalidArgument, op, err)
	}
	if len(input) > m.limits.MaxInputBytes {
		return evidence.Result{}, errcode.New(errcode.ResourceExhausted, "%s: query is %d bytes, over the %d-byte limit", op, len(input), m.limits.MaxInputBytes)
	}
	callCtx, cancel := context.WithTimeout(ctx, m.limits.timeout())
	defer cancel()
	start := time.Now()
	in, err := m.pool.get(callCtx)
	if err != nil {
		return evidence.Result{}, m.waitError(ctx, op, err)
	}
	in.stdout.reset()
	in.stderr.reset()
	callCtx, _ = withCallState(callCtx)
	out, err := in.runQuery(callCtx, input, m.limits.MaxOutputBytes)
	if err == nil {
		var res evidence.Result
		if m.frames() {
			res, err = decodeResultFrame(out)
		} else {
			res, err = decodeResponse(out)
		}
		if err == nil || errcode.Of(err) == errcode.ProviderFailed {
			m.release(in)
			m.log.Debug("provider call", "check_id", q.CheckID, "duration_ms", time.Since(start).Milliseconds(), "code", errcode.Of(err))
			return res, errcode.Wrap(errcode.ProviderFailed, op, err)
		}
	}
	m.pool.discard(in)
	err = m.callError(ctx, callCtx, err)
	m.log.Warn("provider instance discarded", "check_id", q.CheckID, "code", errcode.Of(err), "error", err.Error(),
		"duration_ms", time.Since(start).Milliseconds())
	return evidence.Result{}, errcode.Wrap(errcode.Internal, op, err)
}

// release returns a healthy instance, or recycles it after its call budget.
func (m *Module) release(in *instance) {
	if in.calls >= m.limits.MaxCallsPerInstance || uint64(in.mod.Memory().Size()) > m.memorySoftLimit() {
		m.pool.discard(in)
		return
	}
	m.pool.put(in)
}

// memorySoftLimit is the linear-memory size past which an instance is
// recycled after its call: Wasm memory never shrinks and a guest's heap
// may fragment, so an instance is replaced well before it could run out
// of memory mid-call.
func (m *Module) memorySoftLimit() uint64 {
	return uint64(m.limits.MemoryPages) * 65536 * 5 / 8
}

// callError names why a guest call failed: the caller's context, the
// module's own timeout, or the guest.
func (m *Module) callError(parent, callCtx context.Context, err error) error {
	switch {
	case parent.Err() != nil:
		return errcode.Wrap(errcode.Of(parent.Err()), "caller", parent.Err())
	case errors.Is(callCtx.Err(), context.DeadlineExceeded):
		return errcode.New(errcode.DeadlineExceeded, "module did not answer within %d ms; instance discarded", m.limits.TimeoutMS)
	}
	return err
}

// waitError names why no instance was available.
func (m *Module) waitError(parent context.Context, op string, err error) error {
	var closed poolClosedError
	switch {
	case errors.As(err, &closed):
		return errcode.New(errcode.Unavailable, "%s: module is closed", op)
	case parent.Err() != nil:
		return errcode.Wrap(errcode.Of(parent.Err()), op, parent.Err())
	}
	return errcode.New(errcode.ResourceExhausted, "%s: no instance came free within %d ms (pool size %d)", op, m.limits.TimeoutMS, m.limits.PoolSize)
}

// encodeQuery builds the request: a query frame for modules that speak
// frames, else the JSON envelope.
func (m *Module) encodeQuery(q evidence.Query, ec evidence.Context) ([]byte, error) {
	ts := abi.Timestamp{Kind: ec.TriggerTime.KindName(), Millis: ec.TriggerTime.Millis, Logical: ec.TriggerTime.Counter}
	if ec.TriggerTime.Kind == 0 {
		return nil, fmt.Errorf("evidence context has no trigger time")
	}
	if m.frames() {
		return m.encodeFrame(q, ec), nil
	}
	return json.Marshal(abi.QueryRequest{
		CheckID: q.CheckID,
		Params:  evidence.NullToAbsent(q.Params),
		Config:  m.config,
		Context: abi.Context{
			TenantID: uint64(ec.TenantID), NamespaceID: uint64(ec.NamespaceID),
			RunID: ec.RunID, ScenarioID: ec.ScenarioID, StageID: ec.StageID, TriggerID: ec.TriggerID,
			TriggerTime: ts, CorrelationID: ec.CorrelationID,
		},
	})
}

// envelope is the response envelope with the result kept raw, so that it
// decodes straight into the evidence wire type.
type envelope struct {
	OK     *bool              `json:"ok"`
	Result json.RawMessage    `json:"result"`
	Error  *abi.ResponseError `json:"error"`
}

// decodeResponse parses a response envelope. A provider error comes back
// as errcode.ProviderFailed with its text cut; anything malformed is
// errcode.Internal (and discards the instance).
func decodeResponse(out []byte) (evidence.Result, error) {
	var env envelope
	if err := json.Unmarshal(out, &env); err != nil {
		return evidence.Result{}, errcode.New(errcode.Internal, "malformed response envelope: %v", err)
	}
	hasResult := len(env.Result) > 0 && !bytes.Equal(bytes.TrimSpace(env.Result), []byte("null"))
	switch {
	case env.OK == nil:
		return evidence.Result{}, errcode.New(errcode.Internal, "malformed response envelope: no ok field")
	case !*env.OK && env.Error != nil && !hasResult:
		msg := capability.CutUTF8([]byte(env.Error.Message), abi.MaxGuestErrorBytes)
		return evidence.Result{}, &errcode.Error{Code: errcode.ProviderFailed, Err: errors.New(msg)}
	case !*env.OK || !hasResult || env.Error != nil:
		return evidence.Result{}, errcode.New(errcode.Internal, "malformed response envelope: ok=%v with result=%v error=%v", *env.OK, hasResult, env.Error != nil)
	}
	var res evidence.Result
	if err := json.Unmarshal(env.Result, &res); err != nil {
		return evidence.Result{}, errcode.New(errcode.Internal, "malformed evidence result: %v", err)
	}
	if err := checkResult(env.Result, &res); err != nil {
		return evidence.Result{}, err
	}
	return res, nil
}

// checkResult enforces what pv1 says about a result: lane "verified", no
// evidence hash and no signature (the host fills in the hash).
func checkResult(raw json.RawMessage, res *evidence.Result) error {
	var lane struct {
		Lane *string `json:"lane"`
	}
	_ = json.Unmarshal(raw, &lane)
	switch {
	case lane.Lane == nil || *lane.Lane != abi.LaneVerified:
		return errcode.New(errcode.Internal, "malformed evidence result: lane must be %q", abi.LaneVerified)
	case res.EvidenceHash != nil:
		return errcode.New(errcode.Internal, "malformed evidence result: evidence_hash must be null")
	case res.Signature != nil:
		return errcode.New(errcode.Internal, "malformed evidence result: signature must be null")
	case res.Value != nil && res.Value.Kind == 0:
		return errcode.New(errcode.Internal, "malformed evidence result: value has no kind")
	}
	return nil
}

// Close stops the pool, waits for its refill goroutines, and releases the
// runtime and every instance. Queries after Close fail with
// errcode.Unavailable. Close is idempotent and safe to call concurrently.
func (m *Module) Close(ctx context.Context) error {
	m.closeOnce.Do(func() {
		m.closed.Store(true)
		m.pool.close(ctx)
		if err := m.engine.close(ctx); err != nil {
			m.closeErr = fmt.Errorf("wasm: close %s: %w", m.id, err)
		}
		m.log.Info("provider module closed")
	})
	return m.closeErr
}

var _ provider.Provider = (*Module)(nil)

// frames reports whether the module speaks binary frames.
func (m *Module) frames() bool { return m.engine != nil && m.engine.frames }
