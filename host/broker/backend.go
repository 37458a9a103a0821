package broker

import (
	"context"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/evidence"
)

// Backend is a connection to one external MCP server: a stdio child or an
// HTTP endpoint. mcpclient.Client implements it; tests use fakes.
//
// Handshake connects (spawns the child, or for protocol "mcp" runs
// initialize and tools/list). Call runs one evidence_query under ctx's
// deadline. Close releases the connection and kills a child. Errors are
// *mcpclient.Error where the client can classify them.
type Backend interface {
	Handshake(ctx context.Context) (mcpclient.Info, error)
	Call(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error)
	Close() error
}

// stderrTailer is implemented by backends that keep a stdio child's
// stderr.
type stderrTailer interface {
	StderrTail() []byte
}

// dialClient is the default [Options.Dial].
func dialClient(o mcpclient.Options) (Backend, error) {
	c, err := mcpclient.New(o)
	if err != nil {
		return nil, err
	}
	return c, nil
}
