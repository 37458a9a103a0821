package abi

import (
	"reflect"
	"testing"
)

func TestHostFrames(t *testing.T) {
	fr := FSReadResponse{RelPath: "a/b.json", Size: 5, Data: []byte("hello")}
	got, err := DecodeFSReadFrame(AppendFSReadFrame(nil, &fr))
	if err != nil || !reflect.DeepEqual(got, fr) {
		t.Fatalf("fs frame: %+v %v", got, err)
	}
	over := FSReadResponse{RelPath: "big", Size: 1 << 40, Error: StatusLimit, Data: []byte{}}
	if got, err := DecodeFSReadFrame(AppendFSReadFrame(nil, &over)); err != nil || got.Error != StatusLimit || got.Size != 1<<40 {
		t.Fatalf("limit frame: %+v %v", got, err)
	}
	hr := HTTPFetchResponse{Status: 302, Headers: map[string][]string{"Location": {"https://x/"}}, Body: []byte{0, 1, 2}}
	b, err := AppendHTTPFetchFrame(nil, &hr)
	if err != nil {
		t.Fatal(err)
	}
	gh, err := DecodeHTTPFetchFrame(b)
	if err != nil || !reflect.DeepEqual(gh, hr) {
		t.Fatalf("http frame: %+v %v", gh, err)
	}
	for _, bad := range [][]byte{nil, make([]byte, 15), append(make([]byte, 12), 0xff, 0xff, 0xff, 0x7f)} {
		if _, err := DecodeFSReadFrame(bad); err == nil {
			t.Errorf("accepted fs frame %v", bad)
		}
	}
	if _, err := DecodeHTTPFetchFrame([]byte{1, 0, 0, 0, 9, 0, 0, 0, '{'}); err == nil {
		t.Error("accepted a truncated headers field")
	}
}

func FuzzHostFrames(f *testing.F) {
	f.Add(AppendFSReadFrame(nil, &FSReadResponse{RelPath: "x", Data: []byte("y")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		DecodeFSReadFrame(b)
		DecodeHTTPFetchFrame(b)
	})
}
