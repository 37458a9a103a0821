package main

import (
	"strconv"
	"strings"
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
