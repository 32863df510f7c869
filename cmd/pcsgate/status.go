package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

func newStatusCmd() *cobra.Command {
	var f gatewayFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--config pcsgate.yaml] [--data ./data] [--json]",
		Short: "List the fleet: the instances on the store and the leases they hold",
		Long: `Status reads the gateway's store and lists the instances that run on it
(id, host, pid, version, when it started, its last heartbeat, alive or gone)
and the leases held (inbound/<endpoint>: the instance that picks up that
inbox or polls that SFTP server, and until when). Instances heartbeat every
2 s and are gone after 10 s without one; a lease not renewed expires after
6 s and another instance takes it. On SQLite, one process, there are no
leases. --json prints the same as the monitor's /api/fleet.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, s, err := f.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			fl, err := pipeline.FleetOf(cmd.Context(), s)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(fl)
			}
			return writeFleet(cmd.OutOrStdout(), store.Redacted(cfg.Store), fl)
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: instances and leases")
	return cmd
}

// writeFleet prints the fleet as two tables, instances and leases.
func writeFleet(out io.Writer, where string, fl pipeline.Fleet) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Store %s: %s, %d alive\n\n", where, count(len(fl.Instances), "instance"), alive(fl.Instances))
	fmt.Fprintln(w, "INSTANCE\tHOST\tPID\tVERSION\tSTARTED\tHEARTBEAT\tSTATE")
	for _, in := range fl.Instances {
		state := "gone"
		if in.Alive {
			state = "alive"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", in.ID, in.Host, in.PID, in.Version, stamp(in.StartedAt), stamp(in.HeartbeatAt), state)
	}
	fmt.Fprintln(w)
	if len(fl.Leases) == 0 {
		fmt.Fprintln(w, "No leases held: inbound work is leased on a PostgreSQL store only, to one instance per inbox or SFTP pick-up.")
		return w.Flush()
	}
	fmt.Fprintln(w, "LEASE\tHOLDER\tSINCE\tEXPIRES")
	for _, l := range fl.Leases {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", l.Name, l.Holder, stamp(l.AcquiredAt), stamp(l.ExpiresAt))
	}
	return w.Flush()
}

func alive(ins []store.Instance) int {
	n := 0
	for _, in := range ins {
		if in.Alive {
			n++
		}
	}
	return n
}

// stamp is t in UTC to the millisecond: heartbeats and leases move by
// seconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
