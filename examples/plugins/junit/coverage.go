package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// coverage is line coverage in hundredths of a percent (8735 = 87.35%),
// always rounded down.
type coverage struct{ hundredths int64 }

// errNoLines marks a well-formed report that covers no lines, so its
// percentage is undefined.
var errNoLines = errors.New("the report covers no lines")

// maxLines bounds line counts: no real project has more lines than this,
// and the bound keeps the arithmetic far from overflow.
const maxLines = 1 << 40

// ratio returns covered/valid as a coverage.
func ratio(covered, valid int64) (coverage, error) {
	switch {
	case valid == 0:
		return coverage{}, errNoLines
	case covered < 0 || valid < 0 || covered > valid || valid > maxLines:
		return coverage{}, fmt.Errorf("%d of %d lines covered is not a valid count", covered, valid)
	}
	return coverage{hundredths: covered * 10000 / valid}, nil
}

// percentJSON renders the percentage as an exact JSON number with at most
// two decimals and no trailing zeros: 87.35, 87.3, 100.
func (c coverage) percentJSON() json.RawMessage {
	s := strconv.FormatInt(c.hundredths/100, 10)
	if frac := c.hundredths % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return json.RawMessage(s)
}

// parseCobertura reads the root <coverage> element of a Cobertura XML
// report. When it carries lines-covered and lines-valid the percentage is
// computed from those integers; otherwise from line-rate (a decimal
// fraction between 0 and 1, read exactly). The document must be well formed
// up to the end of the root element.
func parseCobertura(data []byte) (coverage, error) {
	dec := newXMLDecoder(data)
	var root *xml.StartElement
	depth := 0
	for root == nil || depth > 0 {
		tok, err := dec.Token()
		if err == io.EOF {
			if root == nil {
				return coverage{}, errors.New("no root element")
			}
			return coverage{}, errors.New("unexpected end of file inside <coverage>")
		}
		if err != nil {
			return coverage{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == nil {
				if t.Name.Local != "coverage" {
					return coverage{}, fmt.Errorf("root element is <%s>, want <coverage>", t.Name.Local)
				}
				root = &t
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	attr := map[string]string{}
	for _, a := range root.Attr {
		attr[a.Name.Local] = strings.TrimSpace(a.Value)
	}
	covered, hasCovered := attr["lines-covered"]
	valid, hasValid := attr["lines-valid"]
	if hasCovered && hasValid {
		c, err1 := strconv.ParseInt(covered, 10, 64)
		v, err2 := strconv.ParseInt(valid, 10, 64)
		if err1 != nil || err2 != nil {
			return coverage{}, fmt.Errorf("lines-covered=%q and lines-valid=%q must be integers", covered, valid)
		}
		return ratio(c, v)
	}
	rate, ok := attr["line-rate"]
	if !ok {
		return coverage{}, errors.New("<coverage> has neither lines-covered/lines-valid nor line-rate")
	}
	r, ok := new(big.Rat).SetString(rate)
	if !ok || strings.ContainsAny(rate, "/") || r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
		return coverage{}, fmt.Errorf("line-rate=%q is not a decimal between 0 and 1", rate)
	}
	// floor(rate * 10000): big.Int division truncates toward zero, and the
	// rate is not negative.
	h := new(big.Int).Mul(r.Num(), big.NewInt(10000))
	h.Quo(h, r.Denom())
	return coverage{hundredths: h.Int64()}, nil
}

// parseLCOV reads an LCOV tracefile: records of SF:, DA:, LF:, LH: … lines
// ending in end_of_record. Each record contributes its LF (lines found) and
// LH (lines hit); a record without them contributes its DA: lines instead.
// Unknown line types are ignored, as genhtml does.
func parseLCOV(data []byte) (coverage, error) {
	var found, hit int64
	var records int
	var rec struct {
		open           bool
		lf, lh         int64
		hasLF, hasLH   bool
		daFound, daHit int64
	}
	closeRecord := func() error {
		if !rec.open {
			return nil
		}
		lf, lh := rec.daFound, rec.daHit
		if rec.hasLF || rec.hasLH {
			if !rec.hasLF || !rec.hasLH {
				return errors.New("record has only one of LF and LH")
			}
			lf, lh = rec.lf, rec.lh
		}
		if lh > lf {
			return fmt.Errorf("record has LH:%d greater than LF:%d", lh, lf)
		}
		found += lf
		hit += lh
		if found > maxLines {
			return errors.New("line counts are implausibly large")
		}
		records++
		rec.open, rec.lf, rec.lh, rec.hasLF, rec.hasLH, rec.daFound, rec.daHit = false, 0, 0, false, false, 0, 0
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if text == "" {
			continue
		}
		if text == "end_of_record" {
			if !rec.open {
				return coverage{}, fmt.Errorf("line %d: end_of_record without SF", line)
			}
			if err := closeRecord(); err != nil {
				return coverage{}, fmt.Errorf("line %d: %v", line, err)
			}
			continue
		}
		kind, arg, ok := strings.Cut(text, ":")
		if !ok {
			return coverage{}, fmt.Errorf("line %d: %q is not an LCOV line", line, truncate(text))
		}
		if kind == "SF" {
			if rec.open {
				return coverage{}, fmt.Errorf("line %d: SF before end_of_record", line)
			}
			rec.open = true
			continue
		}
		if !rec.open {
			if kind == "TN" {
				continue
			}
			return coverage{}, fmt.Errorf("line %d: %s outside a record (no SF)", line, kind)
		}
		switch kind {
		case "LF", "LH":
			v, err := strconv.ParseInt(arg, 10, 64)
			if err != nil || v < 0 || v > maxLines {
				return coverage{}, fmt.Errorf("line %d: %s:%s is not a count", line, kind, truncate(arg))
			}
			if kind == "LF" {
				rec.lf, rec.hasLF = v, true
			} else {
				rec.lh, rec.hasLH = v, true
			}
		case "DA":
			fields := strings.Split(arg, ",")
			if len(fields) < 2 {
				return coverage{}, fmt.Errorf("line %d: DA:%s needs a line number and a hit count", line, truncate(arg))
			}
			hits, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return coverage{}, fmt.Errorf("line %d: DA hit count %q is not an integer", line, truncate(fields[1]))
			}
			rec.daFound++
			if hits > 0 {
				rec.daHit++
			}
		}
	}
	if err := sc.Err(); err != nil {
		return coverage{}, err
	}
	if rec.open {
		return coverage{}, errors.New("unexpected end of file: the last record has no end_of_record")
	}
	if records == 0 {
		return coverage{}, errors.New("no records (SF ... end_of_record): not an LCOV tracefile")
	}
	return ratio(hit, found)
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
