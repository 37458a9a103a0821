package abi

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func addFixtures(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// stable checks decode → encode → decode → encode gives the same bytes.
func stable[T any](t *testing.T, data []byte) {
	var a T
	if json.Unmarshal(data, &a) != nil {
		return
	}
	enc1, err := json.Marshal(&a)
	if err != nil {
		return // a decodable value may still be unencodable (e.g. a bad raw literal)
	}
	var b T
	if err := json.Unmarshal(enc1, &b); err != nil {
		t.Fatalf("re-decode %s: %v", enc1, err)
	}
	enc2, err := json.Marshal(&b)
	if err != nil || !bytes.Equal(enc1, enc2) {
		t.Fatalf("unstable: %s then %s (%v)", enc1, enc2, err)
	}
}

func FuzzQueryRequest(f *testing.F) {
	addFixtures(f, "query_request*.json")
	f.Fuzz(func(t *testing.T, data []byte) { stable[QueryRequest](t, data) })
}

func FuzzResponse(f *testing.F) {
	addFixtures(f, "response_*.json")
	f.Fuzz(func(t *testing.T, data []byte) { stable[Response](t, data) })
}

func FuzzDescribe(f *testing.F) {
	addFixtures(f, "describe.json")
	f.Fuzz(func(t *testing.T, data []byte) { stable[Describe](t, data) })
}
