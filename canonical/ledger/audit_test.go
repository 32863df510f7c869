package ledger_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

// recorded folds events into a release and returns it with its events as
// a store records them.
func recorded(t *testing.T) (*ledger.Release, []ledger.Link) {
	t.Helper()
	events := concat(one(created(1, carrier, forwarder),
		transfer(2, canonical.TransferOffered, forwarder, haulier),
		transfer(3, canonical.TransferAccepted, forwarder, haulier)), greens(4))
	r, errs := ledger.Fold(events)
	require.Empty(t, errs)
	links := make([]ledger.Link, len(events))
	for i, e := range events {
		doc, err := json.Marshal(e)
		require.NoError(t, err)
		links[i] = ledger.Link{Seq: int64(i + 1), ID: e.ID, Doc: doc, Hash: r.Events[i].Hash}
	}
	return r, links
}

func TestCheckLinks(t *testing.T) {
	r, links := recorded(t)
	key := r.Key.String()
	require.Nil(t, ledger.CheckLinks(key, r.Events, r.Head, links))

	tests := []struct {
		name   string
		change func(l []ledger.Link) []ledger.Link
		refs   func(refs []ledger.EventRef) []ledger.EventRef
		seq    int64
		event  string // the event named; "" for links[seq-1]'s own
		has    string
	}{
		{name: "one byte of a body flipped", seq: 2, has: "hash expected ", change: func(l []ledger.Link) []ledger.Link {
			l[1].Doc = slices.Clone(l[1].Doc)
			l[1].Doc[10] ^= 1
			return l
		}},
		{name: "two events swapped", seq: 3, event: "ev_test04", change: func(l []ledger.Link) []ledger.Link {
			l[2], l[3] = l[3], l[2]
			l[2].Seq, l[3].Seq = 3, 4
			return l
		}},
		{name: "an event deleted", seq: 2, event: "ev_test03", change: func(l []ledger.Link) []ledger.Link {
			return slices.Delete(l, 1, 2)
		}},
		{name: "the last event deleted", seq: int64(len(links)), has: "listed by the release but not recorded",
			change: func(l []ledger.Link) []ledger.Link { return l[:len(l)-1] }},
		{name: "a seq changed", seq: 2, has: "recorded at seq 7", change: func(l []ledger.Link) []ledger.Link {
			l[1].Seq = 7
			return l
		}},
		{name: "an event the release does not list", seq: int64(len(links)), has: "not in the release's trail",
			refs: func(refs []ledger.EventRef) []ledger.EventRef { return refs[:len(refs)-1] }},
		{name: "a hash rewritten in the trail", seq: 1, has: "the release's trail holds another hash",
			refs: func(refs []ledger.EventRef) []ledger.EventRef {
				refs[0].Hash = "00"
				return refs
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, refs := slices.Clone(links), slices.Clone(r.Events)
			if tt.change != nil {
				l = tt.change(l)
			}
			if tt.refs != nil {
				refs = tt.refs(refs)
			}
			b := ledger.CheckLinks(key, refs, r.Head, l)
			require.NotNil(t, b)
			assert.ErrorIs(t, b, ledger.ErrChainBroken)
			assert.Equal(t, tt.seq, b.Seq)
			want := tt.event
			if want == "" {
				want = links[tt.seq-1].ID
			}
			assert.Equal(t, want, b.Event)
			assert.Contains(t, b.Error(), "release "+key+": event "+want+" (seq ")
			assert.Contains(t, b.Error(), tt.has)
		})
	}
	b := ledger.CheckLinks(key, r.Events, "00", links)
	require.NotNil(t, b)
	assert.Contains(t, b.Error(), "the release's head is not its last event's hash: hash expected 00, stored "+r.Head)
}
