package pipeline

import (
	"slices"
	"strings"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports/filedrop"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/sftp"
)

// endpointKind is one way to connect a partner: a direction and a
// transport, the section of Endpoint that configures it, and how the
// gateway builds it. Exactly one of subscriber and publisher is set.
type endpointKind struct {
	direction, transport string
	section              string // the YAML key of its section
	configured           func(*Endpoint) bool
	// subscriber builds what an inbound endpoint receives from.
	subscriber func(*Gateway, *Endpoint) (message.Subscriber, error)
	// publisher builds what an outbound endpoint delivers through.
	publisher func(*Gateway, *Endpoint) (message.Publisher, error)
}

// endpointKinds are all kinds of endpoint, by transport and direction.
var endpointKinds = []endpointKind{
	{direction: "in", transport: "filedrop", section: "filedrop",
		configured: func(ep *Endpoint) bool { return ep.Filedrop != nil },
		subscriber: func(g *Gateway, ep *Endpoint) (message.Subscriber, error) {
			cfg := *ep.Filedrop
			cfg.Sealer = g.sealKey // archive/ and error/ keep files with a secret sealed
			return subscriber(filedrop.NewSubscriber(cfg, g.lib))
		}},
	{direction: "out", transport: "filedrop", section: "filedrop_out",
		configured: func(ep *Endpoint) bool { return ep.FiledropOut != nil },
		publisher: func(g *Gateway, ep *Endpoint) (message.Publisher, error) {
			return publisher(filedrop.NewPublisher(*ep.FiledropOut, g.lib))
		}},
	{direction: "in", transport: "sftp", section: "sftp",
		configured: func(ep *Endpoint) bool { return ep.SFTP != nil },
		subscriber: func(g *Gateway, ep *Endpoint) (message.Subscriber, error) {
			cfg := *ep.SFTP
			cfg.Reached = g.health.reachedBy(ep.Name)
			return subscriber(sftp.NewSubscriber(cfg, g.lib))
		}},
	{direction: "out", transport: "sftp", section: "sftp_out",
		configured: func(ep *Endpoint) bool { return ep.SFTPOut != nil },
		publisher: func(g *Gateway, ep *Endpoint) (message.Publisher, error) {
			cfg := *ep.SFTPOut
			cfg.Reached = g.health.reachedBy(ep.Name)
			return publisher(sftp.NewPublisher(cfg, g.lib))
		}},
	{direction: "in", transport: "http", section: "http_in",
		configured: func(ep *Endpoint) bool { return ep.HTTPIn != nil },
		subscriber: func(g *Gateway, ep *Endpoint) (message.Subscriber, error) {
			in, err := httptr.NewInbound(*ep.HTTPIn, g.lib)
			if err != nil {
				return nil, err
			}
			g.hooks.Handle(in.Path(), in) // served on the webhooks' listener
			return in, nil
		}},
	{direction: "out", transport: "http", section: "http_out",
		configured: func(ep *Endpoint) bool { return ep.HTTPOut != nil },
		publisher: func(g *Gateway, ep *Endpoint) (message.Publisher, error) {
			return publisher(httptr.NewOutbound(*ep.HTTPOut, g.lib))
		}},
}

// kindOf is the kind of ep: its direction and transport with their section
// set; nil when there is none.
func kindOf(ep *Endpoint) *endpointKind {
	for i := range endpointKinds {
		k := &endpointKinds[i]
		if k.direction == ep.Direction && k.transport == ep.Transport && k.configured(ep) {
			return k
		}
	}
	return nil
}

// kindsHelp says what an endpoint of no kind lacks: the section of its
// direction and transport, or else every direction, transport and section.
func kindsHelp(ep *Endpoint) string {
	for _, k := range endpointKinds {
		if k.direction == ep.Direction && k.transport == ep.Transport {
			return "direction " + k.direction + " with transport " + k.transport + " is configured in the section " + k.section + ", which is missing"
		}
	}
	var dirs, transports, sections []string
	for _, k := range endpointKinds {
		if !slices.Contains(dirs, k.direction) {
			dirs = append(dirs, k.direction)
		}
		if !slices.Contains(transports, k.transport) {
			transports = append(transports, k.transport)
		}
		sections = append(sections, k.section)
	}
	return "direction " + strings.Join(dirs, "|") + " with transport " + strings.Join(transports, "|") +
		" and its section (" + strings.Join(sections, ", ") + ")"
}

// subscriber and publisher turn a transport's constructor result into the
// Watermill interface without wrapping a nil pointer in it.
func subscriber[S message.Subscriber](s S, err error) (message.Subscriber, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

func publisher[P message.Publisher](p P, err error) (message.Publisher, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}
