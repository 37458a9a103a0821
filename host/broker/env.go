package broker

import (
	"maps"
	"slices"
	"strings"

	"github.com/decision-gate/dgw/host/config"
)

// Env hygiene (design broker.md §4.3.2). Names may appear in errors, logs
// and reports; values never do.

// checkRequiredEnv reports every required_env name that is unset or empty
// in the host environment, as "required_env_missing:<NAME>".
func checkRequiredEnv(p *config.Provider, getenv func(string) (string, bool)) *problem {
	var missing []string
	for _, name := range p.RequiredEnv {
		if v, ok := getenv(name); !ok || v == "" {
			missing = append(missing, "required_env_missing:"+name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &problem{code: "required_env_missing", key: "required_env", msg: strings.Join(missing, "; ")}
}

// childEnv returns the complete environment of a stdio child, sorted by
// name: inherit_env ∪ env_passthrough ∪ required_env read from the host
// (names the host does not set are left out), then the literal env table,
// which wins over a host value of the same name. Nothing else is
// inherited. It fails like [checkRequiredEnv].
func childEnv(p *config.Provider, em *config.ExternalMCP, getenv func(string) (string, bool)) ([]string, *problem) {
	if pr := checkRequiredEnv(p, getenv); pr != nil {
		return nil, pr
	}
	vars := make(map[string]string)
	for _, list := range [][]string{em.InheritEnv, p.EnvPassthrough, p.RequiredEnv} {
		for _, name := range list {
			if v, ok := getenv(name); ok {
				vars[name] = v
			}
		}
	}
	maps.Copy(vars, p.MCP.Env)
	env := make([]string, 0, len(vars))
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		env = append(env, name+"="+vars[name])
	}
	return env, nil
}

// bearerToken returns the HTTP bearer token: auth.bearer_token, or the
// value of the variable auth.bearer_token_env names, which must be set and
// non-empty. No auth table means no token.
func bearerToken(p *config.Provider, getenv func(string) (string, bool)) (string, *problem) {
	a := p.Auth
	if a == nil {
		return "", nil
	}
	if a.BearerTokenEnv == "" {
		return a.BearerToken.Reveal(), nil
	}
	v, ok := getenv(a.BearerTokenEnv)
	if !ok || v == "" {
		return "", newProblem("bearer_token_missing", "auth.bearer_token_env", "%s is unset or empty", a.BearerTokenEnv)
	}
	return v, nil
}

// secretValues returns the values that must never appear in a report or a
// log line: the bearer token and the required_env values.
func secretValues(p *config.Provider, getenv func(string) (string, bool)) []string {
	var out []string
	if tok, _ := bearerToken(p, getenv); tok != "" {
		out = append(out, tok)
	}
	for _, name := range p.RequiredEnv {
		if v, ok := getenv(name); ok && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// redact replaces every occurrence of a secret value in s.
func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 { // shorter values would mangle ordinary text
			s = strings.ReplaceAll(s, v, "[REDACTED]")
		}
	}
	return s
}
