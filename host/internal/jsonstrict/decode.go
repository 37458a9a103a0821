package jsonstrict

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// MaxDepth bounds nesting of decoded documents.
const MaxDepth = 128

// Error is a decode failure at a JSON path.
type Error struct {
	Path string // "$", "$.stages[0].gate_id"
	Msg  string
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// Decode checks data against the shape of v (a non-nil pointer) and then
// unmarshals it.
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("jsonstrict: Decode needs a non-nil pointer")
	}
	tree, err := Parse(data)
	if err != nil {
		return err
	}
	if err := check(tree, rv.Type().Elem(), "$", 0); err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &Error{Path: "$", Msg: cleanMsg(err)}
	}
	return nil
}

// DecodeValue checks and decodes an already parsed tree (from [Parse]).
func DecodeValue(tree any, raw []byte, v any, path string) error {
	rv := reflect.ValueOf(v)
	if err := check(tree, rv.Type().Elem(), path, 0); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &Error{Path: path, Msg: cleanMsg(err)}
	}
	return nil
}

// Parse parses one JSON value with numbers kept as [json.Number]. Trailing
// data is an error.
func Parse(data []byte) (any, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, &Error{Path: "$", Msg: "invalid JSON: " + cleanMsg(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Path: "$", Msg: "invalid JSON: trailing data after the value"}
	}
	if mayRepeatKeys(data) {
		// The slow, exact walk names the repeated key and its path.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if _, err := parseValue(dec, "$", 0); err != nil {
			return nil, err
		}
	}
	return tree, nil
}

// Fielder marks a struct whose UnmarshalJSON only post-processes its
// fields (for example folding null into absent): jsonstrict checks its fields
// one by one, with their paths, as if it had no UnmarshalJSON.
type Fielder interface{ StrictFields() }

var (
	fielderType         = reflect.TypeFor[Fielder]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	numberType          = reflect.TypeFor[json.Number]()
)

func check(node any, t reflect.Type, path string, depth int) error {
	if depth > MaxDepth {
		return &Error{Path: path, Msg: fmt.Sprintf("nesting deeper than %d", MaxDepth)}
	}
	if t == rawMessageType || t.Kind() == reflect.Interface {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		if node == nil {
			return nil
		}
		return check(node, t.Elem(), path, depth)
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) && !t.Implements(fielderType) {
		raw, err := json.Marshal(node)
		if err != nil {
			return &Error{Path: path, Msg: err.Error()}
		}
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return &Error{Path: path, Msg: cleanMsg(err)}
		}
		return nil
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		s, ok := node.(string)
		if !ok {
			return mismatch(path, node, "a string")
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return &Error{Path: path, Msg: cleanMsg(err)}
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := node.(map[string]any)
		if !ok {
			return mismatch(path, node, "an object")
		}
		fields := fieldsOf(t)
		if err := caseVariants(m, fields, path); err != nil {
			return err
		}
		for _, f := range fields {
			v, present := m[f.name]
			if present && v == nil && f.typ == rawMessageType {
				continue // null is a JSON value
			}
			if !present || v == nil {
				if f.required {
					if present {
						return &Error{Path: path, Msg: fmt.Sprintf("field `%s` must not be null", f.name)}
					}
					return &Error{Path: path, Msg: fmt.Sprintf("missing field `%s`", f.name)}
				}
				if !present {
					continue
				}
			}
			if err := check(v, f.typ, path+"."+f.name, depth+1); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			if _, ok := node.(string); !ok {
				return mismatch(path, node, "a base64 string")
			}
			return nil
		}
		arr, ok := node.([]any)
		if !ok {
			return mismatch(path, node, "an array")
		}
		for i, el := range arr {
			if err := check(el, t.Elem(), path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		m, ok := node.(map[string]any)
		if !ok {
			return mismatch(path, node, "an object")
		}
		for k, el := range m {
			if err := check(el, t.Elem(), path+"["+strconv.Quote(k)+"]", depth+1); err != nil {
				return err
			}
		}
		return nil
	case reflect.String:
		if t == numberType {
			if _, ok := node.(json.Number); !ok {
				return mismatch(path, node, "a number")
			}
			return nil
		}
		if _, ok := node.(string); !ok {
			return mismatch(path, node, "a string")
		}
		return nil
	case reflect.Bool:
		if _, ok := node.(bool); !ok {
			return mismatch(path, node, "a boolean")
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := node.(json.Number)
		if !ok {
			return mismatch(path, node, "an integer")
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			return &Error{Path: path, Msg: fmt.Sprintf("invalid value %s, expected an i%d", n, t.Bits())}
		}
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := node.(json.Number)
		if !ok {
			return mismatch(path, node, "an unsigned integer")
		}
		if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
			return &Error{Path: path, Msg: fmt.Sprintf("invalid value %s, expected a u%d", n, t.Bits())}
		}
		return nil
	case reflect.Float32, reflect.Float64:
		if _, ok := node.(json.Number); !ok {
			return mismatch(path, node, "a number")
		}
		return nil
	}
	return &Error{Path: path, Msg: "unsupported type " + t.String()}
}

func mismatch(path string, node any, want string) error {
	return &Error{Path: path, Msg: fmt.Sprintf("invalid type: %s, expected %s", describe(node), want)}
}

func describe(node any) string {
	switch v := node.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean " + strconv.FormatBool(v)
	case json.Number:
		return "number " + v.String()
	case string:
		if len(v) > 32 {
			v = v[:32] + "…"
		}
		return "string " + strconv.Quote(v)
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", node)
}

func cleanMsg(err error) string {
	var je *Error
	if errors.As(err, &je) {
		return je.Error()
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

type field struct {
	name     string
	typ      reflect.Type
	required bool
}

var fieldCache sync.Map // reflect.Type -> []field

func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			fs = append(fs, fieldsOf(sf.Type)...)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		optional := sf.Type.Kind() == reflect.Pointer ||
			strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") ||
			sf.Tag.Get("dg") == "optional"
		fs = append(fs, field{name: name, typ: sf.Type, required: !optional})
	}
	fieldCache.Store(t, fs)
	return fs
}
