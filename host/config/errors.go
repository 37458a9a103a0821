package config

import "fmt"

// FieldError is one validation problem with one key. Key is the full key
// path with array indexes ("providers[2].timeouts.request_timeout_ms").
type FieldError struct {
	Key string
	Msg string
}

// Error returns "key: msg".
func (e *FieldError) Error() string {
	if e.Key == "" {
		return e.Msg
	}
	return e.Key + ": " + e.Msg
}

// UnknownKeyError reports a key the schema does not know, most often a
// typo. Key is the full key path with array indexes.
type UnknownKeyError struct {
	Key string
}

// Error returns "unknown key: key".
func (e *UnknownKeyError) Error() string { return "unknown key: " + e.Key }

// problems collects validation errors in the order they are found.
type problems []error

// add records msg (formatted with args) against key.
func (ps *problems) add(key, format string, args ...any) {
	*ps = append(*ps, &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// join returns key and sub joined with a dot; either may be empty.
func join(key, sub string) string {
	switch {
	case key == "":
		return sub
	case sub == "":
		return key
	}
	return key + "." + sub
}

// index returns key[i].
func index(key string, i int) string { return fmt.Sprintf("%s[%d]", key, i) }
