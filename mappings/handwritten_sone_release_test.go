package mappings_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
)

// The hand-written XML decoders are the baselines the engine is measured
// against on XML: encoding/xml unmarshalling into structs shaped like the
// documents, behind a token guard that refuses DTDs and nesting deeper
// than the profiles allow, and plain mapping code with the checks of the
// profiles that change the output or refuse a document. Where a profile
// reads the first non-empty of several elements, the structs keep the
// element a document normally holds once as one field.

// hxMaxDepth is the nesting both XML profiles allow (options.max_depth).
const hxMaxDepth = 16

// hxGuard hands the tokens of an XML document to encoding/xml's unmarshal,
// refusing a DTD or any other directive and elements nested deeper than
// hxMaxDepth, as the profiles' strict reading does.
type hxGuard struct {
	d     *xml.Decoder
	depth int
}

func (g *hxGuard) Token() (xml.Token, error) {
	t, err := g.d.RawToken()
	switch t.(type) {
	case xml.Directive:
		return nil, errors.New("a DTD or directive is not taken")
	case xml.StartElement:
		if g.depth++; g.depth > hxMaxDepth {
			return nil, fmt.Errorf("elements nested deeper than %d", hxMaxDepth)
		}
	case xml.EndElement:
		g.depth--
	}
	return t, err
}

// hxUnmarshal decodes one guarded document into v.
func hxUnmarshal(data []byte, v any) error {
	inner := xml.NewDecoder(bytes.NewReader(data))
	return xml.NewTokenDecoder(&hxGuard{d: inner}).Decode(v)
}

// hxTime reads an RFC 3339 time, or a local date and time (or date) in
// loc; a date alone is the start of that day, or its last minute when
// endOfDay. "" gives nil.
func hxTime(s string, loc *time.Location, endOfDay bool) (*time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	for _, l := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if err == nil {
			break
		}
		t, err = time.ParseInLocation(l, s, loc)
	}
	if err != nil {
		if t, err = time.ParseInLocation("2006-01-02", s, loc); err == nil && endOfDay {
			t = t.AddDate(0, 0, 1).Add(-time.Minute)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%q is not a date and time", s)
	}
	t = t.UTC()
	return &t, nil
}

// hxDecimal reads a decimal ("" gives nil); a comma may be the mark.
func hxDecimal(s string) (*float64, error) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return &f, nil
}

// hxHandle is the opaque handle of a secret: HMAC-SHA-256 under the
// credential key, cut to 12 bytes, as pcsgate keeps credentials.
func hxHandle(key []byte, secret string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(secret))
	return "cred_" + hex.EncodeToString(m.Sum(nil)[:12])
}

// hxMap looks v up in table; "" stays "" and an unknown value is an error.
func hxMap(what, v string, table map[string]string) (string, error) {
	if v == "" {
		return "", nil
	}
	out, ok := table[v]
	if !ok {
		return "", fmt.Errorf("%s %q is not a known value", what, v)
	}
	return out, nil
}

// The S)ONE release document, as far as sone/release reads it.
const (
	soneRelNS = "urn:pcsgate:sone:release:1"
	sonePtyNS = "urn:pcsgate:sone:party:1"
)

