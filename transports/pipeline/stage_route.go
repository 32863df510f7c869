package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// routeStage routes events published to the accepted topic: replayed
// encode failures, and events accepted by an earlier version that routed
// in a stage of its own. The ledger stage routes what it accepts itself.
func (g *Gateway) routeStage(msg *message.Message) error {
	var e canonical.ReleaseEvent
	if err := json.Unmarshal(msg.Payload, &e); err != nil {
		return transports.Permanent(err)
	}
	r := g.render(&e, msg)
	if err := g.store.InTxReplayable(msg.Context(), func(tx *store.Tx) error {
		return g.publishRendered(tx, &e, msg, r)
	}); err != nil {
		return err
	}
	g.countRendered(r.outs)
	return nil
}

// rendered is an event rendered for one outbound endpoint.
type rendered struct {
	endpoint string
	msg      *message.Message
}

// renderings are what render made of one event: a message per matching
// route, and the routes that failed to render, as lines of a dead letter.
type renderings struct {
	outs     []rendered
	failures []string
}

// routeTarget is what a route delivers to: its target profile, the system
// behind its endpoint and the options its profile encodes with.
type routeTarget struct {
	profile *mappings.Profile
	pcs     string
	opts    mappings.EncodeOptions
}

// routeTargets resolves the target of each route of cfg; a profile that
// cannot write is a configuration error.
func routeTargets(cfg *Config, reg *mappings.Registry) ([]routeTarget, error) {
	targets := make([]routeTarget, len(cfg.Routes))
	for i, r := range cfg.Routes {
		p, err := reg.Profile(r.Profile)
		if err != nil || !p.CanEncode() {
			return nil, fmt.Errorf("route %q: %w: profile %q cannot write (see pcsgate profiles)", r.Name, ErrConfig, r.Profile)
		}
		t := routeTarget{profile: p, pcs: p.Spec.PCS()}
		for _, ep := range cfg.Endpoints {
			if ep.Name != r.Endpoint {
				continue
			}
			t.pcs = firstNonEmpty(ep.PCS, t.pcs)
			if ep.Sender != nil {
				t.opts.SenderID, t.opts.SenderQualifier = ep.Sender.ID, ep.Sender.Qualifier
			}
			t.opts.AllowFormulas = ep.CSVFormulas == CSVFormulasAllow
		}
		targets[i] = t
	}
	return targets, nil
}

// render renders e for every route that matches it and whose profile
// carries its type, except back to the system e came from where the route
// does not ask for that. Failures to render are returned as lines for a
// dead letter. An event that holds a sealed secret (a driver's
// identification) may be rendered with it opened: such a rendering waits
// in the store sealed, and is opened when delivered.
func (g *Gateway) render(e *canonical.ReleaseEvent, from *message.Message) renderings {
	var r renderings
	sealed := bytes.Contains(from.Payload, []byte(seal.StringPrefix))
	for i, rt := range g.cfg.Routes {
		if !rt.Match.matches(e) {
			continue
		}
		t := &g.targets[i]
		p := t.profile
		if !rt.ToSource && e.Source.PCS == t.pcs {
			g.metrics.routed.WithLabelValues(rt.Endpoint, "to_source").Inc()
			g.logger.Debug("not routed back to its source", watermill.LogFields{"route": rt.Name, "event": e.ID, "pcs": t.pcs})
			continue
		}
		if !p.Carries(e.Type) {
			g.metrics.routed.WithLabelValues(rt.Endpoint, "not_carried").Inc()
			continue
		}
		body, err := encode(p, e, t.opts)
		if err == nil && sealed {
			body, err = g.sealKey.Seal(body)
		}
		if err != nil {
			r.failures = append(r.failures, fmt.Sprintf("route %s: %v", rt.Name, err))
			continue
		}
		out := message.NewMessage(watermill.NewUUID(), body)
		if sealed {
			out.Metadata.Set(transports.MetaSealFiles, "true")
		}
		out.Metadata.Set(transports.MetaOutName, OutName(e.ID, p))
		out.Metadata.Set(MetaEventID, e.ID)
		out.Metadata.Set(MetaTarget, rt.Profile)
		middleware.SetCorrelationID(middleware.MessageCorrelationID(from), out)
		r.outs = append(r.outs, rendered{rt.Endpoint, out})
	}
	return r
}

// encode writes e in profile p with the options of its route.
func encode(p *mappings.Profile, e *canonical.ReleaseEvent, opts mappings.EncodeOptions) ([]byte, error) {
	var buf bytes.Buffer
	enc, err := newEncoder(p, &buf, opts)
	if err == nil {
		err = enc.Encode([]*canonical.ReleaseEvent{e})
	}
	if err == nil {
		err = enc.Close()
	}
	return buf.Bytes(), err
}

// newEncoder starts an encoder of p; tests replace it to see the options.
var newEncoder = func(p *mappings.Profile, w io.Writer, opts mappings.EncodeOptions) (mappings.Encoder, error) {
	return p.NewEncoder(w, opts)
}

// publishRendered publishes what render gave inside tx: each message to
// its endpoint's outbound topic (the partition of its release), and the failures as one dead letter that a
// replay routes again.
func (g *Gateway) publishRendered(tx *store.Tx, e *canonical.ReleaseEvent, from *message.Message, r renderings) error {
	key := from.Metadata.Get(MetaReleaseKey)
	for _, o := range r.outs {
		if err := tx.Publish(g.outboundTopicFor(o.endpoint, key), o.msg); err != nil {
			return err
		}
	}
	if len(r.failures) == 0 {
		return nil
	}
	meta := message.Metadata{}
	for k, v := range from.Metadata {
		meta.Set(k, v)
	}
	meta.Set(middleware.PoisonedTopicKey, TopicAccepted)
	return tx.AddDeadLetter(store.DeadLetter{ID: "encode-" + e.ID, Stage: "encode", Profile: e.Source.Profile,
		ReleaseKey: meta.Get(MetaReleaseKey), Reason: strings.Join(r.failures, "\n"), Payload: from.Payload, Metadata: meta})
}

// countRendered counts the rendered messages of an event once they are
// committed.
func (g *Gateway) countRendered(outs []rendered) {
	for _, o := range outs {
		g.metrics.routed.WithLabelValues(o.endpoint, "rendered").Inc()
	}
}

// OutName derives the outbound file name / idempotency key from the event
// id and the target profile, so a retry overwrites instead of doubling:
// "<event id>.<profile with dashes><extension>". pcsgate translate --out
// names its files so too.
func OutName(eventID string, p *mappings.Profile) string {
	return eventID + "." + strings.ReplaceAll(p.Name(), "/", "-") + p.Extension()
}

func (m RouteMatch) matches(e *canonical.ReleaseEvent) bool {
	return in(m.Types, string(e.Type)) && in(m.Ports, e.Key.Port) && in(m.Carriers, e.Key.Carrier) && in(m.Profiles, e.Source.Profile)
}

// in reports whether list holds v; an empty list holds everything.
func in(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
