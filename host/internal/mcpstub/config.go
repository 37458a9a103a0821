package mcpstub

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Protocols, as in providers[].protocol.
const (
	ProtocolDGEvidence = "dg_evidence_v1"
	ProtocolMCP        = "mcp"
)

// Config selects what a stub does.
//
// Modes (Config.Mode, or the check_id of one call when the mode is "ok"):
//
//	ok              answer by check (below)
//	malformed       a reply body that is not JSON, properly framed
//	badframe        a broken frame header (stdio) or a truncated body (HTTP)
//	text            first content item is {"type":"text"}
//	empty           content is []
//	rpc_error       a JSON-RPC error -32000
//	tool_error      (mcp) a result with isError set
//	structured      (mcp) a text item plus structuredContent holding the result
//	wrong_id        a reply whose id is not the request's
//	notify          (mcp) a notification before the reply
//	hang            never answer
//	slow:<ms>       answer after ms milliseconds ("slow" reads params.ms)
//	flaky:<n>       every n-th call gets a JSON-RPC error
//	exit            exit with status 3 without answering (HTTP: drop the connection)
//	oversize[:<n>]  a reply of n bytes (default 2 MiB)
//	sign:<keyfile>  sign results with the Ed25519 seed in keyfile (spec §8.4)
//	badsig          sign with a corrupted signature
//	hashmismatch    sign, but state an evidence_hash that does not match
//	badversion      (mcp) answer initialize with an unsupported version
//	notool          tools/list without evidence_query
//	redirect:<url>  (HTTP) answer 302 to url
//	status:<n>      (HTTP) answer with HTTP status n
//
// Checks (check_id, in mode "ok" or the signing modes):
//
//	value    params.value as JSON; params.anchor, when set, as a "template" anchor
//	env      {"name","present","value"} of the env var named by params.name
//	environ  the stub's whole environment, sorted
//	pid      the stub's process id
//	stderr   writes params.text to stderr and answers true
//
// Any other check gets an in-band error result.
type Config struct {
	Protocol string // ProtocolDGEvidence (default) or ProtocolMCP
	Mode     string // default "ok"
	// SignKey is a file holding a 32-byte Ed25519 seed, raw or base64;
	// results are signed when it is set (or with mode sign:<keyfile>).
	SignKey string
	// KeyID is the key_id put in signatures; default SignKey.
	KeyID string

	// SSE makes the HTTP stub answer mcp requests as text/event-stream.
	SSE bool
	// Stateless makes the HTTP stub issue no Mcp-Session-Id.
	Stateless bool
}

// parseFlags reads a Config from command-line flags, with MCPSTUB_PROTOCOL
// and MCPSTUB_MODE as fallbacks.
func parseFlags(args []string) (Config, error) {
	fs := flag.NewFlagSet("mcpstub", flag.ContinueOnError)
	var c Config
	fs.StringVar(&c.Protocol, "protocol", os.Getenv("MCPSTUB_PROTOCOL"), "dg_evidence_v1 or mcp")
	fs.StringVar(&c.Mode, "mode", os.Getenv("MCPSTUB_MODE"), "behaviour (see package doc)")
	fs.StringVar(&c.SignKey, "sign-key", "", "Ed25519 seed file to sign results with")
	fs.StringVar(&c.KeyID, "key-id", "", "key_id for signatures (default: -sign-key)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	return c.normalise()
}

// normalise fills in defaults and checks the protocol and mode.
func (c Config) normalise() (Config, error) {
	switch c.Protocol {
	case "":
		c.Protocol = ProtocolDGEvidence
	case ProtocolDGEvidence, ProtocolMCP:
	default:
		return c, fmt.Errorf("mcpstub: unknown protocol %q", c.Protocol)
	}
	if c.Mode == "" {
		c.Mode = "ok"
	}
	name, arg, _ := strings.Cut(c.Mode, ":")
	switch name {
	case "sign":
		c.SignKey, c.Mode = arg, "ok"
	case "slow", "flaky", "status":
		if n, err := strconv.Atoi(arg); err != nil || n <= 0 {
			return c, fmt.Errorf("mcpstub: mode %q needs a positive number", c.Mode)
		}
	case "oversize":
		if _, err := strconv.Atoi(arg); arg != "" && err != nil {
			return c, fmt.Errorf("mcpstub: mode %q needs a byte count", c.Mode)
		}
	case "redirect":
		if arg == "" {
			return c, fmt.Errorf("mcpstub: mode redirect needs a URL")
		}
	case "ok", "malformed", "badframe", "text", "empty", "rpc_error", "tool_error", "structured",
		"wrong_id", "notify", "hang", "exit", "badsig", "hashmismatch", "badversion", "notool":
	default:
		return c, fmt.Errorf("mcpstub: unknown mode %q", c.Mode)
	}
	if c.KeyID == "" {
		c.KeyID = c.SignKey
	}
	return c, nil
}

// modeArg returns the number after "name:" in mode, or def.
func modeArg(mode string, def int) int {
	_, arg, ok := strings.Cut(mode, ":")
	if n, err := strconv.Atoi(arg); ok && err == nil {
		return n
	}
	return def
}

func millis(n int) time.Duration { return time.Duration(n) * time.Millisecond }
