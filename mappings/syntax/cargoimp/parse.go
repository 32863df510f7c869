package cargoimp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// DefaultMaxBytes is the input limit when Options.MaxBytes is zero or less.
const DefaultMaxBytes = 16 << 20

// Options configures ParseFSU and ReadAll.
type Options struct {
	// Name identifies the input in errors, typically its file name.
	Name string
	// MaxBytes is the largest input accepted, in bytes. Default 16 MiB.
	MaxBytes int64
}

func (o *Options) setDefaults() {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
}

// ParseFSU reads exactly one FSU or FSA message. Lines end in CRLF or LF;
// blank lines before and after the message are ignored. Every problem found
// is reported, one *Error per problem, joined with errors.Join.
func ParseFSU(data []byte, opts Options) (*Message, error) {
	opts.setDefaults()
	if int64(len(data)) > opts.MaxBytes {
		return nil, tooLarge(opts)
	}
	groups := splitMessages(string(data))
	switch {
	case len(groups) == 0:
		return nil, &Error{Name: opts.Name, Line: 1, Field: "message type line",
			Err: detail(ErrTruncated, "the input is empty, expected FSU/<version>")}
	case len(groups) > 1:
		return nil, &Error{Name: opts.Name, Line: groups[1][0].No, Field: "line", Value: groups[1][0].Raw,
			Err: detail(ErrSyntax, "a second message starts here; read several messages with ReadAll")}
	}
	return parseMessage(groups[0], opts.Name)
}

// ReadAll reads a file of FSU or FSA messages separated by blank lines or by
// a new FSU/ (or FSA/) line. It returns every message that parsed, in order,
// and an error joining the problems of the others. An input with no lines
// but blank ones holds no messages and is not an error.
func ReadAll(r io.Reader, opts Options) ([]*Message, error) {
	opts.setDefaults()
	text, err := readText(r, opts.MaxBytes+1)
	if err != nil {
		if opts.Name == "" {
			return nil, fmt.Errorf("reading messages: %w", err)
		}
		return nil, fmt.Errorf("%s: reading messages: %w", opts.Name, err)
	}
	if int64(len(text)) > opts.MaxBytes {
		return nil, tooLarge(opts)
	}
	var msgs []*Message
	var errs []error
	for _, g := range splitMessages(text) {
		m, err := parseMessage(g, opts.Name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, errors.Join(errs...)
}

// readText reads r to its end, or until it has read at least limit bytes.
// A buffered reader's input is copied once, from its buffer into the text,
// starting with what it holds already: a file of one message is usually
// all there.
func readText(r io.Reader, limit int64) (string, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		data, err := io.ReadAll(io.LimitReader(r, limit))
		return string(data), err
	}
	var b strings.Builder
	b.Grow(br.Buffered())
	for int64(b.Len()) < limit {
		chunk, err := br.ReadSlice('\n')
		b.Write(chunk)
		switch {
		case errors.Is(err, io.EOF):
			return b.String(), nil
		case err != nil && !errors.Is(err, bufio.ErrBufferFull):
			return "", err
		}
	}
	return b.String(), nil
}

func tooLarge(opts Options) error {
	return &Error{Name: opts.Name, Field: "input",
		Err: detail(ErrTooLarge, "more than %d bytes", opts.MaxBytes)}
}

// splitMessages cuts text into lines and groups them into messages: a
// message starts at a Type B priority line (QK AMSFMKL ...) or at an FSU/
// or FSA/ line not preceded by its own envelope, and ends at a blank line
// or the next start. All lines share one backing array.
func splitMessages(text string) [][]Line {
	all := make([]Line, 0, strings.Count(text, "\n")+1)
	// A line has one field more than it has slashes: this holds them all.
	fields := make([]string, 0, strings.Count(text, "/")+cap(all))
	var groups [][]Line
	start := 0    // index in all of the current group's first line
	envelope := 0 // envelope lines at the start of the current group
	flush := func() {
		if len(all) > start {
			groups = append(groups, tagged(all[start:len(all):len(all)], envelope))
			start = len(all)
		}
		envelope = 0
	}
	no := 0
	for len(text) > 0 {
		raw := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			raw, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		no++
		raw = strings.TrimSuffix(raw, "\r")
		if strings.Trim(raw, " ") == "" {
			flush()
			continue
		}
		first := len(fields)
		fields = appendFields(fields, raw)
		f := fields[first:len(fields):len(fields)]
		inEnvelope := envelope > 0 && len(all)-start == envelope
		switch {
		case isPriorityLine(raw):
			flush()
			envelope = 1
		case inEnvelope && envelope == 1 && isOriginLine(raw):
			envelope = 2
		case (f[0] == "FSU" || f[0] == "FSA") && !inEnvelope:
			flush()
		}
		all = append(all, Line{No: no, Fields: f, Raw: raw})
	}
	flush()
	return groups
}

// appendFields appends the fields of line, split on '/', to dst.
func appendFields(dst []string, line string) []string {
	for {
		i := strings.IndexByte(line, '/')
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+1:]
	}
}

