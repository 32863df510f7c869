package cargoimpmap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

// A Cargo-IMP encode gives a `document` whose keys are the fields of an FSU
// (fsuFields); the leaves are fields over the canonical event like those
// of JSON documents. Consecutive events agreeing on `group` (key.awb)
// become one message with one status line each; the consignment line is
// taken from the first. Fields a status code's grammar has no place for
// (a flight on RCS, a time on DEP, an airport pair on NFD) are left out;
// cargoimp.WriteFSU checks the rest, AWB check digit included, so a spec
// cannot emit a broken FSU.
var fsuFields = map[string]bool{
	"type": true, "version": true, "awb": true, "origin": true, "destination": true,
	"shipment.code": true, "shipment.pieces": true, "shipment.weightUnit": true,
	"shipment.weight": true, "shipment.totalPieces": true,
	"status.code": true, "status.date": true, "status.flight": true, "status.carrier": true,
	"status.airport": true, "status.origin": true, "status.destination": true,
	"status.discrepancy": true, "status.flightDate": true, "status.shipmentCode": true,
	"status.pieces": true, "status.weightUnit": true, "status.weight": true,
	"status.totalPieces": true, "status.fields": true,
}

// fsuTemplate is a compiled Cargo-IMP encode: FSU field -> template node.
type fsuTemplate struct {
	nodes map[string]engine.Node
}

func compileFSU(c *engine.Compiler, es *spec.EncodeSpec) (*fsuTemplate, engine.Node, error) {
	if es.Document == nil {
		return nil, nil, fmt.Errorf("%w: a cargoimp encode needs a document of FSU fields", spec.ErrSpec)
	}
	root, err := c.CompileNode(es.Document, "document")
	if err != nil {
		return nil, nil, err
	}
	t := &fsuTemplate{nodes: map[string]engine.Node{}}
	var walk func(n engine.Node, path string) error
	walk = func(n engine.Node, path string) error {
		if o, ok := n.(engine.ObjNode); ok {
			for i, k := range o.Keys {
				if err := walk(o.Vals[i], strings.TrimPrefix(path+"."+k, ".")); err != nil {
					return err
				}
			}
			return nil
		}
		if !fsuFields[path] {
			names := make([]string, 0, len(fsuFields))
			for k := range fsuFields {
				names = append(names, k)
			}
			sort.Strings(names)
			return fmt.Errorf("%w: document.%s is not an FSU field (%s)", spec.ErrSpec, path, strings.Join(names, ", "))
		}
		t.nodes[path] = n
		return nil
	}
	if err := walk(root, ""); err != nil {
		return nil, nil, err
	}
	if t.nodes["awb"] == nil || t.nodes["status.code"] == nil {
		return nil, nil, fmt.Errorf("%w: a cargoimp document needs awb and status.code", spec.ErrSpec)
	}
	return t, root, nil
}

// fsuEncoder writes one FSU per group of events, a blank line between.
type fsuEncoder struct {
	p     *engine.Profile
	name  string // input name for errors
	t     *fsuTemplate
	w     io.Writer
	wrote bool
	buf   bytes.Buffer
}

func newFSUEncoder(p *engine.Profile, t *fsuTemplate, w io.Writer, name string) *fsuEncoder {
	return &fsuEncoder{p: p, name: name, t: t, w: w}
}

func (fe *fsuEncoder) Encode(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := fe.p.AcceptsIn(e, fe.name); err != nil {
			return err
		}
	}
	for i := 0; i < len(events); {
		j := i + 1
		for j < len(events) && sameGroup(fe.p.Enc.Group, events[i], events[j]) {
			j++
		}
		if err := fe.message(events[i:j]); err != nil {
			return err
		}
		i = j
	}
	return nil
}

func (fe *fsuEncoder) Close() error { return nil }

// sameGroup reports whether two events agree on every group path.
func sameGroup(group []*engine.Accessor, a, b *canonical.ReleaseEvent) bool {
	if len(group) == 0 {
		return false
	}
	for _, g := range group {
		if engine.Text(g.Get(a)) != engine.Text(g.Get(b)) {
			return false
		}
	}
	return true
}

// fsuValues evaluates the template for one event.
type fsuValues struct {
	ec  *engine.EncodeCtx
	t   *fsuTemplate
	err error
}

