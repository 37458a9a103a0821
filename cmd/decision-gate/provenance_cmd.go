package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/driver"
)

// storeProvenance prints the governance provenance recorded with a run's
// decisions.
func storeProvenance(e *env, args []string) int {
	f := newStoreFlags(e, "provenance", "(--config FILE | --store-path FILE) --tenant-id N --namespace-id N --run-id ID [--decision-id ID] [--format json|text]", true)
	decision := f.fs.String("decision-id", "", "print only this decision's record")
	if code, done := parseFlags(f.fs, args); done {
		return code
	}
	key, err := f.key()
	if err != nil {
		return fail(e, "%v", err)
	}
	st, _, err := f.open(e)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer st.Close()
	run, err := st.Get(context.Background(), key, driver.Version(0))
	if err != nil {
		return fail(e, "get %s: %v", key, err)
	}
	records := run.Provenance
	if *decision != "" {
		p := run.ProvenanceFor(*decision)
		if p == nil {
			return fail(e, "run %s has no provenance for decision %q", key, *decision)
		}
		records = []scenario.Provenance{*p}
	}
	if *f.format == "json" {
		if records == nil {
			records = []scenario.Provenance{}
		}
		out, _ := json.MarshalIndent(records, "", "  ")
		fmt.Fprintln(e.stdout, string(out))
		return 0
	}
	if len(records) == 0 {
		fmt.Fprintf(e.stdout, "run %s: no provenance recorded\n", key)
		return 0
	}
	for _, p := range records {
		fmt.Fprintf(e.stdout, "%s\n  config_hash          %s\n  policy_version       %s\n  policy_hash          %s\n"+
			"  provider_set_hash    %s\n  evidence_set_hash    %s\n  provider_health_hash %s\n  host_version         %s\n",
			p.DecisionID, p.ConfigHash.Value, orDash(p.PolicyVersion), p.PolicyHash.Value, p.ProviderSetHash.Value,
			p.EvidenceSetHash.Value, p.ProviderHealthHash.Value, orDash(p.HostVersion))
		var degraded []string
		for _, d := range p.DegradedProviders {
			degraded = append(degraded, d.Provider+" ("+d.Code+")")
		}
		fmt.Fprintf(e.stdout, "  degraded             %s\n", orDash(strings.Join(degraded, ", ")))
	}
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
