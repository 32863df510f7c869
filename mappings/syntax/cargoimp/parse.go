package cargoimp

import (
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
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		if opts.Name == "" {
			return nil, fmt.Errorf("reading messages: %w", err)
		}
		return nil, fmt.Errorf("%s: reading messages: %w", opts.Name, err)
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, tooLarge(opts)
	}
	var msgs []*Message
	var errs []error
	for _, g := range splitMessages(string(data)) {
		m, err := parseMessage(g, opts.Name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, errors.Join(errs...)
}

func tooLarge(opts Options) error {
	return &Error{Name: opts.Name, Field: "input",
		Err: detail(ErrTooLarge, "more than %d bytes", opts.MaxBytes)}
}

// splitMessages cuts text into lines and groups them into messages. All
// lines share one backing array; each group is a full slice of it.
func splitMessages(text string) [][]Line {
	all := make([]Line, 0, strings.Count(text, "\n")+1)
	var groups [][]Line
	start := 0 // index in all of the current group's first line
	flush := func() {
		if len(all) > start {
			groups = append(groups, all[start:len(all):len(all)])
			start = len(all)
		}
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
		fields := strings.Split(raw, "/")
		tag := fields[0]
		if tag == "FSU" || tag == "FSA" {
			flush()
		}
		if len(all)-start == 1 {
			tag = "" // the consignment line has no tag
		}
		all = append(all, Line{No: no, Tag: tag, Fields: fields, Raw: raw})
	}
	flush()
	return groups
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
	p.header(m, lines[0])
	if len(lines) < 2 {
		p.fail(lines[0].No+1, "consignment line", "",
			detail(ErrTruncated, "expected AWB, origin, destination and quantity, as in 020-12345675FRAJFK/T1K100"))
		return nil, errors.Join(p.errs...)
	}
	p.consignment(m, lines[1])
	if len(lines) < 3 {
		p.fail(lines[1].No+1, "status line", "",
			detail(ErrTruncated, "expected at least one status, as in RCS/16OCT1317/FRA/T1K100"))
	}
	m.Statuses = make([]Status, 0, max(len(lines)-2, 0))
	for _, l := range lines[min(2, len(lines)):] {
		if st, ok := p.status(l); ok {
			m.Statuses = append(m.Statuses, st)
		}
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return m, nil
}

// header reads line 1: FSU/<version>.
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

// consignment reads line 2: AWB, origin, destination, then /quantity.
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
	rest := f0[12:]
	switch {
	case len(rest) < 3:
		p.fail(l.No, "origin", "", detail(ErrTruncated, "line ends after %s, expected a 3-letter airport", errtext.Quote(f0)))
	case checkAirport(rest[:3]) != "":
		p.fail(l.No, "origin", rest[:3], detail(ErrSyntax, "%s", checkAirport(rest[:3])))
	case len(rest) < 6:
		m.Origin = rest[:3]
		p.fail(l.No, "destination", "", detail(ErrTruncated, "line ends after %s, expected a 3-letter airport", errtext.Quote(f0)))
	case len(rest) > 6 || checkAirport(rest[3:]) != "":
		m.Origin = rest[:3]
		p.fail(l.No, "destination", rest[3:], detail(ErrSyntax, "expected a 3-letter airport code, as in JFK"))
	default:
		m.Origin, m.Destination = rest[:3], rest[3:6]
	}
	switch {
	case len(l.Fields) < 2 || l.Fields[1] == "":
		p.fail(l.No, "shipment quantity", "", detail(ErrTruncated,
			"expected /<code><pieces>K<weight> after the destination, as in %s/T1K100", f0))
	default:
		q, problem := parseQuantity(l.Fields[1])
		if problem != "" {
			p.fail(l.No, "shipment quantity", l.Fields[1], detail(ErrSyntax, "%s", problem))
		} else {
			m.Shipment = q
		}
		if len(l.Fields) > 2 {
			p.fail(l.No, "field", l.Fields[2], detail(ErrSyntax, "nothing may follow the shipment quantity"))
		}
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
	st := Status{Line: l.No, Code: code}
	ok := true
	i := 1
	for _, k := range g {
		if i >= len(l.Fields) || l.Fields[i] == "" {
			if k == fQuantity {
				break
			}
			name, example := k.describe()
			after := strings.Join(l.Fields[:i], "/")
			p.fail(l.No, code+" "+name, "", detail(ErrTruncated, "expected it after %s, as in %s", errtext.Quote(after), example))
			return Status{}, false
		}
		v := l.Fields[i]
		problem := ""
		switch k {
		case fFlight:
			problem, st.Flight = checkFlight(v), v
		case fCarrier:
			problem, st.Carrier = checkCarrier(v), v
		case fDayMonth:
			st.Day, st.Month, _, problem = splitDate(v, false)
		case fDateTime:
			st.Day, st.Month, st.Time, problem = splitDate(v, true)
		case fAirport:
			problem, st.Airport = checkAirport(v), v
		case fToAirport:
			problem, st.ToAirport = checkAirport(v), v
		case fQuantity:
			if !looksLikeQuantity(v) {
				break
			}
			var q Quantity
			q, problem = parseQuantity(v)
			st.setQuantity(q)
		}
		if k == fQuantity && st.ShipmentCode == "" && problem == "" {
			break // not a quantity: the rest are free fields
		}
		if problem != "" {
			name, _ := k.describe()
			p.fail(l.No, code+" "+name, v, detail(ErrSyntax, "%s", problem))
			ok = false
		}
		i++
	}
	if i < len(l.Fields) {
		st.Fields = l.Fields[i:len(l.Fields):len(l.Fields)]
	}
	return st, ok
}
