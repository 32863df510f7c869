package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

func newRunCmd() *cobra.Command {
	var configPath, dataDir string
	var lf logFlags
	cmd := &cobra.Command{
		Use:   "run [--config pcsgate.yaml] [--data ./data] [--log-format text|json] [--log-level LEVEL]",
		Short: "Run the gateway: file drops, webhooks, durable pipes, ledger, routing",
		Long: `Run starts the gateway. Without --config it runs the embedded default:
the SQLite store in <data>/pcsgate.db, an inbox and an outbox folder per port
community system under <data> (inbox/portbase, outbox/cpu, ...), the default
routes by port of pick-up (never back to the system an event came from), and
the monitor on 127.0.0.1:8080 (page, API, /metrics; /healthz open). The
monitor needs a token: the first start creates an operator token, writes it
to <data>/monitor.token and prints a login address once (see pcsgate token).
A listen address that is taken stops it before it announces anything.
Stop it with Ctrl-C; everything committed survives a restart.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			runtime.GOMAXPROCS(pipeline.Procs())
			pipeline.LessGC()
			sl, err := lf.logger(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			reg, err := profiles()
			if err != nil {
				return err
			}
			cfg, err := loadGatewayConfig(configPath, dataDir, reg)
			if err != nil {
				return err
			}
			cfg.Version = currentBuild().Version
			logger := newOrderedLogger(sl, nil)
			lib := newOrderedLogger(sl, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			gw, err := pipeline.NewWithLibraryLogger(ctx, cfg, reg, logger, lib)
			if err != nil {
				return err
			}
			defer gw.Close()
			if err := gw.Listen(); err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), startupLine(cfg))
			ms, err := gw.PrepareMonitor(ctx)
			if err != nil {
				return err
			}
			for _, l := range monitorLines(ms) {
				fmt.Fprintln(cmd.ErrOrStderr(), l)
			}
			for _, ep := range cfg.Endpoints {
				if ep.Filedrop != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "pcsgate: %-14s drop files in %s\n", ep.Name, ep.Filedrop.Dir)
				}
				if ep.HTTPIn != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "pcsgate: %-14s POST to http://%s%s\n", ep.Name, cfg.Webhooks.Listen, ep.HTTPIn.Path)
				}
			}
			if err := gw.Run(ctx); err != nil && ctx.Err() == nil {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "pcsgate.yaml (default: the embedded demo setup)")
	cmd.Flags().StringVar(&dataDir, "data", "data", "data folder of the embedded setup")
	lf.add(cmd)
	return cmd
}

// startupLine is what run prints once the gateway is up; the store's
// password, if any, is masked.
func startupLine(cfg *pipeline.Config) string {
	return fmt.Sprintf("pcsgate: store %s, %s, %s",
		store.Redacted(cfg.Store), count(len(cfg.Endpoints), "endpoint"), count(len(cfg.Routes), "route"))
}

// count says n things, in the singular for one.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// monitorLines say where the monitor is and how to log in: the login
// address with its token on the first start only, where the token file is
// afterwards.
func monitorLines(ms pipeline.MonitorStart) []string {
	switch {
	case ms.URL == "":
		return []string{"pcsgate: monitor off"}
	case ms.Token != "" && ms.TokenFile != "":
		return []string{"pcsgate: monitor login: " + ms.URL + "?token=" + ms.Token,
			"pcsgate: the monitor's operator token is in " + ms.TokenFile + "; it is not printed again"}
	case ms.Token != "":
		return []string{"pcsgate: monitor login: " + ms.URL + "?token=" + ms.Token,
			"pcsgate: the monitor's operator token is not printed again; keep it or make one with pcsgate token create"}
	case ms.TokenFile != "":
		return []string{"pcsgate: monitor on " + ms.URL + " (the first operator token is in " + ms.TokenFile + "; pcsgate token create makes more)"}
	}
	return []string{"pcsgate: monitor on " + ms.URL + " (tokens: pcsgate token create)"}
}
