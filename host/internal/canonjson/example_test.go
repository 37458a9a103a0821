package canonjson_test

import (
	"fmt"

	"github.com/decision-gate/dgw/host/internal/canonjson"
)

func ExampleTransform() {
	doc := []byte(`{
		"value": 1.0,
		"big": 18446744073709551615,
		"ratio": 1e-7,
		"name": "caf\u00e9 <&>",
		"empty": {}
	}`)
	canon, err := canonjson.Transform(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(canon))
	// Output:
	// {"big":18446744073709551615,"empty":{},"name":"café <&>","ratio":1e-7,"value":1}
}

func ExampleTransform_error() {
	_, err := canonjson.Transform([]byte(`{"a":1,"a":2}`))
	fmt.Println(err)
	// Output:
	// canonjson: duplicate key "a" at offset 7
}

func ExampleMarshal() {
	type packet struct {
		PacketID string   `json:"packet_id"`
		Labels   []string `json:"labels"`
		Score    float64  `json:"score"`
	}
	canon, err := canonjson.Marshal(packet{PacketID: "p-1", Labels: []string{"a&b"}, Score: 92.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(canon))
	// Output:
	// {"labels":["a&b"],"packet_id":"p-1","score":92.5}
}

func ExampleSHA256() {
	digest, err := canonjson.SHA256(map[string]string{"hello": "world"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(digest)
	// Output:
	// 93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588
}

func ExampleAppendTransform() {
	var buf []byte
	for _, doc := range []string{`[1.50, "x"]`, `{"b":true,"a":null}`} {
		var err error
		buf, err = canonjson.AppendTransform(buf[:0], []byte(doc))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(string(buf))
	}
	// Output:
	// [1.5,"x"]
	// {"a":null,"b":true}
}
