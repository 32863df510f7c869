package main

import (
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// logFlags are run's --log-format, --log-level and --debug.
type logFlags struct {
	format, level string
	debug         bool
}

func (f *logFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.format, "log-format", "text", "log lines as text (key=value) or json")
	cmd.Flags().StringVar(&f.level, "log-level", "info", "least level logged: debug, info, warn or error")
	cmd.Flags().BoolVar(&f.debug, "debug", false, "the same as --log-level debug")
	_ = cmd.RegisterFlagCompletionFunc("log-format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("log-level", cobra.FixedCompletions([]string{"debug", "info", "warn", "error"}, cobra.ShellCompDirectiveNoFileComp))
}

// logger builds the slog logger the flags ask for, writing to w; a format
// or level it does not know is a usage error.
func (f *logFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.level)); err != nil || !knownLevel(f.level) {
		return nil, usagef("--log-level %q: debug, info, warn or error expected", f.level)
	}
	if f.debug {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	switch f.format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format %q: text or json expected", f.format)
}

// knownLevel is true for the four level names, whatever their case; slog
// itself would also take offsets such as "info+2".
func knownLevel(s string) bool {
	return slices.ContainsFunc([]string{"debug", "info", "warn", "error"}, func(n string) bool { return strings.EqualFold(s, n) })
}
