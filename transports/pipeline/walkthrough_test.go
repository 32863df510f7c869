package pipeline_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// walkthroughDir holds the sample files a new user drops, and their README.
var walkthroughDir = filepath.Join("..", "..", "fixtures", "walkthrough")

// walkStep is one file of the walkthrough and the inbox it is copied to.
type walkStep struct {
	file, inbox string
}

// walkSteps are the walkthrough's files in the order its README tells a
// user to copy them; the replay comes between the corrected COREOR and the
// last gate-out.
var walkSteps = []walkStep{
	{"01-rotterdam-coreor.edi", "portbase"},
	{"02-rotterdam-nomination.json", "portbase"},
	{"03-rotterdam-gate-out.edi", "terminal"},
	{"11-antwerp-coreor.edi", "cpu"},
	{"12-antwerp-transferred.json", "cpu"},
	{"13-antwerp-accepted.json", "cpu"},
	{"14-antwerp-assigned.json", "cpu"},
	{"15-antwerp-light-commercial.json", "cpu"},
	{"16-antwerp-light-customs.json", "cpu"},
	{"17-antwerp-light-terminal.json", "cpu"},
	{"18-antwerp-gate-out.json", "cpu"},
	{"21-le-havre-release.xml", "sone"},
	{"22-le-havre-gate-out.edi", "terminal"},
	{"31-bad-coreor-wrong-check-digit.edi", "portbase"},
	{"32-nomination-before-release.json", "portbase"},
	{"33-corrected-coreor.edi", "portbase"},
	{"34-gate-out-after-replay.edi", "terminal"},
}

// walkRelease is what a story's release looks like at its end.
type walkRelease struct {
	key    string
	holder string
	hops   []string // "from -> to STATE", in order
	events int
	green  []string // lights that must be green
}

var walkReleases = []walkRelease{
	{key: "SEA/NLRTM/MAEU/MAEU262190457/MSKU4207310", holder: "Waalhaven Trucking B.V.",
		hops: []string{"Rijnhaven Forwarding B.V. -> Waalhaven Trucking B.V. ACCEPTED"}, events: 3},
	{key: "SEA/BEANR/SLA/SLAGANR2612077/SLAU7204513", holder: "Kaai Trucking NV",
		hops: []string{"Deurne Forwarding NV -> Kaai Trucking NV ACCEPTED"}, events: 8,
		green: []string{"commercial", "customs", "terminal"}},
	{key: "SEA/FRLEH/CMDU/CMDULEH2612048/CMAU6102848", holder: "Transports Caux Estuaire",
		events: 4, green: []string{"customs", "terminal"}},
	{key: "SEA/NLRTM/MAEU/MAEU262190512/MRKU9052626", holder: "Waalhaven Trucking B.V.",
		hops: []string{"Rijnhaven Forwarding B.V. -> Waalhaven Trucking B.V. ACCEPTED"}, events: 3},
}

// TestWalkthrough drops the walkthrough's files in order as a new user
// does: the Rotterdam, Antwerp and Le Havre releases each end picked up
// with their custody hops; the COREOR with a wrong check digit is a dead
// letter with its reason; the nomination that came before its release
// waits, becomes a dead letter and, replayed after the corrected COREOR,
// applies; every hash chain verifies.
func TestWalkthrough(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	for _, s := range walkSteps {
		h.drop(t, s.inbox, s.file, read(t, filepath.Join(walkthroughDir, s.file)))
		switch s.file {
		case "31-bad-coreor-wrong-check-digit.edi":
			d := waitDeadLetter(t, h, "decode")
			assert.Contains(t, d.Reason, `"MRKU9052629" has a wrong ISO 6346 check digit: got 9, expected 6`)
		case "32-nomination-before-release.json":
			d := waitDeadLetter(t, h, "ledger")
			assert.Contains(t, d.Reason, "waits for its release")
			assert.Contains(t, d.Reason, "MRKU9052626")
		case "33-corrected-coreor.edi":
			waitStatus(t, h, walkReleases[3].key, ledger.Released)
			replayNomination(t, h)
		default:
			waitArchived(t, h, s)
			checkWalkStep(t, h, s.file)
		}
	}
	for _, want := range walkReleases {
		waitStatus(t, h, want.key, ledger.PickedUp)
		checkWalkRelease(t, h, want)
	}
	pending, err := h.gw.Store().DeadLetters(ctx, store.DeadLetterFilter{Pending: true})
	require.NoError(t, err)
	require.Len(t, pending, 1, "only the bad COREOR is left, to be discarded")
	assert.Equal(t, "decode", pending[0].Stage)

	chains, err := h.gw.Store().Chains(ctx, store.ChainFilter{})
	require.NoError(t, err)
	require.Len(t, chains, len(walkReleases))
	for _, c := range chains {
		var r ledger.Release
		require.NoError(t, json.Unmarshal(c.Body, &r))
		links := make([]ledger.Link, len(c.Events))
		for i, e := range c.Events {
			links[i] = ledger.Link{Seq: e.Seq, ID: e.ID, Doc: e.Body, Hash: e.Hash}
		}
		assert.Nil(t, ledger.CheckLinks(c.Key, r.Events, r.Head, links), c.Key)
	}
}

