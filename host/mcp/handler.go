package mcp

// Handler answers reference-dialect JSON-RPC requests: tools/list,
// tools/call, resources/list and resources/read. Transports (HTTP, SSE,
// stdio) apply their limits and hand it request bodies.
type Handler struct {
	svc    *Service
	auth   AuthOptions
	onAuth func(AuthDecision)
}

// NewHandler returns a handler over a service. onAuth, when set, is called
// for every authorisation decision (the mcp_tool_authz log).
func NewHandler(svc *Service, auth AuthOptions, onAuth func(AuthDecision)) *Handler {
	return &Handler{svc: svc, auth: auth, onAuth: onAuth}
}

// Service returns the tool service.
func (h *Handler) Service() *Service { return h.svc }
