package transporttest

import "testing"

// Run runs the suite against the transports the harness builds: the
// "Inbound" cases when h.NewInbound is set, the "Outbound" cases when
// h.NewOutbound is set. Select one case with -run, e.g.
// -run 'TestSuite/Inbound/NackRedelivers'.
func Run(t *testing.T, f Features, h Harness) {
	t.Helper()
	f.setDefaults()
	if h.NewInbound == nil && h.NewOutbound == nil {
		t.Fatal("transporttest: the harness builds neither an inbound nor an outbound transport")
	}
	if h.NewInbound != nil {
		t.Run("Inbound", func(t *testing.T) { runInbound(t, f, h.NewInbound) })
	}
	if h.NewOutbound != nil {
		t.Run("Outbound", func(t *testing.T) { runOutbound(t, f, h.NewOutbound) })
	}
}

// Cases lists the names of the suite's cases as Run names its subtests, in
// order: what "done" means for a transport, e.g. for a README.
func Cases() []string {
	names := make([]string, 0, len(inboundCases)+len(outboundCases))
	for _, c := range inboundCases {
		names = append(names, "Inbound/"+c.name)
	}
	for _, c := range outboundCases {
		names = append(names, "Outbound/"+c.name)
	}
	return names
}