// checkWalkStep checks what the README says the monitor shows after the
// Antwerp offer and after its last light.
func checkWalkStep(t *testing.T, h *harness, file string) {
	t.Helper()
	anr := walkReleases[1].key
	switch file {
	case "12-antwerp-transferred.json":
		r, ok := release(t, h, anr)
		require.True(t, ok)
		require.Len(t, r.Hops, 1)
		assert.Equal(t, ledger.Offered, r.Hops[0].State)
		assert.Equal(t, "Deurne Forwarding NV", r.Holder.Name, "the giver holds until the offer is accepted")
	case "17-antwerp-light-terminal.json":
		r, ok := release(t, h, anr)
		require.True(t, ok)
		// A day of the samples, inside their validity, not the clock's.
		day := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
		assert.Empty(t, r.NotReady(day), "ready for pick-up")
	}
}

// replayNomination replays the one pending dead letter of the ledger stage
// and waits until the nomination it holds has moved the right.
func replayNomination(t *testing.T, h *harness) {
	t.Helper()
	d := waitDeadLetter(t, h, "ledger")
	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{ID: d.ID})
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NoError(t, res[0].Err)
	require.Eventually(t, func() bool {
		r, ok := release(t, h, walkReleases[3].key)
		return ok && r.Holder != nil && r.Holder.Name == walkReleases[3].holder
	}, 20*time.Second, 20*time.Millisecond, "the replayed nomination applies")
}

// checkWalkRelease compares a stored release with what its story ends with,
// and verifies its chain from the decoded events.
func checkWalkRelease(t *testing.T, h *harness, want walkRelease) {
	t.Helper()
	r, ok := release(t, h, want.key)
	require.True(t, ok, want.key)
	require.NotNil(t, r.Holder, want.key)
	assert.Equal(t, want.holder, r.Holder.Name, want.key)
	var hops []string
	for _, hop := range r.Hops {
		hops = append(hops, hop.From.Name+" -> "+hop.To.Name+" "+string(hop.State))
	}
	assert.Equal(t, want.hops, hops, want.key)
	require.NotNil(t, r.GateOut, want.key)
	lights := map[string]ledger.Light{"commercial": r.Lights.Commercial, "customs": r.Lights.Customs, "terminal": r.Lights.Terminal}
	for _, l := range want.green {
		assert.Equal(t, "GREEN", lights[l].State, "%s: %s light", want.key, l)
	}
	verifyChain(t, h.gw.Store(), want.key, want.events)
}

// release reads the stored release key; false when there is none yet.
func release(t *testing.T, h *harness, key string) (*ledger.Release, bool) {
	t.Helper()
	row, err := h.gw.Store().Release(context.Background(), key)
	if err != nil {
		return nil, false
	}
	var r ledger.Release
	require.NoError(t, json.Unmarshal(row.Body, &r))
	return &r, true
}

// waitArchived waits until the step's file has been taken in and moved to
// its inbox's archive, which happens once its events are committed.
func waitArchived(t *testing.T, h *harness, s walkStep) {
	t.Helper()
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", s.inbox, "archive", "*", s.file+"*"))
		return len(m) == 1
	}, 20*time.Second, 20*time.Millisecond, "%s archived", s.file)
}

// waitDeadLetter waits for the one pending dead letter of stage.
func waitDeadLetter(t *testing.T, h *harness, stage string) store.DeadLetter {
	t.Helper()
	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: stage, Pending: true})
		return err == nil && len(dls) == 1
	}, 20*time.Second, 20*time.Millisecond, "a dead letter of stage %s", stage)
	return dls[0]
}

// TestWalkthroughReadme: the README's table lists every sample file once,
// in the order and with the inbox TestWalkthrough drops it in.
func TestWalkthroughReadme(t *testing.T) {
	row := regexp.MustCompile("^\\|[^|]*\\|\\s*`([^`]+)`\\s*\\|\\s*`data/inbox/([a-z]+)/`")
	var listed []walkStep
	for _, line := range strings.Split(read(t, filepath.Join(walkthroughDir, "README.md")), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			listed = append(listed, walkStep{file: m[1], inbox: m[2]})
		}
	}
	assert.Equal(t, walkSteps, listed, "the README's table")

	entries, err := os.ReadDir(walkthroughDir)
	require.NoError(t, err)
	var files, steps []string
	for _, e := range entries {
		if e.Name() != "README.md" {
			files = append(files, e.Name())
		}
	}
	for _, s := range walkSteps {
		steps = append(steps, s.file)
	}
	sort.Strings(steps)
	assert.Equal(t, files, steps, "every sample file is a step")
}
