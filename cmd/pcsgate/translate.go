package main

import (
	"bufio"
	"io"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// translateOptions are the translate command's flags.
type translateOptions struct {
	from, to string
	// sender and senderQualifier name this installation on the envelopes
	// of the output (EDIFACT UNB), as an outbound endpoint's sender does.
	sender, senderQualifier string
	// allowFormulas writes CSV cells that start with =, +, -, @, a tab or
	// a carriage return as they are, as an outbound endpoint's
	// csv_formulas: allow does.
	allowFormulas bool
	// lines reads the input as JSON Lines whatever its name.
	lines bool
	// out is the folder of translate --out: one file per message.
	out string
	// workers decode the messages of an input at once (see decodeOptions).
	workers int
}

func newTranslateCmd() *cobra.Command {
	var o translateOptions
	cmd := &cobra.Command{
		Use:   "translate [--from PROFILE|canonical] --to PROFILE|canonical [--out DIR] [FILE|PATTERN|-]...",
		Short: "Translate files from one port system's format to another's, or to canonical NDJSON",
		Long: `Translate reads each FILE (or standard input) and writes it in the target
format on standard output, input after input (several XML documents, for a
target that writes one per event). --to canonical writes one canonical event
per line (NDJSON); --from canonical reads such lines back.
Patterns such as 'inbox/*.edi' are expanded by pcsgate too, for shells that
leave them as they are. --out DIR writes one file per outbound message
instead, named as the gateway names them (<event id>.<profile>.<ext>), and
lists them on standard output.
Without --from the profile is detected: EDIFACT by the UNH message type,
version and association code, JSON by its discriminator or schema.
A file named *.jsonl or *.ndjson, or any input with --lines, is read as JSON
Lines: one JSON document per line, each its own message, detected on its own;
blank lines are skipped and problems are reported with their line number.
--sender and --sender-qualifier put this installation's party id on the
output's interchange envelopes (EDIFACT UNB) instead of the profile's.
A CSV target gets a single quote before cells that start with =, +, -, @,
a tab or a carriage return (plain numbers excepted), so that spreadsheet
programs do not run them as formulas; --allow-csv-formulas writes them as
they are.

Bad messages, and each event the target cannot carry, are reported on
standard error, one line each; the good ones are still written. Exit status: 0 all good, 1 some input rejected, 2 usage error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	cmd.Flags().StringVar(&o.from, "from", "", "profile of the input, or canonical for NDJSON events (detected when omitted)")
	cmd.Flags().StringVar(&o.to, "to", "", "target profile, or canonical for NDJSON events")
	cmd.Flags().StringVar(&o.sender, "sender", "", "party id of this installation as the interchange sender (EDIFACT UNB, an..35)")
	cmd.Flags().StringVar(&o.senderQualifier, "sender-qualifier", "", "code qualifier of --sender (an..4)")
	cmd.Flags().BoolVar(&o.allowFormulas, "allow-csv-formulas", false, "write CSV cells that start with =, +, -, @ as they are (default: a ' before them)")
	cmd.Flags().StringVar(&o.out, "out", "", "write one file per message in this folder, named as the gateway names them, instead of standard output")
	cmd.Flags().BoolVar(&o.lines, "lines", false, "read JSON Lines (one JSON document per line; implied by .jsonl and .ndjson)")
	cmd.Flags().IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "messages decoded at once, on as many cores (1: one after the other); the output is the same")
	_ = cmd.RegisterFlagCompletionFunc("from", profileCompletion(reads))
	_ = cmd.RegisterFlagCompletionFunc("to", profileCompletion(writes))
	_ = cmd.MarkFlagDirname("out")
	return cmd
}

// run translates the inputs named by args to standard output, or to one
// file per message in --out; errRejected says some of it was rejected
// (and reported on standard error).
func (o translateOptions) run(cmd *cobra.Command, args []string) error {
	lessGC() // before the profiles load, whose garbage counts too
	reg, target, err := o.check()
	if err != nil {
		return err
	}
	names, err := expandInputs(args)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return usageError{err}
		}
	}
	out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
	defer out.Flush()
	t := &translation{target: target, out: out, dir: o.out, canon: newCanonicalWriter(out), errOut: cmd.ErrOrStderr()}
	for _, name := range names {
		if err := o.translateOne(cmd, reg, t, name); err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if t.rejected > 0 {
		return errRejected
	}
	return nil
}

// check checks the flags: the profiles they name exist and can read or
// write, and the options fit the target, which is nil for canonical.
func (o translateOptions) check() (*mappings.Registry, *mappings.Profile, error) {
	if o.to == "" {
		return nil, nil, usagef("--to is required: a profile name (see pcsgate profiles) or canonical")
	}
	if o.workers < 1 {
		return nil, nil, usagef("--workers must be at least 1")
	}
	reg, err := profiles()
	if err != nil {
		return nil, nil, err
	}
	if o.from != "" && o.from != "canonical" {
		if _, err := reg.Profile(o.from); err != nil {
			return nil, nil, usageError{err}
		}
	}
	if o.to == "canonical" {
		switch {
		case o.sender != "" || o.senderQualifier != "":
			return nil, nil, usagef("--sender and --sender-qualifier name the sender of a target profile's envelopes, not of canonical events")
		case o.allowFormulas:
			return nil, nil, usagef("--allow-csv-formulas is for CSV target profiles, not canonical events")
		case o.out != "":
			return nil, nil, usagef("--out writes the messages of a target profile, one file each; canonical events go to standard output")
		}
		return reg, nil, nil
	}
	p, err := reg.Profile(o.to)
	if err != nil {
		return nil, nil, usageError{err}
	}
	if !p.CanEncode() {
		return nil, nil, usagef("%s cannot write (see pcsgate profiles)", o.to)
	}
	if _, err := o.encodeOptions(""); err != nil {
		return nil, nil, err
	}
	return reg, p, nil
}

// translateOne translates the input name with t.
func (o translateOptions) translateOne(cmd *cobra.Command, reg *mappings.Registry, t *translation, name string) error {
	in, size, closeIn, err := openInput(cmd, name)
	if err != nil {
		return err
	}
	defer closeIn()
	name = inputName(name)
	opts, err := o.encodeOptions(name)
	if err != nil {
		return err
	}
	if err := t.begin(name, opts); err != nil {
		return err
	}
	prog := newProgress(cmd.ErrOrStderr(), name, size)
	t.prog = prog
	in = prog.reader(in)
	if o.from == "canonical" {
		err = decodeCanonical(in, name, t.batch)
	} else {
		err = reg.Decode(in, o.decodeOptions(name, t.target == nil), t.batch)
	}
	if t.failed != nil {
		return t.failed
	}
	if err != nil {
		t.report(err)
	}
	t.end()
	prog.done()
	return nil
}

// decodeOptions are the options of reading the input name. EDIFACT
// interchanges and JSON Lines are read by one goroutine and their messages
// decoded on o.workers, emitted in input order, so the output and the
// problems are those of a sequential translation; other inputs (one
// document, a CSV or fixed-width file, canonical events) are read one
// message after the other. Writing stays on one goroutine, in order: a
// profile's encoder groups consecutive events and keeps one document
// open, and the lines reported follow the input. Only canonical events,
// which stand alone, are encoded on the workers (canonicalLines).
func (o translateOptions) decodeOptions(name string, canonical bool) mappings.DecodeOptions {
	opts := mappings.DecodeOptions{Name: name, From: o.from, Lines: o.lines, CredentialKey: credentialKey(), Workers: o.workers}
	if canonical {
		opts.Prepare = canonicalLines
	}
	return opts
}

// encodeOptions are the options of the --to profile's encoder; a sender
// that no envelope can carry is a usage error.
func (o translateOptions) encodeOptions(name string) (mappings.EncodeOptions, error) {
	opts := mappings.EncodeOptions{Name: name, SenderID: o.sender, SenderQualifier: o.senderQualifier, AllowFormulas: o.allowFormulas}
	if o.sender == "" && o.senderQualifier == "" {
		return opts, nil
	}
	if err := pipeline.CheckSenderID(o.sender); err != nil {
		return opts, usagef("--sender %v", err)
	}
	if err := pipeline.CheckSenderQualifier(o.senderQualifier); err != nil {
		return opts, usagef("--sender-qualifier %v", err)
	}
	return opts, nil
}

// credentialKey is the key of credential handles: PCSGATE_CREDENTIAL_KEY,
// or a random key for this run.
func credentialKey() []byte {
	return []byte(os.Getenv("PCSGATE_CREDENTIAL_KEY"))
}

// canonicalWriter writes events as NDJSON, one per line, keys in model
// order, as encoding/json writes them without HTML escaping.
type canonicalWriter struct {
	w   io.Writer
	buf []byte
}

func newCanonicalWriter(w io.Writer) *canonicalWriter {
	return &canonicalWriter{w: w}
}

// write writes the lines of a batch: those Prepare encoded on a worker,
// whose buffer is then kept for reuse, else its events encoded now.
func (c *canonicalWriter) write(b mappings.Batch) error {
	if b.Encoded == nil {
		var err error
		if c.buf, err = appendLines(c.buf[:0], b.Events); err != nil {
			return err
		}
		_, err = c.w.Write(c.buf)
		return err
	}
	_, err := c.w.Write(b.Encoded)
	putLineBuffer(b.Encoded)
	return err
}

// lineBuffers keeps the buffers canonicalLines encodes into, handed back
// once written: a buffer per message otherwise grows from nothing, and
// that garbage costs more than the encoding. (A channel rather than a
// sync.Pool, which would box every slice it is given.)
var lineBuffers = make(chan []byte, 1024)

// maxLineBuffer is the largest buffer kept for reuse.
const maxLineBuffer = 64 << 10

func getLineBuffer() []byte {
	select {
	case b := <-lineBuffers:
		return b
	default:
		return make([]byte, 0, 4<<10)
	}
}

func putLineBuffer(b []byte) {
	if cap(b) > maxLineBuffer {
		return
	}
	select {
	case lineBuffers <- b[:0]:
	default:
	}
}

// canonicalLines is the DecodeOptions.Prepare of a canonical target: it
// encodes the batch's events on the worker that decoded them. An event
// that cannot be encoded leaves Encoded unset, so write finds the error.
func canonicalLines(b *mappings.Batch) {
	out, err := appendLines(getLineBuffer(), b.Events)
	if err == nil && len(out) > 0 {
		b.Encoded = out
	}
}

// appendLines appends one NDJSON line per event.
func appendLines(buf []byte, events []*canonical.ReleaseEvent) ([]byte, error) {
	var err error
	for _, e := range events {
		if buf, err = e.AppendJSON(buf); err != nil {
			return buf, err
		}
	}
	return buf, nil
}
