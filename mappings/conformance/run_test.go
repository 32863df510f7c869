package conformance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/conformance"
)

func TestRunDecodeOnlyCasePasses(t *testing.T) {
	c := newCase(t, "scr/event/block", map[string]string{"input.json": scrBlockInput, "canonical.json": scrBlockCanonical})
	before := snapshot(t, c)

	r := conformance.Run(registry(t), c, false)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Empty(t, r.Failures)
	assert.Empty(t, r.Updated)
	assert.Equal(t, c, r.Case)
	assert.Positive(t, r.Duration)
	assert.Equal(t, before, snapshot(t, c), "a run without update writes nothing")
	assert.False(t, conformance.ExpectsErrors(c))
}

func TestRunCanonicalMismatchIsReportedWithADiff(t *testing.T) {
	wrong := strings.Replace(scrBlockCanonical, `"blocked": true`, `"blocked": false`, 1)
	require.NotEqual(t, scrBlockCanonical, wrong)
	c := newCase(t, "scr/event/block", map[string]string{"input.json": scrBlockInput, "canonical.json": wrong})

	r := conformance.Run(registry(t), c, false)
	require.False(t, r.Passed())
	require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
	f := r.Failures[0]
	assert.True(t, strings.HasPrefix(f, "canonical.json differs (- want, + got):\n"), f)
	assert.Contains(t, f, "\n  -       \"blocked\": false,\n  +       \"blocked\": true,\n")
	// Two lines of context either side, not the whole file.
	assert.Contains(t, f, `"systemRef"`)
	assert.NotContains(t, f, `"id"`)
	assert.Equal(t, wrong, read(t, c, "canonical.json"), "a run without update leaves canonical.json alone")

	r = conformance.Run(registry(t), c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Equal(t, []string{"canonical.json"}, r.Updated)
	assert.Equal(t, map[string]string{"input.json": scrBlockInput, "canonical.json": scrBlockCanonical}, snapshot(t, c))
}

func TestRunMissingCanonicalAsksForUpdate(t *testing.T) {
	c := newCase(t, "scr/event/block", map[string]string{"input.json": scrBlockInput})
	r := conformance.Run(registry(t), c, false)
	assert.Equal(t, []string{"canonical.json missing (run with -update to create it)"}, r.Failures)
	assert.Equal(t, []string{"input.json"}, names(snapshot(t, c)))
}

func TestRunExpectedErrors(t *testing.T) {
	reg := registry(t)
	t.Run("every expected substring reported passes", func(t *testing.T) {
		// Blank lines and CRLF line ends in expected.err are ignored.
		c := newCase(t, "scr/event/bad-unknown-event", map[string]string{
			"input.json":   scrUnknownEventInput,
			"expected.err": "input.json:3:12: event \"assign\"\r\n\r\nmust be one of \"transfer\"\r\n",
		})
		r := conformance.Run(reg, c, false)
		assert.True(t, r.Passed(), "failures: %v", r.Failures)
		assert.True(t, conformance.ExpectsErrors(c))
	})
	t.Run("a missing substring fails and lists what was reported", func(t *testing.T) {
		c := newCase(t, "scr/event/bad-unknown-event", map[string]string{
			"input.json":   scrUnknownEventInput,
			"expected.err": "must be one of\nevent \"transfer\" is not allowed\n",
		})
		r := conformance.Run(reg, c, false)
		require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
		assert.Equal(t, "expected error \"event \\\"transfer\\\" is not allowed\" not reported; got:\n  "+scrUnknownEventError, r.Failures[0])
	})
	t.Run("errors without expected.err fail", func(t *testing.T) {
		c := newCase(t, "scr/event/bad-unknown-event", map[string]string{"input.json": scrUnknownEventInput})
		r := conformance.Run(reg, c, false)
		assert.Equal(t, []string{"unexpected errors:\n  " + scrUnknownEventError}, r.Failures)
		assert.False(t, conformance.ExpectsErrors(c))
	})
	t.Run("expected.err on a clean input fails", func(t *testing.T) {
		c := newCase(t, "scr/event/block", map[string]string{
			"input.json": scrBlockInput, "canonical.json": scrBlockCanonical, "expected.err": "must be one of\n",
		})
		r := conformance.Run(reg, c, false)
		assert.Equal(t, []string{`expected errors, got none (want "must be one of")`}, r.Failures)
	})
}

func TestRunTwoWayRoundTrip(t *testing.T) {
	reg := registry(t)
	c := newCase(t, "ci5/codeco/gate-out-rail", map[string]string{"input.edi": codecoInput})

	r := conformance.Run(reg, c, true)
	require.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Equal(t, []string{"canonical.json", "output.edi"}, r.Updated)
	files := snapshot(t, c)
	assert.Equal(t, []string{"canonical.json", "input.edi", "output.edi"}, names(files))
	assert.Equal(t, codecoInput, files["input.edi"])
	assert.Contains(t, files["canonical.json"], `"containerNumber": "ECMU7711008"`)
	assert.True(t, strings.HasPrefix(files["output.edi"], "UNA:+.? '\nUNB+UNOC:3+EUROFOS+MGICI5+260101:0100+"), files["output.edi"])
	// The output names a new interchange, so its events differ from the
	// input's in source; the round trip must ignore that.
	assert.NotContains(t, files["output.edi"], "ICR1")

	r = conformance.Run(reg, c, false)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	r = conformance.Run(reg, c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Empty(t, r.Updated, "update leaves files that are already right alone")
	assert.Equal(t, files, snapshot(t, c))
}

func TestRunOutputMismatchIsReportedWithADiff(t *testing.T) {
	reg := registry(t)
	root := t.TempDir()
	c := writeCase(t, root, "ci5/codeco/gate-out-rail", map[string]string{"input.edi": codecoInput})
	require.True(t, conformance.Run(reg, c, true).Passed())
	out := read(t, c, "output.edi")
	stale := strings.Replace(out, "SEL+FR77120+SH'", "SEL+FR99999+SH'", 1)
	require.NotEqual(t, out, stale)
	writeCase(t, root, c.Name, map[string]string{"output.edi": stale})

	// Regression: the round trip used to decode the stale output.edi and
	// report its other events as a second failure.
	r := conformance.Run(reg, c, false)
	require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
	assert.Equal(t, "output.edi differs (- want, + got):", strings.SplitN(r.Failures[0], "\n", 2)[0])
	assert.Contains(t, r.Failures[0], "\n  - SEL+FR99999+SH'\n  + SEL+FR77120+SH'\n", "a changed line shows - want before + got")

	r = conformance.Run(reg, c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Equal(t, []string{"output.edi"}, r.Updated)
	assert.Equal(t, out, read(t, c, "output.edi"))
	assert.Equal(t, codecoInput, read(t, c, "input.edi"))
}

// Regression: a two-way case without output.* used to get a second failure,
// "output does not decode again: open ...: no such file or directory".
func TestRunMissingOutputIsOneFailure(t *testing.T) {
	reg := registry(t)
	c := newCase(t, "ci5/codeco/gate-out-rail", map[string]string{"input.edi": codecoInput})
	require.True(t, conformance.Run(reg, c, true).Passed())
	require.NoError(t, os.Remove(filepath.Join(c.Dir, "output.edi")))

	r := conformance.Run(reg, c, false)
	assert.Equal(t, []string{"output.edi missing (run with -update to create it)"}, r.Failures)
}

func TestRunEncodeOnlyCase(t *testing.T) {
	reg := registry(t)
	t.Run("canonical.json is the input and output.* the expectation", func(t *testing.T) {
		c := newCase(t, "partner/status-csv/gated-out-road", map[string]string{"canonical.json": statusCanonical, "output.csv": statusOutput})
		r := conformance.Run(reg, c, false)
		assert.True(t, r.Passed(), "failures: %v", r.Failures)
	})
	t.Run("a wrong output is reported with a diff", func(t *testing.T) {
		c := newCase(t, "partner/status-csv/gated-out-road", map[string]string{
			"canonical.json": statusCanonical, "output.csv": strings.Replace(statusOutput, ";ROAD;", ";RAIL;", 1),
		})
		r := conformance.Run(reg, c, false)
		require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
		assert.True(t, strings.HasPrefix(r.Failures[0], "output.csv differs (- want, + got):\n"), r.Failures[0])
		assert.Contains(t, r.Failures[0], ";RAIL;")
	})
	t.Run("update writes output.* in the profile's extension and never canonical.json", func(t *testing.T) {
		c := newCase(t, "partner/status-csv/gated-out-road", map[string]string{"canonical.json": statusCanonical})
		r := conformance.Run(reg, c, false)
		assert.Equal(t, []string{"output.csv missing (run with -update to create it)"}, r.Failures)

		r = conformance.Run(reg, c, true)
		assert.True(t, r.Passed(), "failures: %v", r.Failures)
		assert.Equal(t, []string{"output.csv"}, r.Updated)
		assert.Equal(t, map[string]string{"canonical.json": statusCanonical, "output.csv": statusOutput}, snapshot(t, c))
	})
	t.Run("an encode error is checked against expected.err", func(t *testing.T) {
		c := newCase(t, "partner/status-csv/bad-unknown-event-type", map[string]string{
			"canonical.json": statusUncarried, "expected.err": `type "RELEASE_EXPIRED" cannot be carried by the target profile`,
		})
		r := conformance.Run(reg, c, false)
		assert.True(t, r.Passed(), "failures: %v", r.Failures)

		c = newCase(t, "partner/status-csv/bad-unknown-event-type", map[string]string{"canonical.json": statusUncarried})
		r = conformance.Run(reg, c, false)
		require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
		assert.True(t, strings.HasPrefix(r.Failures[0], "unexpected errors:\n  message M1001 container MSKU1234565: type \"RELEASE_EXPIRED\" cannot be carried"), r.Failures[0])
	})
	t.Run("malformed canonical.json", func(t *testing.T) {
		c := newCase(t, "partner/status-csv/broken", map[string]string{"canonical.json": "[{"})
		r := conformance.Run(reg, c, true)
		require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
		assert.True(t, strings.HasPrefix(r.Failures[0], "canonical.json: "), r.Failures[0])
		assert.Empty(t, r.Updated)
		assert.Equal(t, []string{"canonical.json"}, names(snapshot(t, c)))
	})
}

func TestRunUpdateOfABadInputCase(t *testing.T) {
	reg := registry(t)
	c := newCase(t, "scr/event/bad-unknown-event", map[string]string{"input.json": scrUnknownEventInput})

	r := conformance.Run(reg, c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Equal(t, []string{"expected.err"}, r.Updated)
	// No events: no canonical.json is written for a case that only fails.
	assert.Equal(t, map[string]string{"input.json": scrUnknownEventInput, "expected.err": scrUnknownEventError + "\n"}, snapshot(t, c))
	assert.True(t, conformance.ExpectsErrors(c))

	r = conformance.Run(reg, c, false)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
}

// Regression: update used to rewrite expected.err on every run, listing it
// as updated even when nothing changed.
func TestRunUpdateLeavesAnUnchangedExpectedErrAlone(t *testing.T) {
	reg := registry(t)
	c := newCase(t, "scr/event/bad-unknown-event", map[string]string{"input.json": scrUnknownEventInput, "expected.err": "must be one of\n"})
	r := conformance.Run(reg, c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Equal(t, []string{"expected.err"}, r.Updated, "curated substrings give way to the full lines")
	assert.Equal(t, scrUnknownEventError+"\n", read(t, c, "expected.err"))

	r = conformance.Run(reg, c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Empty(t, r.Updated)
}

// Regression: update used to leave an expected.err holding one empty line
// when a case no longer reported errors, and the next run then failed with
// "expected errors, got none".
func TestRunUpdateRemovesExpectedErrOfACleanCase(t *testing.T) {
	reg := registry(t)
	c := newCase(t, "scr/event/block", map[string]string{"input.json": scrBlockInput, "expected.err": "must be one of\n"})
	r := conformance.Run(reg, c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.Equal(t, []string{"expected.err", "canonical.json"}, r.Updated)
	assert.Equal(t, map[string]string{"input.json": scrBlockInput, "canonical.json": scrBlockCanonical}, snapshot(t, c))
	assert.False(t, conformance.ExpectsErrors(c))

	r = conformance.Run(reg, c, false)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
}

func TestRunErrorPaths(t *testing.T) {
	reg := registry(t)
	t.Run("unknown profile", func(t *testing.T) {
		c := newCase(t, "nosuch/profile/x", map[string]string{"input.json": scrBlockInput})
		for _, update := range []bool{false, true} {
			r := conformance.Run(reg, c, update)
			require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
			assert.Contains(t, r.Failures[0], "nosuch/profile")
			assert.Empty(t, r.Updated)
		}
		assert.Equal(t, []string{"input.json"}, names(snapshot(t, c)))
	})
	t.Run("decode-only case without its input", func(t *testing.T) {
		// Regression: update used to write the profile's "cannot encode" error
		// into expected.err, after which the case passed with no input at all.
		c := newCase(t, "scr/event/block", map[string]string{"canonical.json": scrBlockCanonical})
		for _, update := range []bool{true, false} {
			r := conformance.Run(reg, c, update)
			assert.Equal(t, []string{"case has no input.* and scr/event only decodes"}, r.Failures)
			assert.Empty(t, r.Updated)
		}
		assert.Equal(t, map[string]string{"canonical.json": scrBlockCanonical}, snapshot(t, c))
	})
	t.Run("neither input nor canonical.json", func(t *testing.T) {
		c := newCase(t, "partner/status-csv/empty", nil)
		for _, update := range []bool{false, true} {
			r := conformance.Run(reg, c, update)
			assert.Equal(t, []string{"case has neither input.* nor canonical.json"}, r.Failures)
			assert.Empty(t, r.Updated)
		}
		assert.Empty(t, snapshot(t, c))
	})
}

// mixedCSV has two good rows and one with a wrong check digit.
const mixedCSV = `action,port,carrier,blNumber,containerNumber,isoSizeType,releaseNumber,validFrom,validUntil,terminal,releaseTo,releaseToEori,remarks
NEW,NLRTM,MAEU,MAEU258114377,MSKU1234565,45G1,RTM-R-0011,,2026-11-27,ECTDELTA,Vanmoer Forwarding BV,,
NEW,NLRTM,MAEU,MAEU258114377,MSKU7654324,45G1,RTM-R-0012,,2026-11-27,ECTDELTA,Vanmoer Forwarding BV,,
NEW,NLRTM,MAEU,MAEU258114377,SEGU4482194,45G1,RTM-R-0013,,2026-11-27,ECTDELTA,Vanmoer Forwarding BV,,
`

// A case whose input gives events and errors checks both canonical.json
// and expected.err.
func TestRunEventsAndErrorsTogether(t *testing.T) {
	reg := registry(t)
	root := t.TempDir()
	c := writeCase(t, root, "partner/release-csv/mixed", map[string]string{"input.csv": mixedCSV})
	r := conformance.Run(reg, c, true)
	assert.True(t, r.Passed(), "failures: %v", r.Failures)
	assert.ElementsMatch(t, []string{"expected.err", "canonical.json"}, r.Updated)
	files := snapshot(t, c)
	assert.Equal(t, mixedCSV, files["input.csv"])
	assert.Equal(t, "input.csv:3: containerNumber (key.containerNumber) \"MSKU7654324\" has a wrong ISO 6346 check digit: got 4, expected 8\n", files["expected.err"])
	assert.Contains(t, files["canonical.json"], `"containerNumber": "MSKU1234565"`)
	assert.Contains(t, files["canonical.json"], `"containerNumber": "SEGU4482194"`)
	assert.NotContains(t, files["canonical.json"], "MSKU7654324")
	assert.NotContains(t, files, "output.csv", "partner/release-csv only decodes")

	require.True(t, conformance.Run(reg, c, false).Passed())

	// The good rows' events are still compared when errors are expected.
	writeCase(t, root, c.Name, map[string]string{"canonical.json": "[]\n"})
	r = conformance.Run(reg, c, false)
	require.Len(t, r.Failures, 1, "failures: %v", r.Failures)
	assert.True(t, strings.HasPrefix(r.Failures[0], "canonical.json differs (- want, + got):\n  - []\n  + ["), r.Failures[0])
}
