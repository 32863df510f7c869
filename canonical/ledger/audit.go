package ledger

import (
	"fmt"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Link is one event of a release's chain as it is recorded outside the
// release: its position, id, canonical JSON (the bytes hashed) and the
// hash recorded with it.
type Link struct {
	Seq  int64
	ID   string
	Doc  []byte
	Hash string
}

// BrokenLink is the first place where a release's recorded events do not
// reproduce its chain. It wraps ErrChainBroken; its text is one line, e.g.
//
//	release SEA/NLRTM/MSCU1234565/B1: event ev_2 (seq 2): hash expected 9f86d0…, stored 3a7bd3…
type BrokenLink struct {
	Release string
	Seq     int64  // 1-based position in the chain
	Event   string // the event id recorded there, or the one the release lists
	// Expected is what the chain or the release says; Stored is what was
	// found instead. Either may be empty when nothing is there.
	Expected, Stored string
	// Problem says what does not hold, when it is more than a hash.
	Problem string
}

func (b *BrokenLink) Error() string {
	what := fmt.Sprintf("hash expected %s, stored %s", orNone(b.Expected), orNone(b.Stored))
	if b.Problem != "" {
		what = b.Problem + ": " + what
	}
	return fmt.Sprintf("release %s: event %s (seq %d): %s", errtext.Safe(b.Release), errtext.Safe(b.Event), b.Seq, what)
}

// Unwrap makes a BrokenLink match ErrChainBroken.
func (b *BrokenLink) Unwrap() error { return ErrChainBroken }

func orNone(h string) string {
	if h == "" {
		return "none"
	}
	return h
}

// CheckLinks checks the recorded links of release key, in seq order,
// against each other and against the release's own trail (refs) and head.
// Link n must have seq n, its hash must be ChainHash of the link before's
// hash, its id and its Doc, and it must be the n-th event the release
// lists, with the same hash; the last hash must be the head. It returns
// the first link that breaks one of these, or nil.
//
// A changed body breaks its own link; a deleted or reordered event breaks
// the link where the order first differs; an event missing at the end
// breaks the release's list. A chain rewritten consistently everywhere is
// not caught here: a head handed out earlier (an export) anchors it.
func CheckLinks(key string, refs []EventRef, head string, links []Link) *BrokenLink {
	prev := ""
	for i, l := range links {
		seq := int64(i + 1)
		if h := ChainHash(prev, l.ID, l.Doc); h != l.Hash {
			return &BrokenLink{Release: key, Seq: seq, Event: l.ID, Expected: h, Stored: l.Hash}
		}
		if i >= len(refs) {
			return &BrokenLink{Release: key, Seq: seq, Event: l.ID, Stored: l.Hash,
				Problem: fmt.Sprintf("not in the release's trail of %d events", len(refs))}
		}
		if ref := refs[i]; ref.ID != l.ID {
			return &BrokenLink{Release: key, Seq: seq, Event: l.ID, Expected: ref.Hash, Stored: l.Hash,
				Problem: "the release lists event " + errtext.Safe(ref.ID) + " here"}
		} else if ref.Hash != l.Hash {
			return &BrokenLink{Release: key, Seq: seq, Event: l.ID, Expected: ref.Hash, Stored: l.Hash,
				Problem: "the release's trail holds another hash"}
		}
		if l.Seq != seq {
			return &BrokenLink{Release: key, Seq: seq, Event: l.ID, Expected: l.Hash, Stored: l.Hash,
				Problem: fmt.Sprintf("recorded at seq %d", l.Seq)}
		}
		prev = l.Hash
	}
	if len(links) < len(refs) {
		ref := refs[len(links)]
		return &BrokenLink{Release: key, Seq: int64(len(links) + 1), Event: ref.ID, Expected: ref.Hash,
			Problem: "listed by the release but not recorded"}
	}
	if prev != head {
		return &BrokenLink{Release: key, Seq: int64(len(links)), Event: lastID(links), Expected: head, Stored: prev,
			Problem: "the release's head is not its last event's hash"}
	}
	return nil
}

func lastID(links []Link) string {
	if len(links) == 0 {
		return "none"
	}
	return links[len(links)-1].ID
}
