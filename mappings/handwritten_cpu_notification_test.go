package mappings_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/mappings"
)

// This file holds the baseline the cpu/notification profile is measured
// against: a decoder of CPu notifications written by hand with
// encoding/json and typed structs, as an engineer would write one without
// the mapping engine. It follows spec.yaml rule by rule, including the
// checks that change the output (check digit, UN/LOCODE, code lists,
// validity range, EORI warnings, Alfapass masking, sealed values refused).
// It does not run the JSON Schema: the shapes only the schema (or the
// engine's JSON reader) refuses are listed in handwrittenLenient and in
// TestHandwrittenCPUNotificationRareShapes, and the tests prove every
// other bad case is refused.

// handCPU decodes CPu notifications by hand into canonical events.
type handCPU struct {
	types  map[string]canonical.EventType // "<type>/<event>" -> event type
	lights map[string]string              // greenLightName -> light kind
	values map[string]string              // light value -> light state
}

// newHandCPU loads the three CPu code lists once, from the same files the
// profile uses, so both decoders read the same tables.
func newHandCPU() (*handCPU, error) {
	types, err := loadCodelist("cpu-notification")
	if err != nil {
		return nil, err
	}
	h := &handCPU{types: map[string]canonical.EventType{}}
	for k, v := range types {
		h.types[k] = canonical.EventType(v)
	}
	if h.lights, err = loadCodelist("cpu-light"); err != nil {
		return nil, err
	}
	if h.values, err = loadCodelist("cpu-light-value"); err != nil {
		return nil, err
	}
	return h, nil
}

// loadCodelist reads codelists/<name>.yaml as a code -> value table.
func loadCodelist(name string) (map[string]string, error) {
	b, err := fs.ReadFile(mappings.Embedded(), "codelists/"+name+".yaml")
	if err != nil {
		return nil, err
	}
	var list struct {
		Codes []struct {
			Code  string `yaml:"code"`
			Value string `yaml:"value"`
		} `yaml:"codes"`
	}
	if err := yaml.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("code list %s: %w", name, err)
	}
	out := make(map[string]string, len(list.Codes))
	for _, c := range list.Codes {
		out[c.Code] = c.Value
	}
	return out, nil
}

// cpuNotification is the envelope of a CPu notification, as far as it is read.
type cpuNotification struct {
	Type              string   `json:"type"`
	Event             string   `json:"event"`
	PublicReferenceID string   `json:"publicReferenceId"`
	SenderID          string   `json:"senderId"`
	ReceiverID        string   `json:"receiverId"`
	Timestamp         string   `json:"timestamp"`
	Body              *cpuBody `json:"body"`
}

// cpuBody is the body of every notification type. As in the profile, null
// and "" both mean absent.
type cpuBody struct {
	Sender                *cpuParty  `json:"sender"`
	Carrier               *cpuParty  `json:"carrier"`
	ReleaseFrom           *cpuParty  `json:"releaseFrom"`
	ReleaseTo             *cpuParty  `json:"releaseTo"`
	TerminalCode          string     `json:"terminalCode"`
	PortLoCode            string     `json:"portLoCode"`
	EquipmentNumber       string     `json:"equipmentNumber"`
	BillOfLadingNumbers   []string   `json:"billOfLadingNumbers"`
	ReleaseIdentification string     `json:"releaseIdentification"`
	ReleaseID             string     `json:"releaseId"`
	ReleaseDateTimeUtc    string     `json:"releaseDateTimeUtc"`
	ExpirationDateTimeUtc string     `json:"expirationDateTimeUtc"`
	GreenLightName        string     `json:"greenLightName"`
	OriginalValue         string     `json:"originalValue"`
	NewValue              string     `json:"newValue"`
	ActionType            string     `json:"actionType"`
	Driver                *cpuDriver `json:"driver"`
}

// cpuParty is a CPu party with its identifiers.
type cpuParty struct {
	NxtEntityID string `json:"nxtEntityId"`
	Name        string `json:"name"`
	EORI        string `json:"eori"`
	TIN         string `json:"tin"`
	APCS        string `json:"apcs"`
	DUNS        string `json:"duns"`
	ExternalID  string `json:"externalId"`
}

// cpuDriver is the assigned driver. It takes no other member: a PIN sent
// beside the Alfapass number must not pass unnoticed.
type cpuDriver struct {
	AlfapassNumber string `json:"alfapassNumber"`
	Alias          string `json:"alias"`
}

// UnmarshalJSON refuses members other than alfapassNumber and alias.
func (d *cpuDriver) UnmarshalJSON(b []byte) error {
	type plain cpuDriver
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode((*plain)(d)); err != nil {
		return fmt.Errorf("body.driver: %w", err)
	}
	return nil
}

