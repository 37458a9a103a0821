package docs

import (
	"slices"
	"testing"
)

// sec is a section without its lower-cased copies, for comparisons.
type sec struct{ heading, content string }

func plain(ss []section) []sec {
	out := make([]sec, len(ss))
	for i, s := range ss {
		out[i] = sec{s.heading, s.content}
	}
	return out
}

func TestSplitSections(t *testing.T) {
	tests := []struct {
		name  string
		title string
		text  string
		want  []sec
	}{
		{
			name:  "intro and headings",
			title: "Guide",
			text:  "# Guide\n\nIntro line.\n\n## First\n\nBody one.\n\n### Nested\nBody two.\n",
			want:  []sec{{"Guide", "# Guide\n\nIntro line."}, {"First", "Body one."}, {"Nested", "Body two."}},
		},
		{
			name:  "empty intro keeps the title section",
			title: "Guide",
			text:  "## Only\ntext",
			want:  []sec{{"Guide", ""}, {"Only", "text"}},
		},
		{
			name:  "heading without content is kept",
			title: "T",
			text:  "x\n## A\n## B\ny",
			want:  []sec{{"T", "x"}, {"A", ""}, {"B", "y"}},
		},
		{
			name:  "deeper and shallower markers stay content",
			title: "T",
			text:  "# T\n#### Deep\n##NoSpace\n ## Indented\n## Real",
			want:  []sec{{"T", "# T\n#### Deep\n##NoSpace\n ## Indented"}, {"Real", ""}},
		},
		{
			name:  "heading text is trimmed",
			title: "T",
			text:  "##   Spaced out  \nbody",
			want:  []sec{{"T", ""}, {"Spaced out", "body"}},
		},
		{
			name:  "crlf line endings",
			title: "T",
			text:  "intro\r\n## A\r\nline one\r\nline two\r\n",
			want:  []sec{{"T", "intro"}, {"A", "line one\nline two"}},
		},
		{
			name:  "blank heading and blank content are dropped",
			title: "",
			text:  "\n\n## \n\n## Named\nz",
			want:  []sec{{"Named", "z"}},
		},
		{
			name:  "blank heading with content is kept",
			title: "T",
			text:  "## \ncontent",
			want:  []sec{{"T", ""}, {"", "content"}},
		},
		{
			name:  "empty document",
			title: "T",
			text:  "",
			want:  []sec{{"T", ""}},
		},
		{
			name:  "content is trimmed but inner blank lines stay",
			title: "T",
			text:  "## A\n\n\n  a\n\n  b  \n\n",
			want:  []sec{{"T", ""}, {"A", "a\n\n  b"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := plain(splitSections(tc.title, tc.text))
			if !slices.Equal(got, tc.want) {
				t.Fatalf("splitSections(%q, %q)\n got %q\nwant %q", tc.title, tc.text, got, tc.want)
			}
		})
	}
}

func TestSplitSections_lowerCopies(t *testing.T) {
	ss := splitSections("Title", "Intro ÄB\n## Trust LANES\nVerified")
	if ss[0].contentLower != "intro äb" || ss[1].headingLower != "trust lanes" || ss[1].contentLower != "verified" {
		t.Fatalf("lower-cased copies: %+v", ss)
	}
}
