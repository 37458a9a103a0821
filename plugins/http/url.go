package main

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file parses and serialises URLs as the WHATWG URL standard does,
// which is what the reference's URL library implements: the provider's
// evidence reference and anchor are the URL in that serialised form
// ("https://Example.COM" becomes "https://example.com/"), and whether a
// string is a URL at all decides between "invalid url" and "unsupported url
// scheme". Only what a special scheme (http, https, ws, wss, ftp) needs is
// serialised; other schemes are only told apart from invalid input.
//
// Host names are processed with the ASCII rules of UTS #46 (lower-casing,
// punycode checks of "xn--" labels). Non-ASCII host names are lower-cased
// and punycode-encoded label by label; the full UTS #46 mapping and
// normalisation tables are not applied.

type parsedURL struct {
	scheme   string
	special  bool
	host     string // serialised host: a domain, dotted IPv4, or [IPv6]
	hasHost  bool
	href     string // the serialisation; set for special schemes other than file
	username string
	password string
	port     string
	path     string
	query    *string
	fragment *string
}

var specialPorts = map[string]string{"ftp": "21", "http": "80", "https": "443", "ws": "80", "wss": "443", "file": ""}

// parseURL parses an absolute URL; ok is false where the standard's parser
// returns failure.
func parseURL(input string) (*parsedURL, bool) {
	input = strings.TrimFunc(input, func(r rune) bool { return r <= 0x20 })
	input = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, input)

	colon := strings.IndexByte(input, ':')
	if colon <= 0 || !isAlpha(input[0]) {
		return nil, false
	}
	for i := 1; i < colon; i++ {
		if c := input[i]; !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return nil, false
		}
	}
	u := &parsedURL{scheme: strings.ToLower(input[:colon])}
	rest := input[colon+1:]
	_, u.special = specialPorts[u.scheme]

	switch {
	case u.scheme == "file":
		return u, true
	case u.special:
		rest = strings.TrimLeft(rest, `/\`)
	case strings.HasPrefix(rest, "//"):
		rest = rest[2:]
	default:
		return u, true // a path or opaque path: nothing to fail on
	}

	end := strings.IndexAny(rest, "/?#")
	if u.special {
		end = strings.IndexAny(rest, `/?#\`)
	}
	if end < 0 {
		end = len(rest)
	}
	authority, remain := rest[:end], rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		cred := authority[:at]
		authority = authority[at+1:]
		if authority == "" {
			return nil, false
		}
		user, pass, _ := strings.Cut(cred, ":")
		u.username = percentEncode(user, inUserinfoSet)
		u.password = percentEncode(pass, inUserinfoSet)
	}
	hostText, portText, hasPort := splitHostPort(authority)
	if hasPort && hostText == "" {
		return nil, false
	}
	if hasPort {
		port, ok := parsePort(portText)
		if !ok {
			return nil, false
		}
		if port != "" && port != specialPorts[u.scheme] {
			u.port = port
		}
	}
	if u.special {
		if hostText == "" {
			return nil, false
		}
		host, ok := parseHost(hostText)
		if !ok {
			return nil, false
		}
		u.host, u.hasHost = host, true
	} else {
		if !opaqueHostOK(hostText) {
			return nil, false
		}
		return u, true
	}

	pre, frag, hasFrag := strings.Cut(remain, "#")
	pathText, query, hasQuery := strings.Cut(pre, "?")
	u.path = serialisePath(pathText)
	if hasQuery {
		q := percentEncode(query, inSpecialQuerySet)
		u.query = &q
	}
	if hasFrag {
		f := percentEncode(frag, inFragmentSet)
		u.fragment = &f
	}
	u.href = u.serialise()
	return u, true
}

