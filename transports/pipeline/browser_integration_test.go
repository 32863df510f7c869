//go:build integration

package pipeline_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// browser starts headless Chromium (PCSGATE_TEST_CHROMIUM names it) and
// collects the page's console errors and exceptions.
func browser(t *testing.T) (ctx context.Context, consoleErrors func() []string) {
	t.Helper()
	exe := os.Getenv("PCSGATE_TEST_CHROMIUM")
	if exe == "" {
		t.Skip("set PCSGATE_TEST_CHROMIUM=/usr/bin/chromium to run the browser tests (.ci/run installs Debian's chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	var mu sync.Mutex
	var errs []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				errs = append(errs, "console.error")
			}
		case *log.EventEntryAdded:
			// The login form is answered 401 on purpose, which Chromium
			// logs as a failed load.
			if e.Entry.Level == log.EntryLevelError && !strings.Contains(e.Entry.Text, "status of 401 (Unauthorized)") {
				errs = append(errs, e.Entry.Source.String()+": "+e.Entry.Text)
			}
		}
	}))
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// screenshot saves the page as a test artifact, in PCSGATE_TEST_ARTIFACTS
// when set (.ci/run keeps them), else in the test's temporary folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("PCSGATE_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	t.Logf("screenshot %s", filepath.Join(dir, name+".png"))
}

// a11yProblems checks the page the way an accessibility audit would, for
// what this monitor uses: a language, a main landmark, a heading, labels
// for every form control, headers on every table, text contrast of at
// least 4.5:1 (WCAG AA) against the nearest opaque background.
const a11yProblems = `(() => {
  const out = [];
  if (!document.documentElement.lang) out.push("html has no lang");
  if (!document.querySelector("main, [role=main]")) out.push("no main landmark");
  if (!document.querySelector("h1")) out.push("no h1");
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const id = el.id, labelled = (id && document.querySelector("label[for='" + id + "']")) || el.closest("label") || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!labelled) out.push("control without label: " + (el.name || el.outerHTML.slice(0, 60)));
  }
  for (const b of document.querySelectorAll("button")) if (!b.textContent.trim() && !b.getAttribute("aria-label")) out.push("button without text");
  for (const tb of document.querySelectorAll("table")) if (!tb.querySelector("th")) out.push("table without headers");
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3); } return [255, 255, 255]; };
  for (const el of document.querySelectorAll("body *")) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const st = getComputedStyle(el); if (st.visibility === "hidden" || st.display === "none") continue;
    const a = lum(rgb(st.color).slice(0, 3)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push("contrast " + ratio.toFixed(2) + ": " + el.tagName.toLowerCase() + " " + el.textContent.trim().slice(0, 30));
  }
  return out;
})()`

// submit clicks the button of a form and waits for the page the form's
// redirect leads to.
func submit(ctx context.Context, button string) error {
	loaded := chromedp.Events(ctx, page.LoadEventFired)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//button[normalize-space()="`+button+`"]`))); err != nil {
		return err
	}
	for _, err := range loaded {
		return err
	}
	return ctx.Err()
}

// TestMonitorInBrowser logs in with the address pcsgate prints, sees the
// releases of a dropped file and a rejected message's reason, searches a
// container and opens its custody chain, replays the dead letter (its
// reason is shown again) and discards it, in headless Chromium, with no
// console error and no accessibility problem found.
func TestMonitorInBrowser(t *testing.T) {
	ctx, consoleErrors := browser(t)
	h := start(t)
	h.drop(t, "partner", "tms.csv", read(t, "../../fixtures/partner/release-csv/new-releases-rotterdam/input.csv"))
	h.drop(t, "scr", "bad.json", strings.Replace(read(t, scrFixture), `"loadStatus": "full"`, `"loadStatus": "loaded"`, 1))
	require.Eventually(t, func() bool {
		dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		rows, err2 := h.gw.Store().ListReleases(context.Background(), store.ListFilter{Limit: 10})
		return err == nil && err2 == nil && len(dls) == 1 && len(rows) == 2
	}, 20*time.Second, 20*time.Millisecond)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	operator := h.token(t, store.RoleOperator)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#token"))))
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](a11yProblems))
	require.NoError(t, err)
	assert.Empty(t, problems, "accessibility of the login form")
	screenshot(t, ctx, "login")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?token="+operator), chromedp.WaitVisible(chromedp.CSS("h1"))))
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	require.NoError(t, err)
	problems, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](a11yProblems))
	require.NoError(t, err)
	screenshot(t, ctx, "monitor")
	assert.Contains(t, body, "MSKU1234565", "the dropped file's release is listed")
	assert.Contains(t, body, `loadStatus "loaded" must be one of`, "the rejected message's reason is shown")
	assert.Empty(t, problems, "accessibility")
	url, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	assert.NotContains(t, url, "token=", "the token leaves the address bar")

	// Search a container and open its release: the custody chain is drawn.
	loaded := chromedp.Events(ctx, page.LoadEventFired)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("q"), "MSKU1234565"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Search"]`))))
	for _, err := range loaded {
		require.NoError(t, err)
		break
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main table tbody tr td:first-child")].map(td => td.textContent.trim())`))
	require.NoError(t, err)
	assert.Equal(t, []string{"MSKU1234565"}, rows[:min(len(rows), 1)], "the search finds the container")
	assert.NotContains(t, rows, "MAEU8133774", "and only it")
	screenshot(t, ctx, "search")
	loaded = chromedp.Events(ctx, page.LoadEventFired)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//a[normalize-space()="MSKU1234565"]`))))
	for _, err := range loaded {
		require.NoError(t, err)
		break
	}
	svg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("svg.custody title") || {textContent: ""}).textContent`))
	require.NoError(t, err)
	assert.NotEmpty(t, svg, "the release page draws its custody chain")
	problems, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](a11yProblems))
	require.NoError(t, err)
	assert.Empty(t, problems, "accessibility of the release page")
	screenshot(t, ctx, "release")

	// The Messages page lists the rejected file with its reason, and the
	// Overview draws the hour's messages as an image with a description.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//nav//a[normalize-space()="Messages"]`)), chromedp.WaitVisible(chromedp.CSS("table.messages"))))
	body, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	require.NoError(t, err)
	assert.Contains(t, body, `loadStatus "loaded" must be one of`, "the rejected message's reason")
	assert.Contains(t, body, "partner-in (partner/release-csv)", "the received events' route")
	problems, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](a11yProblems))
	require.NoError(t, err)
	assert.Empty(t, problems, "accessibility of the Messages page")
	screenshot(t, ctx, "messages")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.Search(`//nav//a[normalize-space()="Overview"]`)), chromedp.WaitVisible(chromedp.CSS("svg.chart"))))
	desc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("svg.chart[role=img] desc").textContent`))
	require.NoError(t, err)
	assert.Contains(t, desc, "2 received, 1 rejected", "the chart's description tells its numbers")
	problems, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](a11yProblems))
	require.NoError(t, err)
	assert.Empty(t, problems, "accessibility of the Overview page")
	screenshot(t, ctx, "overview")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1"))))

	require.NoError(t, submit(ctx, "Replay"))
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash")))
	require.NoError(t, err)
	screenshot(t, ctx, "replay-failed")
	assert.Contains(t, flash, "was not replayed: still fails:")

	require.NoError(t, submit(ctx, "Discard"))
	discards, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("button")].filter(b => b.textContent.trim() === "Discard").length`))
	require.NoError(t, err)
	screenshot(t, ctx, "discarded")
	assert.Zero(t, discards, "the discarded dead letter is gone from the page")
	assert.Empty(t, consoleErrors(), "console errors and CSP violations")
}
