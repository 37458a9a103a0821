package wasm

import (
	"context"
	"encoding/json"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/tetratelabs/wazero/api"
)

// fsRead is fs_read(req_ptr, req_len, out_ptr, out_cap) → i32 with an
// abi.FSReadRequest in and an abi.FSReadResponse out.
func (h *host) fsRead(ctx context.Context, mod api.Module, stack []uint64) {
	reqPtr, reqLen := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	outPtr, outCap := api.DecodeU32(stack[2]), api.DecodeU32(stack[3])
	view(mod, abi.FuncFSRead, outPtr, outCap) // trap on a bad output buffer before anything happens
	stack[0] = api.EncodeI32(h.fsReadStatus(ctx, mod, reqPtr, reqLen, outPtr, outCap))
}

func (h *host) fsReadStatus(ctx context.Context, mod api.Module, reqPtr, reqLen, outPtr, outCap uint32) int32 {
	const fn = abi.FuncFSRead
	if h.grant.FS == nil {
		return h.status(ctx, fn, &capability.Error{Status: abi.StatusDenied, Capability: abi.CapFSRead, Detail: "not granted"})
	}
	if !begin(ctx) {
		return int32(abi.StatusLimit)
	}
	var req abi.FSReadRequest
	if st := jsonRequest(mod, fn, reqPtr, reqLen, &req); st != abi.StatusOK {
		return int32(st)
	}
	if req.MaxBytes < 0 {
		return int32(abi.StatusInvalid)
	}
	resp, err := h.grant.FS.Read(req.Path, req.MaxBytes)
	if err != nil {
		return h.status(ctx, fn, err)
	}
	var out []byte
	if req.Frames {
		out = abi.AppendFSReadFrame(nil, resp)
	} else if out, err = json.Marshal(resp); err != nil {
		return int32(abi.StatusInternal)
	}
	h.log.Debug("file read", "provider_id", h.providerID, "path", resp.RelPath, "size", resp.Size, "over_limit", resp.Error == abi.StatusLimit)
	return answer(ctx, mod, fn, out, outPtr, outCap)
}
