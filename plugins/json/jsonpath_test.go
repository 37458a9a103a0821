package main

import (
	"errors"
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
)

const storeDoc = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Ames", "title": "First", "price": 8.95},
      {"category": "fiction", "author": "Brook", "title": "Second", "price": 12.99},
      {"category": "fiction", "author": "Cole", "title": "Third", "isbn": "0-1", "price": 8.99},
      {"category": "fiction", "author": "Dunn", "title": "Fourth", "isbn": "0-2", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10
}`

const mixedDoc = `["string", 42, {"key": "value"}, [0, 1]]`

const keysDoc = `[
  {"key": {"seq": 1, "subKey": "subKey1"}},
  {"key": {"seq": 2, "subKey": "subKey2"}},
  {"key": 42},
  {"some": "value"}
]`

const firstDoc = `{"foo": {"first": {"second": "value"}}, "foo2": {"first": {}}, "foo3": {}}`

func mustParse(t testing.TB, s string) *jsonv.Value {
	t.Helper()
	v, err := jsonv.Parse([]byte(s))
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}

// selected returns the matches as a JSON array.
func selected(t testing.TB, doc, path string) (string, error) {
	t.Helper()
	m, err := selectJSONPath(mustParse(t, doc), path)
	if err != nil {
		return "", err
	}
	return string(jsonv.Marshal(jsonv.ArrayValue(m))), nil
}

func TestSelectJSONPath(t *testing.T) {
	const b0 = `{"category":"reference","author":"Ames","title":"First","price":8.95}`
	const b1 = `{"category":"fiction","author":"Brook","title":"Second","price":12.99}`
	const b2 = `{"category":"fiction","author":"Cole","title":"Third","isbn":"0-1","price":8.99}`
	const b3 = `{"category":"fiction","author":"Dunn","title":"Fourth","isbn":"0-2","price":22.99}`
	const books = `[` + b0 + `,` + b1 + `,` + b2 + `,` + b3 + `]`
	tests := []struct {
		name, doc, path, want string
	}{
		{"root", `{"a":1}`, `$`, `[{"a":1}]`},
		{"child", storeDoc, `$.expensive`, `[10]`},
		{"nested child", storeDoc, `$.store.bicycle.color`, `["red"]`},
		{"bracket child", storeDoc, `$['store']['bicycle']['color']`, `["red"]`},
		{"double quoted child", storeDoc, `$["store"].bicycle["color"]`, `["red"]`},
		{"dot bracket", storeDoc, `$.store.bicycle.['color']`, `["red"]`},
		{"missing child", storeDoc, `$.nope`, `[]`},
		{"child of array is nothing", storeDoc, `$.store.book.author`, `[]`},
		{"wildcard on array", storeDoc, `$.store.book[*].author`, `["Ames","Brook","Cole","Dunn"]`},
		{"wildcard on object", storeDoc, `$.store.bicycle.*`, `["red",19.95]`},
		{"descendant key", storeDoc, `$..author`, `["Ames","Brook","Cole","Dunn"]`},
		{"descendant under child", storeDoc, `$.store..price`, `[8.95,12.99,8.99,22.99,19.95]`},
		{"store children", storeDoc, `$.store.*`, `[` + books + `,{"color":"red","price":19.95}]`},
		{"index", storeDoc, `$..book[2]`, `[` + b2 + `]`},
		{"negative index", storeDoc, `$..book[-2]`, `[` + b2 + `]`},
		{"negative index clamps to first", storeDoc, `$.store.book[-10].title`, `["First"]`},
		{"index past end", storeDoc, `$.store.book[4]`, `[]`},
		{"index with spaces", storeDoc, `$.store.book[ 1 ].title`, `["Second"]`},
		{"index on object applies to its arrays", `{"a":{"x":[1,2],"y":"s","z":[3]}}`, `$.a[0]`, `[1,3]`},
		{"union", storeDoc, `$..book[0, 1].title`, `["First","Second"]`},
		{"union clamps negative", `[1,2,3]`, `$[-9,1]`, `[1,2]`},
		{"key union", storeDoc, `$.store.bicycle['price','color']`, `[19.95,"red"]`},
		{"slice to", storeDoc, `$..book[:2].title`, `["First","Second"]`},
		{"slice from", storeDoc, `$..book[2:].title`, `["Third","Fourth"]`},
		{"slice all", `["a","b"]`, `$[ : ]`, `["a","b"]`},
		{"slice empty step", `["a","b","c","d","e"]`, `$[::]`, `["a","b","c","d","e"]`},
		{"slice step", `["a","b","c","d","e"]`, `$[::2]`, `["a","c","e"]`},
		{"slice from empty", `["a","b","c","d","e"]`, `$[1::]`, `["b","c","d","e"]`},
		{"slice from to", `["a","b","c","d","e"]`, `$[1:2:]`, `["b"]`},
		{"slice from step", `["a","b","c","d","e"]`, `$[1::2]`, `["b","d"]`},
		{"slice from to step", `["a","b","c","d","e"]`, `$[0:3:2]`, `["a","c"]`},
		{"slice negative from", `["a","b","c"]`, `$[-4:]`, `["a","b","c"]`},
		{"slice to past end", `["a","b","c"]`, `$[:4]`, `["a","b","c"]`},
		{"slice negative to", `["a","b","c"]`, `$[:-2]`, `["a"]`},
		{"slice reversed is empty", `["a","b","c"]`, `$[2:1]`, `[]`},
		{"wildcard on mixed", mixedDoc, `$.*`, mixedDoc},
		{"bracket wildcard on mixed", mixedDoc, `$[*]`, mixedDoc},
		{"all descendants", mixedDoc, `$..*`, `["string",42,{"key":"value"},[0,1],"value",0,1]`},
		{"all descendants bracket", mixedDoc, `$..[*]`, `["string",42,{"key":"value"},[0,1],"value",0,1]`},
		{"wildcard twice", mixedDoc, `$.*.*`, `["value",0,1]`},
		{"wildcard twice mixed", mixedDoc, `$[*].*`, `["value",0,1]`},
		{"wildcard twice brackets", mixedDoc, `$[*][*]`, `["value",0,1]`},
		{"escaped single quote", `{"single'quote":"value"}`, `$['single\'quote']`, `["value"]`},
		{"escaped double quote", `{"double\"quote":"value"}`, `$["double\"quote"]`, `["value"]`},
		{"dollar key", `{"$a":1}`, `$.$a`, `[1]`},
		{"numeric key", `{"01":{"a":2}}`, `$.01.a`, `[2]`},
		{"unicode key", `{"가":{"b":3}}`, `$.가.b`, `[3]`},
		{"trailing text ignored", `{"a":1}`, `$.a xyz`, `[1]`},

		// Filters.
		{"exists", storeDoc, `$..book[?(@.isbn)].title`, `["Third","Fourth"]`},
		{"less than", storeDoc, `$.store.book[?(@.price < 10)].title`, `["First","Third"]`},
		{"equal string", storeDoc, `$.store.book[?(@.category == 'reference')].title`, `["First"]`},
		{"not equal", storeDoc, `$.store.book[?(@.category != "fiction")].author`, `["Ames"]`},
		{"greater or equal", storeDoc, `$.store.book[?(@.price >= 12.99)].title`, `["Second","Fourth"]`},
		{"less or equal", storeDoc, `$.store.book[?(@.price <= 8.99)].title`, `["First","Third"]`},
		{"absolute operand", storeDoc, `$..book[?($.store.bicycle.price < @.price)].price`, `[22.99]`},
		{"absolute operand right", storeDoc, `$..book[?(@.price > $.expensive)].title`, `["Second","Fourth"]`},
		{"or and", storeDoc, `$..book[?( (@.price == 12.99 || @.category == 'reference') && @.price > 10)].price`, `[12.99]`},
		{"or keeps left then right", storeDoc, `$.store.book[?(@.price > 20 || @.price < 9)].title`, `["Fourth","First","Third"]`},
		{"and of exists", storeDoc, `$.store.book[?(@.isbn && @.price > 10)].title`, `["Fourth"]`},
		{"or with an empty side is empty", storeDoc, `$.store.book[?(@.price > 100 || @.price < 9)].title`, `[]`},
		{"filter on object itself", `{"a":1}`, `$.[?(@.a == 1)]`, `[{"a":1}]`},
		{"filter on object not equal", `{"a":1}`, `$.[?(@.a != 2)]`, `[{"a":1}]`},
		{"string less fails", `{"a":"b"}`, `$.[?(@.a < "b")]`, `[]`},
		{"string less or equal", `{"a":"b"}`, `$.[?(@.a <= "b")]`, `[{"a":"b"}]`},
		{"object equality", `{"a":{"1":1},"b":{"2":2},"c":{"1":1}}`, `$.[?(@.a == @.c)]`, `[{"a":{"1":1},"b":{"2":2},"c":{"1":1}}]`},
		{"object inequality", `{"a":{"1":1},"b":{"2":2},"c":{"1":1}}`, `$.[?(@.a != @.c)]`, `[]`},
		{"object ordering", `{"a":{"1":1},"c":{"1":1}}`, `$.[?(@.a < @.c)]`, `[]`},
		{"literal vs object", `{"a":{"b":1}}`, `$.[?(1 == @.a)]`, `[]`},
		{"literal vs literal mismatch", `{}`, `$[?("1" == 1)]`, `[]`},
		{"bare at on object", `{}`, `$[?(@ == 1)]`, `[]`},
		{"true filter keeps the value", `{"s":{"f":[1,2]}}`, `$.s.f[?(1==1)]`, `[[1,2]]`},
		{"false filter", `{"s":{"f":[1,2]}}`, `$.s.f[?(1==2)]`, `[]`},
		{"bool word", `[{"a":true},{"a":false}]`, `$[?(@.a == TRUE)]`, `[{"a":true}]`},
		{"any f word is false", `[{"a":true},{"a":false}]`, `$[?(@.a == fals)]`, `[{"a":false}]`},
		{"same object twice", `{"a":1,"b":{"a":1},"c":{"a":1}}`, `$..[?(@.a == 1)]`, `[{"a":1},{"a":1}]`},
		{"descendant filter", `[{"name":"x","age":40},{"name":"y","age":42}]`, `$..[?(@.age > 40)]`, `[{"name":"y","age":42}]`},
		{"nested path in filter", `{"a":{"b":{"c":1}}}`, `$.a[?(@.b.c == 1)]`, `[{"b":{"c":1}}]`},
		{"nested exists in filter", `{"a":{"b":{"c":1}}}`, `$.a[?(@.b.c)]`, `[{"b":{"c":1}}]`},
		{"parent paths", keysDoc, `$[?(@.key.subKey == 'subKey2')]`, `[{"key":{"seq":2,"subKey":"subKey2"}}]`},
		{"descendant nested exists", firstDoc, `$..[?(@.first.second)]`, `[{"first":{"second":"value"}}]`},
		{"bracket key in filter", `[{"key":0},{"key":42},{"key":42.0001},{"some":"v"}]`, `$[?(@['key']==42)]`, `[{"key":42}]`},
		{"bracket then dot in filter", keysDoc, `$[?(@['key'].subKey == 'subKey2')]`, `[{"key":{"seq":2,"subKey":"subKey2"}}]`},
		{"brackets in filter", keysDoc, `$[?(@['key']['subKey'] == 'subKey2')]`, `[{"key":{"seq":2,"subKey":"subKey2"}}]`},
		{"descendant then filter", keysDoc, `$..key[?(@['subKey'] == 'subKey2')]`, `[{"seq":2,"subKey":"subKey2"}]`},
		{"descendant objects filter", `[{"a":{"x":{"i":10}},"b":{"x":{"i":20,"j":5}}}]`, `$..x[?(@.i>10)]`, `[{"i":20,"j":5}]`},
		{"int and float compare numerically", `[{"v":1},{"v":1.0},{"v":2}]`, `$[?(@.v == 1)]`, `[{"v":1},{"v":1.0}]`},
		{"filter with negative number", `[{"v":-1},{"v":1}]`, `$[?(@.v < -0.5)]`, `[{"v":-1}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := selected(t, tc.doc, tc.path)
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			if !jsonv.Equal(mustParse(t, got), mustParse(t, tc.want)) {
				t.Errorf("%s\n got  %s\n want %s", tc.path, got, tc.want)
			}
			// Order matters, not only membership.
			if got != string(jsonv.Marshal(mustParse(t, tc.want))) {
				t.Errorf("%s: order differs\n got  %s\n want %s", tc.path, got, jsonv.Marshal(mustParse(t, tc.want)))
			}
		})
	}
}

