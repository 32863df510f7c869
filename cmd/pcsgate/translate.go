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
)

func newTranslateCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "translate [--from PROFILE] --to PROFILE|canonical [FILE|-]",
		Short: "Translate a file from one port system's format to another's, or to canonical NDJSON",
		Long: `Translate reads FILE (or standard input) and writes it in the target format
on standard output. --to canonical writes one canonical event per line (NDJSON).
Without --from the profile is detected: EDIFACT by the UNH message type,
version and association code, JSON by its discriminator or schema.

Bad messages are reported on standard error, one line each; the good ones are
still written. Exit status: 0 all good, 1 some input rejected, 2 usage error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return usagef("--to is required: a profile name (see pcsgate profiles) or canonical")
			}
			reg, err := profiles()
			if err != nil {
				return err
			}
			var enc mappings.Encoder
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			defer out.Flush()
			if to != "canonical" {
				p, err := reg.Profile(to)
				if err != nil {
					return usageError{err}
				}
				if enc, err = p.NewEncoder(out, mappings.EncodeOptions{Name: inputName(args)}); err != nil {
					return usageError{err}
				}
			}
			if from != "" {
				if _, err := reg.Profile(from); err != nil {
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
			canon := newCanonicalWriter(out)
			rejected := 0
			report := func(err error) {
				prog.clear()
				for _, l := range mappings.Lines(err) {
					fmt.Fprintln(cmd.ErrOrStderr(), l)
					rejected++
				}
			}
			derr := reg.Decode(in, mappings.DecodeOptions{Name: name, From: from, CredentialKey: credentialKey()}, func(b mappings.Batch) error {
				prog.events(len(b.Events))
				if enc == nil {
					return canon.write(b.Events)
				}
				if err := enc.Encode(b.Events); err != nil {
					report(err) // names the file, message and event
				}
				return nil
			})
			if derr != nil {
				report(derr)
			}
			if enc != nil {
				if err := enc.Close(); err != nil {
					report(err)
				}
			}
			prog.done()
			if err := out.Flush(); err != nil {
				return err
			}
			if rejected > 0 {
				return errRejected
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "profile of the input (detected when omitted)")
	cmd.Flags().StringVar(&to, "to", "", "target profile, or canonical for NDJSON events")
	return cmd
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
