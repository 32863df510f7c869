package edifact

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Acknowledgements follow the public UN/EDIFACT layouts: CONTRL, the
// syntax and service report of ISO 9735 (UNH, UCI, then per message UCM
// with UCS and UCD; CONTRL:D:3:UN for syntax version 3, CONTRL:4:1:UN for
// version 4), and APERAK D:96A, the application error and acknowledgement
// message (UNH, BGM, DTM, SG1 RFF, SG3 ERC with FTX). The segment and
// element positions written are those of the UNECE directories.

// Action codes (0083) of CONTRL.
const (
	// ActionAccepted: this level and every lower level acknowledged,
	// except those rejected explicitly.
	ActionAccepted = "7"
	// ActionRejected: this level and every lower level rejected.
	ActionRejected = "4"
)

// Reply is the envelope of an answer to ic: sender and recipient
// swapped, ic's character set and syntax version (UNOC and 3 where ic's
// set is unknown), control reference ref, dated at in UTC.
func Reply(ic *Interchange, ref string, at time.Time) Interchange {
	out := Interchange{Charset: ic.Charset, SyntaxVersion: ic.SyntaxVersion, ControlRef: ref}
	cs, err := lookupCharset(out.Charset)
	if err != nil || out.SyntaxVersion != "4" && out.SyntaxVersion != "3" && out.SyntaxVersion != "2" && out.SyntaxVersion != "1" {
		cs, out.Charset, out.SyntaxVersion = charsets["UNOC"], "UNOC", "3"
	}
	out.Sender, out.SenderQual = fitText(cs, ic.Recipient, 35), fitText(cs, ic.RecipientQual, 4)
	out.Recipient, out.RecipientQual = fitText(cs, ic.Sender, 35), fitText(cs, ic.SenderQual, 4)
	at = at.UTC()
	out.Date, out.Time = at.Format("060102"), at.Format("1504")
	if out.SyntaxVersion == "4" {
		out.Date = at.Format("20060102")
	}
	return out
}

// WriteContrl writes CONTRL message ref answering rep into the
// interchange w has begun (see Reply). UCI repeats rep's UNB sender and
// recipient as received and says whether the interchange is accepted or
// rejected, with the envelope's first problem; a UCM follows for each
// message (only for those with a problem when the envelope has one), its
// first problem in UCS (segment position) and UCD (element).
func WriteContrl(w *Writer, ref string, rep *Report) error {
	ic := rep.Interchange
	id := MessageID{Type: "CONTRL", Version: "D", Release: "3", Agency: "UN"}
	if ic.SyntaxVersion == "4" {
		id.Version, id.Release = "4", "1"
	}
	if err := w.BeginMessage(ref, id); err != nil {
		return err
	}
	action := ActionAccepted
	if rep.Rejected() {
		action = ActionRejected
	}
	uci := [][]string{{w.fit(ic.ControlRef, 14)}, {w.fit(ic.Sender, 35), w.fit(ic.SenderQual, 4)},
		{w.fit(ic.Recipient, 35), w.fit(ic.RecipientQual, 4)}, {action}}
	if e := rep.Err; e != nil {
		uci = append(uci, errorElements(e, e.Tag == "UNA" || e.Tag == "UNB" || e.Tag == "UNZ")...)
	}
	if err := w.WriteSegment("UCI", uci); err != nil {
		return err
	}
	for i := range rep.Messages {
		m := &rep.Messages[i]
		if m.Err == nil && rep.Err != nil {
			continue
		}
		if err := w.writeUCM(m); err != nil {
			return err
		}
	}
	return w.EndMessage()
}

// writeUCM writes the response to one message: a problem of UNH or UNT
// in UCM itself, any other in UCS and UCD.
func (w *Writer) writeUCM(m *MessageReport) error {
	ucm := [][]string{{w.fit(m.Ref, 14)}, {w.fit(m.ID.Type, 6), w.fit(m.ID.Version, 3), w.fit(m.ID.Release, 3), w.fit(m.ID.Agency, 3), w.fit(m.ID.Assoc, 6)}}
	e := m.Err
	if e == nil {
		return w.WriteSegment("UCM", append(ucm, []string{ActionAccepted}))
	}
	ucm = append(ucm, []string{ActionRejected})
	if e.Tag == "UNH" || e.Tag == "UNT" || m.Pos == 0 {
		return w.WriteSegment("UCM", append(ucm, errorElements(e, m.Pos > 0)...))
	}
	if err := w.WriteSegment("UCM", ucm); err != nil {
		return err
	}
	code := SyntaxErrorCode(e)
	if e.Element == 0 {
		return w.WriteSegment("UCS", [][]string{{strconv.Itoa(m.Pos)}, {code}})
	}
	if err := w.WriteSegment("UCS", [][]string{{strconv.Itoa(m.Pos)}}); err != nil {
		return err
	}
	return w.WriteSegment("UCD", [][]string{{code}, position(e)})
}

