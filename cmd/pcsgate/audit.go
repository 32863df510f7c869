package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/store"
)

// auditPage is how many releases an audit reads per query.
const auditPage = 500

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the releases' hash chains in the store, or export them for a third party",
		Long: `Every release keeps its events in a SHA-256 hash chain (see README.md,
Audit). audit verify recomputes the chains from the store; audit export
writes them, with the hashes of the raw messages, as JSON that anyone can
check with the documented algorithm.`,
	}
	cmd.AddCommand(newAuditVerifyCmd(), newAuditExportCmd())
	return cmd
}

func newAuditVerifyCmd() *cobra.Command {
	var gf gatewayFlags
	var key string
	cmd := &cobra.Command{
		Use:   "verify [--release KEY]",
		Short: "Recompute every release's hash chain; name the first broken link of each",
		Long: `Verify recomputes the hash chain of every release in the store (or of one,
with --release) from the stored events and compares it with the stored
hashes and the release's own trail. It prints one line per broken release,
naming the event, its seq and the expected and stored hashes, then a
summary. Exit status 1 when a chain is broken.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openAuditStore(cmd.Context(), &gf)
			if err != nil {
				return err
			}
			defer st.Close()
			return verifyChains(cmd.Context(), st, key, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	gf.add(cmd)
	cmd.Flags().StringVar(&key, "release", "", "check only the release with this key")
	return cmd
}

// verifyChains checks the chains of the store (of release key only when
// not empty), writing a line per broken one and a summary to w.
func verifyChains(ctx context.Context, st *store.Store, key string, w, stderr io.Writer) error {
	var releases, events, broken int
	prog := newAuditProgress(stderr)
	err := walkChains(ctx, st, store.ChainFilter{Key: key}, func(c store.Chain) error {
		releases++
		events += len(c.Events)
		if err := checkChain(c); err != nil {
			broken++
			prog.clear()
			fmt.Fprintln(w, err)
		}
		prog.show(releases, events)
		return nil
	})
	prog.clear()
	if err != nil {
		return err
	}
	if key != "" && releases == 0 {
		return fmt.Errorf("release %q is not in the store", key)
	}
	if key == "" {
		n, err := reportOrphans(ctx, st, w)
		if err != nil {
			return err
		}
		broken += n
	}
	fmt.Fprintf(w, "%d releases, %d events checked, %d broken\n", releases, events, broken)
	if broken > 0 {
		return errRejected
	}
	return nil
}

// reportOrphans writes a line for each release that recorded events name
// but the store no longer holds, and returns how many it wrote.
func reportOrphans(ctx context.Context, st *store.Store, w io.Writer) (int, error) {
	orphans, err := st.Orphans(ctx, 1000)
	if err != nil {
		return 0, err
	}
	for _, o := range orphans {
		fmt.Fprintf(w, "release %s: %d events are recorded for it, but the release is not in the store\n", errtext.Safe(o.Key), o.Events)
	}
	return len(orphans), nil
}

// openAuditStore opens the gateway's store; a SQLite store must exist
// already, so a mistyped --data is not taken for an empty store.
func openAuditStore(ctx context.Context, gf *gatewayFlags) (*store.Store, error) {
	cfg, err := gf.load()
	if err != nil {
		return nil, err
	}
	dsn, err := store.ParseDSN(cfg.Store)
	if err != nil {
		return nil, usageError{err}
	}
	if dsn.Backend == store.BackendSQLite && !dsn.Memory {
		if _, err := os.Stat(dsn.Path); err != nil {
			return nil, usagef("no store at %s (--data names the gateway's data folder)", dsn.Path)
		}
	}
	return store.Open(ctx, cfg.Store, nil)
}

// walkChains calls fn for each chain f selects, in key order, reading a
// page at a time.
func walkChains(ctx context.Context, st *store.Store, f store.ChainFilter, fn func(store.Chain) error) error {
	f.Limit = auditPage
	for {
		page, err := st.Chains(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.After = page[len(page)-1].Key
	}
}

// checkChain checks a stored chain: nil, a *ledger.BrokenLink, or an error
// saying the release itself cannot be read.
func checkChain(c store.Chain) error {
	var trail struct {
		Events []ledger.EventRef `json:"events"`
		Head   string            `json:"head"`
	}
	if err := json.Unmarshal(c.Body, &trail); err != nil {
		return fmt.Errorf("release %s: the stored release cannot be read: %w: %v", errtext.Safe(c.Key), ledger.ErrChainBroken, err)
	}
	links := make([]ledger.Link, len(c.Events))
	for i, e := range c.Events {
		links[i] = ledger.Link{Seq: e.Seq, ID: e.ID, Doc: e.Body, Hash: e.Hash}
	}
	if b := ledger.CheckLinks(c.Key, trail.Events, trail.Head, links); b != nil {
		return b
	}
	return nil
}

// auditProgress keeps a count of what is checked on one line of a
// terminal's stderr; elsewhere it writes nothing.
type auditProgress struct {
	w     io.Writer
	on    bool
	last  time.Time
	drawn bool
}

func newAuditProgress(w io.Writer) *auditProgress {
	f, ok := w.(*os.File)
	return &auditProgress{w: w, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *auditProgress) show(releases, events int) {
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%d releases, %d events checked", releases, events)
	p.drawn = true
}

func (p *auditProgress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
