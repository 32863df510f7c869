package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings"
)

func newMappingsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mappings",
		Short: "Check mapping specs and regenerate their READMEs",
	}
	var dir string
	lint := &cobra.Command{
		Use:   "lint [--dir DIR]",
		Short: "Check every spec against mappings/spec/spec.schema.json and compile it",
		Long: `Lint loads every <pcs>/<profile>/spec.yaml and codelists/*.yaml under DIR
(default: the specs built into this binary), checks them against the spec
schema, compiles paths, tables and expressions, and reports every problem
with its file and line. Exit status 1 when any spec is invalid.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := loadRegistry(dir)
			var ue usageError
			if errors.As(err, &ue) {
				return err
			}
			if err != nil {
				for _, l := range mappings.Lines(err) {
					fmt.Fprintln(cmd.ErrOrStderr(), l)
				}
				return errRejected
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d profiles ok\n", len(reg.Profiles()))
			return nil
		},
	}
	lint.Flags().StringVar(&dir, "dir", "", "folder of specs (default: built-in)")
	var docsDir string
	docs := &cobra.Command{
		Use:   "docs [--dir mappings]",
		Short: "Regenerate each profile's README.md from its spec",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := loadRegistry(docsDir)
			if err != nil {
				return err
			}
			for _, p := range reg.Profiles() {
				path := filepath.Join(docsDir, filepath.FromSlash(p.Name()), "README.md")
				text := mappings.ProfileREADME(p)
				if old, err := os.ReadFile(path); err == nil && string(old) == text {
					continue
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), "wrote", path)
			}
			return nil
		},
	}
	docs.Flags().StringVar(&docsDir, "dir", "mappings", "the mappings folder of a pcsgate checkout")
	cmd.AddCommand(lint, docs)
	return cmd
}

func loadRegistry(dir string) (*mappings.Registry, error) {
	if dir == "" {
		return mappings.Default()
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, usagef("--dir %s: not a folder", dir)
	}
	return mappings.Load(os.DirFS(dir))
}
