package pipeline

import (
	"github.com/nexport/pcsgate/mappings"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the gateway's Prometheus counters, served on /metrics.
type metrics struct {
	reg         *prometheus.Registry
	received    *prometheus.CounterVec
	rejected    *prometheus.CounterVec
	duplicates  *prometheus.CounterVec
	events      *prometheus.CounterVec
	routed      *prometheus.CounterVec
	delivered   *prometheus.CounterVec
	deadLetters *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	c := func(name, help string, labels ...string) *prometheus.CounterVec {
		v := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "pcsgate", Name: name, Help: help}, labels)
		reg.MustRegister(v)
		return v
	}
	m := &metrics{
		reg:         reg,
		received:    c("messages_received_total", "Inbound messages committed, by endpoint.", "endpoint"),
		rejected:    c("messages_rejected_total", "Inbound messages nothing could be read from, by endpoint.", "endpoint"),
		duplicates:  c("duplicates_total", "Duplicates recognised and not processed again, by kind (content, business).", "kind"),
		events:      c("events_total", "Events by outcome: decoded, accepted, late, duplicate, parked (once per event, however often it waits for its release), rejected.", "outcome"),
		routed:      c("events_routed_total", "Routing results by endpoint: rendered, not_carried (the target profile cannot carry the event), to_source (not sent back to the system it came from).", "endpoint", "result"),
		delivered:   c("messages_delivered_total", "Outbound messages delivered, by endpoint.", "endpoint"),
		deadLetters: c("dead_letters_total", "Messages that failed for good, by stage: decode, ledger, or the handler the poison queue names.", "stage"),
	}
	reg.MustRegister(collectors.NewGoCollector())
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Namespace: "pcsgate", Name: "xpath_panics_total",
		Help: "Panics of the XPath library answered as 'no match'; a rise means a spec's XPath meets data it was not written for.",
	}, func() float64 { return float64(mappings.XPathPanics()) }))
	return m
}
