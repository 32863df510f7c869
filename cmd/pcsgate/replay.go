package main

import (
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

func newReplayCmd() *cobra.Command {
	var gf gatewayFlags
	var id, stage string
	var all, list bool
	cmd := &cobra.Command{
		Use:   "replay [--id ID | --all] [--stage STAGE] [--list]",
		Short: "Put dead letters back where they failed, after a fix",
		Long: `Replay lists (--list) or puts back pending dead letters: a message that
could not be decoded is decoded again with this build's profiles; a message
that failed at a later stage (ledger, route, deliver_<endpoint>) goes back on
the pipe it failed on. A running gateway picks them up; otherwise the next
pcsgate run does. Exit status 1 when a dead letter fails again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !list && id == "" && !all {
				return usagef("name a dead letter with --id, or use --all or --list")
			}
			if err := gf.dataExists(); err != nil {
				return err
			}
			reg, err := profiles()
			if err != nil {
				return err
			}
			cfg, err := loadGatewayConfig(gf.config, gf.data, reg)
			if err != nil {
				return err
			}
			logger := watermill.NewSlogLoggerWithLevelMapping(slog.Default(), map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
			gw, err := pipeline.New(cmd.Context(), cfg, reg, logger)
			if err != nil {
				return err
			}
			defer gw.Close()
			out := cmd.OutOrStdout()
			if list {
				dls, err := gw.Store().DeadLetters(cmd.Context(), store.DeadLetterFilter{ID: id, Stage: stage, Pending: true, Limit: 1000})
				if err != nil {
					return err
				}
				for _, d := range dls {
					fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\n", d.ID, d.CreatedAt.Format("2006-01-02T15:04:05Z"), d.Stage, d.Endpoint, firstLineOf(d.Reason))
				}
				fmt.Fprintf(out, "%d pending dead letter(s)\n", len(dls))
				return nil
			}
			res, err := gw.Replay(cmd.Context(), pipeline.ReplayFilter{ID: id, Stage: stage, All: all})
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range res {
				if r.Err != nil {
					failed++
					fmt.Fprintf(cmd.ErrOrStderr(), "%s (%s): %v\n", r.ID, r.Stage, r.Err)
					continue
				}
				fmt.Fprintf(out, "%s (%s): replayed\n", r.ID, r.Stage)
			}
			fmt.Fprintf(out, "%d replayed, %d failed again\n", len(res)-failed, failed)
			if failed > 0 {
				return errRejected
			}
			return nil
		},
	}
	gf.add(cmd)
	cmd.Flags().StringVar(&id, "id", "", "one dead letter")
	cmd.Flags().StringVar(&stage, "stage", "", "only dead letters of this stage")
	cmd.Flags().BoolVar(&all, "all", false, "every pending dead letter")
	cmd.Flags().BoolVar(&list, "list", false, "list pending dead letters instead")
	return cmd
}

// loadGatewayConfig reads --config, or builds the embedded setup.
func loadGatewayConfig(path, dataDir string, reg *mappings.Registry) (*pipeline.Config, error) {
	if path != "" {
		cfg, err := pipeline.LoadConfig(path)
		if err != nil {
			return nil, usageError{err}
		}
		return cfg, nil
	}
	return pipeline.DefaultConfig(dataDir, func(p string) bool {
		pr, err := reg.Profile(p)
		return err == nil && pr.CanEncode()
	}), nil
}

func firstLineOf(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
