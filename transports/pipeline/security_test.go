package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// lockedBuffer is a log sink the gateway's goroutines may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Secret values of the flow below, each unique to it. The TCTs are six
// digits, as S)ONE's are; they are searched for as whole numbers, since
// the store's timestamps are long runs of digits.
const (
	pinGood    = "5ec7e7a11c0ffee0d15ea5ed0b57ac1e5ec7e7a11c0ffee0d15ea5ed0b57ac1e"
	pinBad     = "0ddba11facade5eed0ddba11facade5eed0ddba11facade5eed0ddba11facade5"
	pinHook    = "b1e55ed5a1ad0fc0ffeeb1e55ed5a1ad0fc0ffeeb1e55ed5a1ad0fc0ffeeb1e5"
	strayPin   = "PIN-83051729"
	strayHook  = "PIN-47119920"
	tctGood    = "603917"
	tctBad     = "604128"
	scrFixture = "../../fixtures/scr/release/created-all-lights-green/input.json"
	tctFixture = "../../fixtures/sone/release/full-release-le-havre/input.xml"
)

// scrRelease is the SCR fixture with pin as its encrypted PIN; bad makes
// its load status one SCR does not have and puts a stray "pin" member in.
func scrRelease(t *testing.T, pin, stray string) string {
	t.Helper()
	s := strings.Replace(read(t, scrFixture), "7f3c1e9a0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f", pin, 1)
	if stray != "" {
		s = strings.Replace(s, `"loadStatus": "full"`, `"loadStatus": "loaded"`, 1)
		s = strings.Replace(s, `"deleted": false,`, `"deleted": false, "pin": "`+stray+`",`, 1)
	}
	return s
}

// soneRelease is the S)ONE fixture with tct as its TCT; bad breaks the
// container number's check digit.
func soneRelease(t *testing.T, tct string, bad bool) string {
	t.Helper()
	s := strings.Replace(read(t, tctFixture), ">482913<", ">"+tct+"<", 1)
	if bad {
		s = strings.Replace(s, `number="CSQU3054383"`, `number="CSQU3054384"`, 1)
	}
	return s
}

// TestNoSecretInClear sends messages with known PINs and TCTs, good and
// rejected, through file drops and a webhook, then looks for those values
// everywhere an attacker or a careless operator could read them: every
// file of the data folder (store and journal, archive/, error/, outboxes,
// keys), the log, the webhook's answers, and every page and API answer of
// the monitor. None may hold one.
func TestNoSecretInClear(t *testing.T) {
	logs := &lockedBuffer{}
	logger := watermill.NewSlogLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	reg, err := mappings.Default()
	require.NoError(t, err)
	h, _ := startLogged(t, t.TempDir(), reg, func(cfg *pipeline.Config) {
		cfg.Endpoints = append(cfg.Endpoints, pipeline.Endpoint{Name: "scr-hook", Direction: "in", Transport: "http", Profile: "scr/release",
			HTTPIn: &httptr.InboundConfig{Path: "/in/scr", Auth: httptr.AuthConfig{Bearer: "hook-token"}}})
	}, logger)

	h.drop(t, "scr", "good.json", scrRelease(t, pinGood, ""))
	h.drop(t, "scr", "bad.json", scrRelease(t, pinBad, strayPin))
	h.drop(t, "sone", "good.xml", soneRelease(t, tctGood, false))
	h.drop(t, "sone", "bad.xml", soneRelease(t, tctBad, true))

	hooks := httptest.NewServer(h.gw.WebhookHandler())
	defer hooks.Close()
	req, err := http.NewRequest(http.MethodPost, hooks.URL+"/in/scr", strings.NewReader(scrRelease(t, pinHook, strayHook)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer hook-token")
	req.Header.Set("Content-Type", "application/json")
	res, err := hooks.Client().Do(req)
	require.NoError(t, err)
	answers := []string{bodyOf(t, res)}
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "the bad webhook body is refused: %s", answers[0])

	for _, f := range []string{"scr/error/bad.json.sealed.error.txt", "sone/error/bad.xml.sealed.error.txt"} {
		require.Eventually(t, func() bool {
			_, err := os.Stat(filepath.Join(h.dir, "inbox", f))
			return err == nil
		}, 20*time.Second, 20*time.Millisecond, "%s: the bad file is refused, sealed", f)
	}
	for _, f := range []string{"scr/archive/*/good.json.sealed", "sone/archive/*/good.xml.sealed"} {
		require.Eventually(t, func() bool {
			m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", f))
			return len(m) == 1
		}, 20*time.Second, 20*time.Millisecond, "%s: the good file is archived, sealed", f)
	}
	for _, f := range [][2]string{{"scr", "good.json"}, {"scr", "bad.json"}, {"sone", "good.xml"}, {"sone", "bad.xml"}} {
		require.Eventually(t, func() bool { return h.gone(f[0], f[1]) }, 20*time.Second, 20*time.Millisecond,
			"%s: the inbox file is removed once its sealed copy is written", f[1])
	}
	h.drained(t)
	answers = append(answers, monitorAnswers(t, h)...)

	for _, secret := range []string{pinGood, pinBad, pinHook, strayPin, strayHook, tctGood, tctBad} {
		found := regexp.MustCompile(`(^|[^0-9])` + regexp.QuoteMeta(secret) + `([^0-9]|$)`)
		assert.Empty(t, holdingMatch(t, h.dir, found), "files of the data folder holding %s", secret)
		assert.False(t, found.MatchString(logs.String()), "the log holds %s", secret)
		for i, a := range answers {
			assert.False(t, found.MatchString(a), "HTTP answer %d holds %s: %s", i, secret, a)
		}
	}
	// What was searched is there to be searched: the releases, the
	// dead letters and their reasons, the log lines of the refusals.
	all := strings.Join(answers, "\n")
	assert.Contains(t, all, "CSQU3054383", "the S)ONE release is listed")
	assert.Contains(t, all, "TGHU8830212", "the SCR release is listed")
	assert.Contains(t, all, "loadStatus", "a dead letter's reason is shown")
	assert.Contains(t, all, `"pcsgate_filename":"bad.json"`, "a sealed dead letter's metadata is shown")
	assert.NotContains(t, all, "pcsgate_content_hash", "but not the hash of its content")
	var rejected string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `msg="message rejected"`) && strings.Contains(l, "file=bad.json") {
			rejected = l
		}
	}
	assert.Regexp(t, `reason="bad.json:\d+:\d+: release_data.container.loadStatus`, rejected, "a rejection is logged with its file and reason")
}

