package pipeline

import (
	"io"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/filedrop"
)

// routeGateway is a gateway with cfg's routes and nothing else: enough to
// render.
func routeGateway(t *testing.T, cfg *Config) *Gateway {
	t.Helper()
	reg, err := mappings.Default()
	require.NoError(t, err)
	require.NoError(t, cfg.Validate())
	targets, err := routeTargets(cfg, reg)
	require.NoError(t, err)
	return &Gateway{cfg: cfg, reg: reg, targets: targets, metrics: newMetrics(prometheus.NewRegistry()), logger: watermill.NopLogger{}}
}

func outEndpoint(name string) Endpoint {
	return Endpoint{Name: name, Direction: "out", Transport: "filedrop", FiledropOut: &filedrop.PublisherConfig{Dir: name}}
}

// The sender of an outbound endpoint reaches the encoder of every route to
// it, and only those.
func TestSenderReachesEncodeOptions(t *testing.T) {
	pb := outEndpoint("pb")
	pb.Sender = &Sender{ID: "8712345000004", Qualifier: "14"}
	cfg := &Config{
		Endpoints: []Endpoint{pb, outEndpoint("feed")},
		Routes:    []Route{{Name: "pb", Endpoint: "pb", Profile: "portbase/coreor"}, {Name: "feed", Endpoint: "feed", Profile: "partner/status-csv"}},
		Retry:     RetryConfig{InitialInterval: "1s"},
	}
	g := routeGateway(t, cfg)
	seen := map[string]mappings.EncodeOptions{}
	prev := newEncoder
	t.Cleanup(func() { newEncoder = prev })
	newEncoder = func(p *mappings.Profile, w io.Writer, opts mappings.EncodeOptions) (mappings.Encoder, error) {
		seen[p.Name()] = opts
		return prev(p, w, opts)
	}
	r := g.render(releaseEvent("cpu"), message.NewMessage("in", nil))
	require.Empty(t, r.failures)
	require.Len(t, r.outs, 2)
	assert.Equal(t, "8712345000004", seen["portbase/coreor"].SenderID)
	assert.Equal(t, "14", seen["portbase/coreor"].SenderQualifier)
	assert.Empty(t, seen["partner/status-csv"].SenderID, "another endpoint's sender")
	for _, o := range r.outs {
		if o.endpoint == "pb" {
			assert.Contains(t, string(o.msg.Payload), "UNB+UNOC:3+8712345000004:14+", "the UNB names the installation")
		} else {
			assert.NotContains(t, string(o.msg.Payload), "8712345000004")
		}
	}
}

// csv_formulas: allow on an outbound endpoint reaches the encoder of the
// routes to it as AllowFormulas; other endpoints neutralise.
func TestCSVFormulasReachEncodeOptions(t *testing.T) {
	raw := outEndpoint("raw")
	raw.CSVFormulas = CSVFormulasAllow
	safe := outEndpoint("safe")
	safe.CSVFormulas = CSVFormulasNeutralise
	cfg := &Config{
		Endpoints: []Endpoint{raw, safe, outEndpoint("feed")},
		Routes: []Route{
			{Name: "raw", Endpoint: "raw", Profile: "partner/status-csv"},
			{Name: "safe", Endpoint: "safe", Profile: "partner/status-csv"},
			{Name: "feed", Endpoint: "feed", Profile: "partner/status-csv"},
		},
		Retry: RetryConfig{InitialInterval: "1s"},
	}
	g := routeGateway(t, cfg)
	assert.True(t, g.targets[0].opts.AllowFormulas)
	assert.False(t, g.targets[1].opts.AllowFormulas)
	assert.False(t, g.targets[2].opts.AllowFormulas, "neutralised by default")

	e := releaseEvent("cpu")
	require.NotNil(t, e.Release)
	e.Release.ReleaseTo = &canonical.Party{Name: "=HYPERLINK(\"http://x\")"}
	r := g.render(e, message.NewMessage("in", nil))
	require.Empty(t, r.failures)
	require.Len(t, r.outs, 3)
	for _, o := range r.outs {
		if o.endpoint == "raw" {
			assert.Contains(t, string(o.msg.Payload), `;"=HYPERLINK(""http://x"")";`, o.endpoint)
		} else {
			assert.Contains(t, string(o.msg.Payload), `;"'=HYPERLINK(""http://x"")";`, o.endpoint)
		}
	}
}

// An event is not routed back to the system it came from: the endpoint's
// pcs, else its route's profile's; to_source allows it.
func TestNotRoutedBackToSource(t *testing.T) {
	feed := outEndpoint("feed")
	feed.PCS = "partner"
	cfg := &Config{
		Endpoints: []Endpoint{outEndpoint("pb"), feed},
		Routes: []Route{
			{Name: "pb", Endpoint: "pb", Profile: "portbase/coreor"},
			{Name: "feed", Endpoint: "feed", Profile: "partner/status-csv"},
		},
		Retry: RetryConfig{InitialInterval: "1s"},
	}
	routed := func(g *Gateway, pcs string) []string {
		var eps []string
		for _, o := range g.render(releaseEvent(pcs), message.NewMessage("in", nil)).outs {
			eps = append(eps, o.endpoint)
		}
		return eps
	}
	g := routeGateway(t, cfg)
	assert.Equal(t, []string{"feed"}, routed(g, "portbase"))
	assert.Equal(t, []string{"pb"}, routed(g, "partner"))
	assert.Equal(t, []string{"pb", "feed"}, routed(g, "cpu"))
	assert.Equal(t, 1.0, counter(t, g.metrics.routed.WithLabelValues("pb", "to_source")))
	assert.Equal(t, 1.0, counter(t, g.metrics.routed.WithLabelValues("feed", "to_source")))

	cfg.Routes[0].ToSource = true
	g = routeGateway(t, cfg)
	assert.Equal(t, []string{"pb", "feed"}, routed(g, "portbase"))

	// The endpoint's pcs, not its profile's, is what counts.
	cfg.Endpoints[1].PCS = "terminal"
	g = routeGateway(t, cfg)
	assert.Equal(t, []string{"pb", "feed"}, routed(g, "partner"))
}

// counter is the value of c.
func counter(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	require.NoError(t, c.Write(&m))
	return m.GetCounter().GetValue()
}

// releaseEvent is a release created at NLRTM that came from pcs.
func releaseEvent(pcs string) *canonical.ReleaseEvent {
	e := &canonical.ReleaseEvent{Type: canonical.ReleaseCreated, Source: canonical.Source{PCS: pcs, Profile: pcs + "/x", MessageRef: "M1"},
		Key: canonical.Key{Port: "NLRTM", Carrier: "MSC", BLNumber: "MEDUNL0001", ContainerNumber: "CSQU3054383"},
		Release: &canonical.Release{ReleaseNumber: "R1", ReleaseTo: &canonical.Party{Name: "EXAMPLE FORWARDER BV",
			IDs: []canonical.PartyID{{Scheme: canonical.SchemeEORI, Value: "NL123456789"}}}}}
	e.ID = canonical.NewEventID(e.Source, e.Key, e.Type, 0)
	return e
}
