package plugintest

import "testing"

// The self-test vectors of the reference's canonical hashing (spec §4.3).
func TestCanonical_vectors(t *testing.T) {
	tests := []struct{ in, canon, hash string }{
		{"true", "true", "b5bea41b6c623f7c09f1bf24dcae58ebab3c0cdd90ad966bc43a45b44867e12b"},
		{`{ "hello" : "world" }`, `{"hello":"world"}`, "93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588"},
		{"[ ]", "[]", "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"},
	}
	for _, tc := range tests {
		c, err := Canonical([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if string(c) != tc.canon || SHA256Hex(c) != tc.hash {
			t.Errorf("%s: canonical %s hash %s", tc.in, c, SHA256Hex(c))
		}
	}
}

func TestCanonical_order(t *testing.T) {
	// Keys sort by UTF-16 code units: U+FB01 sorts after U+1F600's surrogates.
	c, err := Canonical([]byte(`{"b":1,"a":{"y":[1.0,2],"x":"<&>"},"\ufb01":0,"\ud83d\ude00":0,"A":-1}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "{\"A\":-1,\"a\":{\"x\":\"<&>\",\"y\":[1,2]},\"b\":1,\"\U0001F600\":0,\"\uFB01\":0}"
	if string(c) != want {
		t.Errorf("canonical = %s\nwant        %s", c, want)
	}
}

func TestSameJSON(t *testing.T) {
	if !SameJSON([]byte(`{"a":"\u003c"}`), []byte(`{"a":"<"}`)) {
		t.Error("escapes differ only")
	}
	if SameJSON([]byte(`1`), []byte(`1.0`)) {
		t.Error("int and float are different values")
	}
}
