package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/decision-gate/dgw/host/evidence"
)

// TypeClass is what strict validation makes of a JSON Schema: the kind of
// value a condition compares, which decides the comparators it may use.
type TypeClass uint8

// The type classes of profile strict_core_v1.
const (
	ClassDynamic      TypeClass = iota + 1 // x-decision-gate.dynamic_type: any JSON value
	ClassBoolean                           // type boolean
	ClassInteger                           // type integer
	ClassNumber                            // type number
	ClassString                            // type string without a recognised format
	ClassEnum                              // enum of scalars of one JSON type
	ClassArrayScalar                       // type array whose items are scalar classes
	ClassArrayComplex                      // any other array, including one without items
	ClassObject                            // type object
	ClassNull                              // type null, or an enum of nulls
	ClassDate                              // type string, format date
	ClassDateTime                          // type string, format date-time
	ClassUUID                              // type string, format uuid
)

var classNames = [...]string{
	"", "dynamic", "boolean", "integer", "number", "string", "enum", "array_scalar",
	"array_complex", "object", "null", "date", "date_time", "uuid",
}

// String returns a snake_case name for the class.
func (t TypeClass) String() string {
	if t == 0 || int(t) >= len(classNames) {
		return fmt.Sprintf("type_class(%d)", uint8(t))
	}
	return classNames[t]
}

// scalar reports whether values of the class are JSON scalars.
func (t TypeClass) scalar() bool {
	switch t {
	case ClassBoolean, ClassInteger, ClassNumber, ClassString, ClassEnum, ClassDate,
		ClassDateTime, ClassUUID, ClassNull:
		return true
	}
	return false
}

// Allowance says whether strict validation lets a comparator be used with a
// type class. Its zero value is Forbidden, and the values are ordered from
// most to least restrictive.
type Allowance uint8

// The allowances.
const (
	Forbidden Allowance = iota // never allowed
	OptIn                      // allowed only when the schema lists it in allowed_comparators
	Allowed                    // allowed
)

// String returns "forbidden", "opt_in" or "allowed".
func (a Allowance) String() string {
	switch a {
	case Allowed:
		return "allowed"
	case OptIn:
		return "opt_in"
	}
	return "forbidden"
}

// Allowances holds one [Allowance] per comparator, indexed by
// [evidence.Comparator]. Index 0 is unused.
type Allowances [evidence.NotExists + 1]Allowance

// Of returns the allowance of comparator c; an invalid comparator is
// Forbidden.
func (a *Allowances) Of(c evidence.Comparator) Allowance {
	if !c.Valid() {
		return Forbidden
	}
	return a[c]
}

// intersect keeps, per comparator, the more restrictive allowance.
func (a *Allowances) intersect(b *Allowances) {
	for i := range a {
		a[i] = min(a[i], b[i])
	}
}

// AllowanceFor returns the cell of the strict_core_v1 allowance matrix for
// class t and comparator c.
func AllowanceFor(t TypeClass, c evidence.Comparator) Allowance {
	if !c.Valid() {
		return Forbidden
	}
	if t == ClassDynamic || c == evidence.Exists || c == evidence.NotExists {
		return Allowed
	}
	switch t {
	case ClassBoolean, ClassEnum, ClassUUID:
		if c == evidence.Equals || c == evidence.NotEquals || c == evidence.InSet {
			return Allowed
		}
	case ClassInteger, ClassNumber, ClassDate, ClassDateTime:
		if c == evidence.Equals || c == evidence.NotEquals || c == evidence.InSet || c.IsOrdering() {
			return Allowed
		}
	case ClassString:
		switch {
		case c == evidence.Equals || c == evidence.NotEquals || c == evidence.InSet || c == evidence.Contains:
			return Allowed
		case c.IsLex():
			return OptIn
		}
	case ClassArrayScalar:
		switch {
		case c == evidence.Contains:
			return Allowed
		case c.IsDeep():
			return OptIn
		}
	case ClassArrayComplex, ClassObject:
		if c.IsDeep() {
			return OptIn
		}
	case ClassNull:
		if c == evidence.Equals || c == evidence.NotEquals {
			return Allowed
		}
	}
	return Forbidden
}

