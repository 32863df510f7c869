package pipeline_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// TestAuditTrail: the stored events of a release, one taken in at once and
// one replayed through the canonical topic, reproduce its hash chain from
// the store alone and carry the hashes of the files they came in; a file
// with a secret leaves no hash.
func TestAuditTrail(t *testing.T) {
	pipeline.SecretMarkerForTest(t, secretMarker)
	h := start(t)
	ctx := context.Background()
	early := codecoOut("E7", "NLRTM", "CBHU3202732")
	h.drop(t, "terminal", "early.edi", early)
	require.Eventually(t, func() bool {
		dls, err := h.gw.Store().DeadLetters(ctx, store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 1
	}, 20*time.Second, 20*time.Millisecond, "the early gate-out becomes a dead letter")
	rel := coreor("P7", "NLRTM", "CBHU3202732", "MEDUNL0077")
	h.drop(t, "portbase", "rel.edi", rel)
	secret := coreor("S7", "NLRTM", "CSQU3054383", secretMarker)
	h.drop(t, "portbase", "secret.edi", secret)
	key, secretKey := "SEA/NLRTM/MSC/MEDUNL0077/CBHU3202732", "SEA/NLRTM/MSC/"+secretMarker+"/CSQU3054383"
	waitStatus(t, h, key, ledger.Released)
	waitStatus(t, h, secretKey, ledger.Released)
	res, err := h.gw.Replay(ctx, pipeline.ReplayFilter{All: true})
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NoError(t, res[0].Err)
	waitStatus(t, h, key, ledger.PickedUp)

	chains, err := h.gw.Store().Chains(ctx, store.ChainFilter{})
	require.NoError(t, err)
	require.Len(t, chains, 2)
	raw := map[string][]string{}
	for _, c := range chains {
		var r ledger.Release
		require.NoError(t, json.Unmarshal(c.Body, &r))
		links := make([]ledger.Link, len(c.Events))
		for i, e := range c.Events {
			links[i] = ledger.Link{Seq: e.Seq, ID: e.ID, Doc: e.Body, Hash: e.Hash}
			raw[c.Key] = append(raw[c.Key], e.RawHash)
		}
		assert.Nil(t, ledger.CheckLinks(c.Key, r.Events, r.Head, links), c.Key)
	}
	assert.Equal(t, []string{transports.ContentHash([]byte(rel)), transports.ContentHash([]byte(early))}, raw[key],
		"the release's file, then the replayed gate-out's")
	assert.Equal(t, []string{""}, raw[secretKey], "no hash of a file with a secret")
}

// waitStatus waits until release key has status.
func waitStatus(t *testing.T, h *harness, key string, status ledger.Status) {
	t.Helper()
	require.Eventually(t, func() bool {
		r, err := h.gw.Store().Release(context.Background(), key)
		return err == nil && r.Status == string(status)
	}, 20*time.Second, 20*time.Millisecond, "release %s %s", key, status)
}
