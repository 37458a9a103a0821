package evidence

import "fmt"

// Comparator names how a condition compares evidence with its expected value.
type Comparator uint8

// The 16 comparators in canonical order. The zero value is invalid.
const (
	Equals Comparator = iota + 1
	NotEquals
	GreaterThan
	GreaterThanOrEqual
	LessThan
	LessThanOrEqual
	LexGreaterThan
	LexGreaterThanOrEqual
	LexLessThan
	LexLessThanOrEqual
	Contains
	InSet
	DeepEquals
	DeepNotEquals
	Exists
	NotExists
)

var comparatorNames = [...]string{
	"", "equals", "not_equals", "greater_than", "greater_than_or_equal", "less_than",
	"less_than_or_equal", "lex_greater_than", "lex_greater_than_or_equal", "lex_less_than",
	"lex_less_than_or_equal", "contains", "in_set", "deep_equals", "deep_not_equals", "exists",
	"not_exists",
}

// Comparators lists every comparator in canonical order.
func Comparators() []Comparator {
	out := make([]Comparator, 0, len(comparatorNames)-1)
	for c := Equals; c <= NotExists; c++ {
		out = append(out, c)
	}
	return out
}

// String returns the snake_case wire name.
func (c Comparator) String() string {
	if c == 0 || int(c) >= len(comparatorNames) {
		return fmt.Sprintf("comparator(%d)", uint8(c))
	}
	return comparatorNames[c]
}

// Valid reports whether c is one of the 16 comparators.
func (c Comparator) Valid() bool { return c >= Equals && c <= NotExists }

// IsLex reports whether c is in the lexicographic family.
func (c Comparator) IsLex() bool { return c >= LexGreaterThan && c <= LexLessThanOrEqual }

// IsDeep reports whether c is deep_equals or deep_not_equals.
func (c Comparator) IsDeep() bool { return c == DeepEquals || c == DeepNotEquals }

// IsOrdering reports whether c is one of the four numeric/temporal orderings.
func (c Comparator) IsOrdering() bool { return c >= GreaterThan && c <= LessThanOrEqual }

// ParseComparator parses a wire name.
func ParseComparator(s string) (Comparator, error) {
	for i := 1; i < len(comparatorNames); i++ {
		if comparatorNames[i] == s {
			return Comparator(i), nil
		}
	}
	return 0, fmt.Errorf("unknown comparator `%s`", s)
}

// MarshalText implements [encoding.TextMarshaler].
func (c Comparator) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("evidence: invalid comparator %d", uint8(c))
	}
	return []byte(comparatorNames[c]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (c *Comparator) UnmarshalText(b []byte) error {
	v, err := ParseComparator(string(b))
	*c = v
	return err
}
