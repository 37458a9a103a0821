package docs

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/docs/guides"
	"github.com/decision-gate/dgw/host/errcode"
)

func TestList(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"runbook.md": "# On-call Runbook\nsteps"})
	opts := DefaultOptions()
	opts.ExtraPaths = []string{dir}
	ix, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	list := ix.List()
	if len(list) != len(defaultDocs)+1 {
		t.Fatalf("got %d resources", len(list))
	}
	for i, d := range defaultDocs {
		r := list[i]
		if r.URI != URIPrefix+d.slug || r.Name != d.title || r.Description != d.description || r.MIMEType != "text/markdown" {
			t.Errorf("resource %d: %+v", i, r)
		}
	}
	last := list[len(list)-1]
	want := ResourceInfo{
		URI:         "decision-gate://docs/custom/runbook",
		Name:        "On-call Runbook",
		Description: "Custom document from docs.extra_paths: runbook.md",
		MIMEType:    "text/markdown",
	}
	if last != want {
		t.Fatalf("custom resource %+v, want %+v", last, want)
	}
	b, _ := json.Marshal(last)
	if string(b) != `{"uri":"decision-gate://docs/custom/runbook","name":"On-call Runbook","description":"Custom document from docs.extra_paths: runbook.md","mimeType":"text/markdown"}` {
		t.Fatalf("json %s", b)
	}
}

func TestList_empty(t *testing.T) {
	b, _ := json.Marshal((&Index{}).List())
	if string(b) != "[]" {
		t.Fatalf("got %s", b)
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"runbook.md": "\n# On-call Runbook\nsteps\n\n"})
	opts := DefaultOptions()
	opts.ExtraPaths = []string{filepath.Join(dir, "runbook.md")}
	ix, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	security, err := guides.FS.ReadFile("security_guide.md")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		uri      string
		wantText string
		wantErr  error
		wantMsg  string
	}{
		{name: "default doc", uri: "decision-gate://docs/security", wantText: string(security)},
		{name: "custom doc is trimmed", uri: "decision-gate://docs/custom/runbook", wantText: "# On-call Runbook\nsteps"},
		{name: "unknown", uri: "decision-gate://docs/nope", wantErr: ErrUnknownURI, wantMsg: "unknown resource uri: decision-gate://docs/nope"},
		{name: "prefix only", uri: "decision-gate://docs/", wantErr: ErrUnknownURI, wantMsg: "unknown resource uri: decision-gate://docs/"},
		{name: "case matters", uri: "decision-gate://docs/Security", wantErr: ErrUnknownURI, wantMsg: "unknown resource uri: decision-gate://docs/Security"},
		{name: "foreign scheme", uri: "file:///etc/passwd", wantErr: ErrForeignURI, wantMsg: "resource uri must start with decision-gate://docs/: file:///etc/passwd"},
		{name: "contract uri", uri: "decision-gate://contract/schemas/scenario.schema.json", wantErr: ErrForeignURI},
		{name: "empty", uri: "", wantErr: ErrForeignURI},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ix.Read(tc.uri)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				if errcode.Of(err) != errcode.InvalidArgument {
					t.Fatalf("code %q", errcode.Of(err))
				}
				if tc.wantMsg != "" && (err.Error() != tc.wantMsg || errcode.Message(err) != tc.wantMsg) {
					t.Fatalf("message %q / %q, want %q", err.Error(), errcode.Message(err), tc.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.URI != tc.uri || c.MIMEType != MIMEType || c.Text != tc.wantText {
				t.Fatalf("got %+v", c)
			}
		})
	}
}

func TestRead_jsonShape(t *testing.T) {
	ix := testIndex(10, Doc{ID: "a", Title: "A", Role: RolePattern, URI: URIPrefix + "custom/a", Text: "# A\n\"q\""})
	c, err := ix.Read(URIPrefix + "custom/a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c)
	if string(b) != `{"uri":"decision-gate://docs/custom/a","mimeType":"text/markdown","text":"# A\n\"q\""}` {
		t.Fatalf("got %s", b)
	}
}

// TestRead_everyListedURI checks that List and Read agree.
func TestRead_everyListedURI(t *testing.T) {
	ix := defaultIndex(t)
	for _, r := range ix.List() {
		c, err := ix.Read(r.URI)
		if err != nil {
			t.Fatalf("Read(%s): %v", r.URI, err)
		}
		if !strings.HasPrefix(c.Text, "# "+r.Name+"\n") {
			t.Errorf("%s does not start with its title %q", r.URI, r.Name)
		}
	}
}