// Decode turns one notification into its single canonical event.
func (h *handCPU) Decode(data []byte) ([]*canonical.ReleaseEvent, error) {
	var n cpuNotification
	if err := json.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	if n.Body == nil {
		return nil, errors.New("body is required but missing")
	}
	if n.holdsSealed() {
		return nil, errors.New("a field starts as a value pcsgate sealed, which it does not take from an input")
	}
	e := &canonical.ReleaseEvent{}
	if err := h.envelope(&n, e); err != nil {
		return nil, err
	}
	if err := releaseOf(n.Body, n.Type, e); err != nil {
		return nil, err
	}
	hopsOf(&n, e)
	if n.Type == "ReleaseLight" {
		if err := h.lightOf(n.Body, e); err != nil {
			return nil, err
		}
	}
	if n.Type == "TerminalEvent" {
		gateOf(&n, e)
	}
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return []*canonical.ReleaseEvent{e}, nil
}

// envelope fills type, source, key and occurredAt.
func (h *handCPU) envelope(n *cpuNotification, e *canonical.ReleaseEvent) error {
	typ, ok := h.types[n.Type+"/"+n.Event]
	if !ok {
		return fmt.Errorf("%q is not in the code list cpu-notification", n.Type+"/"+n.Event)
	}
	if n.PublicReferenceID == "" {
		return errors.New("publicReferenceId is required but missing")
	}
	b := n.Body
	if len(b.BillOfLadingNumbers) == 0 || b.BillOfLadingNumbers[0] == "" {
		return errors.New("body.billOfLadingNumbers is required but missing")
	}
	e.Type = typ
	function := n.Event
	if b.ActionType != "" {
		function += "/" + b.ActionType
	}
	e.Source = canonical.Source{
		PCS: "cpu", Profile: "cpu/notification",
		MessageRef:     n.PublicReferenceID + "/" + n.Event + "/" + n.Timestamp,
		InterchangeRef: n.PublicReferenceID,
		Sender:         n.SenderID, Receiver: n.ReceiverID, Function: function,
	}
	if b.EquipmentNumber == "" {
		return errors.New("body.equipmentNumber is required but missing")
	}
	e.Key.ContainerNumber = upperTrim(b.EquipmentNumber)
	if err := canonical.CheckContainerNumber(e.Key.ContainerNumber); err != nil {
		return fmt.Errorf("body.equipmentNumber %q %w", b.EquipmentNumber, err)
	}
	e.Key.BLNumber = b.BillOfLadingNumbers[0]
	e.Key.Port = portOf(b)
	if err := canonical.CheckLocode(e.Key.Port); err != nil {
		return fmt.Errorf("body.portLoCode %q %w", e.Key.Port, err)
	}
	if n.Timestamp == "" {
		return errors.New("timestamp is required but missing")
	}
	at, err := parseCPUTime("timestamp", n.Timestamp)
	if err != nil {
		return err
	}
	e.OccurredAt = at
	return nil
}

// releaseOf fills the release, its parties and the equipment.
func releaseOf(b *cpuBody, typ string, e *canonical.ReleaseEvent) error {
	r := &canonical.Release{ReleaseNumber: b.ReleaseIdentification, SystemRef: b.ReleaseID}
	for _, bl := range b.BillOfLadingNumbers {
		if bl != "" {
			r.BLNumbers = append(r.BLNumbers, bl)
		}
	}
	var err error
	if r.ValidFrom, err = parseCPUTime("body.releaseDateTimeUtc", b.ReleaseDateTimeUtc); err != nil {
		return err
	}
	if r.ValidUntil, err = parseCPUTime("body.expirationDateTimeUtc", b.ExpirationDateTimeUtc); err != nil {
		return err
	}
	if r.ValidFrom != nil && r.ValidUntil != nil {
		if err := canonical.CheckValidity(r.ValidFrom, r.ValidUntil); err != nil {
			return fmt.Errorf("release.validUntil %w", err)
		}
	}
	if b.Carrier != nil {
		r.Issuer = b.Carrier.party("CARRIER", "release.issuer", e)
	} else if b.Sender != nil {
		r.Issuer = b.Sender.party("AGENT", "release.issuer", e)
	}
	r.ReleaseTo = b.ReleaseTo.party("RELEASE_TO", "release.releaseTo", e)
	if typ != "TerminalEvent" && b.TerminalCode != "" {
		r.PickupTerminal = &canonical.Facility{Code: b.TerminalCode, Locode: portOf(b)}
	}
	e.Release = r
	e.Equipment = &canonical.Equipment{ContainerNumber: e.Key.ContainerNumber}
	return nil
}

// hopsOf fills the transfer of a release-right hop and the assignment of
// a driver.
func hopsOf(n *cpuNotification, e *canonical.ReleaseEvent) {
	b := n.Body
	if n.Type == "ReleaseRight" {
		switch n.Event {
		case "Transferred", "Accepted", "Declined", "Revoked":
			e.Transfer = &canonical.Transfer{
				From: b.ReleaseFrom.party("", "transfer.from", e),
				To:   b.ReleaseTo.party("", "transfer.to", e),
				Kind: "TRANSFER",
			}
		case "Assigned":
			e.Assignment = &canonical.Assignment{Modality: "ROAD", By: b.ReleaseTo.party("", "assignment.by", e)}
		}
	}
	d := b.Driver
	if d == nil || d.AlfapassNumber == "" && d.Alias == "" {
		return
	}
	if e.Assignment == nil {
		e.Assignment = &canonical.Assignment{}
	}
	drv := &canonical.Driver{Alias: d.Alias}
	if d.AlfapassNumber != "" {
		drv.Scheme = "ALFAPASS"
		drv.MaskedID = maskAlfapass(d.AlfapassNumber)
	}
	e.Assignment.Driver = drv
}

