package broker

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
)

// Clock tells the time. The breaker measures open_ms with it and preflight
// reports are stamped with it; tests pass a fake.
type Clock interface {
	Now() time.Time
}

// systemClock is the wall clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Resolver resolves a host name for the preflight egress step;
// *net.Resolver implements it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Transition is one change of a breaker's state.
type Transition struct {
	Provider string
	From, To State
	At       time.Time
}

// Options are the optional inputs of [New] and [NewProvider]. A nil
// *Options, and every zero field, means the default.
type Options struct {
	// Logger receives lifecycle, breaker and degraded-call logs; nil
	// discards.
	Logger *slog.Logger
	// Clock drives the breaker and stamps reports; nil is the wall clock.
	Clock Clock
	// Getenv reads the host environment (required_env, env_passthrough,
	// inherit_env, auth.bearer_token_env); nil is os.LookupEnv.
	Getenv func(string) (string, bool)
	// Dial creates a backend client; nil is mcpclient.New. It is called
	// only after the required environment and the command_sha256 pin have
	// been checked. A stdio backend is dialled again after every failed
	// call, and its pinned executable is re-checked before every call, so
	// no child is started from a changed file.
	Dial func(mcpclient.Options) (Backend, error)
	// Resolver resolves HTTP backend hosts in the preflight egress step;
	// nil is net.DefaultResolver.
	Resolver Resolver
	// ConfigHash is the hash of the current effective config. Preflight
	// reports carry it, and a provider whose preflight is required is
	// admitted only by a passing report with the same hash.
	ConfigHash string
	// OnTransition, when set, is called after every breaker transition
	// (each is also logged). It must not block.
	OnTransition func(Transition)
	// SkipStartupPreflight makes [New] build the providers without running
	// preflight even when external_mcp.preflight_on_start is set, as the
	// "provider preflight" command does before preflighting one provider.
	SkipStartupPreflight bool
}

func (o *Options) logger() *slog.Logger {
	if o == nil || o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o *Options) clock() Clock {
	if o == nil || o.Clock == nil {
		return systemClock{}
	}
	return o.Clock
}

func (o *Options) getenv() func(string) (string, bool) {
	if o == nil || o.Getenv == nil {
		return os.LookupEnv
	}
	return o.Getenv
}

func (o *Options) dial() func(mcpclient.Options) (Backend, error) {
	if o == nil || o.Dial == nil {
		return dialClient
	}
	return o.Dial
}

func (o *Options) resolver() Resolver {
	if o == nil || o.Resolver == nil {
		return net.DefaultResolver
	}
	return o.Resolver
}

func (o *Options) configHash() string {
	if o == nil {
		return ""
	}
	return o.ConfigHash
}

func (o *Options) onTransition() func(Transition) {
	if o == nil {
		return nil
	}
	return o.OnTransition
}
