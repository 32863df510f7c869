package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// goodJSON is the input of the first good fixture case of profile that
// creates releases, on one line, and how many events it decodes to alone.
func goodJSON(t *testing.T, reg *mappings.Registry, profile string) (string, int) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("../../fixtures", profile, "*", "input.json"))
	require.NoError(t, err)
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(filepath.Dir(p)), "bad-") {
			continue
		}
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, []byte(read(t, p))))
		n, creates := 0, true
		require.NoError(t, reg.Decode(bytes.NewReader(buf.Bytes()), mappings.DecodeOptions{Name: "doc.json"}, func(b mappings.Batch) error {
			for _, e := range b.Events {
				n++
				creates = creates && e.Type == canonical.ReleaseCreated
			}
			return nil
		}))
		if creates && n > 0 {
			return buf.String(), n
		}
	}
	t.Fatalf("no good case of %s", profile)
	return "", 0
}

// TestJSONLinesDrop: a .jsonl file in a drop folder is a message per line.
// The good lines' events go through and the file is archived; the bad line
// is kept as a dead letter of its own, with its bytes, its line and its
// reason. Lines seen before, in any file, are duplicates; a file of which
// no line can be read goes to error/ with the reason of each line.
func TestJSONLinesDrop(t *testing.T) {
	h := start(t)
	rel, relEvents := goodJSON(t, h.reg, "scr/release")
	cci, cciEvents := goodJSON(t, h.reg, "portbase/cci-status")
	const bad = `{"notificationId": "n-1",}`
	h.drop(t, "cpu", "export.jsonl", rel+"\n\n"+bad+"\r\n"+cci+"\n")
	// The SCR line carries an encrypted PIN: the file is kept sealed.
	archived := func(name string) bool {
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", "cpu", "archive", "*", name+".sealed"))
		return len(m) == 1
	}
	require.Eventually(t, func() bool { return archived("export.jsonl") }, 20*time.Second, 20*time.Millisecond)
	m := h.drained(t)
	assert.Equal(t, float64(relEvents+cciEvents), m[`pcsgate_events_total{outcome="decoded"}`], "the events of both good lines")
	assert.NotEmpty(t, h.files("partner"), "%v", m)
	dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: "decode", Pending: true})
	require.NoError(t, err)
	require.Len(t, dls, 1, "the bad line, on its own")
	line, err := h.gw.OpenPayload(dls[0])
	require.NoError(t, err)
	assert.Equal(t, bad, string(line), "kept sealed, as its file is")
	assert.Equal(t, "3", dls[0].Metadata[pipeline.MetaLine])
	assert.Equal(t, `export.jsonl:3:26: "}" where a quoted object key was expected`, dls[0].Reason)
	// A replay decodes the line alone, and names it as before.
	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{ID: dls[0].ID})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.EqualError(t, res[0].Err, `still fails: export.jsonl:3:26: "}" where a quoted object key was expected`)

	// The same lines again in another file, and one new: only the new one
	// is read; the bad line is not kept twice.
	rtm := `{"hello": "world"}`
	h.drop(t, "cpu", "export2.jsonl", cci+"\n"+bad+"\n"+rel+"\n"+rtm+"\n")
	require.Eventually(t, func() bool { return archived("export2.jsonl") || errored(h, "export2.jsonl") }, 20*time.Second, 20*time.Millisecond)
	m = h.drained(t)
	assert.Equal(t, float64(relEvents+cciEvents), m[`pcsgate_events_total{outcome="decoded"}`], "nothing new decoded")
	assert.Equal(t, 3.0, m[`pcsgate_duplicates_total{kind="content"}`], "three lines seen before")
	dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: "decode", Pending: true})
	require.NoError(t, err)
	require.Len(t, dls, 2, "only the new bad line is kept")
	assert.True(t, archived("export2.jsonl"), "lines were read before: not a file nothing could be read from")

	// Nothing readable at all: error/ with every line's reason.
	h.drop(t, "cpu", "broken.ndjson", "{\n\n[1,\n")
	require.Eventually(t, func() bool { return errored(h, "broken.ndjson") }, 20*time.Second, 20*time.Millisecond)
	reason := read(t, filepath.Join(h.dir, "inbox", "cpu", "error", "broken.ndjson.error.txt"))
	assert.Contains(t, reason, "broken.ndjson:1:")
	assert.Contains(t, reason, "broken.ndjson:3:")
}

