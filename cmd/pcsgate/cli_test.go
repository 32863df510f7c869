package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

const fixtures = "../../fixtures"

// runCLI runs the command line in process and returns its exit code,
// standard output and standard error.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestTranslate(t *testing.T) {
	mixed := filepath.Join(fixtures, "portbase/coreor/mixed-good-and-bad-message/input.edi")
	good := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	pinMember := filepath.Join(fixtures, "scr/event/bad-secret-member-pin-value-not-quoted/input.json")
	shortTCT := filepath.Join(fixtures, "sone/release/bad-tct-five-digits/input.xml")
	goodBytes, err := os.ReadFile(good)
	require.NoError(t, err)
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		outLines int      // events (NDJSON lines) on stdout; -1: don't count
		outHas   string   // substring of stdout
		errLines []string // exact stderr lines
		errHas   string   // substring of stderr
	}{
		{name: "good file to canonical", args: []string{"translate", "--to", "canonical", good}, code: 0, outLines: 2},
		{name: "one good and one bad message", args: []string{"translate", "--to", "canonical", mixed}, code: 1, outLines: 1,
			errLines: []string{mixed + `:25: message R106B: EQD C237.8260 (key.containerNumber) "MEDU7308181" has a wrong ISO 6346 check digit: got 1, expected 0`}},
		{name: "stdin with -", stdin: string(goodBytes), args: []string{"translate", "--to", "canonical", "-"}, code: 0, outLines: 2},
		{name: "stdin without a file", stdin: string(goodBytes), args: []string{"translate", "--to", "portbase/coreor"}, code: 0, outLines: -1, outHas: "UNH+REL0001+COREOR"},
		{name: "encode error names the file and the event", args: []string{"translate", "--to", "smdg/codeco", good}, code: 1, outLines: -1,
			errHas: good + `: message REL0001 container CSQU3054383: type "RELEASE_CREATED" cannot be carried by the target profile`},
		{name: "missing --to", args: []string{"translate", good}, code: 2, outLines: 0, errHas: "--to is required"},
		{name: "unknown profile", args: []string{"translate", "--to", "nope/nope", good}, code: 2, outLines: 0,
			errLines: []string{`pcsgate: "nope/nope" is not a known profile (see pcsgate profiles)`}},
		{name: "unknown --from", args: []string{"translate", "--from", "nope/x", "--to", "canonical", good}, code: 2, outLines: 0},
		{name: "missing file", args: []string{"translate", "--to", "canonical", "no-such-file.edi"}, code: 2, outLines: 0, errHas: "no-such-file.edi"},
		{name: "unknown flag", args: []string{"translate", "--bogus"}, code: 2, outLines: 0},
		{name: "a member that is not allowed is not quoted", args: []string{"translate", "--to", "canonical", pinMember}, code: 1, outLines: 0,
			errLines: []string{pinMember + `:1:1: member "pin" is not allowed here (schema event.schema.json)`}},
		{name: "a TCT of the wrong shape is not quoted", args: []string{"translate", "--to", "canonical", shortTCT}, code: 1, outLines: 1,
			errLines: []string{shortTCT + `:33: message SONE-2026-000301: rel:Credential[@type='TCT'] (credential.handle) is not a TCT: 5 characters, expected 6 digits (value not shown: secret)`}},
		{name: "JSON given to an EDIFACT profile", args: []string{"translate", "--from", "portbase/coreor", "--to", "canonical",
			filepath.Join(fixtures, "cpu/notification/release-right-transferred-to-transport-operator/input.json")}, code: 1, outLines: 0,
			errHas: "looks like json, but portbase/coreor reads edifact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", errOut)
			if tt.outLines >= 0 {
				assert.Len(t, lines(out), tt.outLines)
				for _, l := range lines(out) {
					require.NoError(t, canonical.ValidateEventJSON([]byte(l)))
				}
			}
			if tt.outHas != "" {
				assert.Contains(t, out, tt.outHas)
			}
			if tt.errLines != nil {
				assert.Equal(t, tt.errLines, lines(errOut))
			}
			if tt.errHas != "" {
				assert.Contains(t, errOut, tt.errHas)
			}
		})
	}
}

