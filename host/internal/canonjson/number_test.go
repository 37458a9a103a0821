package canonjson

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rfc8785AppendixB is the number table of RFC 8785 Appendix B: IEEE 754
// bit patterns and their canonical text (the NaN and Infinity rows are
// omitted because they are not JSON).
var rfc8785AppendixB = []struct {
	bits uint64
	want string
}{
	{0x0000000000000000, "0"},
	{0x8000000000000000, "0"},
	{0x0000000000000001, "5e-324"},
	{0x8000000000000001, "-5e-324"},
	{0x7fefffffffffffff, "1.7976931348623157e+308"},
	{0xffefffffffffffff, "-1.7976931348623157e+308"},
	{0x4340000000000000, "9007199254740992"},
	{0xc340000000000000, "-9007199254740992"},
	{0x4430000000000000, "295147905179352830000"},
	{0x44b52d02c7e14af5, "9.999999999999997e+22"},
	{0x44b52d02c7e14af6, "1e+23"},
	{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
	{0x444b1ae4d6e2ef4e, "999999999999999700000"},
	{0x444b1ae4d6e2ef4f, "999999999999999900000"},
	{0x444b1ae4d6e2ef50, "1e+21"},                  // 1e21 is exact: 2^21 × 5^21
	{0x444b1ae4d6e2ef51, "1.0000000000000001e+21"}, // not in the RFC: next double up
	{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
	{0x3eb0c6f7a0b5ed8d, "0.000001"},
	{0x41b3de4355555553, "333333333.3333332"},
	{0x41b3de4355555554, "333333333.33333325"},
	{0x41b3de4355555555, "333333333.3333333"},
	{0x41b3de4355555556, "333333333.3333334"},
	{0x41b3de4355555557, "333333333.33333343"},
	{0xbecbf647612f3696, "-0.0000033333333333333333"},
	{0x43143ff3c1cb0959, "1424953923781206.2"},
}

func TestTransform_rfc8785AppendixB(t *testing.T) {
	for _, tc := range rfc8785AppendixB {
		x := math.Float64frombits(tc.bits)
		// The 'e' spelling always takes the float path; the others must
		// agree with it (a plain 'f' integer may take the integer path).
		for _, lit := range []string{
			strconv.FormatFloat(x, 'e', -1, 64),
			strconv.FormatFloat(x, 'E', 17, 64),
			strconv.FormatFloat(x, 'f', -1, 64),
			strconv.FormatFloat(x, 'g', -1, 64),
		} {
			got, err := Transform([]byte(lit))
			if err != nil {
				t.Errorf("%#016x: Transform(%s): %v", tc.bits, lit, err)
				continue
			}
			if string(got) != tc.want {
				t.Errorf("%#016x: Transform(%s) = %s, want %s", tc.bits, lit, got, tc.want)
			}
		}
	}
}

func TestTransform_numbers(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"zero", "0", "0"},
		{"negative zero integer", "-0", "0"},
		{"negative zero float", "-0.0", "0"},
		{"negative zero exponent", "-0e10", "0"},
		{"small integer", "42", "42"},
		{"negative integer", "-42", "-42"},
		{"max uint64", "18446744073709551615", "18446744073709551615"},
		{"max uint64 plus one", "18446744073709551616", "18446744073709552000"},
		{"max int64", "9223372036854775807", "9223372036854775807"},
		{"min int64", "-9223372036854775808", "-9223372036854775808"},
		{"min int64 minus one", "-9223372036854775809", "-9223372036854776000"},
		{"2^53 plus one", "9007199254740993", "9007199254740993"},
		{"negative 2^53 plus one", "-9007199254740993", "-9007199254740993"},
		{"negative beyond int64", "-18446744073709551615", "-18446744073709552000"},
		{"integer beyond uint64", "100000000000000000000000", "1e+23"},
		{"twenty-one digit integer", "100000000000000000000", "100000000000000000000"},
		{"1e22 integer", "10000000000000000000000", "1e+22"},
		{"one point zero", "1.0", "1"},
		{"exponent integer", "1e2", "100"},
		{"capital exponent", "1E2", "100"},
		{"plus exponent", "1e+2", "100"},
		{"1e20", "1e20", "100000000000000000000"},
		{"1e21", "1e21", "1e+21"},
		{"1e22", "1e22", "1e+22"},
		{"1e-7", "1e-7", "1e-7"},
		{"1e-6", "1e-6", "0.000001"},
		{"0.000001", "0.000001", "0.000001"},
		{"ninety-two and a half", "92.5", "92.5"},
		{"trailing zeros", "4.50", "4.5"},
		{"thirds", "333333333.3333333", "333333333.3333333"},
		{"thirds too precise", "333333333.33333329", "333333333.3333333"},
		{"1E30", "1E30", "1e+30"},
		{"2e-3", "2e-3", "0.002"},
		{"tiny", "0.000000000000000000000000001", "1e-27"},
		{"negative fraction", "-1.5", "-1.5"},
		{"negative exponent form", "-1.5e-9", "-1.5e-9"},
		{"large fraction", "123456789012345678901234.5", "1.2345678901234569e+23"},
		{"underflow to zero", "1e-400", "0"},
		{"denormal rounds up", "2.4703282292062328e-324", "5e-324"},
		{"zero with huge exponent", "0e999999999999999999999", "0"},
		{"max float", "1.7976931348623157e308", "1.7976931348623157e+308"},
		{"0.1", "0.1", "0.1"},
		{"0.1 plus 0.2", "0.30000000000000004", "0.30000000000000004"},
		{"in containers", `{"b":[1.0,-0,2E-1],"a":1e2}`, `{"a":100,"b":[1,0,0.2]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Transform([]byte(tc.in))
			if err != nil {
				t.Fatalf("Transform(%s): %v", tc.in, err)
			}
			if string(got) != tc.want {
				t.Errorf("Transform(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestTransform_numberOverflow(t *testing.T) {
	for _, in := range []string{"1e400", "-1e400", "1.7976931348623159e308", "1e99999999999999999999"} {
		_, err := Transform([]byte("[" + in + "]"))
		if !errors.Is(err, ErrNumberRange) {
			t.Errorf("Transform(%s): err = %v, want ErrNumberRange", in, err)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Offset != 1 {
			t.Errorf("Transform(%s): err = %#v, want offset 1", in, err)
		}
	}
}

func TestAppendNumber(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{1, "1"},
		{-1, "-1"},
		{0.5, "0.5"},
		{123e-20, "1.23e-18"},
		{1.5e300, "1.5e+300"},
		{12345.678, "12345.678"},
		{1e21 - 65536*2, "999999999999999900000"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{-math.MaxFloat64, "-1.7976931348623157e+308"},
		{math.Copysign(0, -1), "0"},
	}
	for _, tc := range tests {
		if got := string(appendNumber(nil, tc.f)); got != tc.want {
			t.Errorf("appendNumber(%v) = %s, want %s", tc.f, got, tc.want)
		}
		back, err := strconv.ParseFloat(tc.want, 64)
		if err != nil || back != tc.f {
			t.Errorf("%s does not round-trip to %v", tc.want, tc.f)
		}
	}
}

// esNumberString is a second, independent statement of ECMAScript's
// Number::toString for finite doubles: plain notation (via strconv's
// shortest 'f' form) for magnitudes in [1e-6, 1e21), otherwise the
// shortest 'e' form with the exponent's zero padding removed.
func esNumberString(f float64) string {
	if f == 0 {
		return "0"
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign, digits := exp[:1], strings.TrimLeft(exp[1:], "0")
	return mant + "e" + sign + digits
}

func TestAppendNumber_random(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	for range 200_000 {
		var f float64
		switch r.IntN(3) {
		case 0: // any bit pattern
			f = math.Float64frombits(r.Uint64())
		case 1: // around the notation thresholds
			f = math.Pow(10, float64(r.IntN(60)-30)) * (1 + r.Float64())
		default: // integers near 2^53..2^70
			f = math.Ldexp(float64(r.Uint64()>>11), r.IntN(18))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		got := string(appendNumber(nil, f))
		if want := esNumberString(f); got != want {
			t.Fatalf("appendNumber(%b) = %s, want %s", f, got, want)
		}
		if back, err := strconv.ParseFloat(got, 64); err != nil || back != f {
			t.Fatalf("appendNumber(%b) = %s does not round-trip", f, got)
		}
	}
}
