package main

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/ThreeDotsLabs/watermill"
)

// firstFields come first in a log line, in this order: what an operator
// looks for; the others follow in alphabetical order. Watermill hands its
// fields over as a map, whose order would change from line to line.
var firstFields = []string{"endpoint", "file", "event", "type", "release", "uuid", "stage", "outcome"}

// orderedLogger is watermill's slog adapter with the fields of a line in
// a fixed order, so that lines of one kind read and diff alike.
type orderedLogger struct {
	l    *slog.Logger
	lift map[slog.Level]slog.Level // watermill's level -> the level logged
}

// newOrderedLogger adapts l; lift maps watermill's levels to others (the
// library's info becomes debug, for one).
func newOrderedLogger(l *slog.Logger, lift map[slog.Level]slog.Level) watermill.LoggerAdapter {
	return orderedLogger{l, lift}
}

func (o orderedLogger) Error(msg string, err error, f watermill.LogFields) {
	o.log(slog.LevelError, msg, append(ordered(f), slog.Any("error", err)))
}
func (o orderedLogger) Info(msg string, f watermill.LogFields) {
	o.log(slog.LevelInfo, msg, ordered(f))
}
func (o orderedLogger) Debug(msg string, f watermill.LogFields) {
	o.log(slog.LevelDebug, msg, ordered(f))
}
func (o orderedLogger) Trace(msg string, f watermill.LogFields) {
	o.log(watermill.LevelTrace, msg, ordered(f))
}

func (o orderedLogger) With(f watermill.LogFields) watermill.LoggerAdapter {
	args := make([]any, 0, len(f))
	for _, a := range ordered(f) {
		args = append(args, a)
	}
	return orderedLogger{o.l.With(args...), o.lift}
}

func (o orderedLogger) log(level slog.Level, msg string, attrs []slog.Attr) {
	if l, ok := o.lift[level]; ok {
		level = l
	}
	o.l.LogAttrs(context.Background(), level, msg, attrs...)
}

// ordered is f as attributes: firstFields first, then the rest by name.
func ordered(f watermill.LogFields) []slog.Attr {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := rank(a), rank(b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	attrs := make([]slog.Attr, len(keys))
	for i, k := range keys {
		attrs[i] = slog.Any(k, f[k])
	}
	return attrs
}

func rank(key string) int {
	if i := slices.Index(firstFields, key); i >= 0 {
		return i
	}
	return len(firstFields)
}
