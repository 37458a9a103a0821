package policy_test

import (
	"context"
	"fmt"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/policy"
	"github.com/decision-gate/dgw/host/scenario"
)

func ExampleNewStatic() {
	st, err := policy.NewStatic(policy.Static{
		Default: policy.EffectDeny,
		Rules: []policy.Rule{
			{Effect: policy.EffectError, ErrorMessage: "audit channel offline", TargetKinds: []string{policy.TargetChannel}},
			{Effect: policy.EffectPermit, TargetKinds: []string{policy.TargetAgent}, ForbidLabels: []string{"secret"}},
		},
	})
	if err != nil {
		panic(err)
	}
	ask := func(t scenario.DispatchTarget, labels ...string) {
		env := &scenario.PacketEnvelope{Visibility: scenario.Visibility{Labels: labels}}
		ok, err := st.Authorize(context.Background(), engine.DispatchRequest{Envelope: env, Target: t})
		if err != nil {
			fmt.Println(t.Kind, labels, "error:", errcode.Message(err))
			return
		}
		fmt.Println(t.Kind, labels, ok)
	}
	ask(scenario.DispatchTarget{Kind: "agent", AgentID: "a1"}, "public")
	ask(scenario.DispatchTarget{Kind: "agent", AgentID: "a1"}, "secret")
	ask(scenario.DispatchTarget{Kind: "channel", Channel: "ops"})
	ask(scenario.DispatchTarget{Kind: "session", SessionID: "s1"})
	// Output:
	// agent [public] true
	// agent [secret] false
	// channel [] error: audit channel offline
	// session [] false
}
