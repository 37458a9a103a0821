package broker

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
)

const secretValue = "s3cr3t-value-never-printed"

func TestChildEnv_exact(t *testing.T) {
	entry := stdioEntry(t, "template")
	entry.EnvPassthrough = []string{"LANG", "UNSET_PASSTHROUGH"}
	entry.RequiredEnv = []string{"LICENSE_KEY"}
	entry.MCP.Env = map[string]string{"MODE": "ci", "LANG": "C"}
	h := newHarness(t, entry, testEM(), nil)
	h.env = map[string]string{
		"PATH":        "/usr/bin:/bin",
		"HOME":        "/root",
		"LANG":        "en_US.UTF-8",
		"LICENSE_KEY": secretValue,
		"AWS_SECRET":  "not-for-children",
	}
	if _, err := h.query(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := h.dial.last().Env
	want := []string{"LANG=C", "LICENSE_KEY=" + secretValue, "MODE=ci", "PATH=/usr/bin:/bin"}
	if !slices.Equal(got, want) {
		t.Fatalf("child env\n got %q\nwant %q", got, want)
	}
	if cmd := h.dial.last().Command; cmd[0] != entry.Command[0] || !slices.Equal(cmd[1:], []string{"--flag"}) {
		t.Fatalf("command %q", cmd)
	}
}

func TestRequiredEnv_missingOrEmpty(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"missing", map[string]string{"OTHER_TOKEN": secretValue}, "required_env_missing:DEPLOYS_TOKEN"},
		{"empty", map[string]string{"DEPLOYS_TOKEN": "", "OTHER_TOKEN": secretValue}, "required_env_missing:DEPLOYS_TOKEN"},
	} {
		for _, transport := range []string{"stdio", "http"} {
			t.Run(tc.name+"/"+transport, func(t *testing.T) {
				entry := stdioEntry(t, "template")
				if transport == "http" {
					entry = httpEntry(t, "template")
				}
				entry.RequiredEnv = []string{"OTHER_TOKEN", "DEPLOYS_TOKEN"}
				h := newHarness(t, entry, testEM(), nil)
				h.env = tc.env

				_, err := h.query(t.Context())
				if code(err) != CodeProviderUnavailable || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("query error %v, want provider_unavailable naming %s", err, tc.want)
				}
				if strings.Contains(err.Error(), secretValue) {
					t.Fatal("the error holds an environment value")
				}
				if h.dial.count() != 0 {
					t.Fatal("dialled although required_env is missing")
				}

				r := h.p.Preflight(t.Context())
				f := r.Failed()
				if f == nil || f.Step != StepEnv || f.Code != "required_env_missing" || !strings.Contains(f.Message, tc.want) {
					t.Fatalf("failed step %+v, want env / required_env_missing naming the variable", f)
				}
				doc, _ := json.Marshal(r)
				if strings.Contains(string(doc), secretValue) {
					t.Fatalf("the report holds an environment value: %s", doc)
				}
			})
		}
	}
}

func TestBearerToken(t *testing.T) {
	t.Run("from env", func(t *testing.T) {
		entry := httpEntry(t, "template")
		entry.Auth = &config.ProviderAuth{BearerTokenEnv: "DEPLOYS_TOKEN"}
		h := newHarness(t, entry, testEM(), nil)
		h.env["DEPLOYS_TOKEN"] = secretValue
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := h.dial.last().BearerToken; got != secretValue {
			t.Fatalf("bearer token %q", got)
		}
		if h.dial.last().Egress == nil {
			t.Fatal("HTTP backend dialled without an egress policy")
		}
	})
	t.Run("literal", func(t *testing.T) {
		entry := httpEntry(t, "template")
		entry.Auth = &config.ProviderAuth{BearerToken: config.NewSecret(secretValue)}
		h := newHarness(t, entry, testEM(), nil)
		if _, err := h.query(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := h.dial.last().BearerToken; got != secretValue {
			t.Fatalf("bearer token %q", got)
		}
	})
	t.Run("empty env", func(t *testing.T) {
		entry := httpEntry(t, "template")
		entry.Auth = &config.ProviderAuth{BearerTokenEnv: "DEPLOYS_TOKEN"}
		h := newHarness(t, entry, testEM(), nil)
		h.env["DEPLOYS_TOKEN"] = ""
		r := h.p.Preflight(t.Context())
		f := r.Failed()
		if f == nil || f.Step != StepEnv || f.Code != "bearer_token_missing" || !strings.Contains(f.Message, "DEPLOYS_TOKEN") {
			t.Fatalf("failed step %+v", f)
		}
		if _, err := h.query(t.Context()); code(err) != CodeProviderUnavailable || h.dial.count() != 0 {
			t.Fatalf("query with an empty token: %v (dials %d)", err, h.dial.count())
		}
	})
}
