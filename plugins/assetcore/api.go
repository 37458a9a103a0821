package main

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// This file speaks the AssetCore read API (README.md, "The read API"): one
// GET per query, a JSON reply that names the namespace, the commit it was
// read at and the container, plus the projection the check asked for.

// view is the resource a check reads.
type view uint8

const (
	viewContainer view = iota // GET …/containers/{container_id}
	viewBalance               // GET …/containers/{container_id}/balances/{class_id}[?stack_key=…]
	viewSlot                  // GET …/containers/{container_id}/slots/{slot_index}
	viewCell                  // GET …/containers/{container_id}/cells?x=…[&y=…]
	viewOverlap               // GET …/containers/{container_id}/overlaps?…
)

// member is the reply member that holds a view's projection.
var member = [...]string{viewContainer: "", viewBalance: "balance", viewSlot: "slot", viewCell: "cell", viewOverlap: "overlap"}

// containerKinds are the kinds the read API reports.
var containerKinds = []string{"balance", "grid1d", "grid2d", "continuous_line_1d", "continuous_grid_2d", "slots"}

// Limits on strings the API returns; longer ones make the reply malformed.
const (
	maxIDBytes       = 256 // commit_id and chain_hash
	maxUpstreamBytes = 256 // an error body's code and message, as kept in details
)

// reply is a parsed 200 response.
type reply struct {
	container *jsonv.Members // the container descriptor
	kind      string         // container.kind
	part      *jsonv.Members // the view's projection; nil for viewContainer
}

// failure is an in-band error: it becomes the result's error, with the
// reference and anchor when they are known.
type failure struct {
	code, message string
	details       []byte // JSON, nil for null
}

// requestURL is the one URL a check fetches.
func requestURL(cfg *config, c *check, q *query) string {
	b := make([]byte, 0, len(cfg.base)+96)
	b = append(b, cfg.base...)
	b = append(b, "/v1/read/namespaces/"...)
	b = append(b, cfg.namespaceID...)
	b = append(b, "/containers/"...)
	b = append(b, segment(q.containerID)...)
	switch c.view {
	case viewBalance:
		b = append(b, "/balances/"...)
		b = append(b, segment(q.classID)...)
		if q.stackKey != nil {
			b = append(b, "?stack_key="...)
			b = append(b, url.QueryEscape(*q.stackKey)...)
		}
	case viewSlot:
		b = append(b, "/slots/"...)
		b = strconv.AppendInt(b, q.int("slot_index"), 10)
	case viewCell:
		b = append(b, "/cells"...)
		b = q.appendQuery(b)
	case viewOverlap:
		b = append(b, "/overlaps"...)
		b = q.appendQuery(b)
	}
	return string(b)
}

// segment encodes s as one path segment: "/" and every other reserved
// byte percent-encoded, and the dot segments "." and ".." spelt with %2E so
// that no server or proxy resolves them.
func segment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return url.PathEscape(s)
}

// fetch performs the check's GET. It returns the URL (the evidence
// reference), the anchor when the reply names a commit, and either the
// parsed reply or a failure.
func fetch(cfg *config, c *check, q *query) (ref string, anchor *sdk.Anchor, r *reply, f *failure) {
	ref = requestURL(cfg, c, q)
	resp, err := sdk.HTTPFetch(sdk.HTTPRequest{Method: "GET", URL: ref, Headers: map[string]string{"Accept": "application/json"}})
	switch {
	case errors.Is(err, sdk.ErrLimit):
		return ref, nil, nil, &failure{code: "response_too_large", message: "assetcore response exceeds size limit"}
	case errors.Is(err, sdk.ErrTruncated):
		return ref, nil, nil, &failure{code: "response_truncated", message: "assetcore response truncated"}
	case err != nil:
		return ref, nil, nil, &failure{code: "request_failed", message: "assetcore request failed", details: reasonDetails(err)}
	}
	if resp.Status != 200 {
		f, anchor := statusFailure(cfg, resp)
		return ref, anchor, nil, f
	}
	doc, err := jsonv.Parse(resp.Body)
	if err != nil || doc.Kind != jsonv.Object {
		return ref, nil, nil, malformed("body is not a JSON object")
	}
	anchor, f = commitAnchor(cfg, doc.Obj)
	if f != nil {
		return ref, nil, nil, f
	}
	r, f = parseReply(doc.Obj, c, q)
	if f != nil {
		return ref, anchor, nil, f
	}
	return ref, anchor, r, nil
}

