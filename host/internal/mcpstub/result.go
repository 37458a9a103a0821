package mcpstub

import (
	"encoding/json"
	"os"
	"slices"
)

// result builds the EvidenceResult for one check, shaped like the
// template provider's, signed when the stub has a key.
func (s *stub) result(check string, params map[string]json.RawMessage) map[string]any {
	var value any
	res := map[string]any{
		"value": nil, "lane": "verified", "error": nil, "evidence_hash": nil,
		"evidence_ref": nil, "evidence_anchor": nil, "signature": nil,
		"content_type": "application/json",
	}
	switch check {
	case "value":
		v, ok := params["value"]
		if !ok {
			return inBandError(res, "params_invalid", "params.value is required")
		}
		value = v
		var anchor string
		if json.Unmarshal(params["anchor"], &anchor) == nil && anchor != "" {
			res["evidence_anchor"] = map[string]any{"anchor_type": "template", "anchor_value": anchor}
		}
	case "env":
		var name string
		_ = json.Unmarshal(params["name"], &name)
		v, ok := os.LookupEnv(name)
		out := map[string]any{"name": name, "present": ok, "value": nil}
		if ok {
			out["value"] = v
		}
		value = out
	case "environ":
		env := os.Environ()
		slices.Sort(env)
		value = env
	case "pid":
		value = os.Getpid()
	case "stderr":
		var text string
		_ = json.Unmarshal(params["text"], &text)
		_, _ = os.Stderr.WriteString(text)
		value = true
	default:
		if !callModes[check] {
			return inBandError(res, "unknown_check", "unknown check_id "+check)
		}
		value = check // a check that chose a mode answers with its own name

	}
	res["value"] = map[string]any{"kind": "json", "value": value}
	if s.signer != nil {
		if err := s.signer.sign(res, s.cfg.Mode); err != nil {
			return inBandError(res, "sign_failed", err.Error())
		}
	}
	return res
}

func inBandError(res map[string]any, code, msg string) map[string]any {
	res["value"] = nil
	res["error"] = map[string]any{"code": code, "message": msg, "details": nil}
	return res
}
