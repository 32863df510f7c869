package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

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
}

func newTranslateCmd() *cobra.Command {
	var o translateOptions
	cmd := &cobra.Command{
		Use:   "translate [--from PROFILE] --to PROFILE|canonical [FILE|-]",
		Short: "Translate a file from one port system's format to another's, or to canonical NDJSON",
		Long: `Translate reads FILE (or standard input) and writes it in the target format
on standard output. --to canonical writes one canonical event per line (NDJSON).
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

Bad messages are reported on standard error, one line each; the good ones are
still written. Exit status: 0 all good, 1 some input rejected, 2 usage error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	cmd.Flags().StringVar(&o.from, "from", "", "profile of the input (detected when omitted)")
	cmd.Flags().StringVar(&o.to, "to", "", "target profile, or canonical for NDJSON events")
	cmd.Flags().StringVar(&o.sender, "sender", "", "party id of this installation as the interchange sender (EDIFACT UNB, an..35)")
	cmd.Flags().StringVar(&o.senderQualifier, "sender-qualifier", "", "code qualifier of --sender (an..4)")
	cmd.Flags().BoolVar(&o.allowFormulas, "allow-csv-formulas", false, "write CSV cells that start with =, +, -, @ as they are (default: a ' before them)")
	cmd.Flags().BoolVar(&o.lines, "lines", false, "read JSON Lines (one JSON document per line; implied by .jsonl and .ndjson)")
	return cmd
}

// run translates the input named by args to standard output; errRejected
// says some of it was rejected (and reported on standard error).
func (o translateOptions) run(cmd *cobra.Command, args []string) error {
	if o.to == "" {
		return usagef("--to is required: a profile name (see pcsgate profiles) or canonical")
	}
	reg, err := profiles()
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
	defer out.Flush()
	enc, err := o.encoder(reg, out, inputName(args))
	if err != nil {
		return err
	}
	if o.from != "" {
		if _, err := reg.Profile(o.from); err != nil {
			return usageError{err}
		}
	}
	in, name, size, closeIn, err := openInput(cmd, args)
	if err != nil {
		return err
	}
	defer closeIn()
	prog := newProgress(cmd.ErrOrStderr(), name, size)
	in = prog.reader(in)
	t := &translation{enc: enc, canon: newCanonicalWriter(out), prog: prog, errOut: cmd.ErrOrStderr()}
	if err := reg.Decode(in, mappings.DecodeOptions{Name: name, From: o.from, Lines: o.lines, CredentialKey: credentialKey()}, t.batch); err != nil {
		t.report(err)
	}
	t.close()
	prog.done()
	if err := out.Flush(); err != nil {
		return err
	}
	if t.rejected > 0 {
		return errRejected
	}
	return nil
}

// encoder is the encoder of the --to profile writing to out, or nil for
// canonical NDJSON; an unknown profile is a usage error.
func (o translateOptions) encoder(reg *mappings.Registry, out io.Writer, name string) (mappings.Encoder, error) {
	if o.to == "canonical" {
		if o.sender != "" || o.senderQualifier != "" {
			return nil, usagef("--sender and --sender-qualifier name the sender of a target profile's envelopes, not of canonical events")
		}
		if o.allowFormulas {
			return nil, usagef("--allow-csv-formulas is for CSV target profiles, not canonical events")
		}
		return nil, nil
	}
	p, err := reg.Profile(o.to)
	if err != nil {
		return nil, usageError{err}
	}
	opts, err := o.encodeOptions(name)
	if err != nil {
		return nil, err
	}
	enc, err := p.NewEncoder(out, opts)
	if err != nil {
		return nil, usageError{err}
	}
	return enc, nil
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

// translation writes decoded events to the target and reports what is
// rejected on the way, counting the lines reported.
type translation struct {
	enc      mappings.Encoder // nil: canonical NDJSON to canon
	canon    *canonicalWriter
	prog     *progress
	errOut   io.Writer
	rejected int
}

// batch writes one decoded batch; a rejected event is reported, and only a
// failure to write canonical NDJSON stops the decoding.
func (t *translation) batch(b mappings.Batch) error {
	t.prog.events(len(b.Events))
	if t.enc == nil {
		return t.canon.write(b.Events)
	}
	if err := t.enc.Encode(b.Events); err != nil {
		t.report(err) // names the file, message and event
	}
	return nil
}

// close closes the encoder, if any, reporting what it rejects at the end.
func (t *translation) close() {
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

// inputName is how errors name the input: the file, or "stdin".
func inputName(args []string) string {
	if len(args) == 0 || args[0] == "-" {
		return "stdin"
	}
	return args[0]
}

// openInput opens FILE or standard input ("-" or nothing).
func openInput(cmd *cobra.Command, args []string) (io.Reader, string, int64, func(), error) {
	if len(args) == 0 || args[0] == "-" {
		return cmd.InOrStdin(), "stdin", -1, func() {}, nil
	}
	f, err := os.Open(args[0])
	if err != nil {
		return nil, "", 0, nil, usageError{err}
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			f.Close()
			return nil, "", 0, nil, usagef("%s is a directory", args[0])
		}
		size = st.Size()
	}
	return f, args[0], size, func() { f.Close() }, nil
}

// credentialKey is the key of credential handles: PCSGATE_CREDENTIAL_KEY,
// or a random key for this run.
func credentialKey() []byte {
	return []byte(os.Getenv("PCSGATE_CREDENTIAL_KEY"))
}

// canonicalWriter writes events as NDJSON, one per line, keys in model order.
type canonicalWriter struct {
	enc *json.Encoder
}

func newCanonicalWriter(w io.Writer) *canonicalWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &canonicalWriter{enc: enc}
}

func (c *canonicalWriter) write(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := c.enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}