func (v *fsuValues) get(name string) string {
	n := v.t.nodes[name]
	if n == nil || v.err != nil {
		return ""
	}
	switch x := n.(type) {
	case engine.ConstNode:
		return engine.ScalarText(x.Value)
	case engine.LeafNode:
		val, _, err := v.ec.LeafText(x.Field)
		if err != nil {
			v.err = err
			return ""
		}
		return val
	}
	return ""
}

func (v *fsuValues) list(name string) []string {
	n, ok := v.t.nodes[name].(engine.LeafNode)
	if !ok || v.err != nil {
		if s := v.get(name); s != "" {
			return []string{s}
		}
		return nil
	}
	val, err := v.ec.Leaf(n.Field)
	if err != nil {
		v.err = err
		return nil
	}
	switch x := val.(type) {
	case nil:
		return nil
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, it := range x {
			out = append(out, engine.Text(it))
		}
		return out
	}
	return []string{engine.ScalarText(val)}
}

func (v *fsuValues) num(name string) int {
	s := v.get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil && v.err == nil {
		v.err = &engine.Error{Field: name, Value: s, Err: fmt.Errorf("%w: %w", engine.ErrConvert, engine.ErrNotNumber)}
	}
	return n
}

func (fe *fsuEncoder) message(events []*canonical.ReleaseEvent) error {
	// The consignment line comes from the first event that has its
	// quantity, so a light without pieces can lead the group.
	first := events[0]
	for _, e := range events {
		probe := &fsuValues{ec: &engine.EncodeCtx{Profile: fe.p, Env: engine.ExprEnv{Event: e, Count: len(events)}}, t: fe.t}
		if probe.get("shipment.pieces") != "" {
			first = e
			break
		}
	}
	v := &fsuValues{ec: &engine.EncodeCtx{Profile: fe.p, Env: engine.ExprEnv{Event: first, Count: len(events)}}, t: fe.t}
	m := &cargoimp.Message{Type: engine.FirstNonEmpty(v.get("type"), "FSU"), Version: engine.FirstNonEmpty(v.get("version"), "14"),
		Origin: v.get("origin"), Destination: v.get("destination")}
	awb := v.get("awb")
	if v.get("shipment.pieces") != "" { // else the consignment line has no quantity
		m.Shipment = cargoimp.Quantity{Code: engine.FirstNonEmpty(v.get("shipment.code"), "T"), Pieces: v.num("shipment.pieces"),
			WeightUnit: v.get("shipment.weightUnit"), Weight: v.get("shipment.weight"), TotalPieces: v.num("shipment.totalPieces")}
		if m.Shipment.Weight == "" {
			m.Shipment.WeightUnit = ""
		}
	}
	if v.err != nil {
		return fe.fail(first, v.err)
	}
	a, err := cargoimp.ParseAWB(awb)
	if err != nil {
		return fe.fail(first, err)
	}
	m.AWB = a
	for _, e := range events {
		v.ec.Env = engine.ExprEnv{Event: e, Count: len(events)}
		st, err := fe.status(v)
		if err != nil {
			return fe.fail(e, err)
		}
		m.Statuses = append(m.Statuses, st)
	}
	fe.buf.Reset()
	if fe.wrote {
		fe.buf.WriteString("\r\n")
	}
	if err := cargoimp.WriteFSU(&fe.buf, m); err != nil {
		return fe.fail(first, err)
	}
	fe.wrote = true
	_, err = fe.w.Write(fe.buf.Bytes())
	return err
}

