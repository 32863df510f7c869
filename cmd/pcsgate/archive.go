package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports/pipeline"
)

func newArchiveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "archive",
		Short: "Open the sealed files of the file drops' archive/ and error/ folders",
	}
	cmd.AddCommand(newArchiveOpenCmd())
	return cmd
}

func newArchiveOpenCmd() *cobra.Command {
	var gf gatewayFlags
	var out string
	cmd := &cobra.Command{
		Use:   "open FILE [-o OUT]",
		Short: "Give the original bytes of a sealed file (<name>.sealed)",
		Long: `A file whose message carried a secret (a PIN, a TCT) is kept in a file
drop's archive/ or error/ folder only sealed, as <name>.sealed. Open gives
its original bytes, opened with the installation's secret key
(secret_key_file of --config, or <data>/secret.key), on standard output or
in OUT, a new file readable by its owner only (0600).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := gf.load()
			if err != nil {
				return err
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if !seal.IsSealed(b) {
				return fmt.Errorf("%s is not sealed by pcsgate: it is kept in clear, read it as it is", args[0])
			}
			key, err := pipeline.ReadSecretKey(cfg)
			if err != nil {
				return err
			}
			plain, err := seal.Open(key, b)
			if err != nil {
				return fmt.Errorf("%s %w", args[0], err)
			}
			if out != "" {
				return writeNew(out, plain)
			}
			_, err = cmd.OutOrStdout().Write(plain)
			return err
		},
	}
	gf.add(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the original to this new file (0600) instead of standard output")
	return cmd
}

// writeNew writes data to the file path, which must not exist yet,
// readable and writable by its owner only whatever the umask.
func writeNew(path string, data []byte) error {
	return withOutput(nil, path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