func TestSelectJSONPath_invalid(t *testing.T) {
	for _, path := range []string{
		"", "a.b", " $.a", "$.", "$..", "$. a", "$[", "$[]", "$[a]", "$['a', b]", "$[0, >=]",
		"$[a:]", "$[:a]", "$[::a]", "$[:>]", "$[1:>]", "$[1,,]", "$[?]", "$[?(1 = 1)]",
		"$[?(1 = >)]", "$[?($.a)]x", "$[?(@.a > @.b]", "$..[", "$['unterminated", "$.items[",
		"$.items[*].id[", "$[invalid", "$[1.5]", "$[::-1]", "$[::0]", "$[?(@.a == null)]",
		"$[?(@.a == -inf)]", "$.a[1 2]", "$[?(a <= @.a)]", "$[0,'a']", "$.[ 0]",
	} {
		if _, err := selectJSONPath(mustParse(t, `{"a":[1,2]}`), path); !errors.Is(err, errJSONPath) {
			t.Errorf("%q: err = %v, want invalid jsonpath", path, err)
		}
	}
}

func FuzzSelectJSONPath(f *testing.F) {
	for _, p := range []string{"$.a", "$..b[?(@.c == 1 || @.d)]", "$[1:3:2]", "$['x','y']", "$..*", "$[?($.a[0] > @.b)]"} {
		f.Add(p)
	}
	doc := `{"a":[1,{"b":{"c":1}},[2,3]],"b":{"c":1,"d":[{"c":2}]},"x":"y"}`
	f.Fuzz(func(t *testing.T, path string) {
		v, err := jsonv.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		m, err := selectJSONPath(v, path)
		if err != nil && !errors.Is(err, errJSONPath) {
			t.Fatalf("%q: unexpected error %v", path, err)
		}
		_ = m
	})
}
