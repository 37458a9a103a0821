package wasm

import (
	"context"
	"encoding/json"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/tetratelabs/wazero/api"
)

// httpFetch is http_fetch(req_ptr, req_len, out_ptr, out_cap) → i32 with an
// abi.HTTPFetchRequest in and an abi.HTTPFetchResponse out. The fetch runs
// under the query's deadline; redirects are returned, never followed.
func (h *host) httpFetch(ctx context.Context, mod api.Module, stack []uint64) {
	reqPtr, reqLen := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	outPtr, outCap := api.DecodeU32(stack[2]), api.DecodeU32(stack[3])
	view(mod, abi.FuncHTTPFetch, outPtr, outCap) // trap on a bad output buffer before anything happens
	stack[0] = api.EncodeI32(h.httpFetchStatus(ctx, mod, reqPtr, reqLen, outPtr, outCap))
}

func (h *host) httpFetchStatus(ctx context.Context, mod api.Module, reqPtr, reqLen, outPtr, outCap uint32) int32 {
	const fn = abi.FuncHTTPFetch
	if h.grant.HTTP == nil {
		return h.status(ctx, fn, &capability.Error{Status: abi.StatusDenied, Capability: abi.CapHTTPFetch, Detail: "not granted"})
	}
	if !begin(ctx) {
		return int32(abi.StatusLimit)
	}
	var req abi.HTTPFetchRequest
	if st := jsonRequest(mod, fn, reqPtr, reqLen, &req); st != abi.StatusOK {
		return int32(st)
	}
	resp, err := h.grant.HTTP.Fetch(ctx, req)
	if err != nil {
		return h.status(ctx, fn, err)
	}
	var out []byte
	if req.Frames {
		out, err = abi.AppendHTTPFetchFrame(nil, resp)
	} else {
		out, err = json.Marshal(resp)
	}
	if err != nil {
		return int32(abi.StatusInternal)
	}
	h.log.Debug("http fetch", "provider_id", h.providerID, "url", req.URL, "status", resp.Status, "bytes", len(resp.Body))
	return answer(ctx, mod, fn, out, outPtr, outCap)
}
