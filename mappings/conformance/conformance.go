// Package conformance runs fixture packs: folders of cases, each holding a
// wire input and the canonical events (and re-encoded output, or expected
// errors) it must give. The fixtures test (go test ./fixtures) and
// `pcsgate conformance` run the same cases through this package.
//
// A case is a folder <pcs>/<profile>/<case>/ under the pack's root:
//
//	input.<ext>     the message as a partner sends it (absent for encode-only profiles)
//	canonical.json  the expected events, as a JSON array (input of encode-only profiles)
//	output.<ext>    the events written back in the profile's format (two-way and encode-only)
//	expected.err    expected problems, one substring of a reported line per line
//
// For two-way profiles the output is decoded again and must give the same
// events (ignoring id and source, which name the new message), and encoding
// those must give the same output byte for byte.
package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// CredentialKey keys credential handles in fixtures, so they are stable.
var CredentialKey = []byte("pcsgate-conformance")

// Clock is the fixed time used for envelope dates in fixtures, and the
// time inputs are received (the reference for Cargo-IMP dates).
var Clock = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// Case is one fixture folder.
type Case struct {
	Name    string // "<pcs>/<profile>/<case>"
	Profile string // "<pcs>/<profile>"
	Dir     string
}

// Result is the outcome of one case.
type Result struct {
	Case     Case
	Failures []string // empty when the case passed
	Updated  []string // files rewritten (or removed) with update
	Duration time.Duration
}

// Passed reports whether the case passed.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

// Discover lists the cases under root whose name matches filter (nil: all).
func Discover(root string, filter *regexp.Regexp) ([]Case, error) {
	var cases []Case
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		// Hidden folders (.git, an editor's, a parked .case) at any depth hold no cases.
		if strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 3 {
			return nil
		}
		name := strings.Join(parts, "/")
		if filter != nil && !filter.MatchString(name) {
			return filepath.SkipDir
		}
		cases = append(cases, Case{Name: name, Profile: parts[0] + "/" + parts[1], Dir: path})
		return filepath.SkipDir
	})
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, err
}

// Run runs one case. With update, canonical.json, output.* and expected.err
// are rewritten from what the case produces (never input.*); expected.err is
// removed when the case reports no errors.
func Run(reg *mappings.Registry, c Case, update bool) Result {
	start := time.Now()
	r := &runner{reg: reg, c: c, update: update}
	r.run()
	return Result{Case: c, Failures: r.failures, Updated: r.updated, Duration: time.Since(start)}
}

type runner struct {
	reg      *mappings.Registry
	c        Case
	update   bool
	failures []string
	updated  []string
}

func (r *runner) failf(format string, a ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, a...))
}

