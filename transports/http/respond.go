package http

import (
	"encoding/json"
	nethttp "net/http"
	"strings"
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
	Status         string `json:"status"` // "accepted" or "duplicate"
	MessageID      string `json:"messageId,omitempty"`
	IdempotencyKey string `json:"idempotencyKey"`
}

// firstLine keeps the first line of a multi-line reason.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