// tagged sets the Tag of each line of a message whose first env lines are
// its envelope: the message type on the type line, nothing on envelope,
// consignment and continuation lines, the status code on status lines.
func tagged(lines []Line, env int) []Line {
	for i := range lines {
		switch l := &lines[i]; {
		case i < env || i == env+1 || strings.HasPrefix(l.Raw, "/"):
			l.Tag = ""
		default:
			l.Tag = l.Fields[0]
		}
	}
	return lines
}

// isPriorityLine reports whether raw is the first line of a Type B
// envelope: a priority code (QK, QU, ...) and one or more 7-character
// addresses separated by spaces.
func isPriorityLine[T string | []byte](raw T) bool {
	if len(raw) < 3 || raw[0] != 'Q' || !isUpper(raw[1]) || raw[2] != ' ' {
		return false
	}
	for start, i := 3, 3; i <= len(raw); i++ {
		if i < len(raw) && raw[i] != ' ' {
			continue
		}
		if !isAddress(raw[start:i]) {
			return false
		}
		start = i + 1
	}
	return true
}

// isOriginLine reports whether raw is the origin line of a Type B
// envelope: '.', the sender's address, and optionally a space and the
// day-time stamp.
func isOriginLine[T string | []byte](raw T) bool {
	return len(raw) >= 8 && raw[0] == '.' && isAddress(raw[1:8]) && (len(raw) == 8 || raw[8] == ' ')
}

