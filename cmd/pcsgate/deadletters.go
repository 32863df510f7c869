package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// gatewayFlags are the flags of the commands that read a gateway's data.
type gatewayFlags struct{ config, data string }

func (f *gatewayFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.config, "config", "", "pcsgate.yaml (default: the embedded setup)")
	cmd.Flags().StringVar(&f.data, "data", "data", "data folder of the embedded setup")
}

// load reads the gateway's configuration, as run and replay do.
func (f *gatewayFlags) load() (*pipeline.Config, error) {
	reg, err := profiles()
	if err != nil {
		return nil, err
	}
	return loadGatewayConfig(f.config, f.data, reg)
}

// dataExists refuses a --data folder that does not exist, when no --config
// is given: a mistyped folder would otherwise get a new, empty store.
func (f *gatewayFlags) dataExists() error {
	if f.config != "" {
		return nil
	}
	if st, err := os.Stat(f.data); err != nil || !st.IsDir() {
		return usagef("--data %s: no such folder (pcsgate run makes it on its first start)", f.data)
	}
	return nil
}

// openExisting is open for an installation that exists.
func (f *gatewayFlags) openExisting(ctx context.Context) (*pipeline.Config, *store.Store, error) {
	if err := f.dataExists(); err != nil {
		return nil, nil, err
	}
	return f.open(ctx)
}

// open reads the gateway's configuration and opens its store.
func (f *gatewayFlags) open(ctx context.Context) (*pipeline.Config, *store.Store, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, cfg.Store, nil)
	return cfg, st, err
}

func newDeadLettersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deadletters",
		Short: "List dead letters and show one with its original payload",
		Long: `Deadletters reads the dead letters of the gateway's store: what failed for
good, with its stage, reason and original bytes. A payload kept sealed
(the message carried a secret) is opened with the installation's secret
key (secret_key_file) to be shown. pcsgate replay puts dead letters back;
discard gives one up for good.`,
	}
	cmd.AddCommand(newDeadLettersListCmd(), newDeadLettersShowCmd(), newDeadLettersDiscardCmd())
	return cmd
}

func newDeadLettersListCmd() *cobra.Command {
	var gf gatewayFlags
	var stage string
	var all bool
	cmd := &cobra.Command{
		Use:   "list [--stage STAGE] [--all]",
		Short: "List pending dead letters (--all: replayed ones too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, st, err := gf.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tWHEN\tSTAGE\tENDPOINT\tPROFILE\tSEALED\tREASON")
			n := 0
			for offset := 0; ; offset += 1000 {
				dls, err := st.DeadLetters(cmd.Context(), store.DeadLetterFilter{Stage: stage, Pending: !all, Limit: 1000, Offset: offset})
				if err != nil {
					return err
				}
				for _, d := range dls {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.CreatedAt.UTC().Format(time.RFC3339), d.Stage,
						orDash(d.Endpoint), orDash(d.Profile), sealedMark(d), firstLineOf(d.Reason))
				}
				n += len(dls)
				if len(dls) < 1000 {
					break
				}
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d dead letter(s)\n", n)
			return nil
		},
	}
	gf.add(cmd)
	cmd.Flags().StringVar(&stage, "stage", "", "only dead letters of this stage")
	cmd.Flags().BoolVar(&all, "all", false, "replayed dead letters too")
	return cmd
}

