package scenario

import (
	"errors"

	"github.com/decision-gate/dgw/host/internal/jsonstrict"
)

// ParseSpec decodes a spec from untrusted JSON and validates its structure.
// A decode failure names the JSON path; a structural failure is a
// [*ValidationError].
func ParseSpec(data []byte) (*Spec, error) {
	s, err := DecodeSpec(data)
	if err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// DecodeSpec decodes a spec without structural validation.
func DecodeSpec(data []byte) (*Spec, error) {
	var s Spec
	if err := jsonstrict.Decode(data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Check decodes and validates a spec and returns every problem: a decode
// failure (one problem at its JSON path), or all structural problems, plus
// the lint warnings of a decodable spec.
func Check(data []byte) (spec *Spec, problems, warnings []Problem) {
	s, err := DecodeSpec(data)
	if err != nil {
		var je *jsonstrict.Error
		if errors.As(err, &je) {
			return nil, []Problem{{Path: je.Path, Msg: je.Msg}}, nil
		}
		return nil, []Problem{{Path: "$", Msg: err.Error()}}, nil
	}
	var ve *ValidationError
	if err := s.Validate(); errors.As(err, &ve) {
		problems = ve.Problems
	}
	return s, problems, s.Lint()
}

// DecodeRunState decodes run state from untrusted JSON.
func DecodeRunState(data []byte) (*RunState, error) {
	var st RunState
	if err := jsonstrict.Decode(data, &st); err != nil {
		return nil, err
	}
	return &st, nil
}
