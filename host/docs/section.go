package docs

import "strings"

// section is one searchable slice of a document: the text under one
// "## " or "### " heading, or the text before the first heading (headed by
// the document title).
type section struct {
	heading string
	content string
	// Lower-cased copies, made once for scoring.
	headingLower string
	contentLower string
}

// splitSections cuts text into sections. A line that starts with "## " or
// "### " opens a new section whose heading is the rest of the line,
// trimmed; lines that start with "#### " or deeper stay content. The lines
// before the first heading form a section headed by title. A section's
// content is its lines joined with "\n" and trimmed. A section is dropped
// only when both its heading and its content are empty, so the title
// section exists for every document with a title.
//
// Heading markers are matched on every line, including lines inside fenced
// code blocks; documents keep such lines out of their code.
func splitSections(title, text string) []section {
	var out []section
	heading := title
	var lines []string
	flush := func() {
		content := strings.TrimSpace(strings.Join(lines, "\n"))
		h := strings.TrimSpace(heading)
		if content == "" && h == "" {
			return
		}
		out = append(out, section{
			heading:      h,
			content:      content,
			headingLower: strings.ToLower(h),
			contentLower: strings.ToLower(content),
		})
	}
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if h, ok := cutHeading(line); ok {
			flush()
			heading, lines = h, lines[:0]
			continue
		}
		lines = append(lines, line)
	}
	flush()
	return out
}

// cutHeading returns the heading text of a "## " or "### " line.
func cutHeading(line string) (string, bool) {
	if h, ok := strings.CutPrefix(line, "## "); ok {
		return strings.TrimSpace(h), true
	}
	if h, ok := strings.CutPrefix(line, "### "); ok {
		return strings.TrimSpace(h), true
	}
	return "", false
}