func TestTranslateKeepsGoodMessagesWhenOneFailsToEncode(t *testing.T) {
	// The second gate-out names its terminal with an accented letter,
	// which UNOC input carries and smdg/codeco's UNOA output cannot.
	msg := func(ref, terminal, container string) string {
		return "UNH+" + ref + "+CODECO:D:95B:UN:SMDG16'BGM+36+GO" + ref + "+9'LOC+165+NLRTM:139:6+" + terminal + ":TER:ZZZ'" +
			"NAD+CF+MSC:172:20'EQD+CN+" + container + "+45G1:102:5++3+5'DTM+7:202602201455:203'CNT+16:1'UNT+8+" + ref + "'"
	}
	in := "UNB+UNOC:3+ECT+MSC+260220:1500+IC1'" + msg("G1", "ECT", "CSQU3054383") + msg("G2", "\xc9CT", "MWCU6059784") + "UNZ+2+IC1'"
	code, out, errOut := runCLI(t, in, "translate", "--to", "smdg/codeco", "-")
	assert.Equal(t, 1, code)
	assert.Equal(t, []string{`stdin: message G2 container MWCU6059784: LOC+165 C519.3223 (gate.facility.code) "ÉCT" character U+00C9 is not in UNOA`}, lines(errOut))
	assert.Equal(t, 1, strings.Count(out, "UNH+"), out)
	assert.Contains(t, out, "UNH+G1+")
	assert.NotContains(t, out, "G2")
	assert.Contains(t, out, "UNZ+1+")
}

// jsonLines writes a JSON Lines file of good fixture documents of two
// profiles with a bad line between them and a blank line; it returns its
// path and how many events its good lines decode to.
func jsonLines(t *testing.T, name string) (string, int) {
	t.Helper()
	var docs []string
	events := 0
	for _, profile := range []string{"cpu/notification", "portbase/cci-status"} {
		paths, err := filepath.Glob(filepath.Join(fixtures, profile, "*", "input.json"))
		require.NoError(t, err)
		for _, p := range paths {
			if strings.HasPrefix(filepath.Base(filepath.Dir(p)), "bad-") {
				continue
			}
			var buf bytes.Buffer
			require.NoError(t, json.Compact(&buf, readFile(t, p)))
			code, out, errOut := runCLI(t, buf.String(), "translate", "--to", "canonical", "-")
			require.Equal(t, 0, code, errOut)
			events += len(lines(out))
			docs = append(docs, buf.String())
			break
		}
	}
	require.Len(t, docs, 2)
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(docs[0]+"\n\n"+`{"notificationId": "n-1",}`+"\n"+docs[1]+"\n"), 0o644))
	return path, events
}

// JSON Lines: the good lines are translated and the bad one is reported
// with its line number; --lines reads any file so, and --sender reaches
// the encoder.
func TestTranslateJSONLines(t *testing.T) {
	path, events := jsonLines(t, "export.jsonl")
	code, out, errOut := runCLI(t, "", "translate", "--to", "canonical", path)
	assert.Equal(t, 1, code)
	assert.Len(t, lines(out), events)
	assert.Equal(t, []string{path + `:3:26: "}" where a quoted object key was expected`}, lines(errOut))

	txt, _ := jsonLines(t, "export.txt")
	code, out, errOut = runCLI(t, "", "translate", "--lines", "--to", "canonical", txt)
	assert.Equal(t, 1, code)
	assert.Len(t, lines(out), events)
	assert.Equal(t, []string{txt + `:3:26: "}" where a quoted object key was expected`}, lines(errOut))
	code, _, _ = runCLI(t, "", "translate", "--to", "canonical", txt)
	assert.Equal(t, 1, code, "without --lines, several documents are no document")
}

func TestValidateJSONLines(t *testing.T) {
	path, _ := jsonLines(t, "export.ndjson")
	code, out, errOut := runCLI(t, "", "validate", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, []string{path + `:3:26: "}" where a quoted object key was expected`}, lines(errOut))

	good := filepath.Join(t.TempDir(), "good.log")
	docs := strings.Split(string(readFile(t, path)), "\n")
	require.NoError(t, os.WriteFile(good, []byte(docs[0]+"\n"+docs[3]+"\n"), 0o644))
	code, out, errOut = runCLI(t, "", "validate", "--lines", good)
	assert.Equal(t, 0, code, errOut)
	assert.Regexp(t, `^`+regexp.QuoteMeta(good)+`: ok, cpu/notification, portbase/cci-status, 2 message\(s\), \d+ event\(s\)$`, strings.TrimSpace(out))
}

