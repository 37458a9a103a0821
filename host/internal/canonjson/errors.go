package canonjson

import (
	"errors"
	"strconv"
)

// Sentinel errors classify every failure of [Transform]. Match them with
// [errors.Is]; the concrete error is an [*Error] that also names the byte
// offset in the input document.
var (
	// ErrSyntax reports input that is not a single RFC 8259 JSON value:
	// bad tokens, trailing data, invalid escapes, lone surrogates, raw
	// control characters or invalid UTF-8 inside strings.
	ErrSyntax = errors.New("canonjson: syntax error")

	// ErrDuplicateKey reports an object that names the same key twice
	// (after escapes are decoded).
	ErrDuplicateKey = errors.New("canonjson: duplicate object key")

	// ErrNumberRange reports a number literal whose value overflows
	// float64 to ±Inf. Such a value has no canonical form.
	ErrNumberRange = errors.New("canonjson: number out of range")

	// ErrTooDeep reports arrays and objects nested more than [MaxDepth]
	// levels deep.
	ErrTooDeep = errors.New("canonjson: nesting too deep")
)

// MaxDepth is the deepest nesting of arrays and objects that [Transform]
// accepts. A top-level scalar has depth 0 and "[[]]" has depth 2.
const MaxDepth = 512

// Error describes why a document could not be canonicalised and where.
// Its message reads like "canonjson: invalid character 'x' in literal at
// offset 7"; Unwrap returns one of the sentinel errors above.
type Error struct {
	// Offset is the zero-based byte offset in the input document at which
	// the problem was detected.
	Offset int
	// Reason is a short lower-case description without the package prefix.
	Reason string
	// Kind is ErrSyntax, ErrDuplicateKey, ErrNumberRange or ErrTooDeep.
	Kind error
}

// Error implements the error interface.
func (e *Error) Error() string {
	return "canonjson: " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns the sentinel kind so that errors.Is(err, ErrSyntax) and
// friends work.
func (e *Error) Unwrap() error { return e.Kind }

// syntaxErr builds an ErrSyntax error at off.
func syntaxErr(off int, reason string) error {
	return &Error{Offset: off, Reason: reason, Kind: ErrSyntax}
}

// unexpected reports the byte at off (or the end of input) as unexpected
// while looking for what.
func unexpected(doc []byte, off int, what string) error {
	if off >= len(doc) {
		return syntaxErr(off, "unexpected end of input, expected "+what)
	}
	return syntaxErr(off, "invalid character "+quoteByte(doc[off])+", expected "+what)
}

// quoteByte renders b for an error message: printable ASCII in single
// quotes, everything else as a hex escape.
func quoteByte(b byte) string {
	if b >= 0x20 && b < 0x7f {
		if b == '\'' {
			return `'\''`
		}
		return "'" + string(rune(b)) + "'"
	}
	const hex = "0123456789abcdef"
	return "byte 0x" + string([]byte{hex[b>>4], hex[b&0xf]})
}
