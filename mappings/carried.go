package mappings

import "sort"

// EncodePaths lists the canonical paths the profile's encode reads through
// `from` (document leaves, segment elements, CSV columns, envelope fields),
// sorted. A leaf that picks a party identifier (`id`) names the party.
// Values computed by expressions are not listed: what they read is not
// declared. Nil when the profile does not encode.
func (p *Profile) EncodePaths() []string {
	if p.enc == nil {
		return nil
	}
	set := map[string]bool{}
	add := func(cf *compiledField) {
		if cf == nil {
			return
		}
		for _, f := range cf.spec.From {
			if f != "@" {
				set[f] = true
			}
		}
	}
	p.enc.syn.fields(add, func(path string) { set[path] = true })
	return sortedKeys(set)
}

// DecodeTargets lists the canonical paths the profile's decode writes,
// sorted. Nil when the profile does not decode.
func (p *Profile) DecodeTargets() []string {
	if p.dec == nil {
		return nil
	}
	set := map[string]bool{"type": true}
	for _, cf := range p.dec.fields {
		set[cf.spec.Target] = true
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