// The sender options reach the encoder's options; one no envelope can
// carry is a usage error.
func TestTranslateSender(t *testing.T) {
	opts, err := translateOptions{to: "portbase/coreor", sender: "8712345000004", senderQualifier: "14"}.encodeOptions("in.edi")
	require.NoError(t, err)
	assert.Equal(t, mappings.EncodeOptions{Name: "in.edi", SenderID: "8712345000004", SenderQualifier: "14"}, opts)

	good := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	code, out, errOut := runCLI(t, "", "translate", "--to", "portbase/coreor", "--sender", "8712345000004", "--sender-qualifier", "14", good)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "UNB+")
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--sender", "NL:1"}, `pcsgate: --sender "NL:1": character 3 cannot be written in an envelope`},
		{[]string{"--sender-qualifier", "14"}, `pcsgate: --sender is required`},
		{[]string{"--sender", "X", "--sender-qualifier", "ZZZZZ"}, `pcsgate: --sender-qualifier "ZZZZZ" has 5 characters: at most 4 expected`},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"translate", "--to", "portbase/coreor", good}, tc.args...)...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, errOut, tc.err)
	}
	code, _, errOut = runCLI(t, "", "translate", "--to", "canonical", "--sender", "X", good)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "not of canonical events")
}

// A CSV target neutralises formula-like cells unless --allow-csv-formulas
// says otherwise; the flag reaches the encoder's options.
func TestTranslateCSVFormulas(t *testing.T) {
	opts, err := translateOptions{to: "partner/status-csv", allowFormulas: true}.encodeOptions("in.csv")
	require.NoError(t, err)
	assert.True(t, opts.AllowFormulas)

	in := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(in, []byte("action,port,carrier,blNumber,containerNumber,isoSizeType,releaseNumber,validFrom,validUntil,terminal,releaseTo,releaseToEori,remarks\n"+
		"NEW,NLRTM,MAEU,MAEU258114377,MSKU1234565,45G1,R1,,2026-11-27,ECTDELTA,\"=HYPERLINK(\"\"http://x\"\")\",,\n"), 0o644))
	code, out, errOut := runCLI(t, "", "translate", "--to", "partner/status-csv", in)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `;"'=HYPERLINK(""http://x"")";`)
	code, out, errOut = runCLI(t, "", "translate", "--to", "partner/status-csv", "--allow-csv-formulas", in)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `;"=HYPERLINK(""http://x"")";`)
	code, _, errOut = runCLI(t, "", "translate", "--to", "canonical", "--allow-csv-formulas", in)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "not canonical events")
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

func TestValidate(t *testing.T) {
	good := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	bad := filepath.Join(fixtures, "smdg/codeco/bad-invalid-date/input.edi")
	schema := filepath.Join(fixtures, "cpu/notification/bad-schema-port-locode/input.json")
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err []string
	}{
		{name: "good", args: []string{"validate", good}, code: 0,
			out: []string{good + ": ok, portbase/coreor, 1 message(s), 2 event(s)"}},
		{name: "bad date is one line", args: []string{"validate", bad}, code: 1,
			err: []string{bad + `:8: message G1: DTM+7 C507 (gate.at, occurredAt) "7:202602301455:203" cannot be read: is not a valid date: want CCYYMMDDHHMM (format 203)`}},
		{name: "JSON schema error with line and column", args: []string{"validate", "--profile", "cpu/notification", schema}, code: 1,
			err: []string{schema + `:14:19: body.portLoCode "Antwerp" does not match the pattern ^[A-Z]{2}[A-Z2-9]{3}$ (schema notification.schema.json)`}},
		{name: "good and bad", args: []string{"validate", good, bad}, code: 1,
			out: []string{good + ": ok, portbase/coreor, 1 message(s), 2 event(s)"}},
		{name: "unknown profile", args: []string{"validate", "--profile", "x/y", good}, code: 2},
		{name: "no file", args: []string{"validate"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", errOut)
			if tt.out != nil {
				assert.Equal(t, tt.out, lines(out))
			}
			if tt.err != nil {
				assert.Equal(t, tt.err, lines(errOut))
			}
		})
	}
}

