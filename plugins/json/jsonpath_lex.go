package main

import "unicode"

// This file tokenises a JSONPath expression the way jsonpath_lib 0.3 does.
// The whole input is tokenised up front; tokenising stops at the first
// error, and the parser only fails on that error if it needs a token past it
// (so trailing text after a complete path is ignored).

type tokKind uint8

const (
	tkAbsolute       tokKind = iota // $
	tkDot                           // .
	tkAt                            // @
	tkOpenArray                     // [
	tkCloseArray                    // ]
	tkAsterisk                      // *
	tkQuestion                      // ?
	tkComma                         // ,
	tkSplit                         // :
	tkOpenParen                     // (
	tkCloseParen                    // )
	tkKey                           // a bare word: a name, a number, true/false
	tkDoubleQuoted                  // "…"
	tkSingleQuoted                  // '…'
	tkEqual                         // ==
	tkNotEqual                      // !=
	tkLess                          // <
	tkLessOrEqual                   // <=
	tkGreater                       // >
	tkGreaterOrEqual                // >=
	tkAnd                           // &&
	tkOr                            // ||
	tkWhitespace
)

type token struct {
	kind tokKind
	text string // for tkKey, tkDoubleQuoted, tkSingleQuoted
}

// isDelimiter reports whether c ends a bare word. '$' ends a word that does
// not start with '$' (see lexer.dollar).
func isDelimiter(c rune) bool {
	switch c {
	case '.', '*', '[', ']', '(', ')', '@', '?', ',', ':', '<', '>', '=', '&', '|', '!':
		return true
	}
	return unicode.IsSpace(c)
}

type lexer struct {
	in  []rune
	pos int
}

func (l *lexer) eof() bool { return l.pos >= len(l.in) }

func (l *lexer) takeWhile(keep func(rune) bool) string {
	start := l.pos
	for l.pos < len(l.in) && keep(l.in[l.pos]) {
		l.pos++
	}
	return string(l.in[start:l.pos])
}

// tokenize returns the tokens up to the first tokenising error (or the end).
func tokenize(path string) []token {
	l := &lexer{in: []rune(path)}
	var toks []token
	for {
		t, ok := l.next()
		if !ok {
			return toks
		}
		toks = append(toks, t)
	}
}

func (l *lexer) next() (token, bool) {
	if l.eof() {
		return token{}, false
	}
	c := l.in[l.pos]
	l.pos++
	switch c {
	case '$':
		rest := l.takeWhile(func(r rune) bool { return !isDelimiter(r) })
		if rest == "" {
			return token{kind: tkAbsolute}, true
		}
		return token{kind: tkKey, text: "$" + rest}, true
	case '.':
		return token{kind: tkDot}, true
	case '*':
		return token{kind: tkAsterisk}, true
	case '[':
		return token{kind: tkOpenArray}, true
	case ']':
		return token{kind: tkCloseArray}, true
	case '(':
		return token{kind: tkOpenParen}, true
	case ')':
		return token{kind: tkCloseParen}, true
	case '@':
		return token{kind: tkAt}, true
	case '?':
		return token{kind: tkQuestion}, true
	case ',':
		return token{kind: tkComma}, true
	case ':':
		return token{kind: tkSplit}, true
	case '\'', '"':
		s, ok := l.quoted(c)
		if !ok {
			return token{}, false
		}
		if c == '"' {
			return token{kind: tkDoubleQuoted, text: s}, true
		}
		return token{kind: tkSingleQuoted, text: s}, true
	case '=':
		return l.pair('=', tkEqual, 0, false)
	case '!':
		return l.pair('=', tkNotEqual, 0, false)
	case '&':
		return l.pair('&', tkAnd, 0, false)
	case '|':
		return l.pair('|', tkOr, 0, false)
	case '<':
		return l.pair('=', tkLessOrEqual, tkLess, true)
	case '>':
		return l.pair('=', tkGreaterOrEqual, tkGreater, true)
	}
	if unicode.IsSpace(c) {
		l.takeWhile(unicode.IsSpace)
		return token{kind: tkWhitespace}, true
	}
	rest := l.takeWhile(func(r rune) bool { return r != '$' && !isDelimiter(r) })
	return token{kind: tkKey, text: string(c) + rest}, true
}

// pair lexes a one- or two-character operator. The second character is
// required unless single is true; either way end of input is an error.
func (l *lexer) pair(second rune, both, alone tokKind, single bool) (token, bool) {
	if l.eof() {
		return token{}, false
	}
	if l.in[l.pos] == second {
		l.pos++
		return token{kind: both}, true
	}
	if single {
		return token{kind: alone}, true
	}
	return token{}, false
}

// quoted reads a quoted string after its opening quote q. One backslash
// directly before a quote escapes it, once; no other escapes exist.
func (l *lexer) quoted(q rune) (string, bool) {
	val := l.takeWhile(func(r rune) bool { return r != q })
	if l.eof() {
		return "", false
	}
	l.pos++ // the quote
	if len(val) > 0 && val[len(val)-1] == '\\' {
		rest := l.takeWhile(func(r rune) bool { return r != q })
		if l.eof() {
			return "", false
		}
		l.pos++
		return val[:len(val)-1] + string(q) + rest, true
	}
	return val, true
}
