package abi

import (
	"bytes"
	"reflect"
	"testing"
)

func TestQueryFrameRoundTrip(t *testing.T) {
	cases := []QueryFrame{
		{CheckID: []byte("after"), Params: []byte(`{"timestamp":0}`), RunID: []byte("r"), ScenarioID: []byte("s"),
			StageID: []byte("a"), TriggerID: []byte("t"), CorrelationID: []byte("c-1"), Config: []byte(`{}`),
			TenantID: 1, NamespaceID: 2, TimeKind: TimeLogical, TimeValue: 42},
		{CheckID: []byte("now"), RunID: []byte{}, ScenarioID: []byte{}, StageID: []byte{}, TriggerID: []byte{},
			TenantID: ^uint64(0), NamespaceID: 1, TimeKind: TimeUnixMillis, TimeValue: uint64(1 << 62)},
	}
	for _, q := range cases {
		b := AppendQueryFrame(nil, &q)
		got, err := DecodeQueryFrame(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, q) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, q)
		}
	}
}

func TestResultFrameRoundTrip(t *testing.T) {
	cases := []ResultFrame{
		{HasValue: true, Value: []byte(`true`), AnchorType: []byte("env"), AnchorValue: []byte("K"), ContentType: []byte("text/plain")},
		{HasValue: true, ValueIsBytes: true, Value: []byte{0, 1, 255}},
		{HasError: true, ErrorCode: []byte("file_not_found"), ErrorMessage: []byte("unable"), ErrorDetails: []byte(`{"file":"x"}`), RefURI: []byte("dg+file://r/x")},
		{Failed: true, ErrorCode: []byte("invalid"), ErrorMessage: []byte("bad params")},
		{},
	}
	for _, r := range cases {
		b := AppendResultFrame(nil, &r)
		got, err := DecodeResultFrame(b)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
		}
	}
}

func TestMalformedFrames(t *testing.T) {
	good := AppendQueryFrame(nil, &QueryFrame{CheckID: []byte("x"), TimeKind: TimeLogical})
	bad := [][]byte{nil, []byte("PVQ"), good[:len(good)-1], append(append([]byte{}, good...), 0),
		bytes.Replace(good, []byte("PVQ1"), []byte("PVQ2"), 1)}
	for _, b := range bad {
		if _, err := DecodeQueryFrame(b); err == nil {
			t.Errorf("accepted %q", b)
		}
	}
	for _, r := range []ResultFrame{
		{Failed: true},            // no code
		{HasError: true},          // in-band error without code
		{AnchorType: []byte("t")}, // anchor without value
		{ValueIsBytes: true},      // bytes without value
		{Failed: true, HasValue: true, Value: []byte("1"), ErrorCode: []byte("x"), ErrorMessage: []byte("y")},
	} {
		if _, err := DecodeResultFrame(AppendResultFrame(nil, &r)); err == nil {
			t.Errorf("accepted %+v", r)
		}
	}
}

func FuzzDecodeFrames(f *testing.F) {
	f.Add(AppendQueryFrame(nil, &QueryFrame{CheckID: []byte("x"), Params: []byte("{}"), TimeKind: TimeLogical}))
	f.Add(AppendResultFrame(nil, &ResultFrame{HasValue: true, Value: []byte("1")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if q, err := DecodeQueryFrame(b); err == nil {
			if again := AppendQueryFrame(nil, &q); !bytes.Equal(again, b) {
				t.Fatalf("query frame not canonical")
			}
		}
		if r, err := DecodeResultFrame(b); err == nil {
			if again := AppendResultFrame(nil, &r); !bytes.Equal(again, b) {
				t.Fatalf("result frame not canonical")
			}
		}
	})
}
