package engine

// SetVerifyFast turns on checking every fast form's answer against the
// VM's, for the fixture-wide test in package engine_test.
func SetVerifyFast(on bool) { verifyFast = on }

// Unbind takes the bound forms off p's decode fields (see fieldRun), so
// that field and value decode them.
func Unbind(p *Profile) {
	if p.Dec == nil {
		return
	}
	for _, cf := range p.Dec.Fields {
		cf.run = nil
		if cp := cf.party; cp != nil {
			cp.name.unbindValue()
			for _, id := range cp.ids {
				id.from.unbindValue()
				id.schemeFrom.unbindValue()
			}
		}
	}
}

func (cf *CompiledField) unbindValue() {
	if cf != nil {
		cf.val = nil
	}
}

// Bound counts p's decode fields that have a bound form.
func Bound(p *Profile) int {
	n := 0
	for _, cf := range p.Dec.Fields {
		if cf.run != nil {
			n++
		}
	}
	return n
}
