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
	var walk func(n node)
	walk = func(n node) {
		switch x := n.(type) {
		case leafNode:
			add(x.f)
		case objNode:
			for _, v := range x.vals {
				walk(v)
			}
		case listNode:
			for _, v := range x.items {
				walk(v)
			}
		}
	}
	if p.enc.doc != nil {
		walk(p.enc.doc)
	}
	if t, ok := p.enc.syntaxEnc.(*csvTemplate); ok {
		for _, c := range t.cols {
			walk(c)
		}
	}
	for _, segs := range [][]*segTemplate{p.enc.header, p.enc.each, p.enc.trailer} {
		for _, t := range segs {
			if t.forList != nil {
				set[t.forList.path] = true
			}
			for _, el := range t.elements {
				for _, c := range el {
					walk(c)
				}
			}
		}
	}
	add(p.enc.sender)
	add(p.enc.recipient)
	add(p.enc.ref)
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