// lightOf fills the light of a ReleaseLight notification.
func (h *handCPU) lightOf(b *cpuBody, e *canonical.ReleaseEvent) error {
	kind, ok := h.lights[b.GreenLightName]
	if !ok {
		return fmt.Errorf("body.greenLightName %q is not in the code list cpu-light", b.GreenLightName)
	}
	state, ok := h.values[b.NewValue]
	if !ok {
		return fmt.Errorf("body.newValue %q is not in the code list cpu-light-value", b.NewValue)
	}
	l := &canonical.Light{Kind: kind, State: state, Value: b.NewValue, Name: b.GreenLightName, PreviousValue: b.OriginalValue}
	if b.OriginalValue != "" {
		if l.PreviousState, ok = h.values[b.OriginalValue]; !ok {
			return fmt.Errorf("body.originalValue %q is not in the code list cpu-light-value", b.OriginalValue)
		}
	}
	e.Light = l
	return nil
}

// gateOf fills the gate move of a TerminalEvent notification; the code
// list lets only GateIn and GateOut through.
func gateOf(n *cpuNotification, e *canonical.ReleaseEvent) {
	g := &canonical.Gate{At: e.OccurredAt, Direction: "OUT", Facility: &canonical.Facility{Locode: portOf(n.Body)}}
	if n.Event == "GateIn" {
		g.Direction = "IN"
	}
	g.Facility.Code = n.Body.TerminalCode
	e.Gate = g
}

// party returns the canonical party, nil when it has neither name nor
// identifier. An identifier sent as EORI that is not shaped like one is
// kept with a warning on the event, named after target.
func (p *cpuParty) party(role, target string, e *canonical.ReleaseEvent) *canonical.Party {
	if p == nil {
		return nil
	}
	out := &canonical.Party{Name: p.Name, Role: role}
	for _, id := range [...]canonical.PartyID{
		{Scheme: canonical.SchemeNxtID, Value: p.NxtEntityID}, {Scheme: canonical.SchemeEORI, Value: p.EORI},
		{Scheme: canonical.SchemeTIN, Value: p.TIN}, {Scheme: canonical.SchemeAPCS, Value: p.APCS},
		{Scheme: canonical.SchemeDUNS, Value: p.DUNS}, {Scheme: canonical.SchemeExternal, Value: p.ExternalID},
	} {
		if id.Value == "" {
			continue
		}
		if id.Scheme == canonical.SchemeEORI {
			if err := canonical.CheckEORI(id.Value); err != nil {
				e.Warnings = append(e.Warnings, fmt.Sprintf("%s EORI %s %v", target, errtext.Quote(id.Value), err))
			}
		}
		out.IDs = append(out.IDs, id)
	}
	if len(out.IDs) == 0 && out.Name == "" {
		return nil
	}
	return out
}

// holdsSealed reports whether a value the decoder reads starts as a value
// pcsgate sealed, which the gateway never takes from an input.
func (n *cpuNotification) holdsSealed() bool {
	b := n.Body
	for _, v := range [...]string{
		n.PublicReferenceID, n.SenderID, n.ReceiverID, n.Timestamp, b.EquipmentNumber,
		b.ReleaseIdentification, b.ReleaseID, b.GreenLightName, b.OriginalValue, b.NewValue,
		b.TerminalCode, b.PortLoCode, b.ReleaseDateTimeUtc, b.ExpirationDateTimeUtc,
	} {
		if seal.IsSealedString(v) {
			return true
		}
	}
	if d := b.Driver; d != nil && (seal.IsSealedString(d.AlfapassNumber) || seal.IsSealedString(d.Alias)) {
		return true
	}
	for _, bl := range b.BillOfLadingNumbers {
		if seal.IsSealedString(bl) {
			return true
		}
	}
	for _, p := range [...]*cpuParty{b.Sender, b.Carrier, b.ReleaseFrom, b.ReleaseTo} {
		if p != nil && slices.ContainsFunc([]string{p.Name, p.NxtEntityID, p.EORI, p.TIN, p.APCS, p.DUNS, p.ExternalID}, seal.IsSealedString) {
			return true
		}
	}
	return false
}

// portOf is the notification's port: BEANR when CPu sends none.
func portOf(b *cpuBody) string {
	if b.PortLoCode == "" {
		return "BEANR"
	}
	return upperTrim(b.PortLoCode)
}

// parseCPUTime reads an RFC 3339 time as UTC; "" gives nil.
func parseCPUTime(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%s %q is not an RFC 3339 time", field, s)
	}
	t = t.UTC()
	return &t, nil
}

func upperTrim(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// maskAlfapass keeps an Alfapass number CPu masked ("**12") as it is and
// masks a clear one to its last four characters.
func maskAlfapass(s string) string {
	r := []rune(s)
	if stars := strings.Count(s, "*"); stars > 0 && len(r)-stars <= 4 {
		return s
	}
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}
