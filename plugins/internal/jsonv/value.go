package jsonv

import "math"

// Kind is the JSON type of a [Value].
type Kind uint8

// The JSON kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// NumKind is the class of a JSON number, as serde_json keeps it.
type NumKind uint8

// The number classes.
const (
	PosInt NumKind = iota // an integer in [0, 2^64)
	NegInt                // an integer in [-2^63, 0)
	Float                 // anything else, as float64
)

// Num is a JSON number with its class.
type Num struct {
	Kind NumKind
	U    uint64  // when Kind is PosInt
	I    int64   // when Kind is NegInt
	F    float64 // when Kind is Float
}

// Float64 returns n converted to float64 (integers round to nearest).
func (n Num) Float64() float64 {
	switch n.Kind {
	case PosInt:
		return float64(n.U)
	case NegInt:
		return float64(n.I)
	default:
		return n.F
	}
}

// Value is one JSON value. The zero Value is null.
type Value struct {
	Kind Kind
	B    bool     // when Kind is Bool
	N    Num      // when Kind is Number
	S    string   // when Kind is String
	Arr  []*Value // when Kind is Array
	Obj  *Members // when Kind is Object
}

// Members is the ordered member list of a JSON object.
//
// Small objects (the common case: params and config blocks) are searched
// linearly; the key index is built only past indexFrom members. Inside a
// Wasm module every loop iteration is expensive, and a map costs far more
// loop iterations than scanning a handful of keys.
type Members struct {
	keys []string
	vals []*Value
	idx  map[string]int // nil until len(keys) > indexFrom
}

// indexFrom is the member count above which lookups use a map.
const indexFrom = 16

// NewMembers returns an empty member list.
func NewMembers() *Members { return &Members{} }

// find returns the position of key k, or -1.
func (m *Members) find(k string) int {
	if m.idx != nil {
		if i, ok := m.idx[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range m.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// Len returns the number of members.
func (m *Members) Len() int { return len(m.keys) }

// At returns the i-th member in insertion order.
func (m *Members) At(i int) (string, *Value) { return m.keys[i], m.vals[i] }

// Get returns the value of key k.
func (m *Members) Get(k string) (*Value, bool) {
	i := m.find(k)
	if i < 0 {
		return nil, false
	}
	return m.vals[i], true
}

// Set stores v under k. A new key is appended; an existing key keeps its
// position and gets the new value.
func (m *Members) Set(k string, v *Value) {
	if i := m.find(k); i >= 0 {
		m.vals[i] = v
		return
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	switch n := len(m.keys); {
	case m.idx != nil:
		m.idx[k] = n - 1
	case n > indexFrom:
		m.idx = make(map[string]int, 2*n)
		for i, key := range m.keys {
			m.idx[key] = i
		}
	}
}

// NullValue returns a new null value.
func NullValue() *Value { return &Value{Kind: Null} }

// BoolValue returns a new boolean value.
func BoolValue(b bool) *Value { return &Value{Kind: Bool, B: b} }

// StringValue returns a new string value.
func StringValue(s string) *Value { return &Value{Kind: String, S: s} }

// UintValue returns a new non-negative integer value.
func UintValue(u uint64) *Value { return &Value{Kind: Number, N: Num{Kind: PosInt, U: u}} }

// IntValue returns a new integer value of the class serde_json gives it.
func IntValue(i int64) *Value {
	if i >= 0 {
		return UintValue(uint64(i))
	}
	return &Value{Kind: Number, N: Num{Kind: NegInt, I: i}}
}

// FloatValue returns a new float value. serde_json has no NaN or infinity:
// those become null, as its float conversion does.
func FloatValue(f float64) *Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return NullValue()
	}
	return &Value{Kind: Number, N: Num{Kind: Float, F: f}}
}

// ArrayValue returns a new array value holding elems.
func ArrayValue(elems []*Value) *Value {
	if elems == nil {
		elems = []*Value{}
	}
	return &Value{Kind: Array, Arr: elems}
}

// ObjectValue returns a new object value holding m (an empty one when nil).
func ObjectValue(m *Members) *Value {
	if m == nil {
		m = NewMembers()
	}
	return &Value{Kind: Object, Obj: m}
}

// Equal reports whether a and b are equal as serde_json values: same kind,
// numbers of the same class and value, arrays element by element, objects
// with the same keys and equal values regardless of order.
func Equal(a, b *Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Null:
		return true
	case Bool:
		return a.B == b.B
	case Number:
		if a.N.Kind != b.N.Kind {
			return false
		}
		switch a.N.Kind {
		case PosInt:
			return a.N.U == b.N.U
		case NegInt:
			return a.N.I == b.N.I
		default:
			return a.N.F == b.N.F
		}
	case String:
		return a.S == b.S
	case Array:
		if len(a.Arr) != len(b.Arr) {
			return false
		}
		for i := range a.Arr {
			if !Equal(a.Arr[i], b.Arr[i]) {
				return false
			}
		}
		return true
	default:
		if a.Obj.Len() != b.Obj.Len() {
			return false
		}
		for i, k := range a.Obj.keys {
			bv, ok := b.Obj.Get(k)
			if !ok || !Equal(a.Obj.vals[i], bv) {
				return false
			}
		}
		return true
	}
}
