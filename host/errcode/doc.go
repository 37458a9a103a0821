// Package errcode holds the stable error codes of the server and the [Error]
// type that carries them.
//
// A failure is coded once, where it is understood; callers further up branch
// on [Of] and never on message text. Only the MCP layer maps codes onto the
// JSON-RPC wire form.
//
// errcode imports nothing from the rest of the host.
package errcode
