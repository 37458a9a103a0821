package main

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
)

// pkind is how one check parameter is validated.
type pkind uint8

const (
	pString   pkind = iota // a required non-empty string (class_id)
	pOptional              // an optional string (stack_key)
	pIndex                 // a required integer of at least 1: a 1-based slot index or grid coordinate
	pCoord                 // a required signed 64-bit integer: a scaled centre coordinate
	pLength                // a required integer of at least 1: a scaled span, width or height
	pRotation              // a required integer in 0..359999 (millidegrees)
)

// maxRotation is the largest rotation_millideg.
const maxRotation = 359999

// param is one check parameter besides container_id, which every check
// takes.
type param struct {
	name string
	kind pkind
}

// query holds a check's validated params.
type query struct {
	containerID string
	classID     string
	stackKey    *string    // nil when absent
	ints        []intParam // the integer params, in the check's order
}

// intParam is one integer param.
type intParam struct {
	name  string
	value int64
}

// int returns the integer param name (0 when the check has none).
func (q *query) int(name string) int64 {
	for _, p := range q.ints {
		if p.name == name {
			return p.value
		}
	}
	return 0
}

// parseParams validates params against the check's parameter list, as its
// params_schema describes it: an object with container_id, the check's
// params and nothing else. Integers must be written as integers (4, not
// 4.0).
func parseParams(raw json.RawMessage, c *check) (*query, *failure) {
	if raw == nil {
		return nil, &failure{code: "params_missing", message: "assetcore check requires params"}
	}
	v, err := jsonv.Parse(raw)
	if err != nil || v.Kind != jsonv.Object {
		return nil, &failure{code: "params_invalid", message: "assetcore params must be an object"}
	}
	for i := range v.Obj.Len() {
		k, _ := v.Obj.At(i)
		if k != "container_id" && !c.takes(k) {
			return nil, paramFailure("params_invalid", k, "unknown param "+k+" for "+c.id)
		}
	}
	q := &query{}
	cid, f := stringParam(v.Obj, "container_id")
	if f != nil {
		return nil, f
	}
	q.containerID = *cid
	for _, p := range c.params {
		switch p.kind {
		case pString:
			s, f := stringParam(v.Obj, p.name)
			if f != nil {
				return nil, f
			}
			q.classID = *s
		case pOptional:
			if _, ok := v.Obj.Get(p.name); !ok {
				continue
			}
			s, f := stringParam(v.Obj, p.name)
			if f != nil {
				return nil, f
			}
			q.stackKey = s
		default:
			n, f := intValue(v.Obj, p)
			if f != nil {
				return nil, f
			}
			q.ints = append(q.ints, intParam{p.name, n})
		}
	}
	return q, nil
}

// stringParam reads a required string param; only stack_key may be empty.
func stringParam(m *jsonv.Members, name string) (*string, *failure) {
	v, ok := m.Get(name)
	switch {
	case !ok:
		return nil, paramFailure("params_missing", name, "missing "+name+" param")
	case v.Kind != jsonv.String:
		return nil, paramFailure("params_invalid", name, name+" param must be a string")
	case v.S == "" && name != "stack_key":
		return nil, paramFailure("params_invalid", name, name+" param must not be empty")
	}
	return &v.S, nil
}

// intValue reads a required integer param and checks its range.
func intValue(m *jsonv.Members, p param) (int64, *failure) {
	v, ok := m.Get(p.name)
	if !ok {
		return 0, paramFailure("params_missing", p.name, "missing "+p.name+" param")
	}
	n, ok := asInt(v)
	if !ok {
		return 0, paramFailure("params_invalid", p.name, p.name+" param must be a 64-bit integer")
	}
	switch {
	case (p.kind == pIndex || p.kind == pLength) && n < 1:
		return 0, paramFailure("params_invalid", p.name, p.name+" param must be at least 1")
	case p.kind == pRotation && (n < 0 || n > maxRotation):
		return 0, paramFailure("params_invalid", p.name, p.name+" param must be in 0..359999")
	}
	return n, nil
}

// asInt returns v as an int64 when it is an integer literal that fits.
func asInt(v *jsonv.Value) (int64, bool) {
	if v.Kind != jsonv.Number {
		return 0, false
	}
	switch v.N.Kind {
	case jsonv.PosInt:
		if v.N.U > math.MaxInt64 {
			return 0, false
		}
		return int64(v.N.U), true
	case jsonv.NegInt:
		return v.N.I, true
	}
	return 0, false
}

func paramFailure(code, name, msg string) *failure {
	return &failure{code: code, message: msg, details: append(jsonv.AppendString([]byte(`{"param":`), name), '}')}
}

// appendQuery appends the integer params as a query string, in order.
func (q *query) appendQuery(dst []byte) []byte {
	for i, p := range q.ints {
		if i == 0 {
			dst = append(dst, '?')
		} else {
			dst = append(dst, '&')
		}
		dst = append(dst, p.name...)
		dst = append(dst, '=')
		dst = strconv.AppendInt(dst, p.value, 10)
	}
	return dst
}