type soneDoc struct {
	XMLName xml.Name `xml:"urn:pcsgate:sone:release:1 Release"`
	Header  struct {
		MessageID string `xml:"urn:pcsgate:sone:release:1 MessageId"`
		Function  string `xml:"urn:pcsgate:sone:release:1 Function"`
		IssuedAt  string `xml:"urn:pcsgate:sone:release:1 IssuedAt"`
		Sender    string `xml:"urn:pcsgate:sone:release:1 Sender"`
	} `xml:"urn:pcsgate:sone:release:1 Header"`
	Port struct {
		Locode string `xml:"locode,attr"`
	} `xml:"urn:pcsgate:sone:release:1 Port"`
	Terminal struct {
		Code string `xml:"code,attr"`
	} `xml:"urn:pcsgate:sone:release:1 Terminal"`
	Carrier      string `xml:"urn:pcsgate:sone:release:1 Carrier"`
	BillOfLading string `xml:"urn:pcsgate:sone:release:1 BillOfLading"`
	Voyage       struct {
		VesselName   string `xml:"urn:pcsgate:sone:release:1 VesselName"`
		IMO          string `xml:"urn:pcsgate:sone:release:1 IMO"`
		VoyageNumber string `xml:"urn:pcsgate:sone:release:1 VoyageNumber"`
		ETA          string `xml:"urn:pcsgate:sone:release:1 ETA"`
	} `xml:"urn:pcsgate:sone:release:1 Voyage"`
	Container struct {
		Number     string      `xml:"number,attr"`
		SizeType   string      `xml:"urn:pcsgate:sone:release:1 SizeType"`
		LoadStatus string      `xml:"urn:pcsgate:sone:release:1 LoadStatus"`
		GrossMass  []soneValue `xml:"urn:pcsgate:sone:release:1 GrossMass"`
		Seals      []string    `xml:"urn:pcsgate:sone:release:1 Seal"`
	} `xml:"urn:pcsgate:sone:release:1 Container"`
	EmptyReturn struct {
		Locode    string `xml:"locode,attr"`
		Depot     string `xml:"urn:pcsgate:sone:release:1 Depot"`
		Reference string `xml:"urn:pcsgate:sone:release:1 Reference"`
	} `xml:"urn:pcsgate:sone:release:1 EmptyReturn"`
	Remarks string `xml:"urn:pcsgate:sone:release:1 Remarks"`
	// Sections are BAD, BAE and ExitAuthorisation (and anything else not
	// named above) in document order.
	Sections []soneSection `xml:",any"`
}

