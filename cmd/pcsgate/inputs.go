package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// expandInputs turns the files and patterns of a command line into the
// names of the inputs, in order: a pattern is expanded by pcsgate too, for
// shells that leave it as it is (a file named like a pattern is taken as
// it is), and "-" is standard input. Every input is checked before any is
// read, so that a mistake writes nothing: a pattern that matches nothing,
// a missing file or a folder is a usage error. No arguments is standard
// input.
func expandInputs(args []string) ([]string, error) {
	if len(args) == 0 {
		return []string{"-"}, nil
	}
	var names []string
	stdin := 0
	for _, a := range args {
		if a == "-" {
			if stdin++; stdin > 1 {
				return nil, usagef("standard input (-) can be read once only")
			}
			names = append(names, a)
			continue
		}
		if _, err := os.Stat(a); err != nil && strings.ContainsAny(a, "*?[") {
			matches, gerr := filepath.Glob(a)
			if gerr != nil {
				return nil, usagef("%s: %v", a, gerr)
			}
			if len(matches) == 0 {
				return nil, usagef("%s: no file matches", a)
			}
			names = append(names, matches...)
			continue
		}
		names = append(names, a)
	}
	for _, n := range names {
		if err := checkInput(n); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// checkInput says why the file name cannot be read, as a usage error.
func checkInput(name string) error {
	if name == "-" {
		return nil
	}
	st, err := os.Stat(name)
	switch {
	case err != nil:
		return usageError{err}
	case st.IsDir():
		return usagef("%s is a directory", name)
	}
	return nil
}

// inputName is how errors name an input: the file, or "stdin".
func inputName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// openInput opens the file name, or standard input for "-"; the size is
// -1 when unknown.
func openInput(cmd *cobra.Command, name string) (in io.Reader, size int64, closeIn func(), err error) {
	if name == "-" {
		return cmd.InOrStdin(), -1, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, nil, usageError{err}
	}
	size = -1
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return f, size, func() { f.Close() }, nil
}
