package scenario

import "github.com/decision-gate/dgw/host/internal/jsonstrict"

func decodeStrict(data []byte, v any) error { return jsonstrict.Decode(data, v) }
