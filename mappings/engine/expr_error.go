package engine

import (
	"regexp"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/mappings/spec"
)

// ExprError is a mapping expression that failed while a message was being
// translated. Its text speaks of the field and of values (a number, text,
// nothing), never of Go types or of columns in the expression source.
type ExprError struct {
	// Field is what the expression computes: a canonical path in decode,
	// a segment position or document path in encode.
	Field string
	// Reason says what went wrong, in plain words.
	Reason string
}

func (e *ExprError) Error() string {
	if e.Field == "" {
		return "expression failed: " + e.Reason
	}
	return "expression in field " + e.Field + " failed: " + e.Reason
}

// Unwrap returns ErrExpr.
func (e *ExprError) Unwrap() error { return ErrExpr }

var (
	// exprPosition is the "(line:column)" expr appends.
	exprPosition = regexp.MustCompile(`\s*\(\d+:\d+\)\s*$`)
	exprBinary   = regexp.MustCompile(`^invalid operation: (\S+) (\S+) (\S+)$`)
	exprMismatch = regexp.MustCompile(`^invalid operation: (\S+) \(mismatched types (.+) and (.+)\)$`)
	exprCall     = regexp.MustCompile(`^invalid operation: (int|float|string|bool)\((.*)\)$`)
	exprFetch    = regexp.MustCompile(`^cannot (?:fetch|get) (\S+) from (.+)$`)
	exprIface    = regexp.MustCompile(`^interface conversion: interface \{\} is (.+), not (.+)$`)
	exprIndex    = regexp.MustCompile(`^index out of range: (-?\d+) \(array length is (\d+)\)$`)
	// goType finds Go type names left in other messages.
	goType = regexp.MustCompile(`\*?(?:\[\])?(?:map\[string\])?(?:interface \{\}|[a-z][a-z0-9]*\.[A-Z][A-Za-z0-9]*|float64|float32|int64|int32|uint64|<nil>)`)
)

// plainExprError rewrites an expr runtime error in plain words, on one
// line, clipped.
func plainExprError(msg string) string {
	msg = spec.OneLine(msg)
	msg = strings.TrimSpace(exprPosition.ReplaceAllString(msg, ""))
	var out string
	switch {
	case exprMismatch.MatchString(msg):
		m := exprMismatch.FindStringSubmatch(msg)
		out = "cannot apply " + m[1] + " to " + typeWord(m[2]) + " and " + typeWord(m[3])
	case exprCall.MatchString(msg):
		m := exprCall.FindStringSubmatch(msg)
		arg := m[2]
		switch {
		case arg == "<nil>" || arg == "nil":
			out = "cannot convert nothing with " + m[1] + "()"
		case looksLikeType(arg):
			out = "cannot convert " + typeWord(arg) + " with " + m[1] + "()"
		default:
			out = "cannot convert " + quoteClip(arg) + " with " + m[1] + "()"
		}
	case exprBinary.MatchString(msg):
		m := exprBinary.FindStringSubmatch(msg)
		verb := "apply " + m[2] + " to"
		switch m[2] {
		case "<", ">", "<=", ">=":
			verb = "compare (" + m[2] + ")"
		}
		out = "cannot " + verb + " " + typeWord(m[1]) + " and " + typeWord(m[3])
	case exprFetch.MatchString(msg):
		m := exprFetch.FindStringSubmatch(msg)
		from := m[2]
		if looksLikeType(from) || from == "<nil>" {
			from = typeWord(from)
		}
		out = "cannot read " + m[1] + " from " + from
	case exprIface.MatchString(msg):
		m := exprIface.FindStringSubmatch(msg)
		out = "got " + typeWord(m[1]) + " where " + typeWord(m[2]) + " was expected"
	case exprIndex.MatchString(msg):
		m := exprIndex.FindStringSubmatch(msg)
		out = "index " + m[1] + " is out of range (" + m[2] + " elements)"
	case strings.Contains(msg, "nil pointer dereference") || strings.Contains(msg, "on zero Value"):
		out = "a value it reads is missing"
	default:
		out = goType.ReplaceAllStringFunc(msg, typeWord)
	}
	return errtext.Clip(out, errtext.MaxValue)
}

func looksLikeType(s string) bool {
	return goType.MatchString(s) && goType.FindString(s) == s ||
		s == "int" || s == "string" || s == "bool" || s == "float" ||
		strings.HasPrefix(s, "[]") || strings.HasPrefix(s, "map[")
}

// typeWord names a Go type as a user would: a number, text, a list.
func typeWord(t string) string {
	t = strings.TrimPrefix(strings.TrimSpace(t), "*")
	switch {
	case t == "<nil>" || t == "nil":
		return "nothing"
	case t == "string":
		return "text"
	case t == "bool":
		return "a boolean"
	case t == "json.Number" || strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint") || strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map[") || t == "jsonsyn.Object" || t == "json.Object":
		return "an object"
	case t == "interface {}":
		return "a value"
	case t == "time.Time":
		return "a date-time"
	case t == "time.Duration":
		return "a duration"
	}
	if _, name, ok := strings.Cut(t, "."); ok {
		return "a " + strings.ToLower(splitCamel(name))
	}
	return t
}

func splitCamel(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func quoteClip(s string) string { return errtext.Quote(s) }
