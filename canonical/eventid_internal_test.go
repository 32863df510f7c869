package canonical

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// appendKeyPart hashes exactly what appendPart of the key's text did, for
// sea keys and air keys with and without a house AWB.
func TestAppendKeyPart(t *testing.T) {
	for _, k := range []Key{
		{Port: "NLRTM", Carrier: "MSCU", BLNumber: "BL1", ContainerNumber: "CSQU3054383"},
		{Port: "NLRTM"},
		{},
		{Airport: "AMS", AWB: "020-12345675"},
		{Airport: "AMS", AWB: "020-12345675", HAWB: "H1"},
		{AWB: "020-12345675", ContainerNumber: "CSQU3054383"},
	} {
		assert.Equal(t, string(appendPart([]byte("x"), k.String())), string(appendKeyPart([]byte("x"), &k)), "%+v", k)
	}
}
