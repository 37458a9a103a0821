package wasm

import (
	"context"
	"time"

	"github.com/decision-gate/dgw/abi"
	"github.com/tetratelabs/wazero/api"
)

// clockNow is clock_now() → i64: the host's wall clock in Unix nanoseconds,
// for modules granted clock/v1 (others answer DENIED). Built-in providers
// are never granted it: their time comes from the trigger.
func (h *host) clockNow(_ context.Context, _ api.Module, stack []uint64) {
	if h.grant.Clock == nil {
		stack[0] = api.EncodeI64(int64(abi.StatusDenied))
		return
	}
	stack[0] = api.EncodeI64(time.Now().UnixNano())
}
