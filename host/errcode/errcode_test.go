package errcode

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestOf(t *testing.T) {
	base := New(NotFound, "run not found: %s", "r1")
	cases := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"plain", errors.New("x"), Internal},
		{"coded", base, NotFound},
		{"wrapped fmt", fmt.Errorf("outer: %w", base), NotFound},
		{"wrap keeps code", Wrap(Internal, "engine: trigger", base), NotFound},
		{"wrap codes plain", Wrap(Unavailable, "store", errors.New("down")), Unavailable},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), DeadlineExceeded},
		{"canceled", context.Canceled, Canceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Of(tc.err); got != tc.want {
				t.Fatalf("Of = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	err := Wrap(Internal, "engine: trigger", Wrap(Internal, "store", New(NotFound, "run not found: r1")))
	if got := Message(err); got != "run not found: r1" {
		t.Fatalf("Message = %q", got)
	}
	if got := err.Error(); got != "engine: trigger: store: run not found: r1" {
		t.Fatalf("Error = %q", got)
	}
	if Wrap(Internal, "x", nil) != nil {
		t.Fatal("Wrap(nil) must be nil")
	}
}