// reasonDetails names the kind of transport failure: denied (the grant
// refused the URL or the address), timeout, or upstream.
func reasonDetails(err error) []byte {
	reason := "upstream"
	switch {
	case errors.Is(err, sdk.ErrDenied):
		reason = "denied"
	case errors.Is(err, sdk.ErrTimeout):
		reason = "timeout"
	case errors.Is(err, sdk.ErrInvalid):
		reason = "invalid"
	}
	return []byte(`{"reason":"` + reason + `"}`)
}

func malformed(why string) *failure {
	return &failure{code: "invalid_response", message: "assetcore response is malformed: " + why}
}

// commitAnchor checks namespace_id and commit and builds the anchor.
func commitAnchor(cfg *config, doc *jsonv.Members) (*sdk.Anchor, *failure) {
	ns, ok := doc.Get("namespace_id")
	if !ok || ns.Kind != jsonv.Number || ns.N.Kind != jsonv.PosInt {
		return nil, malformed("namespace_id is missing or not an integer")
	}
	if ns.N.U != cfg.namespace {
		return nil, malformed("namespace_id " + strconv.FormatUint(ns.N.U, 10) + " is not the configured " + cfg.namespaceID)
	}
	cv, ok := doc.Get("commit")
	if !ok || cv.Kind != jsonv.Object {
		return nil, malformed("commit is missing")
	}
	id, ok := cv.Obj.Get("commit_id")
	if !ok || id.Kind != jsonv.String || id.S == "" || len(id.S) > maxIDBytes {
		return nil, malformed("commit.commit_id must be a non-empty string")
	}
	seq, ok := cv.Obj.Get("world_seq")
	if !ok || seq.Kind != jsonv.Number || seq.N.Kind != jsonv.PosInt {
		return nil, malformed("commit.world_seq must be a non-negative integer")
	}
	var chain *string
	if ch, ok := cv.Obj.Get("chain_hash"); ok && ch.Kind != jsonv.Null {
		if ch.Kind != jsonv.String || ch.S == "" || len(ch.S) > maxIDBytes {
			return nil, malformed("commit.chain_hash must be a non-empty string or null")
		}
		chain = &ch.S
	}
	return &sdk.Anchor{Type: anchorType, Value: anchorValue(cfg.namespace, id.S, seq.N.U, chain)}, nil
}

// anchorType is the AssetCore anchor canon's type.
const anchorType = "assetcore.anchor_set"

// anchorValue is the RFC 8785 canonical JSON of the anchor set: members in
// code-unit order (chain_hash < commit_id < namespace_id < world_seq),
// integers as integers.
func anchorValue(ns uint64, commitID string, worldSeq uint64, chainHash *string) string {
	b := make([]byte, 0, 128)
	b = append(b, '{')
	if chainHash != nil {
		b = append(b, `"assetcore.chain_hash":`...)
		b = jsonv.AppendString(b, *chainHash)
		b = append(b, ',')
	}
	b = append(b, `"assetcore.commit_id":`...)
	b = jsonv.AppendString(b, commitID)
	b = append(b, `,"assetcore.namespace_id":`...)
	b = strconv.AppendUint(b, ns, 10)
	b = append(b, `,"assetcore.world_seq":`...)
	b = strconv.AppendUint(b, worldSeq, 10)
	return string(append(b, '}'))
}

