package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/store"
)

// AcksConfig says which acknowledgements an inbound endpoint returns to
// the senders of EDIFACT interchanges, and where they go. Input that is
// not EDIFACT, or has no UNB naming its sender, gets none.
type AcksConfig struct {
	// CONTRL returns a CONTRL per interchange: accepted (UCI 0083 7), or
	// rejected with the segment position and UN syntax error code of the
	// first problem (0083 4, per message in UCM, UCS and UCD).
	CONTRL bool `yaml:"contrl"`
	// APERAK returns an APERAK per message pcsgate refused: one its
	// mapping could not read (a wrong check digit, a value missing), or
	// with events the ledger rejected (a transfer by a party that does not
	// hold the right, a change of a withdrawn release...) or a gate-out of
	// a blocked release (recorded all the same); an ERC code and
	// the reason per problem.
	APERAK bool `yaml:"aperak"`
	// To is the outbound endpoint the acknowledgements are delivered to,
	// such as the sender's SFTP server or a file drop outbox. Files are
	// named <sender>-<interchange reference>.contrl.edi and .aperak.edi, so
	// a retry overwrites instead of doubling.
	To string `yaml:"to"`
}

// validateAcks checks the acks section of every endpoint: inbound only,
// something to send, and an outbound endpoint to send it to.
func (c *Config) validateAcks(names map[string]*Endpoint) []error {
	var errs []error
	for i := range c.Endpoints {
		ep := &c.Endpoints[i]
		a := ep.Acks
		if a == nil {
			continue
		}
		at := fmt.Sprintf("$.endpoints[%d].acks", i)
		where := fmt.Sprintf("endpoints[%d] %q", i, ep.Name)
		switch {
		case ep.Direction != "in":
			errs = append(errs, atField(at, fmt.Errorf("%s: %w: acks are for inbound endpoints", where, ErrConfig)))
		case !a.CONTRL && !a.APERAK:
			errs = append(errs, atField(at, fmt.Errorf("%s: %w: acks: contrl, aperak or both expected", where, ErrConfig)))
		}
		if to := names[a.To]; to == nil || to.Direction != "out" {
			errs = append(errs, atField(at+".to", fmt.Errorf("%s: %w: acks.to %q is not an outbound endpoint", where, ErrConfig, a.To)))
		}
	}
	return errs
}

// acksFor returns what publishes, inside the intake's transaction of msg,
// the acknowledgements ep asks for: per interchange a CONTRL and, for the
// messages refused, APERAKs. The interchanges are checked here, before the
// transaction, which then holds the store's writer no longer for them.
// Nothing is sent for content seen before: it was acknowledged then.
func (g *Gateway) acksFor(ep *Endpoint, msg *message.Message) func(*store.Tx, *intake) error {
	a := ep.Acks
	if a == nil {
		return func(*store.Tx, *intake) error { return nil }
	}
	reps := edifact.Check(bytes.NewReader(msg.Payload), edifact.ReaderOptions{CheckElements: true})
	return func(tx *store.Tx, in *intake) error {
		if in.contentDup {
			return nil
		}
		for _, rep := range reps {
			if err := g.publishAcks(tx, in, a, rep); err != nil {
				return err
			}
		}
		return nil
	}
}

// publishAcks publishes the acknowledgements of one interchange.
func (g *Gateway) publishAcks(tx *store.Tx, in *intake, a *AcksConfig, rep *edifact.Report) error {
	now := time.Now()
	if a.CONTRL {
		body, err := ackInterchange(rep.Interchange, "C", now, func(w *edifact.Writer) error {
			return edifact.WriteContrl(w, "1", rep)
		})
		if err := g.publishAck(tx, in, a.To, ackName(rep.Interchange, "contrl"), body, err); err != nil {
			return err
		}
	}
	msgs := rejectedMessages(in, rep)
	if !a.APERAK || len(msgs) == 0 {
		return nil
	}
	body, err := ackInterchange(rep.Interchange, "A", now, func(w *edifact.Writer) error {
		return writeAperaks(w, rep.Interchange, msgs, now)
	})
	return g.publishAck(tx, in, a.To, ackName(rep.Interchange, "aperak"), body, err)
}