// errorElements are the trailing elements of UCI or UCM for e: its code
// and, when withTag, its segment tag (0013) and element position (S011).
func errorElements(e *Error, withTag bool) [][]string {
	out := [][]string{{SyntaxErrorCode(e)}}
	if withTag && e.Tag != "" {
		out = append(out, []string{e.Tag})
		if e.Element > 0 {
			out = append(out, position(e))
		}
	}
	return out
}

// position is S011 of e: the element's and, if any, the component's
// position.
func position(e *Error) []string {
	p := []string{strconv.Itoa(e.Element)}
	if e.Component > 0 {
		p = append(p, strconv.Itoa(e.Component))
	}
	return p
}

// Aperak is an APERAK D:96A telling a sender that the receiver's
// application rejected one of its messages.
type Aperak struct {
	Ref      string // UNH 0062 of the APERAK
	Document string // BGM 1004, the APERAK's own document number
	Issued   string // DTM+137, CCYYMMDDHHMM
	// Interchange is the interchange of the rejected message; its control
	// reference is quoted in RFF+ZZZ (mutually defined reference).
	Interchange *Interchange
	MessageRef  string     // UNH 0062 of the rejected message, quoted in RFF+ACW
	Errors      []AppError // one ERC and FTX each
}

// AppError is one application error of an APERAK.
type AppError struct {
	// Code is ERC C901 9321, an..8, from a list the partners agree on
	// (3055 ZZZ, mutually defined).
	Code string
	// Text is FTX+AAO, the error description: five lines of 70
	// characters at most (4440 is an..70 in D:96A), longer text clipped.
	// Characters the interchange's set cannot carry become '?'.
	Text string
}

// WriteAperak writes a into the interchange w has begun (see Reply).
func WriteAperak(w *Writer, a Aperak) error {
	id := MessageID{Type: "APERAK", Version: "D", Release: "96A", Agency: "UN"}
	if err := w.BeginMessage(a.Ref, id); err != nil {
		return err
	}
	segs := []struct {
		tag string
		els [][]string
	}{
		// 313: message acknowledgement; 27: not accepted.
		{"BGM", [][]string{{"313"}, {w.fit(a.Document, 35)}, {"27"}}},
		{"DTM", [][]string{{"137", a.Issued, "203"}}},
		{"RFF", [][]string{{"ACW", w.fit(a.MessageRef, 70)}}},
	}
	if a.Interchange != nil {
		segs = append(segs, struct {
			tag string
			els [][]string
		}{"RFF", [][]string{{"ZZZ", w.fit(a.Interchange.ControlRef, 70)}}})
	}
	for _, s := range segs {
		if err := w.WriteSegment(s.tag, s.els); err != nil {
			return err
		}
	}
	for _, e := range a.Errors {
		if err := w.WriteSegment("ERC", [][]string{{e.Code, "", "ZZZ"}}); err != nil {
			return err
		}
		if err := w.WriteSegment("FTX", [][]string{{"AAO"}, {""}, {""}, textLines(w.fit(e.Text, -1), 70, 5)}); err != nil {
			return err
		}
	}
	return w.EndMessage()
}

// textLines cuts s into at most n lines of at most width characters,
// ending a clipped text with "...".
func textLines(s string, width, n int) []string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > width*n {
		r := []rune(s)
		s = string(r[:width*n-3]) + "..."
	}
	var out []string
	for s != "" {
		r := []rune(s)
		cut := min(width, len(r))
		out = append(out, string(r[:cut]))
		s = string(r[cut:])
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// fit is fitText in the output's set.
func (w *Writer) fit(s string, max int) string {
	if w.cs == nil {
		return s
	}
	return fitText(w.cs, s, max)
}

// fitText is s as cs can carry it, clipped to max characters: control
// characters become a space, other characters cs lacks '?'. Quoted
// values (references and ids as received) then always fit their data
// element, even when the original's did not.
func fitText(cs *charset, s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			break
		}
		n++
		switch {
		case r < 0x80 && (cs.data[r] == clPlain || cs.data[r] == clDecode):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7F:
			b.WriteByte(' ')
		case r >= 0x80 && r != utf8.RuneError:
			if _, ok := cs.appendRune(nil, r); ok {
				b.WriteRune(r)
				continue
			}
			b.WriteByte('?')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
