package sdk

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/abi"
)

// configured holds the operator config delivered once per instance by
// pv_configure; nil until then. A module instance serves one call at a
// time, so it needs no lock.
var configured json.RawMessage

// configure stores the config block for every later query.
func configure(cfg []byte) {
	if len(cfg) == 0 {
		cfg = []byte("{}")
	}
	configured = append(json.RawMessage(nil), cfg...)
}

// handleFrame is pv_query for a module speaking frames (abi.ExportFrames):
// a query frame in, a result frame out. It never panics.
//
// Why frames: each loop iteration inside a module costs tens of
// nanoseconds under the host's termination checks, so the envelope is
// sliced, not parsed; only params, config and values are JSON.
func handleFrame(in []byte) []byte {
	q, err := abi.DecodeQueryFrame(in)
	if err != nil {
		return failureFrame(abi.StatusInvalid.String(), "sdk: bad query frame")
	}
	cfg := json.RawMessage(q.Config)
	if cfg == nil {
		cfg = configured
	}
	if cfg == nil {
		cfg = json.RawMessage("{}")
	}
	call := &Call{
		CheckID: string(q.CheckID),
		Params:  json.RawMessage(q.Params),
		Config:  cfg,
		Context: Context{
			TenantID: q.TenantID, NamespaceID: q.NamespaceID,
			RunID: string(q.RunID), ScenarioID: string(q.ScenarioID), StageID: string(q.StageID), TriggerID: string(q.TriggerID),
			TriggerTime: frameTime(q.TimeKind, q.TimeValue),
		},
	}
	if string(call.Params) == "null" {
		call.Params = nil
	}
	if q.CorrelationID != nil {
		c := string(q.CorrelationID)
		call.Context.CorrelationID = &c
	}
	return runFrame(call)
}

func frameTime(kind uint8, v uint64) Timestamp {
	if kind == abi.TimeLogical {
		return Timestamp{Kind: Logical, Logical: v}
	}
	return Timestamp{Kind: UnixMillis, Millis: int64(v)}
}

func runFrame(call *Call) (out []byte) {
	p := current()
	if p == nil {
		return failureFrame(abi.StatusInternal.String(), "sdk: no provider registered")
	}
	check := p.check(call.CheckID)
	if check == nil {
		return failureFrame(abi.StatusInvalid.String(), "unsupported check: "+call.CheckID)
	}
	defer func() {
		if v := recover(); v != nil {
			out = failureFrame(abi.StatusInternal.String(), fmt.Sprintf("check %s panicked: %v", call.CheckID, v))
		}
	}()
	res, err := check.Run(call)
	if err != nil {
		return failureFrame(errorCode(err), err.Error())
	}
	if res == nil {
		return failureFrame(abi.StatusInternal.String(), "check "+call.CheckID+" returned neither a result nor an error")
	}
	return abi.AppendResultFrame(make([]byte, 0, 128+len(res.JSON)+len(res.Bytes)), res.toFrame())
}

func failureFrame(code, msg string) []byte {
	return abi.AppendResultFrame(nil, &abi.ResultFrame{Failed: true, ErrorCode: []byte(code), ErrorMessage: []byte(msg)})
}

// toFrame converts r to the frame form. JSON fields are not re-validated
// here (that would loop over every byte); the host validates them.
func (r *Result) toFrame() *abi.ResultFrame {
	f := &abi.ResultFrame{}
	if r.HasValue {
		f.HasValue = true
		switch {
		case r.IsBytes:
			f.ValueIsBytes, f.Value = true, nonNilBytes(r.Bytes)
		case len(r.JSON) == 0:
			f.Value = []byte("null")
		default:
			f.Value = r.JSON
		}
	}
	if e := r.Error; e != nil {
		f.HasError, f.ErrorCode, f.ErrorMessage = true, []byte(e.Code), []byte(e.Message)
		if e.Details != nil {
			f.ErrorDetails = e.Details
		}
	}
	if r.RefURI != "" {
		f.RefURI = []byte(r.RefURI)
	}
	if r.Anchor != nil {
		f.AnchorType, f.AnchorValue = []byte(r.Anchor.Type), []byte(r.Anchor.Value)
	}
	if r.ContentType != "" {
		f.ContentType = []byte(r.ContentType)
	}
	return f
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// resultFromFrame converts a result frame back, as the host reads it.
func resultFromFrame(f *abi.ResultFrame) (*Result, error) {
	if f.Failed {
		return nil, &ProviderError{Code: string(f.ErrorCode), Message: string(f.ErrorMessage)}
	}
	r := &Result{HasValue: f.HasValue}
	switch {
	case f.ValueIsBytes:
		r.IsBytes, r.Bytes = true, f.Value
	case f.HasValue:
		if !json.Valid(f.Value) {
			return nil, fmt.Errorf("sdk: result JSON value is not valid JSON")
		}
		if string(f.Value) != "null" {
			r.JSON = append(json.RawMessage(nil), f.Value...)
		}
	}
	if f.HasError {
		r.Error = &ResultError{Code: string(f.ErrorCode), Message: string(f.ErrorMessage)}
		if f.ErrorDetails != nil {
			if !json.Valid(f.ErrorDetails) {
				return nil, fmt.Errorf("sdk: result error details are not valid JSON")
			}
			r.Error.Details = append(json.RawMessage(nil), f.ErrorDetails...)
		}
	}
	r.RefURI, r.ContentType = string(f.RefURI), string(f.ContentType)
	if f.AnchorType != nil {
		r.Anchor = &Anchor{Type: string(f.AnchorType), Value: string(f.AnchorValue)}
	}
	return r, nil
}

// queryFrame encodes a call as the host would.
func (c *Call) queryFrame() []byte {
	x := c.Context
	q := abi.QueryFrame{
		CheckID: []byte(c.CheckID), Params: c.Params,
		RunID: []byte(x.RunID), ScenarioID: []byte(x.ScenarioID), StageID: []byte(x.StageID), TriggerID: []byte(x.TriggerID),
		Config: c.Config, TenantID: x.TenantID, NamespaceID: x.NamespaceID, TimeKind: abi.TimeUnixMillis,
		TimeValue: uint64(x.TriggerTime.Millis),
	}
	if q.Config == nil {
		q.Config = []byte("{}")
	}
	if x.TriggerTime.Kind == Logical {
		q.TimeKind, q.TimeValue = abi.TimeLogical, x.TriggerTime.Logical
	}
	if x.CorrelationID != nil {
		q.CorrelationID = []byte(*x.CorrelationID)
	}
	return abi.AppendQueryFrame(nil, &q)
}
