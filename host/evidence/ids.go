package evidence

import (
	"fmt"
	"strconv"
)

// TenantID identifies a tenant. It is a u64 of at least 1; 0 fails to parse.
type TenantID uint64

// NamespaceID identifies a namespace inside a tenant. It is a u64 of at
// least 1; 0 fails to parse.
type NamespaceID uint64

// UnmarshalJSON rejects 0 and non-integers.
func (id *TenantID) UnmarshalJSON(data []byte) error {
	v, err := parseNonZero(data, "tenant_id")
	*id = TenantID(v)
	return err
}

// UnmarshalJSON rejects 0 and non-integers.
func (id *NamespaceID) UnmarshalJSON(data []byte) error {
	v, err := parseNonZero(data, "namespace_id")
	*id = NamespaceID(v)
	return err
}

func parseNonZero(data []byte, name string) (uint64, error) {
	v, err := strconv.ParseUint(string(data), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s must be an integer of at least 1, got %s", name, truncate(data, 40))
	}
	if v == 0 {
		return 0, fmt.Errorf("%s must be at least 1", name)
	}
	return v, nil
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}
