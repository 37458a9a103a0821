package driver

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

func TestEncodeKey_order(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	ids := []uint64{1, 2, 255, 256, 1 << 32, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64}
	runs := []string{"", "a", "a\x00", "a\x00b", "ab", "b", "\xff", "é", "run-10", "run-9"}
	var keys []scenario.RunKey
	for range 300 {
		keys = append(keys, scenario.RunKey{
			TenantID:    evidence.TenantID(ids[r.IntN(len(ids))]),
			NamespaceID: evidence.NamespaceID(ids[r.IntN(len(ids))]),
			RunID:       runs[r.IntN(len(runs))],
		})
	}
	for _, a := range keys {
		ea := EncodeKey(a)
		back, err := DecodeKey(ea)
		if err != nil || back != a {
			t.Fatalf("DecodeKey(EncodeKey(%v)) = %v, %v", a, back, err)
		}
		for _, b := range keys {
			if got, want := bytes.Compare(ea, EncodeKey(b)), Compare(a, b); got != want {
				t.Fatalf("%v vs %v: bytes %d, Compare %d", a, b, got, want)
			}
		}
	}
}

func TestDecodeKey_short(t *testing.T) {
	if _, err := DecodeKey(make([]byte, KeyPrefixLen-1)); errcode.Of(err) != errcode.DataLoss {
		t.Fatalf("short key: %v, want data_loss", err)
	}
}

func TestScopePrefix(t *testing.T) {
	in := scenario.RunKey{TenantID: 3, NamespaceID: 4, RunID: "r"}
	out := []scenario.RunKey{{TenantID: 3, NamespaceID: 5, RunID: "r"}, {TenantID: 4, NamespaceID: 4, RunID: "r"}}
	for _, tc := range []struct {
		name string
		opts ListOptions
		hit  []bool
	}{
		{"none", ListOptions{}, []bool{true, true}},
		{"tenant", ListOptions{TenantID: 3}, []bool{true, false}},
		{"namespace", ListOptions{TenantID: 3, NamespaceID: 4}, []bool{false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ScopePrefix(tc.opts)
			if !bytes.HasPrefix(EncodeKey(in), p) {
				t.Fatalf("prefix %x does not match %v", p, in)
			}
			for i, k := range out {
				if got := bytes.HasPrefix(EncodeKey(k), p); got != tc.hit[i] {
					t.Errorf("%v: match %v, want %v", k, got, tc.hit[i])
				}
			}
		})
	}
}

func TestChecksum(t *testing.T) {
	sum := Sum([]byte("x"))
	back, err := ParseChecksum(sum.String())
	if err != nil || back != sum {
		t.Fatalf("ParseChecksum round trip: %v, %v", back, err)
	}
	for _, bad := range []string{"", "00", sum.String()[:63] + "g"} {
		if _, err := ParseChecksum(bad); errcode.Of(err) != errcode.DataLoss {
			t.Errorf("ParseChecksum(%q): %v, want data_loss", bad, err)
		}
	}
	if _, err := ChecksumFromBytes(sum[:31]); errcode.Of(err) != errcode.DataLoss {
		t.Errorf("ChecksumFromBytes(31 bytes): %v", err)
	}
	if c, err := ChecksumFromBytes(sum[:]); err != nil || c != sum {
		t.Errorf("ChecksumFromBytes: %v, %v", c, err)
	}
}

func TestCheckListOptions(t *testing.T) {
	for _, tc := range []struct {
		opts ListOptions
		ok   bool
	}{
		{ListOptions{Limit: 1}, true},
		{ListOptions{Limit: 0}, false},
		{ListOptions{Limit: 1, NamespaceID: 2}, false},
		{ListOptions{Limit: 1, TenantID: 1, NamespaceID: 2}, true},
	} {
		err := CheckListOptions(tc.opts)
		if (err == nil) != tc.ok || (err != nil && errcode.Of(err) != errcode.InvalidArgument) {
			t.Errorf("%+v: %v", tc.opts, err)
		}
	}
	if !slices.Equal([]error{CheckKeep(1, 1), CheckKeep(0, 0)}, []error{nil, nil}) || CheckKeep(0, 1) == nil {
		t.Error("CheckKeep")
	}
}
