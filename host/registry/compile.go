package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/decision-gate/dgw/host/errcode"
)

// schemaLocation is the base URI a data shape is compiled under. Its scheme
// resolves nothing: relative references that leave the document fail.
const schemaLocation = "dg-registry:///data-shape.json"

// refusingLoader is the compiler's URL loader. Data shapes are untrusted
// input, so a $ref to a file or a web address is an error rather than a
// read: the library's default loader would open local files. The draft
// meta-schemas are built into the library and never reach the loader.
type refusingLoader struct{}

func (refusingLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external references are not allowed")
}

// Compile compiles a JSON Schema document. Documents without "$schema" are
// draft 2020-12; a "$schema" naming another draft known to the validator is
// honoured. References must stay inside the document.
//
// Compiled schemas are immutable and safe for concurrent use.
//
// # Errors
//
// errcode.InvalidArgument "invalid schema: …" when the document is not JSON
// or not a valid schema.
func Compile(schema []byte) (*jsonschema.Schema, error) {
	sch, err := compile(schema)
	if err != nil {
		return nil, &errcode.Error{Code: errcode.InvalidArgument, Op: "registry: compile", Err: err}
	}
	return sch, nil
}

func compile(schema []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("invalid schema: %s", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(refusingLoader{})
	if err := c.AddResource(schemaLocation, doc); err != nil {
		return nil, fmt.Errorf("invalid schema: %s", oneLine(err.Error()))
	}
	sch, err := c.Compile(schemaLocation)
	if err != nil {
		var sve *jsonschema.SchemaValidationError
		var ve *jsonschema.ValidationError
		if errors.As(err, &sve) && errors.As(sve.Err, &ve) {
			return nil, fmt.Errorf("invalid schema: %s", strings.Join(failures(ve), "; "))
		}
		return nil, fmt.Errorf("invalid schema: %s", oneLine(err.Error()))
	}
	return sch, nil
}

// maxReportedErrors caps how many validation failures a message lists, so a
// huge payload cannot produce a huge error.
const maxReportedErrors = 20

// Validate checks payload, one JSON document, against a compiled schema.
// Numbers are decoded exactly (as json.Number), so large integers are
// compared without rounding.
//
// # Errors
//
// errcode.InvalidArgument "payload does not match schema: e1; e2" listing
// each failing location (at most 20, then a count of the rest), or "payload
// does not match schema: invalid JSON: …".
func Validate(schema *jsonschema.Schema, payload json.RawMessage) error {
	const op = "registry: validate"
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		return &errcode.Error{Code: errcode.InvalidArgument, Op: op,
			Err: fmt.Errorf("payload does not match schema: invalid JSON: %s", err)}
	}
	err = schema.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return &errcode.Error{Code: errcode.InvalidArgument, Op: op,
			Err: fmt.Errorf("payload does not match schema: %s", oneLine(err.Error()))}
	}
	return &errcode.Error{Code: errcode.InvalidArgument, Op: op,
		Err: fmt.Errorf("payload does not match schema: %s", strings.Join(failures(ve), "; "))}
}

// printer renders the validator's messages; they are in English.
var printer = message.NewPrinter(language.English)

// failures lists a validation error tree as "at '<pointer>': <message>"
// lines in depth-first order: each failed keyword, then the failures under
// it (the branches of an anyOf, say). Wrapper nodes that carry no message of
// their own (the root, groups, single-cause references) are left out.
func failures(ve *jsonschema.ValidationError) []string {
	var out []string
	total := 0
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		switch k := e.ErrorKind.(type) {
		case *kind.Schema, *kind.Group:
		case *kind.Reference:
			if len(e.Causes) != 1 {
				total++
				out = appendFailure(out, e, k)
			}
		default:
			total++
			out = appendFailure(out, e, k)
		}
		for _, c := range sortedCauses(e) {
			walk(c)
		}
	}
	walk(ve)
	if total == 0 {
		return []string{oneLine(ve.Error())}
	}
	if total > len(out) {
		out = append(out, fmt.Sprintf("and %d more", total-len(out)))
	}
	return out
}

// sortedCauses returns e's causes ordered by instance location and then
// keyword, so that messages do not depend on map iteration order inside the
// validator.
func sortedCauses(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	cs := slices.Clone(e.Causes)
	slices.SortStableFunc(cs, func(a, b *jsonschema.ValidationError) int {
		if c := strings.Compare(pointer(a.InstanceLocation), pointer(b.InstanceLocation)); c != 0 {
			return c
		}
		return strings.Compare(pointer(a.ErrorKind.KeywordPath()), pointer(b.ErrorKind.KeywordPath()))
	})
	return cs
}

func appendFailure(out []string, e *jsonschema.ValidationError, k jsonschema.ErrorKind) []string {
	if len(out) >= maxReportedErrors {
		return out
	}
	return append(out, fmt.Sprintf("at '%s': %s", pointer(e.InstanceLocation), oneLine(k.LocalizedString(printer))))
}

// pointer renders an instance location as a JSON Pointer ("" is the root).
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// oneLine folds a multi-line library message into one line.
func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}
