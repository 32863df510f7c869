package main

import (
	"cmp"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/transports/store"
)

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke the monitor's access tokens",
		Long: `The monitor and its API need a token. A viewer token reads the page, the API
and /metrics; an operator token may also replay and discard dead letters.
Tokens live, hashed, in the store: instances sharing a PostgreSQL store share
them, and a revoked token is refused from its next request on.`,
	}
	cmd.AddCommand(newTokenCreateCmd(), newTokenListCmd(), newTokenRevokeCmd())
	return cmd
}

func newTokenCreateCmd() *cobra.Command {
	var f gatewayFlags
	var role, name string
	cmd := &cobra.Command{
		Use:   "create --role viewer|operator [--name LABEL]",
		Short: "Create a token and print it, once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if role != store.RoleViewer && role != store.RoleOperator {
				return usagef("--role %q: %s or %s expected", role, store.RoleViewer, store.RoleOperator)
			}
			_, s, err := f.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			t, secret, err := s.CreateToken(cmd.Context(), name, role)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			fmt.Fprintf(cmd.ErrOrStderr(), "pcsgate: %s token %s created; it is shown only now\n", t.Role, t.ID)
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&role, "role", "", "viewer (read) or operator (also replay and discard dead letters)")
	cmd.Flags().StringVar(&name, "name", "", "a label, such as who holds it")
	return cmd
}

func newTokenListCmd() *cobra.Command {
	var f gatewayFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the tokens: id, name, role, created, revoked (never a secret)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, s, err := f.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			list, err := s.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tREVOKED")
			for _, t := range list {
				revoked := "-"
				if t.RevokedAt != nil {
					revoked = t.RevokedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, cmp.Or(t.Name, "-"), t.Role, t.CreatedAt.Format(time.RFC3339), revoked)
			}
			return w.Flush()
		},
	}
	f.add(cmd)
	return cmd
}

func newTokenRevokeCmd() *cobra.Command {
	var f gatewayFlags
	cmd := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token; its next request, and its browser sessions, are refused",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := f.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			err = s.RevokeToken(cmd.Context(), args[0])
			if errors.Is(err, store.ErrNotFound) {
				return usagef("token %q: no such token, or revoked already (see pcsgate token list)", args[0])
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %s revoked\n", args[0])
			return nil
		},
	}
	f.add(cmd)
	return cmd
}
