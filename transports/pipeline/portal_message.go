package pipeline

import (
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/nexport/pcsgate/transports/store"
)

// messagePage is what the page of an event's message shows.
type messagePage struct {
	Header      pageHeader
	EventID     string
	ReleaseKey  string
	ReleasePath string
	Download    string
	M           store.RawMessage
	// Text is the message as text: invalid UTF-8 shows as U+FFFD.
	Text string
}

// messageHTML serves the message an event came in, as kept with its
// secrets masked: a page showing it, or with ?download=1 the bytes as a
// file under the name it came with.
func (g *Gateway) messageHTML(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	m, key, err := g.store.MessageOf(r.Context(), id)
	if pageError(w, err) {
		return
	}
	if r.URL.Query().Get("download") == "1" {
		downloadMessage(w, m, id)
		return
	}
	writePage(w, messageTemplate, http.StatusOK, messagePage{
		Header: g.header(w, r, "release"), EventID: id, ReleaseKey: key, ReleasePath: releasePath(key),
		Download: "/events/" + url.PathEscape(id) + "/message?download=1", M: m,
		Text: strings.ToValidUTF8(string(m.Body), "\uFFFD"),
	})
}

// downloadMessage answers m's bytes as an attachment: under the file name
// it came with (else one made of the event id), as UTF-8 text when it is
// valid UTF-8, else as bytes.
func downloadMessage(w http.ResponseWriter, m store.RawMessage, id string) {
	name := path.Base(strings.ReplaceAll(m.Name, `\`, "/"))
	if m.Name == "" || name == "." || name == "/" {
		name = id + ".txt"
	}
	ct := "application/octet-stream"
	if utf8.Valid(m.Body) {
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	_, _ = w.Write(m.Body)
}