// publishAck publishes one acknowledgement to the outbound endpoint to. One
// that cannot be written is logged, not retried: the intake stands.
func (g *Gateway) publishAck(tx *store.Tx, in *intake, to, name string, body []byte, err error) error {
	if err != nil {
		g.logger.Error("acknowledgement not written", err, watermill.LogFields{"endpoint": in.ep.Name, "name": name})
		return nil
	}
	out := message.NewMessage(watermill.NewUUID(), body)
	out.Metadata.Set(transports.MetaOutName, name)
	out.Metadata.Set(MetaEventID, name)
	middleware.SetCorrelationID(middleware.MessageCorrelationID(in.msg), out)
	return tx.Publish(outboundTopic(to, 0), out)
}

// ackInterchange writes an interchange answering ic, its messages written
// by body. Its control reference is derived from ic's sender and
// reference and from kind, so that a retry writes the same one.
func ackInterchange(ic *edifact.Interchange, kind string, now time.Time, body func(*edifact.Writer) error) ([]byte, error) {
	sum := sha256.Sum256([]byte(kind + "\x00" + ic.Sender + "\x00" + ic.ControlRef))
	ref := kind + strings.ToUpper(hex.EncodeToString(sum[:]))[:13]
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, edifact.WriterOptions{Newline: true})
	err := w.BeginInterchange(edifact.Reply(ic, ref, now))
	if err == nil {
		err = body(w)
	}
	if err == nil {
		err = w.EndInterchange()
	}
	if err == nil {
		err = w.Flush()
	}
	return buf.Bytes(), err
}

// ackName is the file name of an acknowledgement of ic: its sender and
// control reference, kept to safe characters.
func ackName(ic *edifact.Interchange, kind string) string {
	return safePart(ic.Sender) + "-" + safePart(ic.ControlRef) + "." + kind + ".edi"
}

