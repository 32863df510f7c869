package json

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Path selects values in a decoded document. Compile it once with
// CompilePath and use it many times; a Path is safe for concurrent use.
// The language is described in the package documentation.
type Path struct {
	expr     string
	relative bool // starts at the current item (@), not the root
	branches bool // has a wildcard or a filter: may match several values
	steps    []step
}

type stepKind uint8

const (
	stepName     stepKind = iota // .name or ["name"]
	stepIndex                    // [3] or [-1]
	stepWildcard                 // [*] or .*
	stepFilter                   // [field=value]
)

type step struct {
	kind  stepKind
	name  string   // stepName
	index int      // stepIndex
	field []string // stepFilter: the field, possibly dotted
	value string   // stepFilter
}

// PathError reports a path expression that does not compile.
type PathError struct {
	// Expr is the expression as given.
	Expr string
	// Column is the 1-based character position of the problem.
	Column int
	// Err describes the problem and wraps ErrPath.
	Err error
}

// Error renders the problem on one line.
func (e *PathError) Error() string {
	return fmt.Sprintf("path %s, column %d: %v", quote(e.Expr), e.Column, e.Err)
}

// Unwrap returns the underlying error, which wraps ErrPath.
func (e *PathError) Unwrap() error { return e.Err }

// maxPathLen bounds the length of a path expression.
const maxPathLen = 4096

// CompilePath parses a path expression such as
// "data.parties[role=FW].ids[0].value" or "@.containerNumber".
func CompilePath(expr string) (*Path, error) {
	if len(expr) > maxPathLen {
		return nil, &PathError{Expr: expr, Column: 1, Err: describe(ErrPath,
			fmt.Sprintf("expression is %d bytes, limit is %d", len(expr), maxPathLen))}
	}
	c := pathCompiler{expr: expr}
	p, err := c.compile()
	if err != nil {
		return nil, err
	}
	return p, nil
}

// MustCompilePath is CompilePath for expressions known to be valid, such as
// constants in code; it panics on an error.
func MustCompilePath(expr string) *Path {
	p, err := CompilePath(expr)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the expression the path was compiled from.
func (p *Path) String() string { return p.expr }

// Relative reports whether the path starts at the current item (@).
func (p *Path) Relative() bool { return p.relative }

type pathCompiler struct {
	expr string
	pos  int
}

func (c *pathCompiler) fail(pos int, msg string) *PathError {
	return &PathError{Expr: c.expr, Column: 1 + utf8.RuneCountInString(c.expr[:min(pos, len(c.expr))]), Err: describe(ErrPath, msg)}
}

func (c *pathCompiler) compile() (*Path, error) {
	p := &Path{expr: c.expr}
	if c.expr == "" {
		return nil, c.fail(0, "expression is empty, expected a name, $ or @")
	}
	switch c.expr[0] {
	case '$':
		c.pos++
	case '@':
		c.pos++
		p.relative = true
	default:
		if c.expr[0] != '[' {
			name, err := c.name()
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, step{kind: stepName, name: name})
		}
	}
	for c.pos < len(c.expr) {
		switch c.expr[c.pos] {
		case '.':
			c.pos++
			if c.pos < len(c.expr) && c.expr[c.pos] == '*' {
				c.pos++
				p.steps = append(p.steps, step{kind: stepWildcard})
				continue
			}
			name, err := c.name()
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, step{kind: stepName, name: name})
		case '[':
			s, err := c.bracket()
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, s)
		default:
			return nil, c.fail(c.pos, fmt.Sprintf("unexpected %q, expected '.' or '['", c.rune()))
		}
	}
	for _, s := range p.steps {
		if s.kind == stepWildcard || s.kind == stepFilter {
			p.branches = true
		}
	}
	return p, nil
}

func (c *pathCompiler) rune() rune {
	r, _ := utf8.DecodeRuneInString(c.expr[c.pos:])
	return r
}

