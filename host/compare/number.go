package compare

import (
	"math"
	"math/big"
	"strconv"
)

// number is a JSON number as serde_json (without arbitrary_precision)
// holds it, which is what the reference compares:
//
//   - a literal without '.', 'e' or 'E' whose value fits u64 (non-negative)
//     or i64 (negative) is an exact integer;
//   - everything else is the nearest float64. That includes integers out of
//     range and "-0", which serde_json reads as the float -0.0.
type number struct {
	float bool
	neg   bool    // integer only: the value is below zero
	mag   uint64  // integer only: the absolute value
	f     float64 // float only
}

// parseNumber converts a validated JSON number literal. ok is false when
// the literal is beyond the float64 range, which serde_json refuses to
// decode at all.
func parseNumber(lit []byte) (number, bool) {
	isInt := true
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			isInt = false
			break
		}
	}
	if isInt {
		neg := lit[0] == '-'
		digits := lit
		if neg {
			digits = lit[1:]
		}
		var mag uint64
		overflow := false
		for _, c := range digits {
			d := uint64(c - '0')
			if mag > (math.MaxUint64-d)/10 {
				overflow = true
				break
			}
			mag = mag*10 + d
		}
		switch {
		case overflow:
		case !neg:
			return number{mag: mag}, true
		case mag == 0:
			return number{float: true, f: math.Copysign(0, -1)}, true
		case mag <= 1<<63:
			return number{neg: true, mag: mag}, true
		}
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(f, 0) {
		return number{}, false
	}
	return number{float: true, f: f}, true
}

// sameNumber is serde_json's Number equality: integers compare exactly,
// floats by value, and an integer never equals a float (1 != 1.0).
func sameNumber(a, b number) bool {
	if a.float != b.float {
		return false
	}
	if a.float {
		return a.f == b.f
	}
	return a.neg == b.neg && a.mag == b.mag
}

// cmpDecimal orders two numbers as the reference's big decimals do: each
// number is the decimal printed by serde_json (the exact integer, or the
// shortest round-trip form of the float), so 10 == 10.0 and 1e2 == 100.
func cmpDecimal(a, b number) int {
	switch {
	case !a.float && !b.float:
		return cmpInt(a, b)
	case a.float && b.float:
		// Distinct float64s have distinct shortest forms in the same
		// order, so comparing the floats is comparing the decimals.
		return cmpFloat(a.f, b.f)
	case a.float:
		return -cmpIntFloat(b, a.f)
	default:
		return cmpIntFloat(a, b.f)
	}
}

func cmpInt(a, b number) int {
	switch {
	case a.neg != b.neg:
		if a.neg {
			return -1
		}
		return 1
	case a.mag == b.mag:
		return 0
	case (a.mag < b.mag) != a.neg:
		return -1
	default:
		return 1
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpIntFloat compares an integer with a float's shortest decimal form.
func cmpIntFloat(i number, f float64) int {
	// An integer of magnitude up to 2^53 is itself a float64, and then the
	// float ordering agrees with the ordering of the shortest forms: the
	// shortest form of f stays inside f's rounding interval, which cannot
	// contain another float64.
	if i.mag <= 1<<53 {
		x := float64(i.mag)
		if i.neg {
			x = -x
		}
		return cmpFloat(x, f)
	}
	var buf [32]byte
	var fr, ir big.Rat
	fr.SetString(string(strconv.AppendFloat(buf[:0], f, 'e', -1, 64)))
	var n big.Int
	n.SetUint64(i.mag)
	if i.neg {
		n.Neg(&n)
	}
	ir.SetInt(&n)
	return ir.Cmp(&fr)
}