// safePart keeps letters, digits, '-' and '_' of s, others become '_';
// at most 35 characters, never empty.
func safePart(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() == 35 {
			break
		}
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// rejectedMessage is a message of an interchange with the errors that
// made pcsgate refuse it, or some of its events.
type rejectedMessage struct {
	ref    string
	errors []edifact.AppError
}

// rejectedMessages are the messages of rep that pcsgate refused, in their
// order: those the mapping could not read (each problem in one line, secrets
// masked by the engine) and those with events the ledger rejected. Syntax
// problems are the CONTRL's.
func rejectedMessages(in *intake, rep *edifact.Report) []rejectedMessage {
	ic := rep.Interchange
	byRef := map[string][]edifact.AppError{}
	for _, err := range flatten(in.derr) {
		var me *mappings.Error
		if errors.As(err, &me) && me.Message != "" {
			byRef[me.Message] = append(byRef[me.Message], edifact.AppError{Code: mappingCode(err), Text: err.Error()})
		}
	}
	for i, res := range in.outcomes {
		src := in.evs[i].e.Source
		if src.InterchangeRef != ic.ControlRef || src.Sender != ic.Sender {
			continue
		}
		switch {
		case res == outcomeRejected:
			byRef[src.MessageRef] = append(byRef[src.MessageRef], appError(in, i))
		case res == outcomeAccepted && in.evs[i].msg.Metadata.Get(MetaBlockedGateOut) != "":
			byRef[src.MessageRef] = append(byRef[src.MessageRef], blockedGateOut(in, i))
		}
	}
	var out []rejectedMessage
	for _, m := range rep.Messages {
		if errs, ok := byRef[m.Ref]; ok {
			out = append(out, rejectedMessage{ref: m.Ref, errors: errs})
			delete(byRef, m.Ref) // an interchange's first message of that reference
		}
	}
	return out
}

// flatten lists the problems of err, which errors.Join may have nested.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// mappingCode is the APERAK error code of a problem of the mapping:
// MISSING, NOCODE (a value not in its code list), NOPROFIL (a message no
// profile reads) or INVALID.
func mappingCode(err error) string {
	switch {
	case errors.Is(err, mappings.ErrRequired):
		return "MISSING"
	case errors.Is(err, mappings.ErrNoCode):
		return "NOCODE"
	case errors.Is(err, mappings.ErrNoProfile):
		return "NOPROFIL"
	}
	return "INVALID"
}

// appError is the ERC code and text of the rejected event i of in: its
// type, unit and the ledger's reason.
func appError(in *intake, i int) edifact.AppError {
	e, why := in.evs[i].e, in.why[i]
	unit := e.Key.ContainerNumber
	if e.Key.Air() {
		unit = e.Key.AWB
	}
	text := why.Error()
	var rej *ledger.Rejection
	if errors.As(why, &rej) {
		text = rej.Reason
		if rej.Rule > 0 {
			text = fmt.Sprintf("custody rule %d: %s", rej.Rule, rej.Reason)
		}
	}
	return edifact.AppError{Code: ercCode(why), Text: fmt.Sprintf("%s %s: %s", e.Type, unit, text)}
}

// blockedGateOut is the APERAK error of a gate-out of a blocked release:
// recorded, since the container has left, but the release did not allow
// it (ERC BLOCKED, with the ledger's note).
func blockedGateOut(in *intake, i int) edifact.AppError {
	e := in.evs[i].e
	return edifact.AppError{Code: "BLOCKED", Text: fmt.Sprintf("%s %s: the release is blocked; the gate-out is recorded: %s",
		e.Type, e.Key.ContainerNumber, in.evs[i].msg.Metadata.Get(MetaBlockedGateOut))}
}

// ercCodes are the APERAK error codes (ERC 9321, mutually defined) of the
// ledger's rejections, by sentinel; any other rejection is REJECTED.
var ercCodes = []struct {
	err  error
	code string
}{
	{ledger.ErrNotHolder, "NOTHOLDR"},
	{ledger.ErrNotIssuer, "NOTISSUR"},
	{ledger.ErrNotGiver, "NOTGIVER"},
	{ledger.ErrRevokeAccepted, "ACCEPTED"},
	{ledger.ErrNotActive, "INACTIVE"},
	{ledger.ErrAfterPickup, "PICKEDUP"},
	{ledger.ErrNoRelease, "NORELEAS"},
	{ledger.ErrNoOffer, "NOOFFER"},
	{ledger.ErrOtherRelease, "OTHERREL"},
	{ledger.ErrIncomplete, "INCOMPLT"},
	{ledger.ErrUnknownType, "UNKNTYPE"},
}

// ercCode is the APERAK error code of a rejection.
func ercCode(why error) string {
	for _, c := range ercCodes {
		if errors.Is(why, c.err) {
			return c.code
		}
	}
	return "REJECTED"
}

// writeAperaks writes an APERAK per rejected message.
func writeAperaks(w *edifact.Writer, ic *edifact.Interchange, msgs []rejectedMessage, now time.Time) error {
	for i, m := range msgs {
		n := fmt.Sprint(i + 1)
		err := edifact.WriteAperak(w, edifact.Aperak{
			Ref: n, Document: ic.ControlRef + "-" + n, Issued: now.UTC().Format("200601021504"),
			Interchange: ic, MessageRef: m.ref, Errors: m.errors,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// reportOutcomes leaves the business outcome of in (see transports.Report)
// in its metadata when its endpoint answers the sender with it (http_in
// with report: sync). Content seen before, and a message of which nothing
// could be read (answered with its problems), get none.
func reportOutcomes(in *intake) {
	if h := in.ep.HTTPIn; h == nil || h.Report != httptr.ReportSync || in.contentDup || in.msg.Metadata.Get(transports.MetaFailureReason) != "" {
		return
	}
	var rep transports.Report
	for i, res := range in.outcomes {
		if res != outcomeRejected {
			rep.Accepted++
			continue
		}
		rep.Rejected = append(rep.Rejected, transports.Rejected{Event: in.evs[i].e.ID, Reason: in.why[i].Error()})
	}
	in.msg.Metadata.Set(transports.MetaReport, rep.Encode())
}