// allowancesFor returns the matrix row of class t.
func allowancesFor(t TypeClass) Allowances {
	var a Allowances
	for c := evidence.Equals; c <= evidence.NotExists; c++ {
		a[c] = AllowanceFor(t, c)
	}
	return a
}

// schemaDoc is a decoded JSON Schema (numbers kept as json.Number).
type schemaDoc = any

func decodeSchema(schema json.RawMessage) (schemaDoc, error) {
	if len(bytes.TrimSpace(schema)) == 0 {
		return nil, errors.New("invalid schema: empty document")
	}
	dec := json.NewDecoder(bytes.NewReader(schema))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("invalid schema: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid schema: trailing data after the schema")
	}
	return doc, nil
}

// get returns the keyword k of a schema object; a boolean schema has none.
func get(schema schemaDoc, k string) (any, bool) {
	obj, ok := schema.(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := obj[k]
	return v, ok
}

// SchemaTypeClasses returns the type classes of a JSON Schema, in the
// order strict validation checks them:
//
//  1. x-decision-gate.dynamic_type true gives [ClassDynamic];
//  2. a non-empty enum of scalars of one JSON type gives [ClassEnum], or
//     [ClassNull] when all are null;
//  3. type, a string or an array of strings, gives one class per type,
//     with null dropped when other types are present. A string type is
//     refined by format (date-time, date, uuid); an array type is
//     ClassArrayScalar when the classes of items are all scalar.
//
// oneOf and anyOf are not looked at here; see [SchemaAllowances].
//
// # Errors
//
// A schema with none of the three, an empty or mixed enum, an enum holding
// arrays or objects, an unknown type name, or a malformed x-decision-gate
// block is an error.
func SchemaTypeClasses(schema json.RawMessage) ([]TypeClass, error) {
	doc, err := decodeSchema(schema)
	if err != nil {
		return nil, err
	}
	return typeClasses(doc)
}

func typeClasses(schema schemaDoc) ([]TypeClass, error) {
	if meta, ok := get(schema, "x-decision-gate"); ok {
		m, ok := meta.(map[string]any)
		if !ok {
			return nil, errors.New("x-decision-gate must be an object")
		}
		if dyn, ok := m["dynamic_type"]; ok {
			b, ok := dyn.(bool)
			if !ok {
				return nil, errors.New("x-decision-gate.dynamic_type must be boolean")
			}
			if b {
				return []TypeClass{ClassDynamic}, nil
			}
		}
	}
	if raw, ok := get(schema, "enum"); ok {
		if values, ok := raw.([]any); ok {
			return enumClass(values)
		}
	}
	typ, ok := get(schema, "type")
	if !ok {
		return nil, errors.New("schema missing type declaration")
	}
	switch typ := typ.(type) {
	case string:
		t, err := classForType(typ, schema)
		if err != nil {
			return nil, err
		}
		return []TypeClass{t}, nil
	case []any:
		var out []TypeClass
		for _, k := range typ {
			name, ok := k.(string)
			if !ok {
				return nil, errors.New("schema type array must contain strings")
			}
			t, err := classForType(name, schema)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		if len(out) > 1 {
			out = dropNull(out)
		}
		if len(out) == 0 {
			return nil, errors.New("schema type array must not be empty")
		}
		return out, nil
	}
	return nil, errors.New("schema type must be string or array")
}

func dropNull(ts []TypeClass) []TypeClass {
	out := ts[:0]
	for _, t := range ts {
		if t != ClassNull {
			out = append(out, t)
		}
	}
	return out
}

func enumClass(values []any) ([]TypeClass, error) {
	if len(values) == 0 {
		return nil, errors.New("enum must contain at least one value")
	}
	var kinds [8]bool
	n := 0
	for _, v := range values {
		var k int
		switch v.(type) {
		case nil:
			k = 1
		case bool:
			k = 2
		case json.Number:
			k = 3
		case string:
			k = 4
		default: // array or object
			return nil, errors.New("enum values must be scalar types")
		}
		if !kinds[k] {
			kinds[k] = true
			n++
		}
	}
	if n > 1 {
		return nil, errors.New("enum values must share the same scalar type")
	}
	if kinds[1] {
		return []TypeClass{ClassNull}, nil
	}
	return []TypeClass{ClassEnum}, nil
}

func classForType(name string, schema schemaDoc) (TypeClass, error) {
	switch name {
	case "boolean":
		return ClassBoolean, nil
	case "integer":
		return ClassInteger, nil
	case "number":
		return ClassNumber, nil
	case "null":
		return ClassNull, nil
	case "object":
		return ClassObject, nil
	case "string":
		f, _ := get(schema, "format")
		switch f {
		case "date-time":
			return ClassDateTime, nil
		case "date":
			return ClassDate, nil
		case "uuid":
			return ClassUUID, nil
		}
		return ClassString, nil
	case "array":
		items, ok := get(schema, "items")
		if !ok {
			return ClassArrayComplex, nil
		}
		ts, err := typeClasses(items)
		if err != nil {
			return ClassArrayComplex, nil
		}
		for _, t := range ts {
			if !t.scalar() {
				return ClassArrayComplex, nil
			}
		}
		return ClassArrayScalar, nil
	}
	return 0, fmt.Errorf("unsupported schema type: %s", name)
}

// SchemaAllowances returns the allowance of every comparator for a JSON
// Schema. A schema with a oneOf (or else anyOf) array intersects the
// allowances of its options, leaving out null-only options unless all are
// null-only; otherwise it intersects the matrix rows of its
// [SchemaTypeClasses]. Intersection keeps the more restrictive allowance
// (Forbidden over OptIn over Allowed).
//
// # Errors
//
// As for [SchemaTypeClasses], and an empty union.
func SchemaAllowances(schema json.RawMessage) (Allowances, error) {
	doc, err := decodeSchema(schema)
	if err != nil {
		return Allowances{}, err
	}
	return allowances(doc)
}

func allowances(schema schemaDoc) (Allowances, error) {
	for _, kw := range [...]string{"oneOf", "anyOf"} {
		if raw, ok := get(schema, kw); ok {
			if options, ok := raw.([]any); ok {
				return unionAllowances(options)
			}
		}
	}
	ts, err := typeClasses(schema)
	if err != nil {
		return Allowances{}, err
	}
	out := allowancesFor(ts[0])
	for _, t := range ts[1:] {
		row := allowancesFor(t)
		out.intersect(&row)
	}
	return out, nil
}

func unionAllowances(options []any) (Allowances, error) {
	kept, err := withoutNullVariants(options)
	if err != nil {
		return Allowances{}, err
	}
	if len(kept) == 0 {
		return Allowances{}, errors.New("schema union must have at least one option")
	}
	out, err := allowances(kept[0])
	if err != nil {
		return Allowances{}, err
	}
	for _, o := range kept[1:] {
		row, err := allowances(o)
		if err != nil {
			return Allowances{}, err
		}
		out.intersect(&row)
	}
	return out, nil
}

// withoutNullVariants drops the null-only options of a union, unless every
// option is null-only.
func withoutNullVariants(options []any) ([]any, error) {
	var nulls, others []any
	for _, o := range options {
		isNull, err := nullOnly(o)
		if err != nil {
			return nil, err
		}
		if isNull {
			nulls = append(nulls, o)
		} else {
			others = append(others, o)
		}
	}
	if len(others) == 0 {
		return nulls, nil
	}
	return others, nil
}

// nullOnly reports whether a schema admits only null: an enum of nulls, or
// a type that is "null" or lists only "null".
func nullOnly(schema schemaDoc) (bool, error) {
	if raw, ok := get(schema, "enum"); ok {
		if values, ok := raw.([]any); ok {
			if len(values) == 0 {
				return false, errors.New("enum must contain at least one value")
			}
			for _, v := range values {
				if v != nil {
					return false, nil
				}
			}
			return true, nil
		}
	}
	typ, ok := get(schema, "type")
	if !ok {
		return false, nil
	}
	switch typ := typ.(type) {
	case string:
		return typ == "null", nil
	case []any:
		hasNull, hasOther := false, false
		for _, k := range typ {
			name, ok := k.(string)
			if !ok {
				return false, errors.New("schema type array must contain strings")
			}
			if name == "null" {
				hasNull = true
			} else {
				hasOther = true
			}
		}
		return hasNull && !hasOther, nil
	}
	return false, errors.New("schema type must be string or array")
}