// isNameRune reports whether r may appear in an unquoted name.
func isNameRune(r rune) bool {
	return r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (c *pathCompiler) name() (string, *PathError) {
	start := c.pos
	for c.pos < len(c.expr) {
		r, size := utf8.DecodeRuneInString(c.expr[c.pos:])
		if !isNameRune(r) {
			break
		}
		c.pos += size
	}
	if c.pos == start {
		if c.pos >= len(c.expr) {
			return "", c.fail(c.pos, "expression ends, expected a name")
		}
		return "", c.fail(c.pos, fmt.Sprintf("unexpected %q, expected a name (letters, digits, '_', '-'; quote others as [\"odd.key\"])", c.rune()))
	}
	return c.expr[start:c.pos], nil
}

// quoted reads a '...' or "..." literal; backslash escapes the next character.
func (c *pathCompiler) quoted() (string, *PathError) {
	start := c.pos
	q := c.expr[c.pos]
	c.pos++
	var b strings.Builder
	for c.pos < len(c.expr) {
		ch := c.expr[c.pos]
		switch ch {
		case q:
			c.pos++
			return b.String(), nil
		case '\\':
			c.pos++
			if c.pos >= len(c.expr) {
				return "", c.fail(start, "quoted name is not closed, expected "+string(q))
			}
			ch = c.expr[c.pos]
		}
		b.WriteByte(ch)
		c.pos++
	}
	return "", c.fail(start, "quoted name is not closed, expected "+string(q))
}

func (c *pathCompiler) bracket() (step, *PathError) {
	open := c.pos
	c.pos++ // '['
	if c.pos >= len(c.expr) {
		return step{}, c.fail(open, "'[' is not closed, expected an index, '*', a quoted name or a filter")
	}
	var s step
	switch ch := c.expr[c.pos]; {
	case ch == '*':
		c.pos++
		s = step{kind: stepWildcard}
	case ch == '-' || ch >= '0' && ch <= '9':
		start := c.pos
		c.pos++
		for c.pos < len(c.expr) && c.expr[c.pos] >= '0' && c.expr[c.pos] <= '9' {
			c.pos++
		}
		n, err := strconv.Atoi(c.expr[start:c.pos])
		if err != nil {
			return step{}, c.fail(start, fmt.Sprintf("index %q is not an integer", c.expr[start:c.pos]))
		}
		s = step{kind: stepIndex, index: n}
	case ch == '"' || ch == '\'':
		name, err := c.quoted()
		if err != nil {
			return step{}, err
		}
		if c.pos < len(c.expr) && c.expr[c.pos] == '=' {
			return c.filter(open, []string{name})
		}
		s = step{kind: stepName, name: name}
	default:
		field, err := c.name()
		if err != nil {
			return step{}, err
		}
		fields := []string{field}
		for c.pos < len(c.expr) && c.expr[c.pos] == '.' {
			c.pos++
			field, err := c.name()
			if err != nil {
				return step{}, err
			}
			fields = append(fields, field)
		}
		if c.pos >= len(c.expr) || c.expr[c.pos] != '=' {
			return step{}, c.fail(c.pos, "expected '=' after the filter field, as in [role=FW]")
		}
		return c.filter(open, fields)
	}
	if err := c.close(open); err != nil {
		return step{}, err
	}
	return s, nil
}

// filter reads "=value]" after the field of a filter.
func (c *pathCompiler) filter(open int, field []string) (step, *PathError) {
	c.pos++ // '='
	var value string
	if c.pos < len(c.expr) && (c.expr[c.pos] == '"' || c.expr[c.pos] == '\'') {
		v, err := c.quoted()
		if err != nil {
			return step{}, err
		}
		value = v
	} else {
		start := c.pos
		for c.pos < len(c.expr) && !strings.ContainsRune("[]\"' \t\r\n", rune(c.expr[c.pos])) {
			c.pos++
		}
		if c.pos == start {
			return step{}, c.fail(c.pos, "expected a filter value after '=' (quote an empty value as \"\")")
		}
		value = c.expr[start:c.pos]
	}
	if err := c.close(open); err != nil {
		return step{}, err
	}
	return step{kind: stepFilter, field: field, value: value}, nil
}

func (c *pathCompiler) close(open int) *PathError {
	if c.pos >= len(c.expr) {
		return c.fail(open, "'[' is not closed, expected ']'")
	}
	if c.expr[c.pos] != ']' {
		return c.fail(c.pos, fmt.Sprintf("unexpected %q, expected ']'", c.rune()))
	}
	c.pos++
	return nil
}
