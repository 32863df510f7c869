package transports

import "encoding/json"

// Report is the business outcome of an inbound message, which a consumer
// may leave in MetaReport before it acks so that an inbound transport can
// tell its sender at once (an HTTP endpoint with report: sync does).
type Report struct {
	// Accepted counts the message's events taken: applied, waiting for
	// their release, or known before.
	Accepted int `json:"accepted"`
	// Rejected are the events the consumer refused for good.
	Rejected []Rejected `json:"rejected"`
}

// Rejected is one refused event and why, in one line.
type Rejected struct {
	Event  string `json:"event"`
	Reason string `json:"reason"`
}

// Encode renders r as the value of MetaReport.
func (r Report) Encode() string {
	if r.Rejected == nil {
		r.Rejected = []Rejected{}
	}
	b, _ := json.Marshal(r) // strings and ints only: it cannot fail
	return string(b)
}

// ReportOf reads MetaReport of meta; false when it is absent or unreadable.
func ReportOf(meta map[string]string) (Report, bool) {
	var r Report
	v, ok := meta[MetaReport]
	if !ok || json.Unmarshal([]byte(v), &r) != nil {
		return Report{}, false
	}
	if r.Rejected == nil {
		r.Rejected = []Rejected{}
	}
	return r, true
}