func (r *runner) file(glob string) string {
	m, _ := filepath.Glob(filepath.Join(r.c.Dir, glob))
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

func (r *runner) run() {
	p, err := r.reg.Profile(r.c.Profile)
	if err != nil {
		r.failf("%v", err)
		return
	}
	input := r.file("input.*")
	if input == "" && !p.CanEncode() {
		// Without this, update would record the profile's "cannot encode"
		// error in expected.err and the case would pass with its input lost.
		r.failf("case has no input.* and %s only decodes", p.Name())
		return
	}
	if input == "" {
		r.runEncodeOnly(p)
		return
	}
	events, errLines := r.decodeFile(p.Name(), input)
	r.checkErrors(errLines)
	if len(events) == 0 && len(errLines) > 0 && r.file("canonical.json") == "" {
		return
	}
	r.checkSchema(events)
	got := marshalEvents(events)
	r.compare("canonical.json", got)
	if !p.CanEncode() || len(events) == 0 {
		return
	}
	out, err := encode(p, events)
	if err != nil {
		r.failf("encode: %v", err)
		return
	}
	ext := filepath.Ext(input)
	r.compare("output"+ext, out)
	// Round trip: output -> events -> output, on what the encoder produced
	// (output.* on disk may be missing or stale; compare reported that).
	back, backErrs := r.decode(p.Name(), "output"+ext, bytes.NewReader(out))
	if len(backErrs) > 0 {
		r.failf("output does not decode again: %s", strings.Join(backErrs, "; "))
		return
	}
	if a, b := marshalEvents(stripSource(events)), marshalEvents(stripSource(back)); !bytes.Equal(a, b) {
		r.failf("output decodes to other events:\n%s", diff(string(a), string(b)))
	}
	again, err := encode(p, back)
	if err != nil {
		// Events the profile decoded must encode again; an error is a failed round trip.
		r.failf("re-encoding the decoded output: %s", strings.Join(mappings.Lines(err), "; "))
	} else if !bytes.Equal(again, out) {
		r.failf("re-encoding the decoded output changes it:\n%s", diff(string(out), string(again)))
	}
}

// runEncodeOnly: canonical.json is the input, output.* the expectation.
func (r *runner) runEncodeOnly(p *mappings.Profile) {
	path := r.file("canonical.json")
	if path == "" {
		r.failf("case has neither input.* nor canonical.json")
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		r.failf("%v", err)
		return
	}
	var events []*canonical.ReleaseEvent
	if err := json.Unmarshal(data, &events); err != nil {
		r.failf("canonical.json: %v", err)
		return
	}
	out, err := encode(p, events)
	var errLines []string
	if err != nil {
		errLines = mappings.Lines(err)
	}
	r.checkErrors(errLines)
	if err != nil {
		return
	}
	ext := p.Extension()
	if o := r.file("output.*"); o != "" {
		ext = filepath.Ext(o)
	}
	r.compare("output"+ext, out)
	if err := p.CheckOutput(out); err != nil {
		r.failf("output fails the profile's schema: %s", strings.Join(mappings.Lines(err), "; "))
	}
}

func (r *runner) decodeFile(profile, path string) ([]*canonical.ReleaseEvent, []string) {
	f, err := os.Open(path)
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer f.Close()
	return r.decode(profile, filepath.Base(path), f)
}

// decode reads one message named name (as the partner's file would be).
func (r *runner) decode(profile, name string, in io.Reader) ([]*canonical.ReleaseEvent, []string) {
	var events []*canonical.ReleaseEvent
	derr := r.reg.Decode(in, mappings.DecodeOptions{Name: name, From: profile, CredentialKey: CredentialKey, ReceivedAt: Clock()},
		func(b mappings.Batch) error {
			events = append(events, b.Events...)
			return nil
		})
	return events, mappings.Lines(derr)
}

// checkErrors compares reported problems with expected.err.
func (r *runner) checkErrors(lines []string) {
	path := filepath.Join(r.c.Dir, "expected.err")
	if r.update {
		// An empty expected.err would make the next run fail with "expected
		// errors, got none", so a case that reports none loses the file.
		if len(lines) > 0 {
			r.compare("expected.err", []byte(strings.Join(lines, "\n")+"\n"))
		} else {
			r.remove("expected.err")
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if len(lines) > 0 {
			r.failf("unexpected errors:\n  %s", strings.Join(lines, "\n  "))
		}
		return
	}
	if err != nil {
		r.failf("%v", err)
		return
	}
	if len(lines) == 0 {
		r.failf("expected errors, got none (want %q)", strings.TrimSpace(string(want)))
		return
	}
	for _, w := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		found := false
		for _, l := range lines {
			if strings.Contains(l, w) {
				found = true
				break
			}
		}
		if !found {
			r.failf("expected error %q not reported; got:\n  %s", w, strings.Join(lines, "\n  "))
		}
	}
}

func (r *runner) checkSchema(events []*canonical.ReleaseEvent) {
	for _, e := range events {
		b, _ := json.Marshal(e)
		if err := canonical.ValidateEventJSON(b); err != nil {
			r.failf("event %s fails the canonical schema: %v", e.ID, err)
		}
	}
}

// compare checks got against the case file name, or rewrites it on update.
func (r *runner) compare(name string, got []byte) {
	path := filepath.Join(r.c.Dir, name)
	if r.update {
		if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, got) {
			r.write(name, got)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		r.failf("%s missing (run with -update to create it)", name)
		return
	}
	if !bytes.Equal(want, got) {
		r.failf("%s differs (- want, + got):\n%s", name, diff(string(want), string(got)))
	}
}

func (r *runner) write(name string, data []byte) {
	if err := os.WriteFile(filepath.Join(r.c.Dir, name), data, 0o644); err != nil {
		r.failf("update %s: %v", name, err)
		return
	}
	r.updated = append(r.updated, name)
}

// remove deletes the case file name on update, if it is there.
func (r *runner) remove(name string) {
	err := os.Remove(filepath.Join(r.c.Dir, name))
	switch {
	case err == nil:
		r.updated = append(r.updated, name)
	case !errors.Is(err, fs.ErrNotExist):
		r.failf("update %s: %v", name, err)
	}
}

func encode(p *mappings.Profile, events []*canonical.ReleaseEvent) ([]byte, error) {
	var buf bytes.Buffer
	enc, err := p.NewEncoder(&buf, mappings.EncodeOptions{Now: Clock})
	if err != nil {
		return nil, err
	}
	if err := enc.Encode(events); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// marshalEvents renders events as an indented JSON array, keys in model order.
func marshalEvents(events []*canonical.ReleaseEvent) []byte {
	if events == nil {
		events = []*canonical.ReleaseEvent{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(events)
	return buf.Bytes()
}

// stripSource drops what names the carrying message, for round trips.
func stripSource(events []*canonical.ReleaseEvent) []*canonical.ReleaseEvent {
	out := make([]*canonical.ReleaseEvent, len(events))
	for i, e := range events {
		c := *e
		c.ID = ""
		c.Source = canonical.Source{}
		out[i] = &c
	}
	return out
}

// ExpectsErrors reports whether the case is a bad-input case.
func ExpectsErrors(c Case) bool {
	_, err := os.Stat(filepath.Join(c.Dir, "expected.err"))
	return err == nil
}