// isAddress reports whether s is a 7-character Type B address: airport or
// city, department and airline, as in AMSFMKL.
func isAddress[T string | []byte](s T) bool {
	if len(s) != 7 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// parser collects the problems of one message.
type parser struct {
	name string
	errs []error
}

func (p *parser) fail(line int, field, value string, err error) {
	p.errs = append(p.errs, &Error{Name: p.name, Line: line, Field: field, Value: value, Err: err})
}

func parseMessage(lines []Line, name string) (*Message, error) {
	p := parser{name: name}
	m := &Message{Lines: lines}
	for _, l := range lines {
		if problem := checkText(l.Raw, true); problem != "" {
			p.fail(l.No, "line", l.Raw, detail(ErrSyntax, "%s", problem))
		}
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	lines = p.envelope(m, lines)
	if len(lines) == 0 {
		return nil, errors.Join(p.errs...)
	}
	p.header(m, lines[0])
	if len(lines) < 2 {
		p.fail(lines[0].No+1, "consignment line", "",
			detail(ErrTruncated, "expected AWB, origin, destination and quantity, as in 020-12345675FRAJFK/T1K100"))
		return nil, errors.Join(p.errs...)
	}
	p.consignment(m, lines[1])
	p.statuses(m, lines[1:])
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return m, nil
}

// envelope reads the Type B address header, if the message has one, and
// returns the lines after it.
func (p *parser) envelope(m *Message, lines []Line) []Line {
	if !isPriorityLine(lines[0].Raw) {
		return lines
	}
	parts := strings.Split(lines[0].Raw, " ")
	env := &Envelope{Priority: parts[0], Recipients: parts[1:]}
	if len(lines) < 2 || !isOriginLine(lines[1].Raw) {
		p.fail(lines[0].No+1, "envelope origin line", "",
			detail(ErrTruncated, "expected '.', the sender's address and a day-time stamp after the priority line, as in .FRAFMLH 161317"))
		return nil
	}
	env.Sender = lines[1].Raw[1:8]
	if len(lines[1].Raw) > 8 {
		env.Stamp = lines[1].Raw[9:]
	}
	m.Envelope = env
	if len(lines) < 3 {
		p.fail(lines[1].No+1, "message type line", "", detail(ErrTruncated, "expected FSU/<version> after the envelope"))
		return nil
	}
	return lines[2:]
}

// statuses reads the status lines after the consignment line; a line
// starting with '/' continues the status line before it.
func (p *parser) statuses(m *Message, lines []Line) {
	if len(lines) < 2 {
		p.fail(lines[0].No+1, "status line", "",
			detail(ErrTruncated, "expected at least one status, as in RCS/16OCT1317/FRA/T1K100"))
	}
	n := 0 // status lines: those that do not continue the line before
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l.Raw, "/") {
			n++
		}
	}
	m.Statuses = make([]Status, 0, n)
	prev := -1 // the line number of the last status line, parsed or not
	for _, l := range lines[1:] {
		if strings.HasPrefix(l.Raw, "/") {
			switch {
			case prev < 0:
				p.fail(l.No, "continuation line", l.Raw, detail(ErrSyntax, "a line starting with '/' must follow a status line"))
			case len(m.Statuses) > 0 && m.Statuses[len(m.Statuses)-1].Line == prev:
				st := &m.Statuses[len(m.Statuses)-1]
				st.Continued = append(st.Continued, l.Fields[1:len(l.Fields):len(l.Fields)])
			}
			continue
		}
		prev = l.No
		if st, ok := p.status(l); ok {
			m.Statuses = append(m.Statuses, st)
		}
	}
	if prev < 0 && len(lines) >= 2 {
		p.fail(lines[len(lines)-1].No+1, "status line", "",
			detail(ErrTruncated, "expected at least one status, as in RCS/16OCT1317/FRA/T1K100"))
	}
}

// header reads the message type line: FSU/<version>.
func (p *parser) header(m *Message, l Line) {
	f := l.Fields
	if f[0] != "FSU" && f[0] != "FSA" {
		p.fail(l.No, "message type", f[0], detail(ErrSyntax, "expected FSU/<version>, as in FSU/14"))
		return
	}
	m.Type = f[0]
	switch {
	case len(f) < 2 || f[1] == "":
		p.fail(l.No, "message version", "", detail(ErrTruncated, "expected %s/<version>, as in %s/14", f[0], f[0]))
	case !isVersion(f[1]):
		p.fail(l.No, "message version", f[1], detail(ErrSyntax, "expected 1 to 3 digits"))
	case len(f) > 2:
		p.fail(l.No, "field", f[2], detail(ErrSyntax, "nothing may follow the version"))
	default:
		m.Version = f[1]
	}
}

func isVersion(s string) bool {
	return len(s) >= 1 && len(s) <= 3 && digitsEnd(s, 0) == len(s)
}

