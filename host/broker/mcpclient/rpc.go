package mcpclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/decision-gate/dgw/host/evidence"
)

// maxMessageText bounds provider text copied into an error message.
const maxMessageText = 512

// request is an outgoing JSON-RPC request or, without ID, notification.
type request struct {
	JSONRPC string `json:"jsonrpc"`
	ID      *int64 `json:"id,omitempty"`
	Method  string `json:"method"`
	Params  any    `json:"params,omitempty"`
}

func encodeRequest(id int64, method string, params any) ([]byte, error) {
	return json.Marshal(request{JSONRPC: "2.0", ID: &id, Method: method, Params: params})
}

func encodeNotification(method string) ([]byte, error) {
	return json.Marshal(request{JSONRPC: "2.0", Method: method})
}

// toolCall is the params of tools/call evidence_query (spec §8.1).
type toolCall struct {
	Name      string   `json:"name"`
	Arguments toolArgs `json:"arguments"`
}

type toolArgs struct {
	Query   evidence.Query   `json:"query"`
	Context evidence.Context `json:"context"`
}

func evidenceCall(q evidence.Query, ec evidence.Context) toolCall {
	return toolCall{Name: "evidence_query", Arguments: toolArgs{Query: q, Context: ec}}
}

// message is an incoming JSON-RPC message: a response (no method), a
// notification (method, no id) or a server request (method and id).
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// parseMessage decodes one JSON-RPC message, which must be an object.
func parseMessage(b []byte) (message, *Error) {
	var m message
	if !isObject(b) {
		return m, malformed("reply is not a JSON object")
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, malformed("invalid json-rpc reply: %v", err)
	}
	return m, nil
}

// isResponse reports whether m answers a request rather than being a
// notification or a request from the server.
func (m message) isResponse() bool { return m.Method == "" }

// reply returns the result of a response to request id, or the error it
// carries.
func (m message) reply(id int64) (json.RawMessage, *Error) {
	if !m.isResponse() {
		return nil, malformed("expected a reply, got %s", clip(m.Method))
	}
	idOK := string(bytes.TrimSpace(m.ID)) == strconv.FormatInt(id, 10)
	if !isNull(m.Error) {
		// A server that could not read the request answers with id null.
		if !idOK && !isNull(m.ID) {
			return nil, malformed("reply id %s does not match request id %d", clip(string(m.ID)), id)
		}
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(m.Error, &e); err != nil {
			return nil, malformed("invalid json-rpc error: %v", err)
		}
		if e.Message == "" {
			e.Message = fmt.Sprintf("json-rpc error %d", e.Code)
		}
		return nil, &Error{Code: CodeRPCError, Msg: clip(e.Message)}
	}
	if !idOK {
		return nil, malformed("reply id %s does not match request id %d", clip(string(m.ID)), id)
	}
	if isNull(m.Result) {
		return nil, malformed("reply has neither result nor error")
	}
	return m.Result, nil
}

// decodeReply parses b as the response to request id and returns its
// result.
func decodeReply(b []byte, id int64) (json.RawMessage, *Error) {
	m, e := parseMessage(b)
	if e != nil {
		return nil, e
	}
	return m.reply(id)
}

func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

func isNull(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) == 0 || string(b) == "null"
}

func malformed(format string, args ...any) *Error {
	return &Error{Code: CodeMalformed, Msg: fmt.Sprintf(format, args...)}
}

// clip truncates provider text to maxMessageText bytes on a UTF-8
// boundary.
func clip(s string) string {
	if len(s) <= maxMessageText {
		return s
	}
	cut := maxMessageText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
