package main

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
)

// This file converts a YAML document into a JSON value the way the
// reference does (serde_yaml 0.9 deserialising into a serde_json value).
// yaml.v3 only parses: scalars are resolved here, by the reference's rules
// rather than yaml.v3's:
//
//   - plain scalars: "", "~", "null", "Null", "NULL" are null;
//     true/True/TRUE and false/False/FALSE are booleans; decimal, 0x, 0o and
//     0b integers (with an optional sign) are integers, except that a number
//     with a leading zero ("017") is a string; other decimal floats are
//     floats, and .inf/.nan are floats that JSON holds as null; anything
//     else is a string;
//   - quoted, literal and folded scalars are strings;
//   - the core tags !!bool, !!int, !!float and !!null force that type (an
//     unparseable value is an error); other !!tags leave the text a string;
//     a local tag (!name) is an error;
//   - mapping keys are the key's text whatever its type; a non-scalar key is
//     an error; a repeated key replaces the value in place;
//   - aliases are expanded; merge keys ("<<") are kept as ordinary keys;
//   - integers beyond 64 bits that fit 128 bits are errors, larger ones
//     floats;
//   - an empty stream is null; more than one document is an error;
//   - nesting deeper than 128 levels is an error, and so is alias expansion
//     beyond 100 times the size of the document.

var errYAML = errors.New("invalid yaml")

// yamlMaxDepth is the deepest nesting serde_yaml accepts.
const yamlMaxDepth = 128

// parseYAML parses a single-document YAML stream into a JSON value.
func parseYAML(data []byte) (*jsonv.Value, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return jsonv.NullValue(), nil
		}
		return nil, errYAML
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errYAML // a second document, or a syntax error after the first
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return jsonv.NullValue(), nil
		}
		root = root.Content[0]
	}
	c := &yamlConverter{budget: 100 * countNodes(root)}
	return c.convert(root, 0)
}

// countNodes approximates the number of parser events of a document.
func countNodes(n *yaml.Node) int {
	total := 2
	for _, c := range n.Content {
		total += countNodes(c)
	}
	return total
}

type yamlConverter struct {
	budget int // alias expansions left
}

func (c *yamlConverter) convert(n *yaml.Node, depth int) (*jsonv.Value, error) {
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, errYAML
		}
		c.budget--
		if c.budget < 0 {
			return nil, errYAML
		}
		return c.convert(n.Alias, depth)
	case yaml.ScalarNode:
		return scalar(n)
	case yaml.SequenceNode:
		if depth >= yamlMaxDepth || localTag(n) {
			return nil, errYAML
		}
		elems := make([]*jsonv.Value, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := c.convert(e, depth+1)
			if err != nil {
				return nil, err
			}
			elems = append(elems, v)
		}
		return jsonv.ArrayValue(elems), nil
	case yaml.MappingNode:
		if depth >= yamlMaxDepth || localTag(n) || len(n.Content)%2 != 0 {
			return nil, errYAML
		}
		m := jsonv.NewMembers()
		for i := 0; i < len(n.Content); i += 2 {
			k, err := c.key(n.Content[i])
			if err != nil {
				return nil, err
			}
			v, err := c.convert(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m.Set(k, v)
		}
		return jsonv.ObjectValue(m), nil
	default:
		return nil, errYAML
	}
}

// key returns the text of a mapping key.
func (c *yamlConverter) key(n *yaml.Node) (string, error) {
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return "", errYAML
		}
		c.budget--
		if c.budget < 0 {
			return "", errYAML
		}
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return "", errYAML
	}
	return n.Value, nil
}

// localTag reports an explicit local tag such as !name.
func localTag(n *yaml.Node) bool {
	return n.Style&yaml.TaggedStyle != 0 && strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") && n.Tag != "!"
}

func scalar(n *yaml.Node) (*jsonv.Value, error) {
	v := n.Value
	if n.Style&yaml.TaggedStyle != 0 && n.Tag != "!" {
		switch {
		case localTag(n):
			return nil, errYAML
		case n.Tag == "!!bool":
			if b, ok := yamlBool(v); ok {
				return jsonv.BoolValue(b), nil
			}
			return nil, errYAML
		case n.Tag == "!!int":
			iv, isInt, err := yamlInt(v)
			if err != nil || !isInt {
				return nil, errYAML
			}
			return iv, nil
		case n.Tag == "!!float":
			if f, ok := yamlFloat(v); ok {
				return jsonv.FloatValue(f), nil
			}
			return nil, errYAML
		case n.Tag == "!!null":
			if yamlNull(v) {
				return jsonv.NullValue(), nil
			}
			return nil, errYAML
		default:
			return jsonv.StringValue(v), nil
		}
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return jsonv.StringValue(v), nil
	}
	return plainScalar(v)
}

