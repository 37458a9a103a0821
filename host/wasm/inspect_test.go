package wasm

import (
	"context"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
)

func TestInspect(t *testing.T) {
	noLeaks(t)
	ins, err := Inspect(context.Background(), guest(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ins.ABI != "pv1" || ins.Describe == nil || ins.Describe.ProviderID != "testguest" || len(ins.Describe.Checks) != 9 {
		t.Fatalf("inspection %+v", ins)
	}
	if got := strings.Join(ins.Capabilities, " "); got != "log/v1 env/v1/get fs/v1/read http/v1/fetch" {
		t.Fatalf("capabilities %s", got)
	}

	ins, err = Inspect(context.Background(), wat(t, "v2"), nil)
	if errcode.Of(err) != errcode.ABIMismatch || ins == nil || ins.ABI != "" || len(ins.Exports) == 0 {
		t.Fatalf("v2: %+v %v", ins, err)
	}
	if _, err := Inspect(context.Background(), []byte("nope"), nil); errcode.Of(err) != errcode.InvalidArgument {
		t.Fatalf("garbage: %v", err)
	}
	if _, err := Inspect(context.Background(), wat(t, "spin"), nil); err != nil {
		t.Fatalf("spin module describes fine: %v", err)
	}
}