// soneValue is an element's text with the attribute that qualifies it.
type soneValue struct {
	Unit  string `xml:"unit,attr"`
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// soneSection holds the elements of the three sections; each has its own.
type soneSection struct {
	XMLName    xml.Name
	Number     string     `xml:"urn:pcsgate:sone:release:1 Number"`
	IssuedBy   soneHolder `xml:"urn:pcsgate:sone:release:1 IssuedBy"`
	DeliverTo  soneHolder `xml:"urn:pcsgate:sone:release:1 DeliverTo"`
	ValidFrom  string     `xml:"urn:pcsgate:sone:release:1 ValidFrom"`
	ValidUntil string     `xml:"urn:pcsgate:sone:release:1 ValidUntil"`
	// BAE
	CustomsReference string `xml:"urn:pcsgate:sone:release:1 CustomsReference"`
	Status           string `xml:"urn:pcsgate:sone:release:1 Status"`
	GrantedAt        string `xml:"urn:pcsgate:sone:release:1 GrantedAt"`
	// exit authorisation
	Reference  string      `xml:"urn:pcsgate:sone:release:1 Reference"`
	ComputedAt string      `xml:"urn:pcsgate:sone:release:1 ComputedAt"`
	Credential []soneValue `xml:"urn:pcsgate:sone:release:1 Credential"`
	Modality   string      `xml:"urn:pcsgate:sone:release:1 Modality"`
	Organiser  soneHolder  `xml:"urn:pcsgate:sone:release:1 Organiser"`
}

type soneHolder struct {
	Party *soneParty `xml:"urn:pcsgate:sone:party:1 Party"`
}

type soneParty struct {
	Name string `xml:"urn:pcsgate:sone:party:1 Name"`
	IDs  []struct {
		Scheme string `xml:"scheme,attr"`
		Value  string `xml:",chardata"`
	} `xml:"urn:pcsgate:sone:party:1 Id"`
}

// handSone decodes sone/release documents by hand.
type handSone struct{ key []byte }

func newHandSone(credentialKey []byte) *handSone { return &handSone{key: credentialKey} }

var (
	soneLoadStatus = map[string]string{"FULL": "FULL", "EMPTY": "EMPTY"}
	soneModality   = map[string]string{"ROAD": "ROAD", "RAIL": "RAIL", "BARGE": "BARGE"}
	soneLightState = map[string]string{
		"MAINLEVEE": "GREEN", "MAINLEVEE_SOUS_RESERVE": "ORANGE", "CONTROLE": "RED", "REFUS": "RED",
		"GRANTED": "GREEN", "SUSPENDED": "ORANGE", "REVOKED": "RED",
	}
)

// Decode turns one document into an event per BAD, BAE and exit
// authorisation, in document order. Any section in error refuses the
// whole document.
func (h *handSone) Decode(data []byte) ([]*canonical.ReleaseEvent, error) {
	var doc soneDoc
	if err := hxUnmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []*canonical.ReleaseEvent
	for i := range doc.Sections {
		s := &doc.Sections[i]
		if s.XMLName.Space != soneRelNS {
			continue
		}
		switch s.XMLName.Local {
		case "BAD", "BAE", "ExitAuthorisation":
		default:
			continue
		}
		e, err := h.event(&doc, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.XMLName.Local, err)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, errors.New("no BAD, BAE or exit authorisation in the document")
	}
	return out, nil
}

// event maps one section, with the document's header, to an event.
func (h *handSone) event(doc *soneDoc, s *soneSection) (*canonical.ReleaseEvent, error) {
	t := strings.TrimSpace
	e := &canonical.ReleaseEvent{Source: canonical.Source{
		PCS: "sone", Profile: "sone/release", MessageRef: t(doc.Header.MessageID),
		Sender: t(doc.Header.Sender), Function: t(doc.Header.Function + "/" + s.XMLName.Local),
	}}
	if e.Source.MessageRef == "" {
		return nil, errors.New("Header/MessageId is required")
	}
	if err := soneKey(doc, &e.Key); err != nil {
		return nil, err
	}
	loc, err := canonical.ZoneFor(e.Key.Port)
	if err != nil {
		return nil, err
	}
	if e.Release, err = soneReleaseOf(doc, s, e, loc); err != nil {
		return nil, err
	}
	if e.Equipment, err = soneEquipment(doc); err != nil {
		return nil, err
	}
	if e.Voyage, err = soneVoyage(doc, loc); err != nil {
		return nil, err
	}
	if e.Light, err = soneLight(s); err != nil {
		return nil, err
	}
	if e.OccurredAt, err = hxTime(firstOf(t(s.GrantedAt), t(s.ComputedAt), t(doc.Header.IssuedAt)), loc, false); err != nil {
		return nil, err
	}
	if e.OccurredAt == nil {
		return nil, errors.New("GrantedAt, ComputedAt or Header/IssuedAt is required")
	}
	if err := h.exit(doc, s, e); err != nil {
		return nil, err
	}
	f := e.Source.Function
	switch {
	case e.Light != nil:
		e.Type = "LIGHT_CHANGED"
	case strings.HasPrefix(f, "CANCEL/"):
		e.Type = "RELEASE_WITHDRAWN"
	case strings.HasPrefix(f, "UPDATE/"):
		e.Type = "RELEASE_UPDATED"
	default:
		e.Type = "RELEASE_CREATED"
	}
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return e, nil
}

// soneKey fills and checks the release key.
func soneKey(doc *soneDoc, k *canonical.Key) error {
	k.ContainerNumber = strings.ToUpper(strings.TrimSpace(doc.Container.Number))
	if k.ContainerNumber == "" {
		return errors.New("Container/@number is required")
	}
	if err := canonical.CheckContainerNumber(k.ContainerNumber); err != nil {
		return fmt.Errorf("Container/@number %q %w", k.ContainerNumber, err)
	}
	if k.BLNumber = strings.TrimSpace(doc.BillOfLading); k.BLNumber == "" {
		return errors.New("BillOfLading is required")
	}
	if k.Port = strings.ToUpper(strings.TrimSpace(doc.Port.Locode)); k.Port == "" {
		return errors.New("Port/@locode is required")
	}
	if err := canonical.CheckLocode(k.Port); err != nil {
		return fmt.Errorf("Port/@locode %q: %w", k.Port, err)
	}
	if k.Carrier = strings.ToUpper(strings.TrimSpace(doc.Carrier)); k.Carrier == "" {
		return errors.New("Carrier is required")
	}
	return nil
}

// soneReleaseOf builds the release part: the BAD's own elements, and the
// pick-up terminal every section carries.
func soneReleaseOf(doc *soneDoc, s *soneSection, e *canonical.ReleaseEvent, loc *time.Location) (*canonical.Release, error) {
	t := strings.TrimSpace
	r := &canonical.Release{ReleaseNumber: t(s.Number)}
	r.Issuer = soneBuildParty(s.IssuedBy.Party, "AGENT", "release.issuer", e)
	r.ReleaseTo = soneBuildParty(s.DeliverTo.Party, "RELEASE_TO", "release.releaseTo", e)
	var err error
	if r.ValidFrom, err = hxTime(s.ValidFrom, loc, false); err != nil {
		return nil, err
	}
	if r.ValidUntil, err = hxTime(s.ValidUntil, loc, true); err != nil {
		return nil, err
	}
	if r.ValidFrom != nil && r.ValidUntil != nil {
		if err := canonical.CheckValidity(r.ValidFrom, r.ValidUntil); err != nil {
			return nil, err
		}
	}
	r.PickupTerminal = &canonical.Facility{Locode: e.Key.Port, Code: t(doc.Terminal.Code)}
	if s.XMLName.Local == "BAD" {
		r.MoveType = canonical.MoveImport
		er := &canonical.Facility{
			Locode:    strings.ToUpper(t(doc.EmptyReturn.Locode)),
			Depot:     t(doc.EmptyReturn.Depot),
			Reference: t(doc.EmptyReturn.Reference),
		}
		if *er != (canonical.Facility{}) {
			r.EmptyReturn = er
		}
		r.Remarks = t(doc.Remarks)
	}
	return r, nil
}

// soneBuildParty builds a party with its SOGET code and EORI number; nil when
// the document names none. An EORI number not shaped like one is kept
// with a warning on the event.
func soneBuildParty(p *soneParty, role, target string, e *canonical.ReleaseEvent) *canonical.Party {
	if p == nil {
		return nil
	}
	out := &canonical.Party{Name: strings.TrimSpace(p.Name), Role: role}
	for _, scheme := range [...]string{canonical.SchemeSOGET, canonical.SchemeEORI} {
		for _, id := range p.IDs {
			v := strings.TrimSpace(id.Value)
			if id.Scheme != scheme || v == "" {
				continue
			}
			if scheme == canonical.SchemeEORI {
				if err := canonical.CheckEORI(v); err != nil {
					e.Warnings = append(e.Warnings, fmt.Sprintf("%s EORI %s %v", target, errtext.Quote(v), err))
				}
			}
			out.IDs = append(out.IDs, canonical.PartyID{Scheme: scheme, Value: v})
			break
		}
	}
	if len(out.IDs) == 0 && out.Name == "" {
		return nil
	}
	return out
}

// soneEquipment builds the container part.
func soneEquipment(doc *soneDoc) (*canonical.Equipment, error) {
	c := &doc.Container
	q := &canonical.Equipment{ContainerNumber: strings.ToUpper(strings.TrimSpace(c.Number)), RawSizeType: strings.TrimSpace(c.SizeType)}
	var err error
	if q.RawSizeType != "" {
		if q.ISOSizeType, err = canonical.NormalizeSizeType(q.RawSizeType); err != nil {
			return nil, err
		}
	}
	if q.LoadStatus, err = hxMap("LoadStatus", strings.TrimSpace(c.LoadStatus), soneLoadStatus); err != nil {
		return nil, err
	}
	for _, m := range c.GrossMass {
		if m.Unit == "KGM" && strings.TrimSpace(m.Value) != "" {
			if q.GrossKg, err = hxDecimal(m.Value); err != nil {
				return nil, err
			}
			break
		}
	}
	for _, s := range c.Seals {
		if s = strings.TrimSpace(s); s != "" {
			q.Seals = append(q.Seals, s)
		}
	}
	return q, nil
}

// soneVoyage builds the voyage part; nil when the document has none.
func soneVoyage(doc *soneDoc, loc *time.Location) (*canonical.Voyage, error) {
	t := strings.TrimSpace
	v := &canonical.Voyage{VesselName: t(doc.Voyage.VesselName), IMO: t(doc.Voyage.IMO), VoyageNumber: t(doc.Voyage.VoyageNumber)}
	if v.IMO != "" {
		if err := canonical.CheckIMO(v.IMO); err != nil {
			return nil, fmt.Errorf("Voyage/IMO %q %w", v.IMO, err)
		}
	}
	var err error
	if v.ETA, err = hxTime(doc.Voyage.ETA, loc, false); err != nil {
		return nil, err
	}
	if *v == (canonical.Voyage{}) {
		return nil, nil
	}
	return v, nil
}

// soneLight is the customs light of a BAE or the terminal light of an
// exit authorisation; nil for a BAD.
func soneLight(s *soneSection) (*canonical.Light, error) {
	var l *canonical.Light
	switch s.XMLName.Local {
	case "BAE":
		l = &canonical.Light{Kind: "CUSTOMS"}
	case "ExitAuthorisation":
		l = &canonical.Light{Kind: "TERMINAL"}
	}
	if l != nil {
		state, err := hxMap("Status", strings.TrimSpace(s.Status), soneLightState)
		if err != nil {
			return nil, err
		}
		l.State = firstOf(state, "GREEN")
	}
	if reason := firstOf(strings.TrimSpace(s.CustomsReference), strings.TrimSpace(s.Reference)); reason != "" {
		if l == nil {
			l = &canonical.Light{}
		}
		l.Reason = reason
	}
	return l, nil
}

// exit fills the assignment and the TCT of an exit authorisation. A TCT is
// only for a Le Havre port and a road withdrawal, and must be six digits.
func (h *handSone) exit(doc *soneDoc, s *soneSection, e *canonical.ReleaseEvent) error {
	modality := strings.TrimSpace(s.Modality)
	m, err := hxMap("Modality", modality, soneModality)
	if err != nil {
		return err
	}
	by := soneBuildParty(s.Organiser.Party, "TRANSPORT_ORGANISER", "assignment.by", e)
	if m != "" || by != nil {
		e.Assignment = &canonical.Assignment{Modality: m, By: by}
	}
	var tct *soneValue
	for i := range s.Credential {
		if s.Credential[i].Type == "TCT" {
			tct = &s.Credential[i]
			break
		}
	}
	if tct == nil {
		return nil
	}
	if port := strings.TrimSpace(doc.Port.Locode); port != "FRLEH" {
		return fmt.Errorf("a TCT for port %s: TCTs exist only for Le Havre", port)
	}
	if modality != "" && modality != "ROAD" {
		return fmt.Errorf("a TCT with a %s withdrawal: TCTs are only for road", modality)
	}
	e.Credential = &canonical.Credential{Type: "TCT"}
	if code := strings.TrimSpace(tct.Value); code != "" {
		if err := canonical.CheckTCT(code); err != nil {
			return errors.New("the TCT is not six digits")
		}
		e.Credential.Handle = hxHandle(h.key, code)
	}
	return nil
}
