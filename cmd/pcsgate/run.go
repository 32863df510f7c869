package main

import (
	"github.com/spf13/cobra"
)

func newRunCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run [--config pcsgate.yaml]",
		Short: "Run the gateway (not available yet in this build)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("the gateway (durable pipes, file drops, SFTP, HTTP) is not in this build yet; " +
				"translate, validate and conformance are: see pcsgate --help")
		},
	}
}
