package pipeline

import (
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/store"
)

//go:embed monitor.html
var monitorFS embed.FS

var monitorPage = template.Must(template.New("monitor.html").Funcs(template.FuncMap{
	"when": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04Z")
	},
	"lower": strings.ToLower,
}).ParseFS(monitorFS, "monitor.html"))

// monitorRelease is one row of the monitor's release list.
type monitorRelease struct {
	store.ReleaseRow
	R      ledger.Release
	Ready  bool
	Events []store.EventRow
}

// mountMonitor serves the monitor page (/), its JSON API (/api/...) and the
// replay button. The monitor shows ids and states, never credentials: a
// release's credential is a handle only.
func (g *Gateway) mountMonitor() {
	g.mux.HandleFunc("GET /{$}", g.monitorHTML)
	g.mux.HandleFunc("GET /api/releases", func(w http.ResponseWriter, r *http.Request) {
		rows, err := g.store.ListReleases(r.Context(), store.ListFilter{Port: r.URL.Query().Get("port"), Status: r.URL.Query().Get("status"), Limit: 500})
		writeAPI(w, rows, err)
	})
	g.mux.HandleFunc("GET /api/releases/{key...}", func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		rel, err := g.store.Release(r.Context(), key)
		if err != nil {
			writeAPI(w, nil, err)
			return
		}
		events, err := g.store.ReleaseEvents(r.Context(), key)
		writeAPI(w, map[string]any{"release": rel, "events": events}, err)
	})
	g.mux.HandleFunc("GET /api/deadletters", func(w http.ResponseWriter, r *http.Request) {
		dls, err := g.store.DeadLetters(r.Context(), store.DeadLetterFilter{Pending: r.URL.Query().Get("all") == "", Limit: 500})
		for i := range dls {
			dls[i].Payload = nil // ids and reasons only; the bytes stay in the store
		}
		writeAPI(w, dls, err)
	})
	g.mux.HandleFunc("POST /api/deadletters/{id}/replay", func(w http.ResponseWriter, r *http.Request) {
		res, err := g.Replay(r.Context(), ReplayFilter{ID: r.PathValue("id")})
		if err == nil && len(res) == 1 && res[0].Err != nil {
			err = res[0].Err
		}
		if strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		writeAPI(w, map[string]string{"status": "replayed"}, err)
	})
}

func writeAPI(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func (g *Gateway) monitorHTML(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rows, err := g.store.ListReleases(ctx, store.ListFilter{Port: r.URL.Query().Get("port"), Limit: 200})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	now := time.Now()
	var rels []monitorRelease
	for _, row := range rows {
		m := monitorRelease{ReleaseRow: row}
		_ = json.Unmarshal(row.Body, &m.R)
		m.Ready = m.R.ReadyForPickup(now)
		m.Events, _ = g.store.ReleaseEvents(ctx, row.Key)
		rels = append(rels, m)
	}
	dls, _ := g.store.DeadLetters(ctx, store.DeadLetterFilter{Pending: true, Limit: 100})
	counts, _ := g.store.Counts(ctx)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = monitorPage.Execute(w, map[string]any{"Releases": rels, "DeadLetters": dls, "Counts": counts, "Now": now.UTC().Format(time.RFC3339)})
}
