package xml

import (
	"strconv"
	"strings"
)

// compileWalk compiles expr if it is in the subset walk.go follows, with
// prefixes bound by ns. It returns nil for any other expression; the
// caller has compiled expr with the XPath library already, so nil never
// hides an error.
func compileWalk(expr string, ns map[string]string) *walkExpr {
	p := walkParser{s: expr, ns: ns}
	e := p.expr()
	p.space()
	if e == nil || p.failed || p.i != len(p.s) {
		return nil
	}
	return e
}

type walkParser struct {
	s      string
	i      int
	ns     map[string]string
	failed bool
	// calls counts the function calls around the parser. The XPath
	// library moves the context node to every node a predicate tests, so
	// inside concat() the arguments after a predicate see another context
	// node; such expressions are left to the library.
	calls int
	// inCount is set inside count(), where preceding-sibling:: may start
	// a path.
	inCount bool
}

func (p *walkParser) fail() *walkExpr {
	p.failed = true
	return nil
}

func (p *walkParser) space() {
	for p.i < len(p.s) && isXMLSpace(p.s[p.i]) {
		p.i++
	}
}

// peek skips white space and reports whether the next byte is c.
func (p *walkParser) peek(c byte) bool {
	p.space()
	return p.i < len(p.s) && p.s[p.i] == c
}

func (p *walkParser) accept(c byte) bool {
	if p.peek(c) {
		p.i++
		return true
	}
	return false
}

func (p *walkParser) expr() *walkExpr {
	p.space()
	if p.i >= len(p.s) {
		return p.fail()
	}
	if c := p.s[p.i]; c == '\'' || c == '"' {
		lit, ok := p.literal()
		if !ok {
			return p.fail()
		}
		return &walkExpr{lit: lit, isLit: true}
	}
	for _, fn := range []string{"concat", "local-name", "count"} {
		if !hasWordPrefix(p.s[p.i:], fn) {
			continue
		}
		if k := p.i + len(fn); k < len(p.s) && p.s[k] == '(' {
			p.i = k + 1
			if fn == "count" {
				return p.count()
			}
			return p.call(fn)
		}
		break
	}
	return p.union()
}

// count reads Union ")" ["+" Digits] after "count(". The subset has
// count() only as an argument of concat(), where the library turns the
// number into text, so that Select and Text never give a number; inside,
// and only there, a path may start with preceding-sibling::, whose order
// does not matter to a count.
func (p *walkParser) count() *walkExpr {
	if p.calls == 0 {
		return p.fail()
	}
	p.calls++
	p.inCount = true
	arg := p.union()
	p.inCount = false
	p.calls--
	if arg == nil || !p.accept(')') {
		return p.fail()
	}
	e := &walkExpr{fn: "count", args: []*walkExpr{arg}}
	if p.accept('+') {
		p.space()
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' && p.i-start < 6 {
			p.i++
		}
		n, err := strconv.Atoi(p.s[start:p.i])
		if err != nil || p.i < len(p.s) && (p.s[p.i] == '.' || p.s[p.i] >= '0' && p.s[p.i] <= '9') {
			return p.fail()
		}
		e.plus = n
	}
	return e
}

// hasWordPrefix reports whether s starts with the name w, not with a
// longer name.
func hasWordPrefix(s, w string) bool {
	return len(s) >= len(w) && s[:len(w)] == w && (len(s) == len(w) || !isNameByte(s[len(w)]))
}

// call reads the arguments of fn after its "(".
func (p *walkParser) call(fn string) *walkExpr {
	p.calls++
	defer func() { p.calls-- }()
	e := &walkExpr{fn: fn}
	if fn == "local-name" {
		if p.accept(')') {
			return e
		}
		arg := p.union()
		if arg == nil || !p.accept(')') {
			return p.fail()
		}
		e.args = []*walkExpr{arg}
		return e
	}
	for {
		arg := p.expr()
		if arg == nil {
			return p.fail()
		}
		e.args = append(e.args, arg)
		if p.accept(')') {
			break
		}
		if !p.accept(',') {
			return p.fail()
		}
	}
	if len(e.args) < 2 {
		return p.fail()
	}
	return e
}

func (p *walkParser) literal() (string, bool) {
	q := p.s[p.i]
	for j := p.i + 1; j < len(p.s); j++ {
		if p.s[j] == q {
			lit := p.s[p.i+1 : j]
			p.i = j + 1
			return lit, true
		}
	}
	return "", false
}

