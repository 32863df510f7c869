package ledger_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

func party(name string, ids ...string) *canonical.Party {
	p := &canonical.Party{Name: name}
	for i := 0; i+1 < len(ids); i += 2 {
		p.IDs = append(p.IDs, canonical.PartyID{Scheme: ids[i], Value: ids[i+1]})
	}
	return p
}

func TestSameParty(t *testing.T) {
	tests := []struct {
		name string
		a, b *canonical.Party
		want bool
	}{
		{name: "same EORI, different names", a: party("Forwarder BV", "EORI", "NL123456789"),
			b: party("FORWARDER B.V. ROTTERDAM", "EORI", "NL123456789"), want: true},
		{name: "identifier case and spaces ignored", a: party("", "eori", " nl123456789 "),
			b: party("", "EORI", "NL123456789"), want: true},
		{name: "one shared scheme of several matches", a: party("", "VAT", "NL001", "GLN", "8712345678906"),
			b: party("", "GLN", "8712345678906", "KVK", "123"), want: true},
		{name: "same name, conflicting EORI", a: party("Forwarder BV", "EORI", "NL123456789"),
			b: party("Forwarder BV", "EORI", "NL999999999"), want: false},
		{name: "no shared scheme: names decide", a: party("Forwarder  BV", "EORI", "NL123456789"),
			b: party("forwarder bv", "GLN", "8712345678906"), want: true},
		{name: "no shared scheme, other names", a: party("Forwarder BV", "EORI", "NL123456789"),
			b: party("Haulier NV", "GLN", "8712345678906"), want: false},
		{name: "names only", a: party("MSC"), b: party("msc"), want: true},
		{name: "empty names never match", a: party(""), b: party(""), want: false},
		{name: "empty identifier values never match", a: party("", "EORI", ""), b: party("", "EORI", ""), want: false},
		{name: "nil", a: nil, b: party("MSC"), want: false},
		{name: "both nil", a: nil, b: nil, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ledger.SameParty(tt.a, tt.b))
			assert.Equal(t, tt.want, ledger.SameParty(tt.b, tt.a), "symmetric")
		})
	}
}