func errored(h *harness, name string) bool {
	_, err := os.Stat(filepath.Join(h.dir, "inbox", "cpu", "error", name+".error.txt"))
	return err == nil
}

// An endpoint with json_lines reads any file as JSON Lines; its profile
// must be one that can.
func TestJSONLinesEndpoint(t *testing.T) {
	h := startWith(t, func(cfg *pipeline.Config) {
		for i := range cfg.Endpoints {
			if cfg.Endpoints[i].Name == "cpu-in" {
				cfg.Endpoints[i].JSONLines = true
				cfg.Endpoints[i].Profile = "scr/release"
			}
		}
	})
	rel, relEvents := goodJSON(t, h.reg, "scr/release")
	h.drop(t, "cpu", "webhooks.log", rel+"\n"+rel+"\n")
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", "cpu", "archive", "*", "webhooks.log.sealed"))
		return len(m) == 1
	}, 20*time.Second, 20*time.Millisecond)
	m := h.drained(t)
	assert.Equal(t, float64(relEvents), m[`pcsgate_events_total{outcome="decoded"}`])
	assert.Equal(t, 1.0, m[`pcsgate_duplicates_total{kind="content"}`], "the same line twice")

	reg, err := mappings.Default()
	require.NoError(t, err)
	cfg := pipeline.DefaultConfig(t.TempDir(), func(string) bool { return true })
	cfg.Endpoints[0].JSONLines = true
	cfg.Endpoints[0].Profile = "portbase/coreor"
	_, err = pipeline.New(context.Background(), cfg, reg, nil)
	assert.ErrorContains(t, err, `endpoint "portbase-in": invalid configuration: json_lines needs a JSON profile that reads, not "portbase/coreor"`)
}

// A webhook body sent as application/x-ndjson is a message per line too:
// 202 once its good lines are committed, the bad line a dead letter of its
// own; a body of which no line can be read is answered 400.
func TestJSONLinesWebhook(t *testing.T) {
	h := startWith(t, func(cfg *pipeline.Config) {
		cfg.Endpoints = append(cfg.Endpoints, pipeline.Endpoint{Name: "hook-in", Direction: "in", Transport: "http",
			HTTPIn: &httptr.InboundConfig{Path: "/in/hook", Auth: httptr.AuthConfig{Bearer: "token"}}})
	})
	srv := httptest.NewServer(h.gw.WebhookHandler())
	defer srv.Close()
	post := func(body string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/in/hook", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer token")
		req.Header.Set("Content-Type", "application/x-ndjson")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(b)
	}
	rel, relEvents := goodJSON(t, h.reg, "scr/release")
	code, _ := post(rel + "\n[1,]\n")
	require.Equal(t, http.StatusAccepted, code)
	m := h.drained(t)
	assert.Equal(t, float64(relEvents), m[`pcsgate_events_total{outcome="decoded"}`])
	dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: "decode", Pending: true})
	require.NoError(t, err)
	require.Len(t, dls, 1)
	// The body carries an SCR encrypted PIN, so what is kept of it is
	// sealed, its bad line too.
	assert.True(t, pipeline.IsSealed(dls[0]))
	line, err := h.gw.OpenPayload(dls[0])
	require.NoError(t, err)
	assert.Equal(t, "[1,]", string(line))
	assert.Equal(t, "2", dls[0].Metadata[pipeline.MetaLine])

	code, body := post("{}\n{\"a\":\n")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, ":1: no profile matches", "the first line's reason")
}
