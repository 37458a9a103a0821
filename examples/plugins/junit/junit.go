package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// junitCounts are the totals of a JUnit report. failures and errors count
// test cases, each test case once (error wins over failure wins over
// skipped).
type junitCounts struct {
	total, failures, errors, skipped int
}

func (n junitCounts) failed() int { return n.failures + n.errors }
func (n junitCounts) passed() int { return n.total - n.failed() - n.skipped }

// maxSuiteCount bounds a single count attribute: larger numbers are not a
// test report but an attempt to overflow the sums.
const maxSuiteCount = 1 << 40

// frame is one open element while walking the report.
type frame struct {
	kind     int // kindSuite, kindCase or kindOther
	attrs    []xml.Attr
	hasCases bool // a suite with <testcase> children
	hasSuite bool // a suite with <testsuite> children
	outcome  int  // of a test case: outcomePassed … outcomeError
}

const (
	kindOther = iota
	kindSuite
	kindCase
)

const (
	outcomePassed = iota
	outcomeSkipped
	outcomeFailure
	outcomeError
)

// parseJUnit reads a JUnit XML report whose root is <testsuites> or
// <testsuite> (suites may nest). Test cases are counted from <testcase>
// elements that are direct children of a suite; a suite with neither test
// cases nor child suites contributes its tests, failures, errors and
// skipped attributes instead (aggregated reports). The document must be
// well formed up to the end of the root element, so a report cut short by
// a crashed test run is refused.
func parseJUnit(data []byte) (junitCounts, error) {
	var n junitCounts
	dec := newXMLDecoder(data)
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) == 0 {
				return n, errors.New("no root element")
			}
			return n, errors.New("unexpected end of file inside <" + elementName(stack[len(stack)-1]) + ">")
		}
		if err != nil {
			return n, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if len(stack) == 0 {
				if name != "testsuites" && name != "testsuite" {
					return n, fmt.Errorf("root element is <%s>, want <testsuites> or <testsuite>", name)
				}
				stack = append(stack, &frame{kind: kindSuite, attrs: t.Attr})
				continue
			}
			parent := stack[len(stack)-1]
			f := &frame{kind: kindOther}
			switch {
			case parent.kind == kindSuite && name == "testsuite":
				f.kind, f.attrs = kindSuite, t.Attr
				parent.hasSuite = true
			case parent.kind == kindSuite && name == "testcase":
				f.kind = kindCase
				parent.hasCases = true
			case parent.kind == kindCase && name == "error":
				parent.outcome = max(parent.outcome, outcomeError)
			case parent.kind == kindCase && name == "failure":
				parent.outcome = max(parent.outcome, outcomeFailure)
			case parent.kind == kindCase && name == "skipped":
				parent.outcome = max(parent.outcome, outcomeSkipped)
			}
			stack = append(stack, f)
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch f.kind {
			case kindCase:
				n.total++
				switch f.outcome {
				case outcomeError:
					n.errors++
				case outcomeFailure:
					n.failures++
				case outcomeSkipped:
					n.skipped++
				}
			case kindSuite:
				if !f.hasCases && !f.hasSuite {
					s, err := suiteAttributes(f.attrs)
					if err != nil {
						return n, err
					}
					n.total += s.total
					n.failures += s.failures
					n.errors += s.errors
					n.skipped += s.skipped
					if n.total > maxSuiteCount {
						return n, errors.New("test counts are implausibly large")
					}
				}
			}
			if len(stack) == 0 {
				return n, nil // the root is closed; trailing content is not read
			}
		}
	}
}

func elementName(f *frame) string {
	switch f.kind {
	case kindSuite:
		return "testsuite"
	case kindCase:
		return "testcase"
	}
	return "element"
}

// suiteAttributes reads the counts a suite declares. Absent attributes are
// zero; a present one must be a non-negative integer, and failures, errors
// and skipped together cannot exceed tests.
func suiteAttributes(attrs []xml.Attr) (junitCounts, error) {
	var s junitCounts
	for _, a := range attrs {
		var dst *int
		switch a.Name.Local {
		case "tests":
			dst = &s.total
		case "failures":
			dst = &s.failures
		case "errors":
			dst = &s.errors
		case "skipped":
			dst = &s.skipped
		default:
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(a.Value), 10, 64)
		if err != nil || v < 0 || v > maxSuiteCount {
			return s, fmt.Errorf("testsuite attribute %s=%q is not a non-negative integer", a.Name.Local, a.Value)
		}
		*dst = int(v)
	}
	if s.failures+s.errors+s.skipped > s.total {
		return s, fmt.Errorf("testsuite declares %d failures, %d errors and %d skipped out of %d tests", s.failures, s.errors, s.skipped, s.total)
	}
	return s, nil
}

// newXMLDecoder returns a strict decoder over data that accepts UTF-8 (with
// or without a byte-order mark), US-ASCII and ISO-8859-1 documents and
// HTML's named entities. It never fetches external entities or DTDs:
// encoding/xml does not.
func newXMLDecoder(data []byte) *xml.Decoder {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity // &nbsp; and friends appear in some failure messages
	dec.CharsetReader = func(charset string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		case "iso-8859-1", "latin1", "latin-1":
			return latin1ToUTF8(in)
		}
		return nil, fmt.Errorf("unsupported encoding %q (use UTF-8)", charset)
	}
	return dec
}

// latin1ToUTF8 converts the rest of an ISO-8859-1 document to UTF-8.
func latin1ToUTF8(in io.Reader) (io.Reader, error) {
	raw, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(raw)+len(raw)/8)
	for _, b := range raw {
		out = utf8.AppendRune(out, rune(b))
	}
	return bytes.NewReader(out), nil
}
