package wasm

import (
	"context"
	"log/slog"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
	"github.com/tetratelabs/wazero/api"
)

// logFn is log(level, msg_ptr, msg_len) → i32: one line to the host's
// logger, attributed to the provider, within the grant's caps.
func (h *host) logFn(ctx context.Context, mod api.Module, stack []uint64) {
	level := abi.LogLevel(api.DecodeI32(stack[0]))
	ptr, n := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	msg := view(mod, abi.FuncLog, ptr, n)
	if level < abi.LogDebug || level > abi.LogError {
		stack[0] = api.EncodeI32(int32(abi.StatusInvalid))
		return
	}
	s := stateOf(ctx)
	line, err := h.grant.Log.Line(s.logLines, msg)
	if err != nil {
		stack[0] = api.EncodeI32(int32(capability.StatusOf(err)))
		return
	}
	s.logLines++
	h.log.Log(ctx, slogLevel(level), line, "provider_id", h.providerID, "source", "guest")
	stack[0] = 0
}

func slogLevel(l abi.LogLevel) slog.Level {
	switch l {
	case abi.LogDebug:
		return slog.LevelDebug
	case abi.LogWarn:
		return slog.LevelWarn
	case abi.LogError:
		return slog.LevelError
	}
	return slog.LevelInfo
}
