package wasm

import (
	"encoding/json"
	"errors"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// encodeFrame builds a query frame. The config travels only when the
// module does not take it once per instance.
func (m *Module) encodeFrame(q evidence.Query, ec evidence.Context) []byte {
	f := abi.QueryFrame{
		CheckID: []byte(q.CheckID), Params: evidence.NullToAbsent(q.Params),
		RunID: []byte(ec.RunID), ScenarioID: []byte(ec.ScenarioID), StageID: []byte(ec.StageID), TriggerID: []byte(ec.TriggerID),
		TenantID: uint64(ec.TenantID), NamespaceID: uint64(ec.NamespaceID),
		TimeKind: abi.TimeUnixMillis, TimeValue: uint64(ec.TriggerTime.Millis),
	}
	if ec.TriggerTime.Kind == evidence.Logical {
		f.TimeKind, f.TimeValue = abi.TimeLogical, ec.TriggerTime.Counter
	}
	if ec.CorrelationID != nil {
		f.CorrelationID = []byte(*ec.CorrelationID)
	}
	if m.engine == nil || !m.engine.configure {
		f.Config = m.config
	}
	return abi.AppendQueryFrame(make([]byte, 0, 96+len(q.CheckID)+len(q.Params)+len(f.Config)+len(ec.RunID)+len(ec.ScenarioID)+len(ec.StageID)+len(ec.TriggerID)), &f)
}

// decodeResultFrame turns a result frame into an evidence result with lane
// verified, validating every JSON field (the module does not). A provider
// error comes back as errcode.ProviderFailed with its text cut; anything
// malformed is errcode.Internal.
func decodeResultFrame(out []byte) (evidence.Result, error) {
	f, err := abi.DecodeResultFrame(out)
	if err != nil {
		return evidence.Result{}, errcode.New(errcode.Internal, "malformed result frame")
	}
	if f.Failed {
		msg := capability.CutUTF8(f.ErrorMessage, abi.MaxGuestErrorBytes)
		return evidence.Result{}, &errcode.Error{Code: errcode.ProviderFailed, Err: errors.New(msg)}
	}
	res := evidence.Result{Lane: evidence.Verified}
	if f.HasValue {
		if f.ValueIsBytes {
			res.Value = &evidence.Value{Kind: evidence.BytesValue, Bytes: append(evidence.ByteArray{}, f.Value...)}
		} else {
			if !json.Valid(f.Value) {
				return evidence.Result{}, errcode.New(errcode.Internal, "malformed evidence result: value is not valid JSON")
			}
			res.Value = evidence.JSONOf(append(json.RawMessage(nil), f.Value...))
		}
	}
	if f.HasError {
		res.Error = &evidence.ResultError{Code: string(f.ErrorCode), Message: string(f.ErrorMessage)}
		if f.ErrorDetails != nil {
			if !json.Valid(f.ErrorDetails) {
				return evidence.Result{}, errcode.New(errcode.Internal, "malformed evidence result: error details are not valid JSON")
			}
			res.Error.Details = append(json.RawMessage(nil), f.ErrorDetails...)
		}
	}
	if f.RefURI != nil {
		res.EvidenceRef = &evidence.Ref{URI: string(f.RefURI)}
	}
	if f.AnchorType != nil {
		res.EvidenceAnchor = &evidence.Anchor{AnchorType: string(f.AnchorType), AnchorValue: string(f.AnchorValue)}
	}
	if f.ContentType != nil {
		ct := string(f.ContentType)
		res.ContentType = &ct
	}
	return res, nil
}
