package wasm

import (
	"context"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/tetratelabs/wazero/api"
)

// envGet is env_get(key_ptr, key_len, out_ptr, out_cap) → i32: the value of
// an environment variable the grant allows, as raw bytes.
func (h *host) envGet(ctx context.Context, mod api.Module, stack []uint64) {
	keyPtr, keyLen := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	outPtr, outCap := api.DecodeU32(stack[2]), api.DecodeU32(stack[3])
	view(mod, abi.FuncEnvGet, outPtr, outCap) // trap on a bad output buffer before anything happens
	stack[0] = api.EncodeI32(h.envGetStatus(ctx, mod, keyPtr, keyLen, outPtr, outCap))
}

func (h *host) envGetStatus(ctx context.Context, mod api.Module, keyPtr, keyLen, outPtr, outCap uint32) int32 {
	const fn = abi.FuncEnvGet
	if h.grant.Env == nil {
		return h.status(ctx, fn, &capability.Error{Status: abi.StatusDenied, Capability: abi.CapEnvGet, Detail: "not granted"})
	}
	if !begin(ctx) {
		return int32(abi.StatusLimit)
	}
	if keyLen > abi.MaxHostRequestBytes {
		view(mod, fn, keyPtr, keyLen)
		return int32(abi.StatusLimit)
	}
	key := string(view(mod, fn, keyPtr, keyLen))
	v, err := h.grant.Env.Get(key, h.lookupEnv)
	if err != nil {
		return h.status(ctx, fn, err)
	}
	h.log.Debug("env read", "provider_id", h.providerID, "key", key)
	return answer(ctx, mod, fn, []byte(v), outPtr, outCap)
}