// consignment reads the consignment line: the AWB, then the origin and
// destination joined (both may be left out), then /quantity, which may be
// left out too. A quantity written straight after the AWB, as in
// 020-12345675T3K50, is read as well.
func (p *parser) consignment(m *Message, l Line) {
	f0 := l.Fields[0]
	if len(f0) < 12 {
		p.fail(l.No, "AWB", f0, detail(ErrTruncated,
			"expected 020-12345675 followed by origin and destination, as in 020-12345675FRAJFK"))
		return
	}
	if f0[3] != '-' {
		p.fail(l.No, "AWB", f0[:12], awbFormError())
	} else if awb, err := ParseAWB(f0[:12]); err != nil {
		p.fail(l.No, "AWB", f0[:12], errors.Unwrap(err))
	} else {
		m.AWB = awb
	}
	rest, qty := f0[12:], ""
	if len(l.Fields) > 1 {
		qty = l.Fields[1]
	}
	if looksLikeQuantity(rest) && len(l.Fields) == 1 {
		rest, qty = "", rest
	}
	p.airports(m, l, rest)
	if len(l.Fields) > 1 && qty == "" {
		p.fail(l.No, "shipment quantity", "", detail(ErrTruncated,
			"expected <code><pieces>K<weight> after the '/', as in %s/T1K100", f0))
	}
	if qty != "" {
		if q, problem := parseQuantity(qty); problem != "" {
			p.fail(l.No, "shipment quantity", qty, detail(ErrSyntax, "%s", problem))
		} else {
			m.Shipment = q
		}
	}
	if len(l.Fields) > 2 {
		p.fail(l.No, "field", l.Fields[2], detail(ErrSyntax, "nothing may follow the shipment quantity"))
	}
}

// airports reads the origin and destination that follow the AWB: both or
// neither.
func (p *parser) airports(m *Message, l Line, rest string) {
	f0 := l.Fields[0]
	switch {
	case rest == "":
	case len(rest) < 3:
		p.fail(l.No, "origin", rest, detail(ErrSyntax, "expected a 3-letter airport code, as in FRA"))
	case checkAirport(rest[:3]) != "":
		p.fail(l.No, "origin", rest[:3], detail(ErrSyntax, "%s", checkAirport(rest[:3])))
	case len(rest) < 6:
		p.fail(l.No, "destination", "", detail(ErrTruncated, "line ends after %s, expected a 3-letter airport", errtext.Quote(f0)))
	case len(rest) > 6 || checkAirport(rest[3:]) != "":
		p.fail(l.No, "destination", rest[3:], detail(ErrSyntax, "expected a 3-letter airport code, as in JFK"))
	default:
		m.Origin, m.Destination = rest[:3], rest[3:6]
	}
}

// status reads one status line by the grammar of its code.
func (p *parser) status(l Line) (Status, bool) {
	code := l.Fields[0]
	g, known := grammars[code]
	if !known {
		p.fail(l.No, "status code", code,
			detail(ErrStatusCode, "expected one of %s", strings.Join(statusCodes, ", ")))
		return Status{}, false
	}
	sp := statusParser{p: p, l: l, st: Status{Line: l.No, Code: code}, i: 1, ok: true}
	for _, k := range g {
		if !sp.field(k) {
			break
		}
	}
	if sp.i < len(l.Fields) {
		sp.st.Fields = l.Fields[sp.i:len(l.Fields):len(l.Fields)]
	}
	return sp.st, sp.ok
}

// statusParser reads the fields of one status line in grammar order.
type statusParser struct {
	p  *parser
	l  Line
	st Status
	i  int  // the next field
	ok bool // no problem so far
}

// field reads the field of kind k; false stops the grammar (the rest of
// the line are free fields, or the line is cut short).
func (sp *statusParser) field(k fieldKind) bool {
	f := sp.l.Fields
	if sp.i >= len(f) || f[sp.i] == "" {
		if k.optional() {
			return false
		}
		name, example := k.describe()
		after := strings.Join(f[:sp.i], "/")
		sp.p.fail(sp.l.No, sp.st.Code+" "+name, "", detail(ErrTruncated, "expected it after %s, as in %s", errtext.Quote(after), example))
		sp.ok = false
		return false
	}
	v := f[sp.i]
	var problem string
	switch k {
	case fText:
		return false // the text stays in Fields
	case fOCI:
		if problem = checkOCI(f[sp.i:]); problem == "" {
			return false // the entries stay in Fields
		}
	case fQuantity:
		if !looksLikeQuantity(v) {
			return true // not a quantity: the next kind may still follow
		}
		var q Quantity
		q, problem = parseQuantity(v)
		sp.st.setQuantity(q)
	case fMovement:
		if checkFlight(v) != "" {
			return false // not a flight: the rest are free fields
		}
		return sp.movement()
	default:
		problem = sp.single(k, v)
	}
	if problem != "" {
		name, _ := k.describe()
		sp.p.fail(sp.l.No, sp.st.Code+" "+name, v, detail(ErrSyntax, "%s", problem))
		sp.ok = false
	}
	sp.i++
	return true
}

