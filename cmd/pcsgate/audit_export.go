package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/store"
)

// auditExport is the exported chain of one release; README.md (Audit)
// describes it for those who check it.
type auditExport struct {
	Algorithm auditAlgorithm `json:"algorithm"`
	Release   string         `json:"release"`
	// Head is the release's last hash as the release records it.
	Head   string       `json:"head"`
	Events []auditEvent `json:"events"`
}

type auditAlgorithm struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
}

type auditEvent struct {
	Seq        int64     `json:"seq"`
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurredAt"`
	ReceivedAt time.Time `json:"receivedAt"`
	Late       bool      `json:"late,omitempty"`
	// Canonical is the canonical JSON exactly as hashed; encoding/json
	// writes it in standard base64, which keeps every byte.
	Canonical []byte `json:"canonical"`
	Hash      string `json:"hash"`
	// RawSHA256 is the SHA-256 of the file or request body the event came
	// in, when known.
	RawSHA256 string `json:"rawSha256,omitempty"`
}

func newAuditExportCmd() *cobra.Command {
	var gf gatewayFlags
	var key, since, out string
	cmd := &cobra.Command{
		Use:   "export --release KEY | --since RFC3339 [-o FILE]",
		Short: "Write releases' hash chains as JSON a third party can verify",
		Long: `Export writes the hash chain of one release (--release: one JSON document)
or of every release changed since a time (--since: JSON Lines, one release
a line, so a long period streams and each line can be checked or handed
over alone). Each event carries its canonical JSON exactly as hashed
(base64), its hash and the SHA-256 of the raw message it came in, when
known. README.md (Audit) gives the algorithm. The chains are checked on
the way: a broken one is named on stderr and the exit status is 1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := exportFilter(key, since)
			if err != nil {
				return err
			}
			st, err := openAuditStore(cmd.Context(), &gf)
			if err != nil {
				return err
			}
			defer st.Close()
			return withOutput(cmd.OutOrStdout(), out, func(w io.Writer) error {
				return exportChains(cmd.Context(), st, f, w, cmd.ErrOrStderr())
			})
		},
	}
	gf.add(cmd)
	cmd.Flags().StringVar(&key, "release", "", "export the release with this key, as one JSON document")
	cmd.Flags().StringVar(&since, "since", "", "export every release changed at or after this time (RFC 3339), one a line")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this new file (0600) instead of standard output")
	return cmd
}

// exportFilter is the selection of --release or --since; exactly one is
// needed.
func exportFilter(key, since string) (store.ChainFilter, error) {
	switch {
	case key == "" && since == "":
		return store.ChainFilter{}, usagef("audit export needs --release KEY or --since RFC3339")
	case key != "" && since != "":
		return store.ChainFilter{}, usagef("audit export takes --release or --since, not both")
	case key != "":
		return store.ChainFilter{Key: key}, nil
	}
	t, err := time.Parse(time.RFC3339, since)
	if err != nil {
		return store.ChainFilter{}, usagef("--since %q: an RFC 3339 time expected, e.g. 2026-12-01T00:00:00Z", since)
	}
	return store.ChainFilter{UpdatedSince: t}, nil
}

// exportChains writes the chains f selects to w: one indented document
// for one release, else a line each. Broken chains are named on stderr.
func exportChains(ctx context.Context, st *store.Store, f store.ChainFilter, w, stderr io.Writer) error {
	var releases, events, broken int
	err := walkChains(ctx, st, f, func(c store.Chain) error {
		releases++
		events += len(c.Events)
		if err := checkChain(c); err != nil {
			broken++
			fmt.Fprintln(stderr, err)
		}
		doc := exportOf(c)
		var (
			b   []byte
			err error
		)
		if f.Key != "" {
			b, err = json.MarshalIndent(doc, "", "  ")
		} else {
			b, err = json.Marshal(doc)
		}
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
	switch {
	case err != nil:
		return err
	case f.Key != "" && releases == 0:
		return fmt.Errorf("release %q is not in the store", f.Key)
	}
	fmt.Fprintf(stderr, "%d releases, %d events exported, %d broken\n", releases, events, broken)
	if broken > 0 {
		return errRejected
	}
	return nil
}

// exportOf is the export of a stored chain. A release that cannot be read
// is exported without its head; checkChain has named it already.
func exportOf(c store.Chain) auditExport {
	var head struct {
		Head string `json:"head"`
	}
	_ = json.Unmarshal(c.Body, &head)
	doc := auditExport{Algorithm: auditAlgorithm{Name: ledger.ChainAlgorithm, Version: ledger.ChainAlgorithmVersion},
		Release: c.Key, Head: head.Head, Events: make([]auditEvent, len(c.Events))}
	for i, e := range c.Events {
		doc.Events[i] = auditEvent{Seq: e.Seq, ID: e.ID, Type: e.Type, OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt,
			Late: e.Late, Canonical: e.Body, Hash: e.Hash, RawSHA256: e.RawHash}
	}
	return doc
}

// withOutput runs write on stdout, or on the new file path (0600) when
// path is set; the file is removed again when write fails other than by
// finding a broken chain.
func withOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return usagef("%s exists already; name a new file", path)
		}
		return err
	}
	err = f.Chmod(0o600)
	if err == nil {
		err = write(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, errRejected) {
		_ = os.Remove(path)
	}
	return err
}
