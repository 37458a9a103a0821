package jsonstrict

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// parseValue reads one value from dec into a tree of map[string]any,
// []any, json.Number, string, bool and nil, refusing an object that
// repeats a key: decoders disagree on which copy wins (the canonical
// encoder refuses both), so a document with one cannot be hashed the same
// way everywhere.
func parseValue(dec *json.Decoder, path string, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, &Error{Path: "$", Msg: "invalid JSON: " + cleanMsg(err)}
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := map[string]any{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, &Error{Path: "$", Msg: "invalid JSON: " + cleanMsg(err)}
				}
				k := kt.(string) // the decoder only yields string keys
				kp := path + "[" + strconv.Quote(k) + "]"
				if _, dup := obj[k]; dup {
					return nil, &Error{Path: kp, Msg: fmt.Sprintf("duplicate key %q", k)}
				}
				v, err := parseValue(dec, kp, depth+1)
				if err != nil {
					return nil, err
				}
				obj[k] = v
			}
			if _, err := dec.Token(); err != nil {
				return nil, &Error{Path: "$", Msg: "invalid JSON: " + cleanMsg(err)}
			}
			return obj, nil
		case '[':
			arr := []any{}
			for i := 0; dec.More(); i++ {
				v, err := parseValue(dec, path+"["+strconv.Itoa(i)+"]", depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, &Error{Path: "$", Msg: "invalid JSON: " + cleanMsg(err)}
			}
			return arr, nil
		}
		return nil, &Error{Path: path, Msg: fmt.Sprintf("invalid JSON: unexpected %q", t)}
	default:
		return tok, nil
	}
}

// caseVariants refuses an object key that differs from a field name only
// in letter case. encoding/json would decode it into that field while the
// field-by-field check (and the reference's case-sensitive decoder) would
// not see it, so the two readings of the document would differ.
func caseVariants(m map[string]any, fields []field, path string) error {
	for k := range m {
		for _, f := range fields {
			if k != f.name && strings.EqualFold(k, f.name) {
				return &Error{Path: path, Msg: fmt.Sprintf("unknown field `%s` (field names are case-sensitive: `%s`)", k, f.name)}
			}
		}
	}
	return nil
}

// mayRepeatKeys scans valid JSON text for an object that repeats a key.
// It compares keys as written, so it also answers true for any key that
// contains an escape (two spellings may decode to one key); the caller
// then checks exactly with [parseValue]. Objects are small, so keys are
// compared linearly, without allocating.
func mayRepeatKeys(data []byte) bool {
	type frame struct {
		object    bool
		expectKey bool
		first     int // index into keys of this object's first key
	}
	var stack []frame
	var keys [][]byte
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{':
			stack = append(stack, frame{object: true, expectKey: true, first: len(keys)})
		case '[':
			stack = append(stack, frame{})
		case '}', ']':
			top := stack[len(stack)-1]
			if top.object {
				keys = keys[:top.first]
			}
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = true
			}
		case '"':
			start := i + 1
			escaped := false
			for i++; data[i] != '"'; i++ {
				if data[i] == '\\' {
					escaped = true
					i++
				}
			}
			n := len(stack)
			if n == 0 || !stack[n-1].object || !stack[n-1].expectKey {
				continue
			}
			if escaped {
				return true
			}
			key := data[start:i]
			for _, k := range keys[stack[n-1].first:] {
				if string(k) == string(key) {
					return true
				}
			}
			keys = append(keys, key)
			stack[n-1].expectKey = false
		}
	}
	return false
}