// status fills one status line, leaving out what the code's grammar has
// no place for.
func (fe *fsuEncoder) status(v *fsuValues) (cargoimp.Status, error) {
	st := cargoimp.Status{Code: v.get("status.code")}
	slots, known := cargoimp.StatusSlots(st.Code)
	if v.err != nil {
		return st, v.err
	}
	if !known {
		return st, &engine.Error{Field: "status.code", Value: st.Code,
			Err: fmt.Errorf("%w: %w: expected one of %s", engine.ErrConvert, cargoimp.ErrStatusCode, strings.Join(cargoimp.StatusCodes(), ", "))}
	}
	has := func(slot string) bool { return slices.Contains(slots, slot) }
	if d := v.get("status.date"); d != "" && (has("date") || has("date/time") || has("date[/time]")) {
		day, month, hhmm, ok := splitCargoimpDate(d)
		if !ok {
			return st, &engine.Error{Field: "status.date", Value: d, Err: fmt.Errorf("%w: %w: want DDMMM[HHMM] (as: cargoimp-date)", engine.ErrConvert, engine.ErrNotDate)}
		}
		st.Day, st.Month = day, month
		switch {
		case has("date/time"):
			st.Time = hhmm
		case has("date[/time]") && hhmm != "0000": // a date alone reads back as midnight
			st.Time = hhmm
		case has("airport pair") && hhmm != "" && hhmm != "0000":
			st.Fields = []string{timeInformation(st.Code, hhmm)}
		}
	}
	if has("flight") {
		if st.Flight = v.get("status.flight"); st.Flight == "" && v.err == nil {
			return st, &engine.Error{Field: "status.flight", Err: fmt.Errorf("%w: %s lines name a flight", engine.ErrRequired, st.Code)}
		}
	}
	if has("carrier") {
		st.Carrier = v.get("status.carrier")
	}
	if has("airport") {
		st.Airport = v.get("status.airport")
	}
	if has("airport pair") {
		st.Origin, st.Destination = v.get("status.origin"), v.get("status.destination")
	}
	if has("discrepancy code") {
		st.Discrepancy = v.get("status.discrepancy")
	}
	if has("movement") { // the optional flight of CRC, written whole or not at all
		if st.FlightDate = v.get("status.flightDate"); st.FlightDate != "" {
			st.Flight = v.get("status.flight")
			st.Origin, st.Destination = v.get("status.origin"), v.get("status.destination")
		}
	}
	if pieces := v.get("status.pieces"); pieces != "" && has("quantity") {
		st.ShipmentCode = engine.FirstNonEmpty(v.get("status.shipmentCode"), "T")
		st.Pieces = v.num("status.pieces")
		if st.Weight = v.get("status.weight"); st.Weight != "" {
			st.WeightUnit = engine.FirstNonEmpty(v.get("status.weightUnit"), "K")
		}
		st.TotalPieces = v.num("status.totalPieces")
	}
	if fields := v.list("status.fields"); len(fields) > 0 {
		st.Fields = fields
	}
	return st, v.err
}

// timeInformation renders the time of a flight line as its departure time
// information: actual (A) for DEP, scheduled (S) for BKD, PRE and MAN.
func timeInformation(code, hhmm string) string {
	if code == "DEP" {
		return "A" + hhmm
	}
	return "S" + hhmm
}

// fail renders an encode problem as one line naming the event's message
// and AWB.
func (fe *fsuEncoder) fail(e *canonical.ReleaseEvent, err error) error {
	var me *engine.Error
	if errors.As(err, &me) {
		if me.Message == "" {
			me.Message = e.Source.MessageRef
		}
		return me
	}
	var errs []error
	for _, one := range splitJoined(err) {
		out := &engine.Error{Message: e.Source.MessageRef, Err: one}
		var ce *cargoimp.Error
		if errors.As(one, &ce) {
			out.Field, out.Value, out.Err = ce.Field, ce.Value, ce.Err
		}
		errs = append(errs, out)
	}
	return errors.Join(errs...)
}

// splitJoined returns the errors an errors.Join holds, or err alone.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// cargoimpDate renders a time as a Cargo-IMP day, month and local time
// (`as: cargoimp-date`, "16OCT1317"). With zone "airport" the time is
// local to status.location when it has a known zone, else to key.airport,
// as on reading.
func encodeCargoimpDate(p *engine.Profile, cf *engine.CompiledField, val any, e *canonical.ReleaseEvent) (any, error) {
	t, ok := engine.AsTime(val)
	if !ok {
		return nil, fmt.Errorf("%w: %w", engine.ErrConvert, engine.ErrNotDate)
	}
	airport := ""
	if e.Status != nil {
		airport = e.Status.Location
	}
	loc, err := cargoimpZone(engine.FirstNonEmpty(cf.Spec.Zone, p.Zone), airport, e)
	if err != nil {
		return nil, err
	}
	return formatCargoimpDate(t, loc), nil
}
