package compare

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/decision-gate/dgw/host/evidence"
)

// Options configures strict comparator validation (the validation section
// of the server configuration). The zero value disables strict validation,
// which the server allows only with validation.allow_permissive.
type Options struct {
	// Strict turns on profile strict_core_v1; when false CheckCondition
	// accepts everything.
	Strict bool
	// EnableLexicographic enables the lex_* comparators.
	EnableLexicographic bool
	// EnableDeepEquals enables deep_equals and deep_not_equals.
	EnableDeepEquals bool
}

// enabled reports whether the configuration enables comparator c.
func (o Options) enabled(c evidence.Comparator) bool {
	switch {
	case c.IsLex():
		return o.EnableLexicographic
	case c.IsDeep():
		return o.EnableDeepEquals
	}
	return true
}

// StrictError is a strict-validation failure. Its message is the text the
// reference server returns (as a JSON-RPC invalid_params error).
type StrictError struct {
	Message string
}

// Error returns the message.
func (e *StrictError) Error() string { return e.Message }

func strictErr(format string, args ...any) error {
	return &StrictError{Message: fmt.Sprintf(format, args...)}
}

// CheckCondition applies the strict_core_v1 rules to one condition whose
// evidence is described by schema (a check's result_schema, or the part of
// a data shape found by [ConditionSchemasFromShape]). With opts.Strict false it
// returns nil at once. Otherwise, in order:
//
//  1. x-decision-gate.allowed_comparators, when present, must be a
//     non-empty list of comparators, each enabled by opts and not
//     Forbidden for the schema;
//  2. comparator c must be enabled by opts (lex_* and deep_* families);
//  3. c must not be Forbidden for the schema ([SchemaAllowances]);
//  4. an OptIn comparator must be listed in allowed_comparators;
//  5. when allowed_comparators is present, c must be in it;
//  6. the expected value must fit c: none for exists/not_exists; an array
//     whose every element validates for in_set; a value that validates
//     for every other comparator.
//
// expected nil, empty or JSON null is absent. validate checks an instance
// against a schema (JSON Schema draft 2020-12); CheckCondition calls it
// with a nil instance to have the schema compiled without validating
// anything, for exists and not_exists, so that a schema that does not
// compile is rejected whatever the comparator.
//
//	err := compare.CheckCondition("env_ok", evidence.Equals, []byte(`"prod"`),
//		check.ResultSchema, compare.Options{Strict: true}, provider.ValidateJSON)
//
// # Errors
//
// A [*StrictError] whose message names the condition, e.g.
// "condition env_ok comparator greater_than not allowed for schema type".
// A failure of validate is reported as "condition X expected value invalid:
// <validate's message>".
func CheckCondition(conditionID string, c evidence.Comparator, expected json.RawMessage, schema json.RawMessage,
	opts Options, validate func(schema, instance json.RawMessage) error) error {
	if !opts.Strict {
		return nil
	}
	doc, err := decodeSchema(schema)
	if err != nil {
		return &StrictError{Message: err.Error()}
	}
	override, err := allowedOverride(doc)
	if err != nil {
		return err
	}
	allow, err := allowances(doc)
	if err != nil {
		return &StrictError{Message: err.Error()}
	}
	for _, o := range override {
		if !opts.enabled(o) {
			return strictErr("allowed_comparators includes disabled comparator %s", o)
		}
		if allow.Of(o) == Forbidden {
			return strictErr("allowed_comparators includes comparator %s not valid for schema", o)
		}
	}
	if !opts.enabled(c) {
		return strictErr("condition %s comparator %s is disabled by config", conditionID, c)
	}
	switch allow.Of(c) {
	case Forbidden:
		return strictErr("condition %s comparator %s not allowed for schema type", conditionID, c)
	case OptIn:
		if override == nil {
			return strictErr("condition %s comparator %s requires explicit opt-in", conditionID, c)
		}
	}
	if override != nil && !slices.Contains(override, c) {
		return strictErr("condition %s comparator %s not in allowed_comparators", conditionID, c)
	}
	return checkExpected(conditionID, c, expected, schema, validate)
}