// parseReply checks the container descriptor and picks the projection.
func parseReply(doc *jsonv.Members, c *check, q *query) (*reply, *failure) {
	cv, ok := doc.Get("container")
	if !ok || cv.Kind != jsonv.Object {
		return nil, malformed("container is missing")
	}
	id, ok := cv.Obj.Get("container_id")
	if !ok || id.Kind != jsonv.String || id.S != q.containerID {
		return nil, malformed("container.container_id does not name the requested container")
	}
	kind, ok := cv.Obj.Get("kind")
	if !ok || kind.Kind != jsonv.String || !slices.Contains(containerKinds, kind.S) {
		return nil, malformed("container.kind is not a known container kind")
	}
	r := &reply{container: cv.Obj, kind: kind.S}
	if name := member[c.view]; name != "" {
		pv, ok := doc.Get(name)
		if !ok || pv.Kind != jsonv.Object {
			if !slices.Contains(c.kinds, r.kind) {
				return r, nil // the kind check reports the mismatch
			}
			return nil, malformed(name + " is missing")
		}
		r.part = pv.Obj
	}
	return r, nil
}

// statusFailure maps a non-200 status to an in-band error. An error body
// ({"error":{"code","message"}, "namespace_id", "commit"}) refines a 404 and
// lends its commit as the anchor; a body that does not parse is ignored.
func statusFailure(cfg *config, resp *sdk.HTTPResponse) (*failure, *sdk.Anchor) {
	code, msg, anchor := errorBody(cfg, resp.Body)
	f := &failure{}
	switch s := resp.Status; {
	case s == 404 && code == "namespace_not_found":
		f.code, f.message = code, "assetcore namespace not found"
	case s == 404 && code == "container_not_found":
		f.code, f.message = code, "assetcore container not found"
	case s == 404 && code == "class_not_found":
		f.code, f.message = code, "assetcore class not found"
	case s == 404:
		f.code, f.message = "not_found", "assetcore resource not found"
	case s == 401 || s == 403:
		f.code, f.message = "unauthorized", "assetcore refused the credentials"
	case s == 409:
		f.code, f.message = "kind_mismatch", "assetcore container kind does not support this read"
	case s == 422:
		f.code, f.message = "out_of_range", "assetcore position or argument out of range"
	case s == 400:
		f.code, f.message = "invalid_request", "assetcore rejected the request"
	case s >= 500 && s <= 599:
		f.code, f.message = "upstream_unavailable", "assetcore returned status "+strconv.Itoa(s)
	default:
		f.code, f.message = "unexpected_status", "assetcore returned status "+strconv.Itoa(s)
	}
	d := strconv.AppendInt([]byte(`{"status":`), int64(resp.Status), 10)
	if code != "" {
		d = jsonv.AppendString(append(d, `,"upstream_code":`...), code)
	}
	if msg != "" {
		d = jsonv.AppendString(append(d, `,"upstream_message":`...), msg)
	}
	f.details = append(d, '}')
	return f, anchor
}

// errorBody reads an error body leniently: the code and message (cut to
// maxUpstreamBytes), and the anchor when the body names the configured
// namespace and a well-formed commit.
func errorBody(cfg *config, body []byte) (code, msg string, anchor *sdk.Anchor) {
	doc, err := jsonv.Parse(body)
	if err != nil || doc.Kind != jsonv.Object {
		return "", "", nil
	}
	if ev, ok := doc.Obj.Get("error"); ok && ev.Kind == jsonv.Object {
		if c, ok := ev.Obj.Get("code"); ok && c.Kind == jsonv.String {
			code = cut(c.S)
		}
		if m, ok := ev.Obj.Get("message"); ok && m.Kind == jsonv.String {
			msg = cut(m.S)
		}
	}
	if _, ok := doc.Obj.Get("commit"); ok {
		anchor, _ = commitAnchor(cfg, doc.Obj)
	}
	return code, msg, anchor
}

// cut shortens s to at most maxUpstreamBytes without splitting a UTF-8
// sequence.
func cut(s string) string {
	if len(s) <= maxUpstreamBytes {
		return s
	}
	i := maxUpstreamBytes
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i]
}

// intMember reads an integer member that fits int64.
func intMember(m *jsonv.Members, name string) (int64, bool) {
	v, ok := m.Get(name)
	if !ok {
		return 0, false
	}
	return asInt(v)
}

// uintMember reads a non-negative integer member that fits int64.
func uintMember(m *jsonv.Members, name string) (int64, bool) {
	n, ok := intMember(m, name)
	return n, ok && n >= 0
}
