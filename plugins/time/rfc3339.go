package main

import "time"

// rfc3339Millis parses an RFC 3339 timestamp exactly as the reference's
// date library does and returns Unix milliseconds, truncated toward zero:
//
//   - a four-digit year, two-digit month and day, any single byte between
//     date and time (so 'T', 't' and ' ' all work), two-digit hour, minute
//     and second;
//   - an optional fraction of one or more digits (digits past the ninth are
//     ignored);
//   - 'Z', 'z', or ±hh:mm with hh ≤ 23 and mm ≤ 59;
//   - second 60 is accepted only where a leap second can occur (23:59:60 UTC
//     on the last day of a month) and reads as 23:59:59.999999999.
func rfc3339Millis(s string) (int64, error) {
	b := []byte(s)
	pos := 0
	digits := func(n int) (int, bool) {
		if len(b)-pos < n {
			return 0, false
		}
		v := 0
		for _, c := range b[pos : pos+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		pos += n
		return v, true
	}
	lit := func(c byte) bool {
		if pos < len(b) && b[pos] == c {
			pos++
			return true
		}
		return false
	}
	year, ok := digits(4)
	if !ok || !lit('-') {
		return 0, errInvalidRFC3339
	}
	month, ok := digits(2)
	if !ok || !lit('-') {
		return 0, errInvalidRFC3339
	}
	day, ok := digits(2)
	if !ok || pos >= len(b) {
		return 0, errInvalidRFC3339
	}
	pos++ // the date-time separator, whatever it is
	hour, ok := digits(2)
	if !ok || !lit(':') {
		return 0, errInvalidRFC3339
	}
	minute, ok := digits(2)
	if !ok || !lit(':') {
		return 0, errInvalidRFC3339
	}
	second, ok := digits(2)
	if !ok {
		return 0, errInvalidRFC3339
	}
	nanos := 0
	if lit('.') {
		if pos >= len(b) || b[pos] < '0' || b[pos] > '9' {
			return 0, errInvalidRFC3339
		}
		mult := 100_000_000
		for pos < len(b) && b[pos] >= '0' && b[pos] <= '9' {
			nanos += int(b[pos]-'0') * mult
			mult /= 10
			pos++
		}
	}
	offset := 0 // seconds east of UTC
	switch {
	case lit('Z'), lit('z'):
	case pos < len(b) && (b[pos] == '+' || b[pos] == '-'):
		sign := 1
		if b[pos] == '-' {
			sign = -1
		}
		pos++
		oh, ok := digits(2)
		if !ok || oh > 23 || !lit(':') {
			return 0, errInvalidRFC3339
		}
		om, ok := digits(2)
		if !ok || om > 59 {
			return 0, errInvalidRFC3339
		}
		offset = sign * (oh*3600 + om*60)
	default:
		return 0, errInvalidRFC3339
	}
	if pos != len(b) {
		return 0, errInvalidRFC3339
	}
	leap := second == 60
	if leap {
		second, nanos = 59, 999_999_999
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || minute > 59 || second > 59 {
		return 0, errInvalidRFC3339
	}
	secs := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC).Unix() - int64(offset)
	if leap {
		u := time.Unix(secs, 0).UTC()
		if u.Hour() != 23 || u.Minute() != 59 || u.Second() != 59 || u.Day() != daysIn(u.Year(), int(u.Month())) {
			return 0, errInvalidRFC3339
		}
	}
	millis := secs*1000 + int64(nanos/1_000_000)
	if secs < 0 && nanos%1_000_000 != 0 {
		millis++ // truncate toward zero, not toward -inf
	}
	return millis, nil
}

// daysIn returns the number of days in a month of the proleptic Gregorian
// calendar.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
