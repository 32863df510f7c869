// Package secret resolves the secrets of pcsgate.yaml that are given by
// reference instead of in clear: "env:NAME" reads the environment variable
// NAME, "file:PATH" reads the file PATH (one trailing line break removed).
// Any other value is the secret itself.
//
// Errors name the reference (the variable or the file), never the value.
package secret

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrUnresolved marks a secret reference that could not be resolved.
var ErrUnresolved = errors.New("secret cannot be resolved")

// Prefixes of references.
const (
	EnvPrefix  = "env:"
	FilePrefix = "file:"
)

// Resolve returns the secret v stands for: the value of the environment
// variable of "env:NAME", the content of the file of "file:PATH" without
// its trailing line break, or v itself. An empty v stays empty.
func Resolve(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, EnvPrefix):
		name := strings.TrimPrefix(v, EnvPrefix)
		if name == "" || strings.ContainsAny(name, "= \t\n\x00") {
			return "", unresolved(nil, "%s: an environment variable name expected after env:", v)
		}
		s, ok := os.LookupEnv(name)
		if !ok {
			return "", unresolved(nil, "env:%s is not set", name)
		}
		if s == "" {
			return "", unresolved(nil, "env:%s is empty", name)
		}
		return s, nil
	case strings.HasPrefix(v, FilePrefix):
		path := strings.TrimPrefix(v, FilePrefix)
		if path == "" {
			return "", unresolved(nil, "file: a file path expected after file:")
		}
		b, err := os.ReadFile(path)
		if err != nil {
			// The error of os.ReadFile names the path and the cause only.
			return "", unresolved(err, "file:%s cannot be read: %v", path, unwrapPath(err))
		}
		s := strings.TrimSuffix(string(b), "\n")
		s = strings.TrimSuffix(s, "\r")
		if s == "" {
			return "", unresolved(nil, "file:%s is empty", path)
		}
		return s, nil
	}
	return v, nil
}

// unwrapPath is the cause of a file error without the path it repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// resolveError is a reference that could not be resolved: it is
// ErrUnresolved and wraps the cause, if any, without saying so in its text.
type resolveError struct {
	msg   string
	cause error
}

func (e *resolveError) Error() string        { return e.msg }
func (e *resolveError) Unwrap() error        { return e.cause }
func (e *resolveError) Is(target error) bool { return target == ErrUnresolved }

func unresolved(cause error, format string, args ...any) error {
	return &resolveError{fmt.Sprintf(format, args...), cause}
}
