package conformance_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/conformance"
)

type junitDoc struct {
	XMLName xml.Name `xml:"testsuites"`
	Suites  []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func result(name string, d time.Duration, failures ...string) conformance.Result {
	profile := name[:strings.LastIndexByte(name, '/')]
	return conformance.Result{Case: conformance.Case{Name: name, Profile: profile}, Failures: failures, Duration: d}
}

func TestWriteJUnitOneSuitePerProfile(t *testing.T) {
	results := []conformance.Result{
		result("smdg/codeco/a", 1500*time.Millisecond),
		result("scr/event/x", 2*time.Millisecond, "canonical.json differs (- want, + got):\n  - a\n  + b", "unexpected errors:\n  oops"),
		result("smdg/codeco/b", 250*time.Microsecond, "output.edi missing (run with -update to create it)"),
	}
	var buf bytes.Buffer
	require.NoError(t, conformance.WriteJUnit(&buf, results))
	out := buf.String()
	assert.True(t, strings.HasPrefix(out, xml.Header), out)
	assert.True(t, strings.HasSuffix(out, "</testsuites>\n"), out)

	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Suites, 2)

	// Suites in the order their profile first appears.
	s := doc.Suites[0]
	assert.Equal(t, "smdg/codeco", s.Name)
	// Regression: the suite's time attribute used to be empty.
	assert.Equal(t, "1.500", s.Time)
	assert.Equal(t, 2, s.Tests)
	assert.Equal(t, 1, s.Failures)
	require.Len(t, s.Cases, 2)
	assert.Equal(t, "smdg/codeco/a", s.Cases[0].Name)
	assert.Equal(t, "smdg/codeco", s.Cases[0].Classname)
	assert.Equal(t, "1.500", s.Cases[0].Time)
	assert.Nil(t, s.Cases[0].Failure)
	assert.Equal(t, "smdg/codeco/b", s.Cases[1].Name)
	require.NotNil(t, s.Cases[1].Failure)
	assert.Equal(t, "output.edi missing (run with -update to create it)", s.Cases[1].Failure.Message)

	s = doc.Suites[1]
	assert.Equal(t, "scr/event", s.Name)
	assert.Equal(t, "0.002", s.Time)
	assert.Equal(t, 1, s.Tests)
	assert.Equal(t, 1, s.Failures)
	require.Len(t, s.Cases, 1)
	assert.Equal(t, "0.002", s.Cases[0].Time)
	require.NotNil(t, s.Cases[0].Failure)
	// The message is the first line of the first failure; the text holds
	// every failure in full.
	assert.Equal(t, "canonical.json differs (- want, + got):", s.Cases[0].Failure.Message)
	assert.Equal(t, "canonical.json differs (- want, + got):\n  - a\n  + b\nunexpected errors:\n  oops", s.Cases[0].Failure.Text)
}

func TestWriteJUnitEscapesFailureText(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, conformance.WriteJUnit(&buf, []conformance.Result{result("a/b/c", 0, `want <x a="1"> & ]]>`)}))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Suites, 1)
	require.NotNil(t, doc.Suites[0].Cases[0].Failure)
	assert.Equal(t, `want <x a="1"> & ]]>`, doc.Suites[0].Cases[0].Failure.Text)
	assert.Equal(t, `want <x a="1"> & ]]>`, doc.Suites[0].Cases[0].Failure.Message)
}

func TestWriteJUnitNoResults(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, conformance.WriteJUnit(&buf, nil))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	assert.Empty(t, doc.Suites)
}
