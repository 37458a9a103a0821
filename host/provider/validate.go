package provider

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// The capability error codes (reference §5.6). They are the first word of
// a [CapabilityError]'s message, which clients see verbatim.
const (
	CodeProviderMissing      = "provider_missing"
	CodeCheckMissing         = "check_missing"
	CodeParamsMissing        = "params_missing"
	CodeParamsInvalid        = "params_invalid"
	CodeExpectedInvalid      = "expected_invalid"
	CodeComparatorNotAllowed = "comparator_not_allowed"
	CodeSchemaCompileFailed  = "schema_compile_failed"
)

// CapabilityError is a condition or query that its provider's capability
// contract does not allow, or a contract schema that does not compile.
// Code is one of the Code* constants; Error returns "<code>: <message>",
// the text the reference server sends as the JSON-RPC error message.
//
// The methods of [Registry] return it wrapped in an [*errcode.Error] with
// code [errcode.InvalidArgument]; use errors.As to reach it.
type CapabilityError struct {
	Code    string
	Message string
}

// Error returns "<code>: <message>".
func (e *CapabilityError) Error() string { return e.Code + ": " + e.Message }

func capabilityErr(code, format string, args ...any) error {
	return &errcode.Error{
		Code: errcode.InvalidArgument,
		Err:  &CapabilityError{Code: code, Message: fmt.Sprintf(format, args...)},
	}
}

// ValidateQuery checks an evidence query against the capability contracts,
// in the reference's order: the provider is registered, it has the check,
// params are present when the check requires them, and params (when
// present) validate against the check's params_schema. A JSON null params
// counts as absent.
//
//	if err := reg.ValidateQuery(q); err != nil {
//		return err // e.g. "params_missing: check params required for env.get"
//	}
//
// ValidateQuery is safe for concurrent use.
//
// # Errors
//
// A [*CapabilityError] (inside an [*errcode.Error] with code
// [errcode.InvalidArgument]) with code provider_missing, check_missing,
// params_missing, params_invalid, or schema_compile_failed when the
// params_schema does not compile.
func (r *Registry) ValidateQuery(q evidence.Query) error {
	_, err := r.validateQuery(q)
	return err
}

func (r *Registry) validateQuery(q evidence.Query) (*CheckContract, error) {
	p, ok := r.Get(q.ProviderID)
	if !ok {
		return nil, capabilityErr(CodeProviderMissing, "provider not registered: %s", q.ProviderID)
	}
	check := p.Contract().Check(q.CheckID)
	if check == nil {
		return nil, capabilityErr(CodeCheckMissing, "check not supported: %s.%s", q.ProviderID, q.CheckID)
	}
	params := evidence.NullToAbsent(q.Params)
	if len(params) == 0 {
		if check.ParamsRequired {
			return nil, capabilityErr(CodeParamsMissing, "check params required for %s.%s", q.ProviderID, q.CheckID)
		}
		return check, nil
	}
	if err := validateAgainst(q, check.ParamsSchema, params); err != nil {
		if err.compile {
			return nil, err.err
		}
		// The reference names the check twice: once in the error and once
		// in the validation summary it wraps.
		return nil, capabilityErr(CodeParamsInvalid, "check params invalid for %s.%s: %s.%s: %v",
			q.ProviderID, q.CheckID, q.ProviderID, q.CheckID, err.err)
	}
	return check, nil
}

// ValidateCondition checks one scenario condition against the capability
// contracts, as scenario_define and precheck do. It runs the checks of
// [Registry.ValidateQuery] on q, then:
//
//   - the expected value fits comparator c: exists and not_exists take no
//     expected value; in_set needs an array whose every element validates
//     against the check's result_schema; every other comparator needs an
//     expected value that validates against it;
//   - the check's allowed_comparators contains c.
//
// expected nil, empty or JSON null is absent. ValidateCondition is safe for
// concurrent use. Strict comparator validation (compare.CheckCondition) is
// separate and runs after it.
//
// # Errors
//
// As for [Registry.ValidateQuery], plus a [*CapabilityError] with code
// expected_invalid or comparator_not_allowed, e.g.
// "comparator_not_allowed: comparator not allowed for env.get: greater_than".
func (r *Registry) ValidateCondition(q evidence.Query, c evidence.Comparator, expected json.RawMessage) error {
	check, err := r.validateQuery(q)
	if err != nil {
		return err
	}
	if err := validateExpected(q, check, c, expected); err != nil {
		return err
	}
	if !check.Allows(c) {
		return capabilityErr(CodeComparatorNotAllowed, "comparator not allowed for %s.%s: %s", q.ProviderID, q.CheckID, c)
	}
	return nil
}

func validateExpected(q evidence.Query, check *CheckContract, c evidence.Comparator, expected json.RawMessage) error {
	expected = evidence.NullToAbsent(expected)
	invalid := func(format string, args ...any) error {
		return capabilityErr(CodeExpectedInvalid, "check expected value invalid for %s.%s: %s",
			q.ProviderID, q.CheckID, fmt.Sprintf(format, args...))
	}
	against := func(instance json.RawMessage) error {
		if err := validateAgainst(q, check.ResultSchema, instance); err != nil {
			if err.compile {
				return err.err
			}
			return invalid("%s.%s: %v", q.ProviderID, q.CheckID, err.err)
		}
		return nil
	}
	switch c {
	case evidence.Exists, evidence.NotExists:
		if len(expected) != 0 {
			return invalid("expected value must be omitted for exists/not_exists")
		}
		return nil
	case evidence.InSet:
		var elems []json.RawMessage
		if len(expected) == 0 || json.Unmarshal(expected, &elems) != nil {
			return invalid("expected array required for in_set comparator")
		}
		for _, el := range elems {
			if err := against(el); err != nil {
				return err
			}
		}
		return nil
	}
	if len(expected) == 0 {
		return invalid("expected value required for comparator")
	}
	return against(expected)
}

// schemaFailure is a failed validateAgainst: either the schema did not
// compile (err is then a ready schema_compile_failed error) or the
// instance did not validate.
type schemaFailure struct {
	compile bool
	err     error
}

func validateAgainst(q evidence.Query, schema, instance json.RawMessage) *schemaFailure {
	s, err := schemas.Compile(schema)
	if err != nil {
		return &schemaFailure{compile: true, err: capabilityErr(CodeSchemaCompileFailed,
			"schema compilation failed for %s.%s: %v", q.ProviderID, q.CheckID, err)}
	}
	if err := s.Validate(instance); err != nil {
		return &schemaFailure{err: err}
	}
	return nil
}

// CompileContracts compiles the params_schema and result_schema of every
// check of every registered provider, in provider id order, so that a bad
// contract stops the server at start-up. Compiled schemas stay in the
// package's shared cache for later validation.
//
// # Errors
//
// The first failure, as a [*CapabilityError] with code
// schema_compile_failed naming the provider and check:
// "schema_compile_failed: schema compilation failed for p.c: <cause>".
func (r *Registry) CompileContracts() error {
	for _, id := range r.IDs() {
		p, _ := r.Get(id)
		for _, ch := range p.Contract().Checks {
			for _, s := range [...]json.RawMessage{ch.ParamsSchema, ch.ResultSchema} {
				if _, err := schemas.Compile(s); err != nil {
					return capabilityErr(CodeSchemaCompileFailed, "schema compilation failed for %s.%s: %v", id, ch.CheckID, err)
				}
			}
		}
	}
	return nil
}