func TestProfilesListsTheBuiltins(t *testing.T) {
	code, out, _ := runCLI(t, "", "profiles")
	require.Equal(t, 0, code)
	ls := lines(out)
	require.NotEmpty(t, ls)
	assert.Regexp(t, `^PROFILE\s+SYNTAX\s+DIRECTION\s+DESCRIPTION$`, ls[0])
	for _, want := range []string{
		`^cpu/notification\s+json\s+decode\s`, `^cpu/transfer\s+json\s+encode\s`, `^portbase/coreor\s+edifact\s+both\s`,
		`^scr/release\s+json\s+decode\s`, `^smdg/codeco\s+edifact\s+both\s`,
	} {
		assert.Regexp(t, "(?m)"+want, out)
	}
}

func TestConformance(t *testing.T) {
	t.Run("run filter and JUnit", func(t *testing.T) {
		junit := filepath.Join(t.TempDir(), "junit.xml")
		code, out, errOut := runCLI(t, "", "conformance", "--fixtures", fixtures, "--run", "^smdg/codeco/", "--junit", junit)
		require.Equal(t, 0, code, errOut)
		n := countCases(t, filepath.Join(fixtures, "smdg/codeco"))
		assert.Contains(t, out, itoa(n)+" passed, 0 failed")
		assert.NotContains(t, out, "portbase/coreor")
		var suites struct {
			Suites []struct {
				Name     string `xml:"name,attr"`
				Tests    int    `xml:"tests,attr"`
				Failures int    `xml:"failures,attr"`
				Cases    []struct {
					Name string `xml:"name,attr"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		require.NoError(t, xml.Unmarshal(readFile(t, junit), &suites))
		require.Len(t, suites.Suites, 1)
		assert.Equal(t, "smdg/codeco", suites.Suites[0].Name)
		assert.Equal(t, n, suites.Suites[0].Tests)
		assert.Equal(t, 0, suites.Suites[0].Failures)
		assert.Len(t, suites.Suites[0].Cases, n)
	})
	t.Run("a failing case exits 1 with a diff", func(t *testing.T) {
		dir := t.TempDir()
		src := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers")
		dst := filepath.Join(dir, "portbase/coreor/d00b-two-containers")
		copyDir(t, src, dst)
		canon := filepath.Join(dst, "canonical.json")
		b := readFile(t, canon)
		require.Contains(t, string(b), "CSQU3054383")
		require.NoError(t, os.WriteFile(canon, bytes.Replace(b, []byte("MEDUNL123456"), []byte("BROKEN000000"), -1), 0o644))
		junit := filepath.Join(dir, "junit.xml")
		code, out, _ := runCLI(t, "", "conformance", "--fixtures", dir, "--junit", junit)
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "FAIL")
		assert.Contains(t, out, "BROKEN000000")
		assert.Contains(t, out, "MEDUNL123456")
		assert.Contains(t, out, "0 passed, 1 failed")
		assert.Contains(t, string(readFile(t, junit)), `failures="1"`)
	})
	t.Run("usage errors", func(t *testing.T) {
		code, _, _ := runCLI(t, "", "conformance", "--fixtures", fixtures, "--run", "(")
		assert.Equal(t, 2, code)
		code, _, _ = runCLI(t, "", "conformance", "--fixtures", filepath.Join(t.TempDir(), "none"))
		assert.Equal(t, 2, code)
		code, _, _ = runCLI(t, "", "conformance", "--fixtures", fixtures, "--run", "^no-such-case$")
		assert.Equal(t, 2, code)
	})
}

func countCases(t *testing.T, dir string) int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	n := 0
	for _, e := range ents {
		if e.IsDir() {
			n++
		}
	}
	return n
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}))
}

// copyMappings copies the spec tree (specs, schemas, code lists, READMEs)
// into a temporary folder.
func copyMappings(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ents, err := os.ReadDir("../../mappings")
	require.NoError(t, err)
	for _, e := range ents {
		if !e.IsDir() || e.Name() == "syntax" || e.Name() == "conformance" || e.Name() == "testdata" {
			continue
		}
		copyDir(t, filepath.Join("../../mappings", e.Name()), filepath.Join(dir, e.Name()))
	}
	return dir
}

func TestMappingsLint(t *testing.T) {
	t.Run("built-in", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "mappings", "lint")
		assert.Equal(t, 0, code)
		assert.Regexp(t, `^\d+ profiles ok\n$`, out)
	})
	t.Run("broken spec", func(t *testing.T) {
		dir := copyMappings(t)
		spec := filepath.Join(dir, "smdg/codeco/spec.yaml")
		b := readFile(t, spec)
		b = bytes.Replace(b, []byte("      check: iso6346\n"), []byte("      check: iso6346\n      colour: blue\n"), 1)
		require.NoError(t, os.WriteFile(spec, b, 0o644))
		code, out, errOut := runCLI(t, "", "mappings", "lint", "--dir", dir)
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		ls := lines(errOut)
		require.NotEmpty(t, ls)
		for _, l := range ls {
			assert.Regexp(t, `^smdg/codeco/spec\.yaml:\d+: `, l)
		}
		assert.Contains(t, errOut, "colour")
	})
	t.Run("secret not declared", func(t *testing.T) {
		dir := copyMappings(t)
		spec := filepath.Join(dir, "scr/release/spec.yaml")
		b := readFile(t, spec)
		b = bytes.Replace(b, []byte("  - path: encryptedPin\n    kind: ENCRYPTED_PIN\n"), []byte("  - path: pinRetrieved\n    kind: PIN\n"), 1)
		require.NoError(t, os.WriteFile(spec, b, 0o644))
		code, _, errOut := runCLI(t, "", "mappings", "lint", "--dir", dir)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "scr/release/spec.yaml: field credential.handle: secret field declared wrongly: it reads encryptedPin, which is not declared under secrets")
	})
	t.Run("not a folder", func(t *testing.T) {
		code, _, _ := runCLI(t, "", "mappings", "lint", "--dir", filepath.Join(t.TempDir(), "none"))
		assert.Equal(t, 2, code)
	})
	t.Run("partner overlays beside the built-in profiles", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "mappings", "lint", "--dir", "../../fixtures/overlays")
		assert.Equal(t, 0, code, errOut)
		assert.Regexp(t, `^\d+ profiles ok \(2 of ../../fixtures/overlays, beside the built-in ones\)\n$`, out)
	})
	t.Run("overlay extending a profile that does not exist", func(t *testing.T) {
		dir := t.TempDir()
		spec := bytes.Replace(readFile(t, "../../fixtures/overlays/acme-coreor/spec.yaml"), []byte("extends: portbase/coreor"), []byte("extends: portbase/coreorr"), 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "spec.yaml"), spec, 0o644))
		code, _, errOut := runCLI(t, "", "mappings", "lint", "--dir", dir)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "portbase/coreorr")
	})
	t.Run("a folder without specs", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "mappings", "lint", "--dir", t.TempDir())
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, "no spec.yaml in it")
	})
}

func TestMappingsDocsMatchCommittedREADMEs(t *testing.T) {
	dir := copyMappings(t)
	// Drop the copies, so docs writes them afresh.
	reg, err := mappings.Load(os.DirFS(dir))
	require.NoError(t, err)
	for _, p := range reg.Profiles() {
		require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(p.Name()), "README.md")))
	}
	code, out, errOut := runCLI(t, "", "mappings", "docs", "--dir", dir)
	require.Equal(t, 0, code, errOut)
	assert.Len(t, lines(out), len(reg.Profiles()), "one 'wrote' line per profile")
	for _, p := range reg.Profiles() {
		rel := filepath.Join(filepath.FromSlash(p.Name()), "README.md")
		assert.Equal(t, string(readFile(t, filepath.Join("../../mappings", rel))), string(readFile(t, filepath.Join(dir, rel))), "%s", rel)
	}
	code, out, _ = runCLI(t, "", "mappings", "docs", "--dir", dir)
	assert.Equal(t, 0, code)
	assert.Empty(t, out, "a second run has nothing to write")
}

// TestCommittedREADMEsAreCurrent fails make test when a spec changed and
// its README was not regenerated (pcsgate mappings docs).
func TestCommittedREADMEsAreCurrent(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	for _, p := range reg.Profiles() {
		path := filepath.Join("../../mappings", filepath.FromSlash(p.Name()), "README.md")
		assert.Equal(t, mappings.ProfileREADME(p), string(readFile(t, path)), "%s is stale: run pcsgate mappings docs", path)
	}
}

// --mappings loads a partner's overlay folder beside the built-in profiles.
func TestOverlayFolder(t *testing.T) {
	code, out, errOut := runCLI(t, "", "--mappings", "../../fixtures/overlays", "translate", "--from", "acme/coreor", "--to", "canonical", "../../fixtures/overlays/acme-coreor/input.edi")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"profile":"acme/coreor"`)
	code, _, errOut = runCLI(t, "", "--mappings", "no-such-folder", "profiles")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--mappings no-such-folder: not a folder of specs")
}
