package pipeline

import (
	"net/http"
	"strconv"
	"time"
)

// maxStatsHours bounds how far back GET /api/stats/hourly looks: 31 days.
const maxStatsHours = 31 * 24

// apiHourly answers GET /api/stats/hourly?hours=N (default 24): per hour
// of the last N, per system and per outcome (received, rejected,
// delivered, failed), how many messages there were. Hours with nothing
// are left out.
func (g *Gateway) apiHourly(w http.ResponseWriter, r *http.Request) {
	hours := 24
	if v := r.URL.Query().Get("hours"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxStatsHours {
			writeAPIError(w, http.StatusBadRequest, "hours "+strconv.Quote(v)+": a whole number from 1 to "+strconv.Itoa(maxStatsHours)+" expected")
			return
		}
		hours = n
	}
	since := time.Now().UTC().Truncate(time.Hour).Add(-time.Duration(hours-1) * time.Hour)
	counts, err := g.store.HourlyCounts(r.Context(), since, MetaTarget, g.deliveries())
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeAPI(w, map[string]any{"since": since, "hours": hours, "counts": counts}, nil)
}
