package engine

import "sort"

// EncodePaths lists the canonical paths the profile's encode reads through
// `from` (document leaves, segment elements, CSV columns, envelope fields),
// sorted. A leaf that picks a party identifier (`id`) names the party.
// Values computed by expressions are not listed: what they read is not
// declared. Nil when the profile does not encode.
func (p *Profile) EncodePaths() []string {
	if p.Enc == nil {
		return nil
	}
	set := map[string]bool{}
	add := func(cf *CompiledField) {
		if cf == nil {
			return
		}
		for _, f := range cf.Spec.From {
			if f != "@" {
				set[f] = true
			}
		}
	}
	p.Enc.syn.Fields(add, func(path string) { set[path] = true })
	return sortedKeys(set)
}

// DecodeTargets lists the canonical paths the profile's decode writes,
// sorted. Nil when the profile does not decode.
func (p *Profile) DecodeTargets() []string {
	if p.Dec == nil {
		return nil
	}
	set := map[string]bool{"type": true}
	for _, cf := range p.Dec.Fields {
		set[cf.Spec.Target] = true
	}
	return sortedKeys(set)
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
