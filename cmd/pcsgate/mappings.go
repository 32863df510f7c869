package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
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
		Long: `Lint checks the specs built into this binary, or those under DIR: a
partner's folder of overlays (spec.yaml, <name>/spec.yaml or
<pcs>/<profile>/spec.yaml, and codelists/*.yaml), checked beside the
built-in profiles so that "extends" of a built-in profile works, or a whole
tree of specs such as a checkout's mappings folder. Each spec is checked
against the spec schema and its paths, tables and expressions compiled;
every problem is reported with its file and line. Exit status 1 when any
spec is invalid, 2 when DIR holds no spec.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, own, err := lintRegistry(dir)
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
			if own > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%d profiles ok (%d of %s, beside the built-in ones)\n", len(reg.Profiles()), own, dir)
				return nil
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

// lintRegistry loads what lint checks: the built-in profiles; or, with
// dir, a whole tree of specs (every profile it names is a built-in one: a
// checkout's mappings folder or a copy of it); or else a folder of
// overlays beside the built-in profiles, of which own counts the specs.
func lintRegistry(dir string) (reg *mappings.Registry, own int, err error) {
	if dir == "" {
		reg, err = mappings.Default()
		return reg, 0, err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, 0, usagef("--dir %s: not a folder", dir)
	}
	names, err := specNames(os.DirFS(dir))
	if err != nil {
		return nil, 0, err
	}
	if len(names) == 0 {
		return nil, 0, usagef("--dir %s: no spec.yaml in it (nor in its subfolders, two levels down)", dir)
	}
	builtin, err := mappings.Default()
	if err != nil {
		return nil, 0, err
	}
	if allBuiltin(builtin, names) {
		reg, err = mappings.Load(os.DirFS(dir))
		return reg, 0, err
	}
	reg, err = mappings.LoadWith(mappings.Embedded(), os.DirFS(dir))
	return reg, len(names), err
}

// specNames reads the profile name of every spec.yaml in fsys, at the
// depths LoadWith looks at.
func specNames(fsys fs.FS) ([]string, error) {
	var names []string
	for _, pattern := range []string{"spec.yaml", "*/spec.yaml", "*/*/spec.yaml"} {
		files, err := fs.Glob(fsys, pattern)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var head struct {
				Profile string `yaml:"profile"`
			}
			_ = yaml.Unmarshal(b, &head) // a broken spec is reported by the load
			names = append(names, head.Profile)
		}
	}
	return names, nil
}

func allBuiltin(builtin *mappings.Registry, names []string) bool {
	for _, n := range names {
		if _, err := builtin.Profile(n); err != nil {
			return false
		}
	}
	return true
}
