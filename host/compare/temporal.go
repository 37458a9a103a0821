package compare

// instant is a point in time: seconds since the Unix epoch in UTC plus
// nanoseconds.
type instant struct {
	sec  int64
	nsec int32
}

func (a instant) cmp(b instant) int {
	switch {
	case a.sec < b.sec:
		return -1
	case a.sec > b.sec:
		return 1
	case a.nsec < b.nsec:
		return -1
	case a.nsec > b.nsec:
		return 1
	}
	return 0
}

// parseRFC3339 parses an RFC 3339 date-time the way the reference (the Rust
// `time` crate's Rfc3339 format, version 0.3.46) does:
//
//	YYYY-MM-DD <any one byte> hh:mm:ss [ '.' digit+ ] ( 'Z' | 'z' | ('+'|'-') hh:mm )
//
// Every field has exactly the digits shown. Since time 0.3.37 the byte
// between date and time may be anything (usually 'T', 't' or a space). The
// fraction may be any length; digits past the ninth are ignored
// (truncation). Offsets go up to ±23:59. The date must exist and the time
// be at most 23:59:59.
//
// A leap second (ss == 60) is accepted only where one can occur: at
// 23:59:60 UTC (after applying the offset) on the last day of a month. It
// then stands for 23:59:59.999999999 of that day, whatever fraction was
// written. Any other ss == 60 is rejected.
func parseRFC3339(s []byte) (instant, bool) {
	if len(s) < 20 {
		return instant{}, false
	}
	year, ok1 := digits(s, 0, 4)
	month, ok2 := digits(s, 5, 2)
	day, ok3 := digits(s, 8, 2)
	hour, ok4 := digits(s, 11, 2)
	minute, ok5 := digits(s, 14, 2)
	second, ok6 := digits(s, 17, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' {
		return instant{}, false
	}
	i := 19
	var nsec int32
	if s[i] == '.' {
		i++
		start := i
		scale := int32(100_000_000)
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			nsec += int32(s[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == start {
			return instant{}, false
		}
	}
	if i >= len(s) {
		return instant{}, false
	}
	offset := 0
	switch s[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		oh, okh := digits(s, i+1, 2)
		om, okm := digits(s, i+4, 2)
		if !okh || !okm || i+3 >= len(s) || s[i+3] != ':' || oh > 23 || om > 59 {
			return instant{}, false
		}
		offset = oh*3600 + om*60
		if s[i] == '-' {
			offset = -offset
		}
		i += 6
	default:
		return instant{}, false
	}
	if i != len(s) {
		return instant{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60 {
		return instant{}, false
	}
	leap := second == 60
	if leap {
		second = 59
		nsec = 999_999_999
	}
	sec := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+second) - int64(offset)
	if leap && !lastSecondOfMonthUTC(sec) {
		return instant{}, false
	}
	return instant{sec: sec, nsec: nsec}, true
}

// lastSecondOfMonthUTC reports whether the Unix time sec is 23:59:59 UTC on
// the last day of its month.
func lastSecondOfMonthUTC(sec int64) bool {
	days := sec / 86400
	rem := sec % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	if rem != 86399 {
		return false
	}
	y, m, d := civilFromDays(days)
	return d == daysIn(y, m)
}

// digits parses s[i:i+n] as exactly n ASCII digits.
func digits(s []byte, i, n int) (int, bool) {
	if i < 0 || i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range s[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// date is a calendar date from [parseDate].
type date struct{ y, m, d int }

func (a date) cmp(b date) int {
	switch {
	case a.y != b.y:
		return sign(a.y - b.y)
	case a.m != b.m:
		return sign(a.m - b.m)
	}
	return sign(a.d - b.d)
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// parseDate is the reference's date-only fallback: split on '-' into
// exactly three parts and parse each as a decimal integer the way Rust's
// integer FromStr does (optional leading '+', then one or more ASCII
// digits; no other characters). The year must lie in 0..9999 (it cannot be
// negative, since '-' is the separator), the month in 1..12, and the day
// must exist in that month. Leading zeros and short fields are allowed, so
// "2024-1-5" is a date.
func parseDate(s []byte) (date, bool) {
	var parts [3][]byte
	n := 0
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '-' {
			if n == 3 {
				return date{}, false
			}
			parts[n] = s[start:i]
			n++
			start = i + 1
		}
	}
	if n != 3 {
		return date{}, false
	}
	y, ok1 := rustUint(parts[0], 9999)
	m, ok2 := rustUint(parts[1], 255)
	d, ok3 := rustUint(parts[2], 255)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return date{}, false
	}
	return date{y, m, d}, true
}

// rustUint parses an optional '+' and at least one ASCII digit, failing if
// the value exceeds limit.
func rustUint(p []byte, limit int) (int, bool) {
	if len(p) > 0 && p[0] == '+' {
		p = p[1:]
	}
	if len(p) == 0 {
		return 0, false
	}
	v := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
		if v > limit {
			return 0, false
		}
	}
	return v, true
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// civilFromDays is the inverse of [daysFromCivil].
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := int(z - era*146097)
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + int(era)*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// cmpTemporal orders two strings as the reference does: as RFC 3339
// instants when both are date-times, else as dates when both are dates.
func cmpTemporal(a, b []byte) (int, bool) {
	if ta, ok := parseRFC3339(a); ok {
		if tb, ok := parseRFC3339(b); ok {
			return ta.cmp(tb), true
		}
	}
	da, ok := parseDate(a)
	if !ok {
		return 0, false
	}
	db, ok := parseDate(b)
	if !ok {
		return 0, false
	}
	return da.cmp(db), true
}