// plainScalar resolves an untagged plain scalar.
func plainScalar(v string) (*jsonv.Value, error) {
	if v == "" || yamlNull(v) {
		return jsonv.NullValue(), nil
	}
	if b, ok := yamlBool(v); ok {
		return jsonv.BoolValue(b), nil
	}
	iv, isInt, err := yamlInt(v)
	if err != nil {
		return nil, err
	}
	if isInt {
		return iv, nil
	}
	if !digitsButNotNumber(v) {
		if f, ok := yamlFloat(v); ok {
			return jsonv.FloatValue(f), nil
		}
	}
	return jsonv.StringValue(v), nil
}

func yamlNull(v string) bool {
	switch v {
	case "~", "null", "Null", "NULL":
		return true
	}
	return false
}

func yamlBool(v string) (bool, bool) {
	switch v {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// digitsButNotNumber reports a number with leading zeros ("017", "-01"),
// which YAML 1.2 reads as a string.
func digitsButNotNumber(v string) bool {
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		v = v[1:]
	}
	if len(v) < 2 || v[0] != '0' {
		return false
	}
	for i := 1; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// digitsIn parses s, which must be non-empty and consist only of digits of
// the given base.
func digitsIn(s string, base int) (*big.Int, bool) {
	if s == "" {
		return nil, false
	}
	for _, c := range s {
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'z':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'Z':
			d = int(c-'A') + 10
		default:
			return nil, false
		}
		if d >= base {
			return nil, false
		}
	}
	n, ok := new(big.Int).SetString(s, base)
	return n, ok
}

var radixPrefixes = []struct {
	prefix string
	base   int
}{{"0x", 16}, {"0o", 8}, {"0b", 2}}

// unsignedInt parses a non-negative integer scalar.
func unsignedInt(s string) (*big.Int, bool) {
	unpositive := strings.TrimPrefix(s, "+")
	for _, r := range radixPrefixes {
		if rest, ok := strings.CutPrefix(unpositive, r.prefix); ok {
			if strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "-") {
				return nil, false
			}
			if n, ok := digitsIn(rest, r.base); ok {
				return n, true
			}
		}
	}
	if strings.HasPrefix(unpositive, "+") || strings.HasPrefix(unpositive, "-") || digitsButNotNumber(s) {
		return nil, false
	}
	return digitsIn(unpositive, 10)
}

// negativeInt parses a signed integer scalar.
func negativeInt(s string) (*big.Int, bool) {
	for _, r := range radixPrefixes {
		if rest, ok := strings.CutPrefix(s, "-"+r.prefix); ok {
			if n, ok := digitsIn(rest, r.base); ok {
				return n.Neg(n), true
			}
		}
	}
	if digitsButNotNumber(s) {
		return nil, false
	}
	body, neg := s, false
	switch {
	case strings.HasPrefix(s, "-"):
		body, neg = s[1:], true
	case strings.HasPrefix(s, "+"):
		body = s[1:]
	}
	n, ok := digitsIn(body, 10)
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}

var (
	maxU64  = new(big.Int).SetUint64(^uint64(0))
	maxU128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	minI64  = big.NewInt(-1 << 63)
	maxI64  = big.NewInt(1<<63 - 1)
	minI128 = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 127))
	maxI128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))
)

func within(n, lo, hi *big.Int) bool { return n.Cmp(lo) >= 0 && n.Cmp(hi) <= 0 }

// yamlInt resolves an integer scalar. isInt is false when s is not an
// integer; err is set for integers JSON values cannot hold (128-bit).
func yamlInt(s string) (v *jsonv.Value, isInt bool, err error) {
	u, uok := unsignedInt(s)
	if uok && u.Cmp(maxU64) <= 0 {
		return jsonv.UintValue(u.Uint64()), true, nil
	}
	n, nok := negativeInt(s)
	if nok && within(n, minI64, maxI64) {
		return jsonv.IntValue(n.Int64()), true, nil
	}
	if (uok && u.Cmp(maxU128) <= 0) || (nok && within(n, minI128, maxI128)) {
		return nil, true, errYAML
	}
	return nil, false, nil
}

// yamlFloat resolves a float scalar; ok is false when s is not a float.
func yamlFloat(s string) (float64, bool) {
	unpositive := s
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		if strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "-") {
			return 0, false
		}
		unpositive = rest
	}
	switch unpositive {
	case ".inf", ".Inf", ".INF":
		return math.Inf(1), true
	}
	switch s {
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1), true
	case ".nan", ".NaN", ".NAN":
		return math.NaN(), true
	}
	f, ok := rustFloat(unpositive)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// rustFloat parses a decimal float as Rust's f64 parser does (no hex, no
// underscores).
func rustFloat(s string) (float64, bool) {
	if s == "" || strings.ContainsAny(s, "xX_pP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return f, true // overflow gives ±Inf, underflow 0, as Rust
		}
		return 0, false
	}
	return f, true
}