// allowedOverride reads x-decision-gate.allowed_comparators: nil when
// absent, else a non-empty list.
func allowedOverride(schema schemaDoc) ([]evidence.Comparator, error) {
	meta, ok := get(schema, "x-decision-gate")
	if !ok {
		return nil, nil
	}
	m, ok := meta.(map[string]any)
	if !ok {
		return nil, strictErr("x-decision-gate must be an object")
	}
	raw, ok := m["allowed_comparators"]
	if !ok {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, strictErr("allowed_comparators invalid: expected a list of comparators")
	}
	if len(list) == 0 {
		return nil, strictErr("allowed_comparators must not be empty")
	}
	out := make([]evidence.Comparator, 0, len(list))
	for _, item := range list {
		name, ok := item.(string)
		if !ok {
			return nil, strictErr("allowed_comparators invalid: expected a comparator name, got %v", item)
		}
		c, err := evidence.ParseComparator(name)
		if err != nil {
			return nil, strictErr("allowed_comparators invalid: %v", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// checkExpected is rule 6.
func checkExpected(conditionID string, c evidence.Comparator, expected, schema json.RawMessage,
	validate func(schema, instance json.RawMessage) error) error {
	e := parseValue(expected)
	absent := e.kind == kindNull || len(trimSpace(expected)) == 0
	switch c {
	case evidence.Exists, evidence.NotExists:
		if !absent {
			return strictErr("condition %s comparator %s does not accept expected values", conditionID, c)
		}
		if err := validate(schema, nil); err != nil {
			return strictErr("invalid schema: %v", err)
		}
		return nil
	case evidence.InSet:
		if e.kind != kindArray {
			return strictErr("condition %s comparator %s requires expected array", conditionID, c)
		}
		it := newElems(e.raw)
		for {
			el, ok := it.next()
			if !ok {
				return nil
			}
			if err := validate(schema, el.raw); err != nil {
				return strictErr("condition %s expected value invalid: %v", conditionID, err)
			}
		}
	}
	if absent {
		return strictErr("condition %s comparator %s requires expected value", conditionID, c)
	}
	if err := validate(schema, trimSpace(expected)); err != nil {
		return strictErr("condition %s expected value invalid: %v", conditionID, err)
	}
	return nil
}

// ConditionSchemasFromShape resolves the schemas a condition's asserted value must
// satisfy in a precheck data shape (the JSON Schema of the whole payload).
// It returns one schema per variant of the data shape:
//
//   - the variants are the options of a top-level oneOf or anyOf array,
//     without null-only options unless all are null-only; otherwise the
//     shape itself is the only variant;
//   - an object-like variant (type is or lists "object", or it has no
//     string/array type but has properties) gives properties[conditionID],
//     or else an additionalProperties schema object;
//   - any other variant is the condition's schema itself, allowed only when
//     the spec has exactly one condition (conditionCount == 1).
//
// # Errors
//
// A [*StrictError]: both oneOf and anyOf at the top level, an empty union,
// additionalProperties true without a property for the condition
// ("schema allows untyped additionalProperties for condition X"), no
// schema for the condition ("condition X missing from data shape schema"),
// or a non-object variant with several conditions.
func ConditionSchemasFromShape(shape json.RawMessage, conditionID string, conditionCount int) ([]json.RawMessage, error) {
	doc, err := decodeSchema(shape)
	if err != nil {
		return nil, &StrictError{Message: err.Error()}
	}
	variants, err := shapeVariants(doc)
	if err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, 0, len(variants))
	for _, v := range variants {
		s, err := variantSchema(v, conditionID, conditionCount)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(s)
		if err != nil {
			return nil, strictErr("invalid schema: %v", err)
		}
		out = append(out, b)
	}
	return out, nil
}

// CheckShapeCondition is strict validation of one condition against a
// precheck data shape: [CheckCondition] for each schema that
// [ConditionSchemasFromShape] resolves. With opts.Strict false it returns nil.
//
// # Errors
//
// As for [ConditionSchemasFromShape] and [CheckCondition].
func CheckShapeCondition(conditionID string, conditionCount int, c evidence.Comparator, expected json.RawMessage,
	shape json.RawMessage, opts Options, validate func(schema, instance json.RawMessage) error) error {
	if !opts.Strict {
		return nil
	}
	schemas, err := ConditionSchemasFromShape(shape, conditionID, conditionCount)
	if err != nil {
		return err
	}
	for _, s := range schemas {
		if err := CheckCondition(conditionID, c, expected, s, opts, validate); err != nil {
			return err
		}
	}
	return nil
}

func shapeVariants(shape schemaDoc) ([]any, error) {
	oneOf, hasOne := get(shape, "oneOf")
	anyOf, hasAny := get(shape, "anyOf")
	if hasOne && hasAny {
		return nil, strictErr("schema cannot define both oneOf and anyOf")
	}
	for _, u := range [...]struct {
		name string
		raw  any
	}{{"oneOf", oneOf}, {"anyOf", anyOf}} {
		options, ok := u.raw.([]any)
		if !ok {
			continue
		}
		if len(options) == 0 {
			return nil, strictErr("schema %s must contain at least one option", u.name)
		}
		kept, err := withoutNullVariants(options)
		if err != nil {
			return nil, &StrictError{Message: err.Error()}
		}
		return kept, nil
	}
	return []any{shape}, nil
}

func variantSchema(variant schemaDoc, conditionID string, conditionCount int) (any, error) {
	if objectLike(variant) {
		if props, ok := get(variant, "properties"); ok {
			if p, ok := props.(map[string]any); ok {
				if s, ok := p[conditionID]; ok {
					return s, nil
				}
			}
		}
		if extra, ok := get(variant, "additionalProperties"); ok {
			switch extra := extra.(type) {
			case map[string]any:
				return extra, nil
			case bool:
				if extra {
					return nil, strictErr("schema allows untyped additionalProperties for condition %s", conditionID)
				}
			}
		}
		return nil, strictErr("condition %s missing from data shape schema", conditionID)
	}
	if conditionCount == 1 {
		return variant, nil
	}
	return nil, strictErr("non-object data shape requires exactly one condition")
}

// objectLike reports whether a data-shape variant describes an object.
func objectLike(schema schemaDoc) bool {
	typ, ok := get(schema, "type")
	if ok {
		switch typ := typ.(type) {
		case string:
			return typ == "object"
		case []any:
			return slices.Contains(typ, any("object"))
		}
	}
	_, hasProps := get(schema, "properties")
	return hasProps
}
