package http

import (
	"encoding/json"
	nethttp "net/http"
	"strings"

	"github.com/nexport/pcsgate/transports"
)

// writeJSON answers with status and v as one line of JSON.
func writeJSON(w nethttp.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":"internal error"}`)
		status = nethttp.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError answers with status and {"error": msg} on one line.
func writeError(w nethttp.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{Error: strings.Join(strings.Fields(msg), " ")})
}

// accepted is the body of a 202 answer.
type accepted struct {
	Status         string `json:"status"` // "accepted", "duplicate" or, with a report, "rejected"
	MessageID      string `json:"messageId,omitempty"`
	IdempotencyKey string `json:"idempotencyKey"`
}

// writeReport answers a committed message with its business outcome: 202,
// or 400 with status "rejected" when every event was refused.
func writeReport(w nethttp.ResponseWriter, ok accepted, rep transports.Report) {
	status := nethttp.StatusAccepted
	if rep.Accepted == 0 && len(rep.Rejected) > 0 {
		status, ok.Status = nethttp.StatusBadRequest, "rejected"
	}
	writeJSON(w, status, struct {
		accepted
		transports.Report
	}{ok, rep})
}

// firstLine keeps the first line of a multi-line reason.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
