package mcp

import (
	"bytes"
	"encoding/json"

	"github.com/decision-gate/dgw/host/errcode"
)

func notDefined(id string) error {
	return errcode.New(errcode.NotFound, "scenario not defined: %s", id)
}

func controlPlane(msg string) error { return errcode.New(errcode.FailedPrecondition, "%s", msg) }

func invalidParams(msg string) error { return errcode.New(errcode.InvalidArgument, "%s", msg) }

// jsonMarshal encodes without HTML escaping (the server never emits
// \u003c for <).
func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
