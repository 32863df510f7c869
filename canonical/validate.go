package canonical

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ValidateOpts holds the partner switches of Check. Each one relaxes one
// documented rule for a partner whose data is known to break it, and turns
// the problem into a warning on the event instead of an error. All are off
// by default; a profile switches them on explicitly.
type ValidateOpts struct {
	// AllowBadCheckDigit accepts ISO 6346 container numbers, air waybill
	// numbers, GLNs and IMO numbers whose only fault is the check digit,
	// and records a warning instead of an error. Some legacy carrier
	// systems send container numbers typed by hand.
	AllowBadCheckDigit bool `json:"allow_bad_check_digit" yaml:"allow_bad_check_digit"`
	// AllowBadPartyIDs accepts party identifiers in the EORI and GLN
	// schemes that are not shaped as such (a partner's internal code sent
	// in the EORI field), and records a warning instead of an error.
	AllowBadPartyIDs bool `json:"allow_bad_party_ids" yaml:"allow_bad_party_ids"`
}

// requiredParts names the part of the event each type cannot do without.
var requiredParts = map[EventType]string{
	ReleaseCreated:   "release",
	TransferOffered:  "transfer",
	TransferAccepted: "transfer",
	TransferDeclined: "transfer",
	TransferRevoked:  "transfer",
	Assigned:         "assignment",
	LightChanged:     "light",
	GatedOut:         "gate",
	GatedIn:          "gate",
	StatusReported:   "status",
}

// vocabularies is Vocabularies computed once, for Check.
var vocabularies = Vocabularies()

// Check verifies the values of an event: event type, required parts, key,
// check digits, code shapes, time ranges and validity, party identifiers
// in the EORI and GLN schemes. Every problem becomes a *FieldError naming
// the canonical path and the value as received; they are joined with
// errors.Join in field order. Problems opts chose to accept are appended
// to e.Warnings instead (once each, however often Check runs).
//
// Check does not check the JSON shape; Validate does that.
func (e *ReleaseEvent) Check(opts ValidateOpts) error {
	warnings, err := e.Inspect(opts)
	for _, w := range warnings {
		if !slices.Contains(e.Warnings, w) {
			e.Warnings = append(e.Warnings, w)
		}
	}
	return err
}

// Inspect runs the checks of Check without touching the event: it returns
// the warnings Check would record and the joined errors.
func (e *ReleaseEvent) Inspect(opts ValidateOpts) (warnings []string, err error) {
	if e == nil {
		return nil, &FieldError{Path: "event", Err: ErrRequired}
	}
	c := &checker{opts: opts}
	c.required("id", e.ID)
	if !slices.Contains(Types, e.Type) {
		c.add("type", string(e.Type), fmt.Errorf("%w: expected one of %s", ErrEventType, typeList()), false)
	}
	c.required("source.pcs", e.Source.PCS)
	c.required("source.profile", e.Source.Profile)
	c.time("occurredAt", e.OccurredAt)
	c.time("source.receivedAt", e.Source.ReceivedAt)
	c.key(e.Key)
	if part, ok := requiredParts[e.Type]; ok && !e.hasPart(part) {
		c.add(part, "", fmt.Errorf("%w: %s needs it", ErrRequired, e.Type), false)
	}
	c.release(e.Release)
	c.equipment(e.Equipment, e.Key)
	if v := e.Voyage; v != nil {
		c.checkDigit("voyage.imo", v.IMO, CheckIMO)
		c.time("voyage.eta", v.ETA)
	}
	if t := e.Transfer; t != nil {
		c.party("transfer.from", t.From)
		c.party("transfer.to", t.To)
		c.vocab("transfer.kind", t.Kind)
		if e.Type == TransferOffered && t.To == nil {
			c.add("transfer.to", "", fmt.Errorf("%w: %s needs the receiving party", ErrRequired, e.Type), false)
		}
	}
	if a := e.Assignment; a != nil {
		c.vocab("assignment.modality", a.Modality)
		c.party("assignment.by", a.By)
	}
	if l := e.Light; l != nil {
		c.vocab("light.kind", l.Kind)
		c.vocab("light.state", l.State)
		c.vocab("light.previousState", l.PreviousState)
		for _, part := range l.Components {
			c.vocab("light.kind", part.Kind)
			c.vocab("light.state", part.State)
		}
	}
	if g := e.Gate; g != nil {
		c.time("gate.at", g.At)
		c.vocab("gate.direction", g.Direction)
		c.facility("gate.facility", g.Facility)
	}
	if cr := e.Credential; cr != nil {
		c.vocab("credential.type", cr.Type)
	}
	return c.warns, errors.Join(c.errs...)
}

// hasPart reports whether the named optional part is present.
func (e *ReleaseEvent) hasPart(part string) bool {
	switch part {
	case "release":
		return e.Release != nil
	case "transfer":
		return e.Transfer != nil
	case "assignment":
		return e.Assignment != nil
	case "light":
		return e.Light != nil
	case "gate":
		return e.Gate != nil
	case "status":
		return e.Status != nil
	}
	return true
}

// checker collects the problems of one event.
type checker struct {
	opts  ValidateOpts
	errs  []error
	warns []string
}

// add records err for path and value, as a warning when allowed.
func (c *checker) add(path, value string, err error, allowed bool) {
	if err == nil {
		return
	}
	fe := &FieldError{Path: path, Value: value, Err: err}
	if allowed {
		c.warns = append(c.warns, fe.Error())
		return
	}
	c.errs = append(c.errs, fe)
}

func (c *checker) required(path, value string) {
	if value == "" {
		c.add(path, "", ErrRequired, false)
	}
}

// checkDigit runs check on a non-empty value; a check-digit-only problem
// is a warning under AllowBadCheckDigit.
func (c *checker) checkDigit(path, value string, check func(string) error) {
	if value == "" {
		return
	}
	err := check(value)
	c.add(path, value, err, c.opts.AllowBadCheckDigit && isCheckDigit(err))
}

func (c *checker) time(path string, t *time.Time) {
	if t != nil {
		c.add(path, t.Format(time.RFC3339), CheckTimeRange(*t), false)
	}
}

func (c *checker) vocab(path, value string) {
	if value == "" || slices.Contains(vocabularies[path], value) {
		return
	}
	c.add(path, value, fmt.Errorf("%w: expected one of %s", ErrVocabulary,
		strings.Join(vocabularies[path], ", ")), false)
}

func typeList() string {
	names := make([]string, len(Types))
	for i, t := range Types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
