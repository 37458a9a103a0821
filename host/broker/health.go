package broker

// Health is a provider's state for status pages and provenance.
type Health struct {
	Provider          string `json:"provider"`
	Transport         string `json:"transport"` // "stdio" or "http"
	Protocol          string `json:"protocol"`
	Optional          bool   `json:"optional"`
	PreflightRequired bool   `json:"preflight_required"`
	// Admitted is false when preflight is required and no passing report
	// for the current config exists; queries then fail with
	// provider_unavailable.
	Admitted bool  `json:"admitted"`
	Breaker  State `json:"breaker"`
	// Egress is "enforced" for HTTP backends and "unenforced" for stdio
	// children, whose network the host cannot limit.
	Egress   string `json:"egress"`
	InFlight int    `json:"in_flight"`
	Queued   int    `json:"queued"`
	// LastPreflight is the most recent report (nil before the first); do
	// not modify it.
	LastPreflight   *PreflightReport `json:"last_preflight,omitempty"`
	LastPreflightID string           `json:"last_preflight_id,omitempty"`
}

// Health returns the provider's current state.
func (p *Provider) Health() Health {
	h := Health{
		Provider:          p.name,
		Transport:         "http",
		Protocol:          p.cfg.Protocol,
		Optional:          p.cfg.Optional,
		PreflightRequired: p.required,
		Admitted:          p.Admitted(),
		Breaker:           p.breaker.State(),
		Egress:            "enforced",
	}
	if p.stdio {
		h.Transport, h.Egress = "stdio", "unenforced"
	}
	h.InFlight, h.Queued = p.limiter.load()
	if r := p.LastPreflight(); r != nil {
		h.LastPreflight, h.LastPreflightID = r, r.ID
	}
	return h
}

// Admitted reports whether the provider may serve queries: always when
// preflight is not required; otherwise only when the most recent
// preflight passed and was made for the current config hash (design
// broker.md §4.3.5).
func (p *Provider) Admitted() bool {
	if !p.required {
		return true
	}
	r := p.LastPreflight()
	return r != nil && r.OK && r.ConfigHash == p.configHash
}

// LastPreflight returns the most recent recorded report, or nil.
func (p *Provider) LastPreflight() *PreflightReport {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// RecordPreflight makes r the most recent report, unless a report checked
// later is already recorded. [Provider.Preflight] records its own report;
// a server that persists reports calls it with the stored one at start-up.
// Admission follows the recorded report: a report made for another config
// hash never admits.
func (p *Provider) RecordPreflight(r *PreflightReport) {
	if r == nil {
		return
	}
	before := p.Admitted()
	p.mu.Lock()
	if p.last == nil || !r.CheckedAt.Before(p.last.CheckedAt) {
		p.last = r
	}
	p.mu.Unlock()
	if after := p.Admitted(); after != before {
		if after {
			p.log.Info("provider admitted", "provider_id", p.name, "report_id", r.ID)
		} else {
			p.log.Warn("provider unavailable", "provider_id", p.name, "report_id", r.ID)
		}
	}
}
