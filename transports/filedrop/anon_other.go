//go:build !linux

package filedrop

import "os"

func canAnon(string) bool { return false }

func openAnon(string, os.FileMode) (*os.File, error) { return nil, errNoAnon }

func linkAnon(*os.File, string, func() (bool, error)) error { return errNoAnon }

func umaskKeeps(os.FileMode) bool { return false }
