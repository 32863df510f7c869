package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/transports/pipeline"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check a gateway configuration (pcsgate.yaml)",
	}
	cmd.AddCommand(newConfigCheckCmd(), newConfigSchemaCmd())
	return cmd
}

func newConfigSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of pcsgate.yaml, for editors that complete and check it",
		Long: `Schema prints the JSON Schema of pcsgate.yaml. Save it and point your editor at
it; with the YAML language server, a first line
"# yaml-language-server: $schema=pcsgate.schema.json" in pcsgate.yaml does.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(pipeline.ConfigSchema)
			return err
		},
	}
}

func newConfigCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Load and validate a pcsgate.yaml without starting anything",
		Long: `Check reads FILE as pcsgate run --config FILE does: strictly, every problem
with its [line:column]; then it resolves the profile of every endpoint and
route against the built-in profiles (and those of --mappings), and reads the
key files that exist. It opens no store and listens nowhere. It prints
"FILE: ok (N endpoints, M routes)", or one line per problem and exit status 1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := profiles()
			if err != nil {
				return err
			}
			path := args[0]
			if st, err := os.Stat(path); err != nil || st.IsDir() {
				return usagef("%s: not a readable file", path)
			}
			cfg, err := pipeline.CheckConfigFile(path, reg)
			if err != nil {
				msg := strings.TrimPrefix(strings.TrimRight(err.Error(), "\n"), path+": ")
				for _, l := range strings.Split(msg, "\n") {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", path, l)
				}
				return errRejected
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%s, %s)\n", path, count(len(cfg.Endpoints), "endpoint"), count(len(cfg.Routes), "route"))
			return nil
		},
	}
}
