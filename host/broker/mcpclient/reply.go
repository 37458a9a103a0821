package mcpclient

import (
	"encoding/json"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/jsonstrict"
)

// toolResult is the result of tools/call.
type toolResult struct {
	Content           *[]json.RawMessage `json:"content"`
	StructuredContent json.RawMessage    `json:"structuredContent"`
	IsError           bool               `json:"isError"`
}

type contentItem struct {
	Type string          `json:"type"`
	Text *string         `json:"text"`
	JSON json.RawMessage `json:"json"`
}

// decodeToolResult turns a tools/call result into an evidence result.
// Only the first content item is used (spec §8.1): a "json" item carries
// the EvidenceResult, a "text" item is refused, an empty list is refused.
// For mcp, an object in structuredContent is accepted when the first item
// is not "json", and isError turns the result into [CodeToolError].
func decodeToolResult(raw json.RawMessage, protocol string) (evidence.Result, *Error) {
	if !isObject(raw) {
		return evidence.Result{}, malformed("tool result is not a JSON object")
	}
	var tr toolResult
	if err := json.Unmarshal(raw, &tr); err != nil {
		return evidence.Result{}, malformed("invalid tool result: %v", err)
	}
	mcp := protocol == ProtocolMCP
	var first *contentItem
	if tr.Content != nil && len(*tr.Content) > 0 {
		first = &contentItem{}
		if err := json.Unmarshal((*tr.Content)[0], first); err != nil {
			return evidence.Result{}, malformed("invalid content item: %v", err)
		}
	}
	if mcp && tr.IsError {
		msg := "tool reported an error"
		if first != nil && first.Text != nil {
			msg = "tool error: " + clip(*first.Text)
		}
		return evidence.Result{}, &Error{Code: CodeToolError, Msg: msg}
	}
	if first != nil && first.Type == "json" {
		return decodeEvidence(first.JSON)
	}
	if mcp && isObject(tr.StructuredContent) {
		return decodeEvidence(tr.StructuredContent)
	}
	switch {
	case first != nil && first.Type == "text":
		text := ""
		if first.Text != nil {
			text = *first.Text
		}
		return evidence.Result{}, &Error{Code: CodeTextResult, Msg: "unexpected text response: " + clip(text)}
	case first != nil:
		return evidence.Result{}, malformed("unsupported content type %q", clip(first.Type))
	case tr.Content == nil:
		return evidence.Result{}, malformed("tool result has no content")
	}
	return evidence.Result{}, &Error{Code: CodeEmptyResult, Msg: "empty tool result"}
}

// decodeEvidence decodes an EvidenceResult: it must be an object; unknown
// fields are ignored, as the reference does.
func decodeEvidence(raw json.RawMessage) (evidence.Result, *Error) {
	if isNull(raw) {
		return evidence.Result{}, malformed("json content item has no json")
	}
	var res evidence.Result
	if err := jsonstrict.Decode(raw, &res); err != nil {
		return evidence.Result{}, malformed("invalid evidence result: %s", clip(err.Error()))
	}
	return res, nil
}