func newDeadLettersShowCmd() *cobra.Command {
	var gf gatewayFlags
	var out string
	cmd := &cobra.Command{
		Use:   "show ID [-o FILE]",
		Short: "Show a dead letter: its metadata and reason, then its original payload",
		Long: `Show prints a dead letter's metadata and reason, then its payload as it was
received, opened with the installation's secret key if it is kept sealed.
With -o the payload goes to FILE instead, a new file readable by its owner
only (0600).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, st, err := gf.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			dls, err := st.DeadLetters(cmd.Context(), store.DeadLetterFilter{ID: args[0]})
			if err != nil {
				return err
			}
			if len(dls) == 0 {
				return fmt.Errorf("no dead letter %q (pcsgate deadletters list --all lists them)", args[0])
			}
			d := dls[0]
			var key []byte
			if pipeline.IsSealed(d) {
				if key, err = pipeline.ReadSecretKey(cfg); err != nil {
					return err
				}
			}
			payload, err := pipeline.OpenPayload(key, d)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			describe(w, d)
			if out != "" {
				if err := writeNew(out, payload); err != nil {
					return err
				}
				fmt.Fprintf(w, "payload: %d bytes written to %s\n", len(payload), out)
				return nil
			}
			fmt.Fprintf(w, "payload: %d bytes\n", len(payload))
			_, err = w.Write(payload)
			return err
		},
	}
	gf.add(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the payload to this new file (0600) instead of standard output")
	return cmd
}

// maxDiscardReason is the longest reason the store keeps with a discarded
// dead letter.
const maxDiscardReason = 1024

func newDeadLettersDiscardCmd() *cobra.Command {
	var gf gatewayFlags
	var reason string
	cmd := &cobra.Command{
		Use:   "discard ID --reason TEXT",
		Short: "Give a pending dead letter up: it is kept with its bytes but no longer pending",
		Long: `Discard marks a pending dead letter as given up, as the monitor's Discard
button does: it stays in the store with its original bytes, no longer
pending and never replayed. The reason is required (at most 1024 bytes);
it is kept with the dead letter (deadletters show prints it), and logged
with the dead letter's id and stage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usagef("--reason is required: say why the dead letter is given up")
			}
			if len(reason) > maxDiscardReason {
				return usagef("--reason of %d bytes: at most %d expected", len(reason), maxDiscardReason)
			}
			_, st, err := gf.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			dls, err := st.DeadLetters(cmd.Context(), store.DeadLetterFilter{ID: args[0], Pending: true})
			if err != nil {
				return err
			}
			if len(dls) == 0 {
				return fmt.Errorf("no pending dead letter %q (pcsgate deadletters list --all lists them)", args[0])
			}
			if err := st.InTx(cmd.Context(), func(tx *store.Tx) error { return tx.Discard(args[0], reason) }); err != nil {
				return err
			}
			slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)).Info("dead letter discarded",
				"id", dls[0].ID, "stage", dls[0].Stage, "endpoint", dls[0].Endpoint, "reason", reason)
			fmt.Fprintf(cmd.OutOrStdout(), "%s: discarded (%s)\n", dls[0].ID, reason)
			return nil
		},
	}
	gf.add(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why the dead letter is given up (required)")
	return cmd
}

// describe writes what is known of d but its payload, one field a line.
func describe(w io.Writer, d store.DeadLetter) {
	fmt.Fprintf(w, "id: %s\nstage: %s\nendpoint: %s\nprofile: %s\nwhen: %s\n",
		d.ID, d.Stage, orDash(d.Endpoint), orDash(d.Profile), d.CreatedAt.UTC().Format(time.RFC3339))
	if d.ReplayedAt != nil {
		fmt.Fprintf(w, "replayed: %s\n", d.ReplayedAt.UTC().Format(time.RFC3339))
	}
	if d.DiscardedAt != nil {
		fmt.Fprintf(w, "discarded: %s %s\n", d.DiscardedAt.UTC().Format(time.RFC3339), orDash(d.DiscardReason))
	}
	if pipeline.IsSealed(d) {
		fmt.Fprintln(w, "sealed: yes, opened with the installation's secret key")
	}
	fmt.Fprintln(w, "metadata:")
	for _, k := range slices.Sorted(maps.Keys(d.Metadata)) {
		fmt.Fprintf(w, "  %s: %s\n", k, d.Metadata[k])
	}
	fmt.Fprintln(w, "reason:")
	for _, l := range strings.Split(strings.TrimRight(d.Reason, "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

func sealedMark(d store.DeadLetter) string {
	if pipeline.IsSealed(d) {
		return "sealed"
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
