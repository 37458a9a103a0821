package wasm

import (
	"bytes"
	"log/slog"
	"sync"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/capability"
)

// guestOutput receives a module instance's WASI stdout or stderr and logs
// it line by line, capped: lines are cut to abi.MaxLogLineBytes, at most
// abi.MaxLogLinesPerQuery lines are logged between two resets (one per
// query), and the rest is counted and dropped. A Go guest's panic trace
// arrives here.
type guestOutput struct {
	log    *slog.Logger
	stream string

	mu      sync.Mutex // guards the fields below
	partial []byte
	lines   int
	dropped int
}

func newGuestOutput(log *slog.Logger, providerID, stream string) *guestOutput {
	return &guestOutput{log: log.With("provider_id", providerID, "stream", stream), stream: stream}
}

// Write implements io.Writer; it never fails, so the guest never sees an
// error for writing too much.
func (g *guestOutput) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			room := abi.MaxLogLineBytes - len(g.partial)
			g.partial = append(g.partial, p[:max(0, min(room, len(p)))]...)
			break
		}
		g.partial = append(g.partial, p[:i]...)
		g.emitLocked()
		p = p[i+1:]
	}
	return n, nil
}

func (g *guestOutput) emitLocked() {
	line := capability.CutUTF8(g.partial, abi.MaxLogLineBytes)
	g.partial = g.partial[:0]
	if g.lines >= abi.MaxLogLinesPerQuery {
		g.dropped++
		return
	}
	g.lines++
	g.log.Info("guest output", "line", line)
}

// reset starts a new line budget, reporting what the last one dropped.
func (g *guestOutput) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.partial) > 0 {
		g.emitLocked()
	}
	if g.dropped > 0 {
		g.log.Warn("guest output dropped", "lines", g.dropped)
	}
	g.lines, g.dropped = 0, 0
}