func (u *parsedURL) serialise() string {
	var b strings.Builder
	b.WriteString(u.scheme)
	b.WriteString("://")
	if u.username != "" || u.password != "" {
		b.WriteString(u.username)
		if u.password != "" {
			b.WriteByte(':')
			b.WriteString(u.password)
		}
		b.WriteByte('@')
	}
	b.WriteString(u.host)
	if u.port != "" {
		b.WriteByte(':')
		b.WriteString(u.port)
	}
	b.WriteString(u.path)
	if u.query != nil {
		b.WriteByte('?')
		b.WriteString(*u.query)
	}
	if u.fragment != nil {
		b.WriteByte('#')
		b.WriteString(*u.fragment)
	}
	return b.String()
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// splitHostPort splits at the first ':' outside brackets.
func splitHostPort(s string) (host, port string, hasPort bool) {
	inside := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			inside = true
		case ']':
			inside = false
		case ':':
			if !inside {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// parsePort returns the port without leading zeros, "" for an empty port.
func parsePort(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return "", false
		}
		n = n*10 + int(s[i]-'0')
		if n > 65535 {
			return "", false
		}
	}
	return strconv.Itoa(n), true
}

// Percent-encode sets of the standard.
func inC0Set(c byte) bool { return c < 0x20 || c > 0x7E }

func inFragmentSet(c byte) bool {
	return inC0Set(c) || c == ' ' || c == '"' || c == '<' || c == '>' || c == '`'
}

func inQuerySet(c byte) bool {
	return inC0Set(c) || c == ' ' || c == '"' || c == '#' || c == '<' || c == '>'
}

func inSpecialQuerySet(c byte) bool { return inQuerySet(c) || c == '\'' }

func inPathSet(c byte) bool { return inQuerySet(c) || c == '?' || c == '`' || c == '{' || c == '}' }

func inUserinfoSet(c byte) bool {
	switch c {
	case '/', ':', ';', '=', '@', '[', '\\', ']', '^', '|':
		return true
	}
	return inPathSet(c)
}

func percentEncode(s string, set func(byte) bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; set(c) {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isSingleDot(s string) bool { return s == "." || strings.EqualFold(s, "%2e") }

func isDoubleDot(s string) bool {
	switch strings.ToLower(s) {
	case "..", ".%2e", "%2e.", "%2e%2e":
		return true
	}
	return false
}

// serialisePath resolves dot segments and percent-encodes a special URL's
// path; '\' separates segments like '/'.
func serialisePath(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	p = strings.TrimPrefix(p, "/")
	var segs []string
	for {
		seg, after, more := strings.Cut(p, "/")
		seg = percentEncode(seg, inPathSet)
		switch {
		case isDoubleDot(seg):
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			if !more {
				segs = append(segs, "")
			}
		case isSingleDot(seg):
			if !more {
				segs = append(segs, "")
			}
		default:
			segs = append(segs, seg)
		}
		if !more {
			break
		}
		p = after
	}
	return "/" + strings.Join(segs, "/")
}

// opaqueHostOK checks the host of a non-special URL.
func opaqueHostOK(h string) bool {
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") {
			return false
		}
		_, ok := parseIPv6(h[1 : len(h)-1])
		return ok
	}
	for i := 0; i < len(h); i++ {
		if forbiddenHost(h[i]) && h[i] != '%' {
			return false
		}
	}
	return true
}

// forbiddenHost reports a forbidden domain code point (the forbidden host
// code points, C0 controls, '%' and DEL).
func forbiddenHost(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\r', ' ', '#', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|', '%', 0x7F:
		return true
	}
	return c < 0x20
}

// parseHost parses the host of a special URL and returns its serialisation.
func parseHost(h string) (string, bool) {
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") {
			return "", false
		}
		addr, ok := parseIPv6(h[1 : len(h)-1])
		if !ok {
			return "", false
		}
		return "[" + serialiseIPv6(addr) + "]", true
	}
	domain := strings.ToValidUTF8(percentDecode(h), "\uFFFD")
	ascii, ok := domainToASCII(domain)
	if !ok || ascii == "" {
		return "", false
	}
	for i := 0; i < len(ascii); i++ {
		if forbiddenHost(ascii[i]) {
			return "", false
		}
	}
	if endsInNumber(ascii) {
		v4, ok := parseIPv4(ascii)
		if !ok {
			return "", false
		}
		return strconv.Itoa(int(v4>>24)) + "." + strconv.Itoa(int(v4>>16&0xFF)) + "." +
			strconv.Itoa(int(v4>>8&0xFF)) + "." + strconv.Itoa(int(v4&0xFF)), true
	}
	return ascii, true
}