// monitorAnswers is what the monitor gives an operator: the page, every
// list of the API, every release with its events and the messages they
// came in (page and download), and the metrics.
func monitorAnswers(t *testing.T, h *harness) []string {
	t.Helper()
	mon := httptest.NewServer(h.gw.MonitorHandler())
	defer mon.Close()
	operator := h.token(t, store.RoleOperator)
	var out []string
	get := func(path string) string {
		code, body := call(t, mon, operator, http.MethodGet, path)
		require.Equal(t, http.StatusOK, code, "%s: %s", path, body)
		out = append(out, body)
		return body
	}
	get("/")
	get("/metrics")
	get("/api/deadletters?all=1")
	rows, err := h.gw.Store().ListReleases(context.Background(), store.ListFilter{Limit: 100})
	require.NoError(t, err)
	require.Len(t, rows, 2, "both good releases are in the ledger")
	get("/api/releases")
	kept := map[string]bool{}
	for _, r := range rows {
		get(fmt.Sprintf("/api/releases/%s", r.Key))
		get(fmt.Sprintf("/releases/%s", r.Key))
		evs, err := h.gw.Store().ReleaseEvents(context.Background(), r.Key)
		require.NoError(t, err)
		for _, e := range evs {
			if e.MessageKept {
				kept[r.Key] = true
				get("/events/" + e.ID + "/message")
				get("/events/" + e.ID + "/message?download=1")
			}
		}
	}
	require.Len(t, kept, len(rows), "the messages of each good release are kept, masked")
	return out
}

// holdingMatch lists the files below dir whose bytes match re.
func holdingMatch(t *testing.T, dir string, re *regexp.Regexp) []string {
	t.Helper()
	var out []string
	for _, p := range holding(t, dir, "") {
		b, err := os.ReadFile(filepath.Join(dir, p))
		require.NoError(t, err)
		if re.Match(b) {
			out = append(out, p)
		}
	}
	return out
}

// TestDriverIdentificationSealedOnItsWay: a driver's identification read
// from a partner's feed is held sealed in the store, in the event, its
// file in archive/ and the rendering that waits for delivery, and reaches
// SCR's assign call whole.
func TestDriverIdentificationSealedOnItsWay(t *testing.T) {
	const docNumber = "EK4471829"
	reg, err := mappings.LoadWith(mappings.Embedded(), os.DirFS("../../fixtures/overlays"))
	require.NoError(t, err)
	h, _ := startLogged(t, t.TempDir(), reg, func(cfg *pipeline.Config) {
		cfg.Routes = []pipeline.Route{{Name: "assign", Match: pipeline.RouteMatch{Types: []string{"ASSIGNED"}}, Endpoint: "scr-out", Profile: "scr/assign"}}
	}, watermill.NopLogger{})
	h.drop(t, "scr", "release.json", scrRelease(t, pinGood, ""))
	require.Eventually(t, func() bool {
		rows, err := h.gw.Store().ListReleases(context.Background(), store.ListFilter{Limit: 1})
		return err == nil && len(rows) == 1
	}, 20*time.Second, 20*time.Millisecond, "the release is known before its driver")
	h.drop(t, "partner", "driver.json", read(t, "../../fixtures/overlays/acme-drivers/input.json"))
	var out []string
	require.Eventually(t, func() bool { out = h.files("scr"); return len(out) == 1 }, 20*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return h.gone("partner", "driver.json") }, 20*time.Second, 20*time.Millisecond,
		"the inbox file is removed once its sealed copy is written")
	assert.Contains(t, read(t, filepath.Join(h.dir, "outbox", "scr", out[0])), `"identification":"`+docNumber+`"`, "SCR gets it whole")
	h.drained(t)
	assert.Equal(t, []string{filepath.Join("outbox", "scr", out[0])}, holding(t, h.dir, docNumber),
		"no other file of the data folder holds it, the store included")
}