// single reads a field that is one value: a flight, carrier, date, airport,
// airport pair or discrepancy code.
func (sp *statusParser) single(k fieldKind, v string) (problem string) {
	st := &sp.st
	switch k {
	case fFlight:
		problem, st.Flight = checkFlight(v), v
	case fCarrier:
		problem, st.Carrier = checkCarrier(v), v
	case fDayMonth:
		st.Day, st.Month, _, problem = splitDate(v, false)
	case fDateTime:
		st.Day, st.Month, st.Time, problem = splitDate(v, true)
	case fDateOptTime:
		switch len(v) {
		case 5:
			st.Day, st.Month, _, problem = splitDate(v, false)
		case 9:
			st.Day, st.Month, st.Time, problem = splitDate(v, true)
		default:
			problem = "expected day and month, and optionally the time, as in 16OCT or 16OCT1317"
		}
	case fAirport:
		problem, st.Airport = checkAirport(v), v
	case fAirportPair:
		if problem = checkAirportPair(v); problem == "" {
			st.Origin, st.Destination = v[:3], v[3:]
		}
	case fDiscrepancy:
		problem, st.Discrepancy = checkDiscrepancy(v), v
	}
	return problem
}

// movement reads the optional flight of a CRC line: flight, date and
// airport pair.
func (sp *statusParser) movement() bool {
	f, st := sp.l.Fields, &sp.st
	st.Flight = f[sp.i]
	sp.i++
	for _, k := range []fieldKind{fDayMonth, fAirportPair} {
		name, example := k.describe()
		if sp.i >= len(f) || f[sp.i] == "" {
			after := strings.Join(f[:sp.i], "/")
			sp.p.fail(sp.l.No, st.Code+" flight "+name, "", detail(ErrTruncated, "expected it after %s, as in %s", errtext.Quote(after), example))
			sp.ok = false
			return false
		}
		v := f[sp.i]
		problem := ""
		if k == fDayMonth {
			var day, month string
			if day, month, _, problem = splitDate(v, false); problem == "" {
				st.FlightDate = day + month
			}
		} else if problem = checkAirportPair(v); problem == "" {
			st.Origin, st.Destination = v[:3], v[3:]
		}
		if problem != "" {
			sp.p.fail(sp.l.No, st.Code+" flight "+name, v, detail(ErrSyntax, "%s", problem))
			sp.ok = false
		}
		sp.i++
	}
	return false
}

// LooksLikeFSU reports whether head, the start of an input, is a status
// message: FSU/ or FSA/ at the start, or after a Type B envelope.
func LooksLikeFSU(head []byte) bool {
	for skipped := 0; ; skipped++ {
		if hasTypePrefix(head) {
			return true
		}
		i := bytes.IndexByte(head, '\n')
		if i < 0 || skipped == 2 {
			return false
		}
		line := head[:i]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if skipped == 0 && !isPriorityLine(line) || skipped == 1 && !isOriginLine(line) {
			return false
		}
		head = head[i+1:]
	}
}

// hasTypePrefix reports whether b starts with FSU/ or FSA/.
func hasTypePrefix(b []byte) bool {
	return len(b) >= 4 && b[0] == 'F' && b[1] == 'S' && (b[2] == 'U' || b[2] == 'A') && b[3] == '/'
}
