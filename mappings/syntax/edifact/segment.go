package edifact

import "strings"

// Segment is one segment, unescaped and decoded to UTF-8.
type Segment struct {
	Tag string
	// Elements[i][j] is data element i+1, component j+1. An empty element
	// before the last value is []string{""}; trailing empty elements and
	// components are not kept.
	Elements [][]string
	Pos      int // 1-based segment number in the interchange (UNA not counted)
	Line     int // 1-based line where the segment starts
}

// Value returns component comp of data element elem, both 1-based, or ""
// when absent.
func (s *Segment) Value(elem, comp int) string {
	if elem < 1 || elem > len(s.Elements) {
		return ""
	}
	e := s.Elements[elem-1]
	if comp < 1 || comp > len(e) {
		return ""
	}
	return e[comp-1]
}

// Composite returns the components of data element elem (1-based), or nil
// when absent.
func (s *Segment) Composite(elem int) []string {
	if elem < 1 || elem > len(s.Elements) {
		return nil
	}
	return s.Elements[elem-1]
}

// Interchange is what UNA and UNB say about an interchange.
type Interchange struct {
	Charset       string // syntax identifier: UNOA, UNOB, UNOC, UNOD, UNOE, UNOF, UNOW, UNOY
	SyntaxVersion string // syntax version number, e.g. "3"
	Sender        string // S002 0004
	SenderQual    string // S002 0007
	Recipient     string // S003 0010
	RecipientQual string // S003 0007
	Date          string // as sent: YYMMDD or CCYYMMDD
	Time          string // as sent: HHMM
	ControlRef    string // 0020, repeated in UNZ
	Delims        Delims // delimiters in use
	UNA           bool   // whether a UNA was present
}

// MessageID is the message identifier of UNH (S009), e.g. COREOR:D:00B:UN:SMDG20.
type MessageID struct {
	Type    string // 0065, e.g. COREOR
	Version string // 0052, e.g. D
	Release string // 0054, e.g. 00B
	Agency  string // 0051, e.g. UN
	Assoc   string // 0057 association assigned code, e.g. SMDG20
}

// String renders the identifier with ':' between the parts and trailing
// empty parts left out: "COREOR:D:00B:UN:SMDG20", "CODECO:D:95B:UN".
func (id MessageID) String() string {
	parts := []string{id.Type, id.Version, id.Release, id.Agency, id.Assoc}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, ":")
}

// Message is one message, UNH to UNT.
type Message struct {
	Ref         string       // UNH 0062 message reference number
	ID          MessageID    // UNH S009
	Index       int          // 1-based message number in the interchange
	Segments    []Segment    // UNH .. UNT inclusive
	Interchange *Interchange // nil when the input has no UNB

	store *segStore // the memory of Segments, for Recycle
}

// messageID reads S009 from a UNH segment.
func messageID(unh *Segment) MessageID {
	return MessageID{
		Type: unh.Value(2, 1), Version: unh.Value(2, 2), Release: unh.Value(2, 3),
		Agency: unh.Value(2, 4), Assoc: unh.Value(2, 5),
	}
}
