package compare

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestParseNumber(t *testing.T) {
	negZero := math.Copysign(0, -1)
	tests := []struct {
		lit  string
		ok   bool
		want number
	}{
		{"0", true, number{}},
		{"42", true, number{mag: 42}},
		{"-42", true, number{neg: true, mag: 42}},
		{"18446744073709551615", true, number{mag: math.MaxUint64}},
		{"-9223372036854775808", true, number{neg: true, mag: 1 << 63}},
		{"-9223372036854775809", true, number{float: true, f: -9223372036854775809}},
		{"18446744073709551616", true, number{float: true, f: 18446744073709551616}},
		{"-0", true, number{float: true, f: negZero}},
		{"1.0", true, number{float: true, f: 1}},
		{"1e2", true, number{float: true, f: 100}},
		{"1E-2", true, number{float: true, f: 0.01}},
		{"1e-400", true, number{float: true, f: 0}},
		{"1e400", false, number{}},
		{"-1e400", false, number{}},
	}
	for _, tc := range tests {
		t.Run(tc.lit, func(t *testing.T) {
			got, ok := parseNumber([]byte(tc.lit))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok && (got.float != tc.want.float || got.neg != tc.want.neg || got.mag != tc.want.mag ||
				got.f != tc.want.f || math.Signbit(got.f) != math.Signbit(tc.want.f)) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// decimalOf is the reference's decimal for a number: the integer, or the
// shortest round-trip form of the float, as an exact rational.
func decimalOf(n number) *big.Rat {
	if n.float {
		r, _ := new(big.Rat).SetString(strconv.FormatFloat(n.f, 'e', -1, 64))
		return r
	}
	i := new(big.Int).SetUint64(n.mag)
	if n.neg {
		i.Neg(i)
	}
	return new(big.Rat).SetInt(i)
}

// TestCmpDecimal_againstBig checks the fast paths of cmpDecimal against
// exact rational arithmetic on the reference's decimal forms, around the
// places where they could go wrong: 2^53, 2^63, 2^64 and float rounding.
func TestCmpDecimal_againstBig(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	lits := []string{"0", "-0", "1", "-1", "0.1", "0.10000000000000001", "1e2", "100",
		"9007199254740992", "9007199254740993", "9007199254740992.0", "9007199254740994.0",
		"9223372036854775807", "9223372036854775808", "9223372036854777856", "9223372036854777900",
		"9.223372036854778e18", "18446744073709551615", "18446744073709551615.0", "-9223372036854775808",
		"-9223372036854775808.0", "-9223372036854777856", "-9.223372036854778e18", "1e300", "-1e-300"}
	for range 3000 {
		switch r.IntN(3) {
		case 0:
			lits = append(lits, strconv.FormatUint(r.Uint64()>>r.IntN(64), 10))
		case 1:
			lits = append(lits, "-"+strconv.FormatUint(r.Uint64()>>(r.IntN(63)+1), 10))
		default:
			f := math.Float64frombits(r.Uint64())
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			lits = append(lits, strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	for i := 0; i < 200000; i++ {
		a, b := lits[r.IntN(len(lits))], lits[r.IntN(len(lits))]
		na, ok1 := parseNumber([]byte(a))
		nb, ok2 := parseNumber([]byte(b))
		if !ok1 || !ok2 {
			t.Fatalf("parse %q %q", a, b)
		}
		want := decimalOf(na).Cmp(decimalOf(nb))
		if got := cmpDecimal(na, nb); got != want {
			t.Fatalf("cmpDecimal(%s, %s) = %d, want %d", a, b, got, want)
		}
	}
}

func TestSameNumber(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1", "1", true},
		{"1", "1.0", false},
		{"1.0", "1.00", true},
		{"1e2", "100.0", true},
		{"1e2", "100", false},
		{"-0", "0", false},
		{"-0", "0.0", true},
		{"-1", "-1", true},
		{"18446744073709551616", "18446744073709551617", true},
		{"9007199254740993", "9007199254740992", false},
	}
	for _, tc := range tests {
		a, _ := parseNumber([]byte(tc.a))
		b, _ := parseNumber([]byte(tc.b))
		if got := sameNumber(a, b); got != tc.want {
			t.Errorf("sameNumber(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
