package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// translation writes decoded events to the target, input after input, and
// reports what is rejected on the way, counting the lines reported.
type translation struct {
	target *mappings.Profile // nil: canonical NDJSON on out
	out    *bufio.Writer     // standard output
	dir    string            // --out: one file per message there
	canon  *canonicalWriter
	errOut io.Writer
	prog   *progress
	// The input being read, its encode options and its document on out
	// (nil with dir or canonical).
	name string
	opts mappings.EncodeOptions
	enc  mappings.Encoder
	// rejected counts the lines reported; failed is a failure to write,
	// which stops translate.
	rejected int
	failed   error
}

// begin starts the input name.
func (t *translation) begin(name string, opts mappings.EncodeOptions) error {
	t.name, t.opts, t.enc = name, opts, nil
	if t.target == nil || t.dir != "" {
		return nil
	}
	enc, err := t.target.NewEncoder(t.out, opts)
	if err != nil {
		return usageError{err}
	}
	t.enc = enc
	return nil
}

// batch writes one decoded batch; a rejected event is reported, and only a
// failure to write stops the decoding.
func (t *translation) batch(b mappings.Batch) error {
	t.prog.events(len(b.Events))
	if t.target == nil {
		t.failed = t.canon.write(b)
		return t.failed
	}
	events := t.carried(b.Events)
	switch {
	case len(events) == 0:
	case t.dir != "":
		t.failed = t.writeFiles(events)
		return t.failed
	default:
		if err := t.enc.Encode(events); err != nil {
			t.report(err) // names the file, message and event
		}
	}
	return nil
}

// carried are the events the target carries; every other one is reported,
// one line per event.
func (t *translation) carried(events []*canonical.ReleaseEvent) []*canonical.ReleaseEvent {
	kept := make([]*canonical.ReleaseEvent, 0, len(events))
	for _, e := range events {
		if err := t.target.AcceptsIn(e, t.name); err != nil {
			t.report(err)
			continue
		}
		kept = append(kept, e)
	}
	return kept
}

// writeFiles writes each event in the target profile to a file of its own
// in dir, named as the gateway names its outbound messages, and lists the
// file on standard output. A file that exists is replaced, as the
// gateway's delivery of the same event again would replace it.
func (t *translation) writeFiles(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		name := pipeline.OutName(e.ID, t.target)
		if e.ID == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
			t.report(fmt.Errorf("%s: event id %q cannot name a file", t.name, e.ID))
			continue
		}
		var buf bytes.Buffer
		enc, err := t.target.NewEncoder(&buf, t.opts)
		if err == nil {
			err = enc.Encode([]*canonical.ReleaseEvent{e})
		}
		if err == nil {
			err = enc.Close()
		}
		if err != nil {
			t.report(err)
			continue
		}
		path := filepath.Join(t.dir, name)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(t.out, path)
	}
	return nil
}

// end closes the input's document, if any, reporting what it rejects at
// the end.
func (t *translation) end() {
	if t.enc != nil {
		if err := t.enc.Close(); err != nil {
			t.report(err)
		}
	}
}

// report writes err on standard error, one line per rejection, over the
// progress line.
func (t *translation) report(err error) {
	t.prog.clear()
	for _, l := range mappings.Lines(err) {
		fmt.Fprintln(t.errOut, l)
		t.rejected++
	}
}
