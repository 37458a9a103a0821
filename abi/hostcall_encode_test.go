package abi

import (
	"encoding/json"
	"testing"
)

// AppendFSReadRequest must produce exactly what encoding/json produces, so
// that a module using it and one using encoding/json send the same bytes.
func checkFSReadRequest(t *testing.T, r FSReadRequest) {
	t.Helper()
	want, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendFSReadRequest(nil, &r); string(got) != string(want) {
		t.Errorf("AppendFSReadRequest(%+q):\n got %s\nwant %s", r.Path, got, want)
	}
}

func TestAppendFSReadRequest(t *testing.T) {
	paths := []string{"", "report.json", "sub/dir/a b.json", `we"ird\name.json`, "tab\there\n\r\b\f\x00\x1f\x7f",
		"<script>&amp;</script>", "line\u2028sep\u2029", "héllo/日本.json", "bad\xffutf8\xc3", "\xed\xa0\x80surrogate", "emoji😀"}
	for _, p := range paths {
		for _, r := range []FSReadRequest{{Path: p}, {Path: p, MaxBytes: 1<<20 + 1, Frames: true}, {Path: p, MaxBytes: -3}, {Path: p, Frames: true}} {
			checkFSReadRequest(t, r)
		}
	}
}

func FuzzAppendFSReadRequest(f *testing.F) {
	f.Add("report.json", int64(0), false)
	f.Add("a\u2028<b>\xff", int64(1048577), true)
	f.Fuzz(func(t *testing.T, path string, max int64, frames bool) {
		checkFSReadRequest(t, FSReadRequest{Path: path, MaxBytes: max, Frames: frames})
	})
}