func percentDecode(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool { return isDigit(c) || ((c|0x20) >= 'a' && (c|0x20) <= 'f') }

func unhex(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return (c | 0x20) - 'a' + 10
}

// domainToASCII applies the ASCII rules of UTS #46 ToASCII (see the file
// comment for non-ASCII names).
func domainToASCII(domain string) (string, bool) {
	domain = strings.Map(func(r rune) rune {
		switch r {
		case '\u3002', '\uFF0E', '\uFF61':
			return '.'
		}
		return unicode.ToLower(r)
	}, domain)
	labels := strings.Split(domain, ".")
	for i, label := range labels {
		switch {
		case strings.HasPrefix(label, "xn--"):
			dec, ok := punyDecode(label[4:])
			if !ok || isASCII(dec) || !utf8.ValidString(dec) {
				return "", false
			}
		case !isASCII(label):
			enc, ok := punyEncode(label)
			if !ok {
				return "", false
			}
			labels[i] = "xn--" + enc
		}
	}
	return strings.Join(labels, "."), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// endsInNumber is the standard's ends-in-a-number checker.
func endsInNumber(s string) bool {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := ipv4Number(last)
	return ok
}

// ipv4Number parses one dotted part: decimal, 0x hex or 0-prefixed octal.
// Values past 2^40 saturate, which every caller rejects.
func ipv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := uint64(10)
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case isDigit(c):
			d = uint64(c - '0')
		case base == 16 && isHex(c):
			d = uint64(unhex(c))
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		v = min(v*base+d, 1<<40)
	}
	return v, true
}

func parseIPv4(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return 0, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := ipv4Number(p)
		if !ok {
			return 0, false
		}
		nums[i] = n
	}
	last := nums[len(nums)-1]
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return 0, false
		}
	}
	if last >= 1<<(8*(5-len(nums))) {
		return 0, false
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v += n << (8 * (3 - i))
	}
	return uint32(v), true
}

// parseIPv6 is the standard's IPv6 parser.
func parseIPv6(s string) ([8]uint16, bool) {
	var addr [8]uint16
	piece, compress, p := 0, -1, 0
	at := func(i int) int {
		if i < len(s) {
			return int(s[i])
		}
		return -1
	}
	if at(p) == ':' {
		if at(p+1) != ':' {
			return addr, false
		}
		p += 2
		piece++
		compress = piece
	}
	for at(p) != -1 {
		if piece == 8 {
			return addr, false
		}
		if at(p) == ':' {
			if compress != -1 {
				return addr, false
			}
			p++
			piece++
			compress = piece
			continue
		}
		value, length := 0, 0
		for length < 4 && at(p) != -1 && isHex(byte(at(p))) {
			value = value*16 + int(unhex(byte(at(p))))
			p++
			length++
		}
		if at(p) == '.' {
			if length == 0 {
				return addr, false
			}
			p -= length
			if piece > 6 {
				return addr, false
			}
			seen := 0
			for at(p) != -1 {
				v4 := -1
				if seen > 0 {
					if at(p) == '.' && seen < 4 {
						p++
					} else {
						return addr, false
					}
				}
				if at(p) == -1 || !isDigit(byte(at(p))) {
					return addr, false
				}
				for at(p) != -1 && isDigit(byte(at(p))) {
					n := at(p) - '0'
					switch v4 {
					case -1:
						v4 = n
					case 0:
						return addr, false
					default:
						v4 = v4*10 + n
					}
					if v4 > 255 {
						return addr, false
					}
					p++
				}
				addr[piece] = addr[piece]*0x100 + uint16(v4)
				seen++
				if seen == 2 || seen == 4 {
					piece++
				}
			}
			if seen != 4 {
				return addr, false
			}
			break
		} else if at(p) == ':' {
			p++
			if at(p) == -1 {
				return addr, false
			}
		} else if at(p) != -1 {
			return addr, false
		}
		addr[piece] = uint16(value)
		piece++
	}
	if compress != -1 {
		swaps := piece - compress
		piece = 7
		for piece != 0 && swaps > 0 {
			addr[piece], addr[compress+swaps-1] = addr[compress+swaps-1], addr[piece]
			piece--
			swaps--
		}
	} else if piece != 8 {
		return addr, false
	}
	return addr, true
}

// serialiseIPv6 writes lower-case hex pieces and compresses the first
// longest run of two or more zero pieces.
func serialiseIPv6(a [8]uint16) string {
	best, bestLen := -1, 1
	for i := 0; i < 8; {
		if a[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && a[j] == 0 {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	var b strings.Builder
	ignore0 := false
	for i := 0; i < 8; i++ {
		if ignore0 && a[i] == 0 {
			continue
		}
		ignore0 = false
		if i == best {
			if i == 0 {
				b.WriteString("::")
			} else {
				b.WriteByte(':')
			}
			ignore0 = true
			continue
		}
		b.WriteString(strconv.FormatUint(uint64(a[i]), 16))
		if i != 7 {
			b.WriteByte(':')
		}
	}
	return b.String()
}
