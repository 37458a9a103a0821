package canonjson

import (
	"encoding/json"
	"os"
	"testing"
)

// loadBenchDoc reads the ~1 KB benchmark document: a decision-shaped
// record with unsorted keys at every level, escapes, non-ASCII text,
// integers (one beyond 2^53) and floats.
func loadBenchDoc(b *testing.B) []byte {
	b.Helper()
	doc, err := os.ReadFile("testdata/bench_1k.json")
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

func BenchmarkTransform(b *testing.B) {
	doc := loadBenchDoc(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Transform(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTransform_canonical(b *testing.B) {
	doc, err := Transform(loadBenchDoc(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Transform(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendTransform(b *testing.B) {
	doc := loadBenchDoc(b)
	var dst []byte
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if dst, err = AppendTransform(dst[:0], doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	var v any
	if err := json.Unmarshal(loadBenchDoc(b), &v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
