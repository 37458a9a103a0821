package sdk

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/abi"
)

// describeDoc returns the registered provider's self-description.
func describeDoc() (*abi.Describe, error) {
	p := current()
	if p == nil {
		return nil, fmt.Errorf("sdk: no provider registered (call sdk.Register from init)")
	}
	d := &abi.Describe{
		ABI: abi.Version, ProviderID: p.ID, Name: p.Name, Description: p.Description,
		Version: p.Version, ConfigSchema: p.ConfigSchema, Notes: p.Notes,
		Checks: make([]abi.Check, len(p.Checks)),
	}
	for i, c := range p.Checks {
		d.Checks[i] = abi.Check{
			CheckID: c.ID, Description: c.Description, Determinism: c.Determinism,
			ParamsRequired: c.ParamsRequired, ParamsSchema: c.ParamsSchema, ResultSchema: c.ResultSchema,
			AllowedComparators: c.AllowedComparators, AnchorTypes: c.AnchorTypes,
			ContentTypes: c.ContentTypes, Examples: c.Examples,
		}
	}
	return d, nil
}

// describeJSON is the body of the pv_describe export.
func describeJSON() []byte {
	d, err := describeDoc()
	if err != nil {
		return nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil
	}
	return b
}

// ContractJSON returns the registered provider's capability contract in the
// reference ProviderContract shape, with the given transport ("builtin" for
// a provider embedded in the server, "mcp" for a third-party module). It is
// what the host serves after loading the module; use it in golden tests.
func ContractJSON(transport string) ([]byte, error) {
	d, err := describeDoc()
	if err != nil {
		return nil, err
	}
	return json.Marshal(d.Contract(transport))
}

// handleQuery is the body of the pv_query export: request envelope in,
// response envelope out. It never panics.
func handleQuery(in []byte) []byte {
	if abi.IsQueryFrame(in) {
		return handleFrame(in)
	}
	resp := runQuery(in)
	out, err := json.Marshal(resp)
	if err != nil {
		out, _ = json.Marshal(failure(abi.StatusInternal.String(), "sdk: encode response: "+err.Error()))
	}
	return out
}

func runQuery(in []byte) (resp *abi.Response) {
	var req abi.QueryRequest
	if err := json.Unmarshal(in, &req); err != nil {
		return failure(abi.StatusInvalid.String(), "sdk: bad query request: "+err.Error())
	}
	p := current()
	if p == nil {
		return failure(abi.StatusInternal.String(), "sdk: no provider registered")
	}
	check := p.check(req.CheckID)
	if check == nil {
		return failure(abi.StatusInvalid.String(), "unsupported check: "+req.CheckID)
	}
	defer func() {
		if v := recover(); v != nil {
			resp = failure(abi.StatusInternal.String(), fmt.Sprintf("check %s panicked: %v", req.CheckID, v))
		}
	}()
	res, err := check.Run(callFromABI(&req))
	if err != nil {
		return failure(errorCode(err), err.Error())
	}
	if res == nil {
		return failure(abi.StatusInternal.String(), "check "+req.CheckID+" returned neither a result nor an error")
	}
	wire, err := res.toABI()
	if err != nil {
		return failure(abi.StatusInternal.String(), err.Error())
	}
	return &abi.Response{OK: true, Result: wire}
}

func failure(code, msg string) *abi.Response {
	return &abi.Response{Error: &abi.ResponseError{Code: code, Message: msg}}
}

// Query runs call against the registered provider exactly as the pv_query
// export would: the call is encoded as a query frame, dispatched, and the
// result frame decoded. A failed check gives a [*ProviderError] whose text
// is what the host would report. Host capabilities used by the check go to
// the host installed with SetTestHost (outside wasip1).
func Query(call *Call) (*Result, error) {
	f, err := abi.DecodeResultFrame(handleQuery(call.queryFrame()))
	if err != nil {
		return nil, fmt.Errorf("sdk: decode result frame: %w", err)
	}
	return resultFromFrame(&f)
}
