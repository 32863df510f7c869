package ledger

import (
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
)

// SameParty reports whether a and b are the same party. Identifiers decide
// first: if the two share a scheme (EORI, GLN, ...) they are the same when
// any shared scheme has equal values, and different otherwise, whatever
// their names say. Without a shared scheme, equal names (case and spacing
// ignored) decide. Nil or empty parties are never the same as anything.
func SameParty(a, b *canonical.Party) bool {
	if a == nil || b == nil {
		return false
	}
	shared := false
	for _, x := range a.IDs {
		for _, y := range b.IDs {
			if !strings.EqualFold(strings.TrimSpace(x.Scheme), strings.TrimSpace(y.Scheme)) {
				continue
			}
			shared = true
			if sameText(x.Value, y.Value) {
				return true
			}
		}
	}
	if shared {
		return false
	}
	return sameText(a.Name, b.Name)
}

// matchesSender reports whether a message sender id names party p: one of
// p's identifier values or its name.
func matchesSender(p *canonical.Party, sender string) bool {
	if p == nil || strings.TrimSpace(sender) == "" {
		return false
	}
	for _, id := range p.IDs {
		if sameText(id.Value, sender) {
			return true
		}
	}
	return sameText(p.Name, sender)
}

// sameText compares two identifiers or names: case-insensitive, spaces
// trimmed and runs of spaces collapsed. Empty text matches nothing.
func sameText(a, b string) bool {
	a, b = strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " ")
	return a != "" && strings.EqualFold(a, b)
}

// verdict is the outcome of checking who acted.
type verdict int

const (
	verified verdict = iota
	unverified
	mismatch
)

// judge checks whether the actor of an event is want. named is the party
// the event names for the act (nil if none); sender is source.sender.
func judge(named *canonical.Party, sender string, want *canonical.Party) verdict {
	switch {
	case want == nil:
		return unverified
	case named != nil && SameParty(named, want):
		return verified
	case named != nil:
		return mismatch
	case matchesSender(want, sender):
		return verified
	}
	return unverified
}

// label names a party in a message: its name, else its first identifier.
func label(p *canonical.Party) string {
	switch {
	case p == nil:
		return "nobody"
	case p.Name != "":
		return errtext.Quote(p.Name)
	case len(p.IDs) > 0:
		return p.IDs[0].Scheme + " " + errtext.Quote(p.IDs[0].Value)
	}
	return "an unnamed party"
}
