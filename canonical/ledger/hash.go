package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/nexport/pcsgate/canonical"
)

// The name and version of the hash chain below, as audit exports state
// them; a change to the formula is a new version.
const (
	ChainAlgorithm        = "pcsgate-chain-sha256"
	ChainAlgorithmVersion = 1
)

// ChainHash returns the hash an event with id and canonical JSON doc gets
// in a chain after prev: the lower-case hex SHA-256 of the bytes of prev,
// id and doc concatenated. The first event's prev is empty.
func ChainHash(prev, id string, doc []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte(id))
	h.Write(doc)
	return hex.EncodeToString(h.Sum(nil))
}

// EventHash returns the hash an event gets in the chain after prev: the
// hex SHA-256 of prev, the event id and the event's canonical JSON (as
// encoding/json writes a ReleaseEvent).
func EventHash(prev string, e *canonical.ReleaseEvent) (string, error) {
	doc, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("event %s cannot be written as canonical JSON: %w", e.ID, err)
	}
	return ChainHash(prev, e.ID, doc), nil
}

// VerifyChain checks a release's audit trail against the stored events:
// events must be the release's events in order, and each must reproduce
// its hash. It wraps ErrChainBroken and names the first event that does not.
func VerifyChain(r *Release, events []*canonical.ReleaseEvent) error {
	if len(events) != len(r.Events) {
		return fmt.Errorf("%w: release %s lists %d events, %d given", ErrChainBroken, r.Key.String(), len(r.Events), len(events))
	}
	prev := ""
	for i, ref := range r.Events {
		e := events[i]
		if e == nil || e.ID != ref.ID {
			return fmt.Errorf("%w: event %d of release %s is %s, expected %s", ErrChainBroken, i+1, r.Key.String(), idOf(e), ref.ID)
		}
		h, err := EventHash(prev, e)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrChainBroken, err)
		}
		if h != ref.Hash {
			return fmt.Errorf("%w: event %d (%s) of release %s does not match its hash", ErrChainBroken, i+1, ref.ID, r.Key.String())
		}
		prev = h
	}
	if prev != r.Head {
		return fmt.Errorf("%w: head of release %s does not match its last event", ErrChainBroken, r.Key.String())
	}
	return nil
}

func idOf(e *canonical.ReleaseEvent) string {
	if e == nil {
		return "missing"
	}
	return e.ID
}