func (p *walkParser) union() *walkExpr {
	e := &walkExpr{}
	for {
		path, ok := p.path()
		if !ok {
			return p.fail()
		}
		e.paths = append(e.paths, path)
		if !p.accept('|') {
			return e
		}
	}
}

func (p *walkParser) path() (walkPath, bool) {
	var path walkPath
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '/' {
		path.abs = true
		p.i++
	}
	for {
		st, ok := p.step()
		if !ok {
			return walkPath{}, false
		}
		path.steps = append(path.steps, st)
		if p.i >= len(p.s) || p.s[p.i] != '/' {
			break
		}
		if st.axis == axisAttr {
			return walkPath{}, false
		}
		p.i++
	}
	return path, true
}

func (p *walkParser) step() (walkStep, bool) {
	s := p.s[p.i:]
	switch {
	case len(s) >= 2 && s[:2] == "..":
		p.i += 2
		return walkStep{axis: axisParent}, true
	case len(s) >= 1 && s[0] == '.':
		p.i++
		return walkStep{axis: axisAny}, true
	case len(s) >= 1 && s[0] == '@':
		p.i++
		t, ok := p.nameTest()
		return walkStep{axis: axisAttr, name: t}, ok
	}
	st := walkStep{axis: axisChild}
	switch {
	case p.inCount && strings.HasPrefix(s, "preceding-sibling::"):
		st.axis = axisPrecedingSibling
		p.i += len("preceding-sibling::")
	case len(s) >= 6 && s[:6] == "self::":
		st.axis = axisSelf
		p.i += 6
	case len(s) >= 7 && s[:7] == "child::":
		p.i += 7
	}
	t, ok := p.nameTest()
	if !ok {
		return walkStep{}, false
	}
	st.name = t
	for p.i < len(p.s) && p.s[p.i] == '[' {
		if p.calls > 0 {
			return walkStep{}, false
		}
		p.i++
		pred, ok := p.predicate()
		if !ok {
			return walkStep{}, false
		}
		st.preds = append(st.preds, pred)
	}
	return st, true
}

// predicate reads Cmp ("or" Cmp)* "]" after the "[".
func (p *walkParser) predicate() (predicate, bool) {
	var pr predicate
	for {
		c, ok := p.comparison()
		if !ok {
			return predicate{}, false
		}
		pr.alts = append(pr.alts, c)
		p.space()
		if !hasWordPrefix(p.s[p.i:], "or") {
			break
		}
		p.i += 2
	}
	if !p.accept(']') {
		return predicate{}, false
	}
	return pr, true
}

// comparison reads RelPath "=" Literal.
func (p *walkParser) comparison() (comparison, bool) {
	p.space()
	path, ok := p.path()
	if !ok || path.abs || !p.accept('=') {
		return comparison{}, false
	}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '\'' && p.s[p.i] != '"' {
		return comparison{}, false
	}
	v, ok := p.literal()
	if !ok {
		return comparison{}, false
	}
	return comparison{steps: path.steps, value: v}, true
}

func (p *walkParser) nameTest() (nameTest, bool) {
	if p.i < len(p.s) && p.s[p.i] == '*' {
		p.i++
		return nameTest{any: true}, true
	}
	first, ok := p.ncName()
	if !ok {
		return nameTest{}, false
	}
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		if p.i < len(p.s) && p.s[p.i] == '(' {
			return nameTest{}, false // a node type test or a function
		}
		return nameTest{local: first}, true
	}
	p.i++
	local, ok := p.ncName()
	uri, bound := p.ns[first]
	if !ok || !bound || p.i < len(p.s) && p.s[p.i] == '(' {
		return nameTest{}, false
	}
	return nameTest{local: local, uri: uri, isNS: true}, true
}

// ncName reads an ASCII name without a colon that is not an XPath
// operator name.
func (p *walkParser) ncName() (string, bool) {
	start := p.i
	if p.i >= len(p.s) || !isNameStart(p.s[p.i]) || p.s[p.i] == ':' {
		return "", false
	}
	for p.i < len(p.s) && isNameByte(p.s[p.i]) && p.s[p.i] != ':' {
		p.i++
	}
	name := p.s[start:p.i]
	switch name {
	case "and", "or", "div", "mod":
		return "", false
	}
	return name, true
}
