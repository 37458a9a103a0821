package evidence

import "errors"

// CodedError is a provider failure that names the evidence error code it
// is recorded under (for example "timeout" or "circuit_open") instead of
// the generic "provider_error". The status is Unknown either way.
type CodedError interface {
	error
	EvidenceCode() string
}

// ErrorCode returns the evidence error code of a failed query: the code of
// the first [CodedError] in err's chain, or "provider_error".
func ErrorCode(err error) string {
	var ce CodedError
	if errors.As(err, &ce) {
		if c := ce.EvidenceCode(); c != "" {
			return c
		}
	}
	return "provider_error"
}
