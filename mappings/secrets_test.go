package mappings_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/syntax/edifact/edifactmap"
	"github.com/nexport/pcsgate/mappings/syntax/json/jsonmap"
	"github.com/nexport/pcsgate/mappings/syntax/xml/xmlmap"
)

// secretCase is one input through Decode: the secret it carries must be
// in no problem line and (with a seal key) in no event in clear.
type secretCase struct {
	name   string
	from   string // profile to read with; "" detects
	input  string
	secret string
	seen   bool // SecretSeen must be called (else it must not be)
	bad    bool // Decode must report a problem
}

const (
	scrPin   = "7f3c1e9a0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f"
	soneTCT  = "735204"
	alfapass = "40917312"
)

func fixtureText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile("../fixtures/" + path)
	require.NoError(t, err)
	return string(b)
}

// replaced is s with old replaced once; old must be there.
func replaced(t *testing.T, s, old, new string) string {
	t.Helper()
	require.Contains(t, s, old)
	return strings.Replace(s, old, new, 1)
}

func scrReleaseCases(t *testing.T) []secretCase {
	base := fixtureText(t, "scr/release/created-all-lights-green/input.json")
	pin := `"encryptedPin": "` + scrPin + `"`
	cut := base[:strings.Index(base, `"gateOut"`)]
	return []secretCase{
		{name: "scr good", input: base, secret: scrPin, seen: true},
		{name: "scr pin not a string", input: replaced(t, base, pin, `"encryptedPin": 47110815`), secret: "47110815", seen: true, bad: true},
		{name: "scr pin short", input: replaced(t, base, pin, `"encryptedPin": "4711"`), secret: "4711", seen: true},
		{name: "scr pin in the locode", input: replaced(t, base, `"pickupLoCode": "BEANR"`, `"pickupLoCode": "`+scrPin+`"`), secret: scrPin, seen: true, bad: true},
		{name: "scr schema violation beside the pin", input: replaced(t, base, `"blocked": false`, `"blocked": "maybe"`), secret: scrPin, seen: true, bad: true},
		{name: "scr cut after the pin, detected", input: cut, secret: scrPin, seen: true, bad: true},
		{name: "scr cut after the pin, named", from: "scr/release", input: cut, secret: scrPin, seen: true, bad: true},
		{name: "scr pin not quoted", input: replaced(t, base, pin, `"encryptedPin": 7f3c1e9a0b2d`), secret: "f3c1e9a0b2d", seen: true, bad: true},
		{name: "scr pin a bare word", from: "scr/release", input: replaced(t, base, pin, `"encryptedPin": tru7f3c1e9a0b2d`), secret: "7f3c1e9a0b2d", seen: true, bad: true},
		{name: "scr pin without colon", input: replaced(t, base, pin, `"encryptedPin" "7f3c1e9a0b2d"`), secret: "7f3c1e9a0b2d", seen: true, bad: true},
	}
}

func soneReleaseCases(t *testing.T) []secretCase {
	base := fixtureText(t, "sone/release/exit-authorisation-tct-road-le-havre/input.xml")
	tct := ">" + soneTCT + "<"
	return []secretCase{
		{name: "sone good", input: base, secret: soneTCT, seen: true},
		{name: "sone TCT of five digits", input: replaced(t, base, tct, ">73520<"), secret: "73520", seen: true, bad: true},
		{name: "sone TCT with a letter", input: replaced(t, base, tct, ">7352O4<"), secret: "7352O4", seen: true, bad: true},
		{name: "sone TCT outside Le Havre", input: replaced(t, base, `locode="FRLEH"`, `locode="FRURO"`), secret: soneTCT, seen: true, bad: true},
		{name: "sone TCT as the container number", input: replaced(t, base, `number="MSCU7210330"`, `number="`+soneTCT+`"`), secret: soneTCT, seen: true, bad: true},
		{name: "sone cut after the TCT", input: base[:strings.Index(base, "<rel:Organiser>")], secret: soneTCT, seen: true, bad: true},
	}
}

func cpuNotificationCases(t *testing.T) []secretCase {
	base := fixtureText(t, "cpu/notification/release-right-assigned-masked-alfapass/input.json")
	masked := `"alfapassNumber": "**12"`
	clear := replaced(t, base, masked, `"alfapassNumber": "`+alfapass+`"`)
	return []secretCase{
		// A number CPu masked is no secret: nothing to seal.
		{name: "cpu masked", input: base, secret: "no secret here", seen: false},
		{name: "cpu clear Alfapass", input: clear, secret: alfapass, seen: true},
		{name: "cpu Alfapass not a string", input: replaced(t, base, masked, `"alfapassNumber": `+alfapass), secret: alfapass, seen: true, bad: true},
		{name: "cpu pin beside the Alfapass", input: replaced(t, base, masked, masked+`, "pin": "4711"`), secret: "4711", bad: true},
		{name: "cpu Alfapass as the container", input: replaced(t, clear, `"equipmentNumber": "SLAU4821933"`, `"equipmentNumber": "`+alfapass+`"`), secret: alfapass, seen: true, bad: true},
	}
}

func otherSecretCases(t *testing.T) []secretCase {
	event := fixtureText(t, "scr/event/update/input.json")
	return []secretCase{
		// The leak this work started from: a member that is not allowed
		// was quoted with its value.
		{name: "scr event with a pin member", input: replaced(t, event, "{", `{"pin": "4711",`), secret: "4711", bad: true},
		{name: "no profile, JSON member of a secret", input: `{"hello": "x", "encryptedPin": "abcd1234"}`, secret: "abcd1234", seen: true, bad: true},
		{name: "no profile, no secret name", input: `{"hello": "abcd1234"}`, secret: "abcd1234", bad: true},
		{name: "no profile, XML element of a secret", input: `<Other xmlns:x="urn:x"><x:Credential type="TCT">735204</x:Credential></Other>`, secret: soneTCT, seen: true, bad: true},
		{name: "no profile, EDIFACT", input: "UNB+UNOA:2+A+B+261125:0930+1'UNH+1+NOPE:D:00B:UN'UNT+2+1'UNZ+1+1'", secret: "no secret here", bad: true},
	}
}

// TestDecodeKeepsSecretsOutOfProblems runs good and bad messages of every
// built-in profile with secrets, and inputs no profile reads: no problem
// line holds the secret, SecretSeen fires exactly when a secret is (or may
// be) there, OnSecret gives the secret of each good message, and the
// events hold no secret in clear.
func TestDecodeKeepsSecretsOutOfProblems(t *testing.T) {
	reg := defaultRegistry(t)
	var cases []secretCase
	for _, f := range []func(*testing.T) []secretCase{scrReleaseCases, soneReleaseCases, cpuNotificationCases, otherSecretCases} {
		cases = append(cases, f(t)...)
	}
	key := bytes.Repeat([]byte{7}, seal.KeySize)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seen := 0
			var found []string
			opts := mappings.DecodeOptions{Name: "in", From: c.from, SealKey: key, SecretSeen: func() { seen++ },
				OnSecret: func(v string) { found = append(found, v) }}
			events, lines := decode(t, reg, c.input, opts)
			for _, v := range found {
				assert.Contains(t, c.input, v, "OnSecret gives values as they stand in the input")
			}
			if c.seen && !c.bad {
				assert.Contains(t, found, c.secret, "OnSecret gives the secret of a good message, however short")
			}
			if len(found) > 0 {
				assert.Positive(t, seen, "a value given means a secret seen")
			}
			assert.Equal(t, c.bad, len(lines) > 0, "problems: %q", lines)
			for _, l := range lines {
				assert.NotContains(t, l, c.secret)
			}
			assert.Equal(t, c.seen, seen > 0, "SecretSeen calls")
			assert.LessOrEqual(t, seen, 1, "SecretSeen is called once per input")
			js, err := json.Marshal(events)
			require.NoError(t, err)
			assert.NotContains(t, string(js), c.secret)
		})
	}
}

// TestJSONLinesCleansEachLineOfItsSecret reads JSON Lines of SCR releases
// whose loadStatus is the line's own encryptedPin: each line's problem
// names the line and the field, and shows no pin.
func TestJSONLinesCleansEachLineOfItsSecret(t *testing.T) {
	const n = 3
	input := scrReleaseLines(t, n, linePin)
	seen := 0
	_, lines := decode(t, defaultRegistry(t), string(input), mappings.DecodeOptions{Name: "in.jsonl", SecretSeen: func() { seen++ }})
	require.Len(t, lines, n)
	for i, l := range lines {
		assert.Equal(t, fmt.Sprintf(`in.jsonl:%d:682: release_data.container.loadStatus must be one of "full", "empty", "empty with residue" (schema release.schema.json) (value not shown: secret)`, i+1), l)
		for j := range n {
			assert.NotContains(t, l, linePin(j))
		}
	}
	assert.Equal(t, 1, seen)
}

// TestDecodeProblemAboutSecretNamesTheField checks the shape of a line
// about a secret: the field and what is wrong, and the note instead of
// the value.
func TestDecodeProblemAboutSecretNamesTheField(t *testing.T) {
	base := fixtureText(t, "sone/release/exit-authorisation-tct-road-le-havre/input.xml")
	_, lines := decode(t, defaultRegistry(t), replaced(t, base, ">"+soneTCT+"<", ">73520<"), mappings.DecodeOptions{Name: "in.xml"})
	require.Len(t, lines, 1)
	assert.Equal(t, "in.xml:33: message SONE-2026-000301: rel:Credential[@type='TCT'] (credential.handle) is not a TCT: 5 characters, expected 6 digits (value not shown: secret)", lines[0])
}

// TestDecodeFindsSecretNameSplitBetweenReads reads an input no profile
// reads one byte at a time: the member name of a secret is split between
// reads, and still recognised.
func TestDecodeFindsSecretNameSplitBetweenReads(t *testing.T) {
	reg := defaultRegistry(t)
	for _, in := range []string{`{"a": 1, "encryptedPin": "x"}`, `<a><b:Credential xmlns:b="urn:b">1</b:Credential></a>`} {
		seen := false
		err := reg.Decode(iotest.OneByteReader(strings.NewReader(in)), mappings.DecodeOptions{SecretSeen: func() { seen = true }},
			func(mappings.Batch) error { return nil })
		require.ErrorIs(t, err, mappings.ErrNoProfile)
		assert.True(t, seen, in)
	}
}

// The example overlay of a partner feed that carries a driver's document
// number, declared secret, and one of its messages.
var (
	driverSpec  = mustRead("../fixtures/overlays/acme-drivers/spec.yaml")
	driverInput = mustRead("../fixtures/overlays/acme-drivers/input.json")
)

func mustRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestDriverIdentificationTravelsSealed decodes a driver's identification
// with a seal key: the event holds it sealed, passes the canonical schema,
// and scr/assign writes it whole with the key and refuses without it.
func TestDriverIdentificationTravelsSealed(t *testing.T) {
	reg, err := mappings.Load(withBuiltins(t, map[string]string{"acme/drivers/spec.yaml": driverSpec}))
	require.NoError(t, err)
	key := bytes.Repeat([]byte{9}, seal.KeySize)
	events, lines := decode(t, reg, driverInput, mappings.DecodeOptions{SealKey: key})
	require.Empty(t, lines)
	require.Len(t, events, 1)
	js, err := json.Marshal(events[0])
	require.NoError(t, err)
	assert.NotContains(t, string(js), "EK4471829")
	assert.True(t, seal.IsSealedString(events[0].Assignment.Driver.Identification))
	assert.Equal(t, "*****1829", events[0].Assignment.Driver.MaskedID)
	require.NoError(t, canonical.ValidateEventJSON(js))

	assign, err := reg.Profile("scr/assign")
	require.NoError(t, err)
	encode := func(k []byte) (string, error) {
		var out bytes.Buffer
		enc, err := assign.NewEncoder(&out, mappings.EncodeOptions{Name: "out", SealKey: k})
		require.NoError(t, err)
		err = enc.Encode(events)
		if cerr := enc.Close(); err == nil {
			err = cerr
		}
		return out.String(), err
	}
	out, err := encode(key)
	require.NoError(t, err)
	assert.Contains(t, out, `"identification":"EK4471829"`)

	for name, k := range map[string][]byte{"no key": nil, "another key": bytes.Repeat([]byte{1}, seal.KeySize)} {
		out, err := encode(k)
		require.ErrorIs(t, err, mappings.ErrSealed, name)
		assert.Contains(t, err.Error(), "body.identification", name)
		assert.NotContains(t, out+err.Error(), "EK4471829", name)
		assert.NotContains(t, err.Error(), "sealed:v1:", name)
	}

	clear, lines := decode(t, reg, driverInput, mappings.DecodeOptions{})
	require.Empty(t, lines)
	assert.Equal(t, "EK4471829", clear[0].Assignment.Driver.Identification, "without a seal key it is kept as read")
}

// TestSealedValueOnlyWhereDeclared encodes an event whose sealed
// identification a profile writes at a place it does not declare secret:
// refused, even with the key.
func TestSealedValueOnlyWhereDeclared(t *testing.T) {
	undeclared := strings.Replace(fixtureSpec(t, "scr/assign"), "secrets:\n  - path: body.identification", "secrets:\n  - path: pcsgate.driver.maskedId", 1)
	undeclared = strings.Replace(undeclared, "profile: scr/assign", "profile: test/assign", 1)
	reg, err := mappings.Load(withBuiltins(t, map[string]string{"acme/drivers/spec.yaml": driverSpec, "test/assign/spec.yaml": undeclared,
		"test/assign/assign.schema.json": fixtureSpecFile(t, "scr/assign/assign.schema.json")}))
	require.NoError(t, err)
	key := bytes.Repeat([]byte{9}, seal.KeySize)
	events, lines := decode(t, reg, driverInput, mappings.DecodeOptions{SealKey: key})
	require.Empty(t, lines)
	p, err := reg.Profile("test/assign")
	require.NoError(t, err)
	enc, err := p.NewEncoder(&bytes.Buffer{}, mappings.EncodeOptions{SealKey: key})
	require.NoError(t, err)
	err = enc.Encode(events)
	require.ErrorIs(t, err, mappings.ErrSealed)
	assert.Contains(t, err.Error(), "does not declare this place secret")
}

// encodeAssign encodes events to scr/assign with key, returning what was
// written and the error.
func encodeAssign(t *testing.T, reg *mappings.Registry, key []byte, events ...*canonical.ReleaseEvent) (string, error) {
	t.Helper()
	assign, err := reg.Profile("scr/assign")
	require.NoError(t, err)
	var out bytes.Buffer
	enc, err := assign.NewEncoder(&out, mappings.EncodeOptions{Name: "out", SealKey: key})
	require.NoError(t, err)
	err = enc.Encode(events)
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	return out.String(), err
}

// TestSealedValueOpensOnlyInItsField moves or copies a driver's sealed
// identification into the train's id or the barge's ENI, which scr/assign
// writes at the same secret place: it does not open there, and the line
// names the field that holds it, not the value.
func TestSealedValueOpensOnlyInItsField(t *testing.T) {
	reg, err := mappings.Load(withBuiltins(t, map[string]string{"acme/drivers/spec.yaml": driverSpec}))
	require.NoError(t, err)
	key := bytes.Repeat([]byte{9}, seal.KeySize)
	cases := map[string]struct {
		field string
		move  func(a *canonical.Assignment, sealed string)
	}{
		"train id, moved": {"assignment.train.id", func(a *canonical.Assignment, sealed string) {
			a.Modality, a.Train, a.Driver.Identification = "RAIL", &canonical.Train{ID: sealed}, ""
		}},
		"train id, copied": {"assignment.train.id", func(a *canonical.Assignment, sealed string) {
			a.Modality, a.Train = "RAIL", &canonical.Train{ID: sealed}
		}},
		"barge ENI, moved": {"assignment.barge.eni", func(a *canonical.Assignment, sealed string) {
			a.Modality, a.Barge, a.Driver.Identification = "BARGE", &canonical.Barge{Name: "RHEINGOLD", ENI: sealed}, ""
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			events, lines := decode(t, reg, driverInput, mappings.DecodeOptions{SealKey: key})
			require.Empty(t, lines)
			require.Len(t, events, 1)
			sealed := events[0].Assignment.Driver.Identification
			require.True(t, seal.IsSealedString(sealed))
			c.move(events[0].Assignment, sealed)
			out, err := encodeAssign(t, reg, key, events[0])
			require.ErrorIs(t, err, mappings.ErrSealed)
			assert.Contains(t, err.Error(), "body.identification holds a sealed secret: the one in "+c.field+" was sealed for another field, or under another key")
			assert.NotContains(t, out+err.Error(), "EK4471829")
			assert.NotContains(t, err.Error(), sealed)
		})
	}
}

// TestSealedInputIsRefused reads an input whose values already start as
// sealed strings, one sealed under the gateway's own key for the driver's
// identification: each is refused with a line naming the field, and none
// reaches an event.
func TestSealedInputIsRefused(t *testing.T) {
	reg, err := mappings.Load(withBuiltins(t, map[string]string{"acme/drivers/spec.yaml": driverSpec}))
	require.NoError(t, err)
	key := bytes.Repeat([]byte{9}, seal.KeySize)
	stolen, err := seal.SealStringFor(key, "assignment.driver.identification", "EK4471829")
	require.NoError(t, err)
	cases := map[string]struct{ input, want string }{
		"driver's identification": {replaced(t, driverInput, `"EK4471829"`, `"`+stolen+`"`),
			"driver.documentNumber (assignment.driver.maskedId, assignment.driver.identification) " + mappings.ErrSealedInput.Error()},
		"bill of lading": {replaced(t, driverInput, `"MCLUANR2611043"`, `"sealed:v1:AAAA"`),
			"bl (key.blNumber) " + mappings.ErrSealedInput.Error()},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			for _, k := range [][]byte{key, nil} {
				var events []*canonical.ReleaseEvent
				err := reg.Decode(strings.NewReader(c.input), mappings.DecodeOptions{Name: "in.json", SealKey: k}, func(b mappings.Batch) error {
					events = append(events, b.Events...)
					return nil
				})
				require.ErrorIs(t, err, mappings.ErrSealedInput)
				assert.Empty(t, events)
				lines := mappings.Lines(err)
				require.Len(t, lines, 1)
				assert.Contains(t, lines[0], c.want)
				assert.NotContains(t, lines[0], "EK4471829")
				assert.NotContains(t, lines[0], "sealed:v1:A")
			}
		})
	}
}

func fixtureSpec(t *testing.T, profile string) string {
	return fixtureSpecFile(t, profile+"/spec.yaml")
}

func fixtureSpecFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// TestSecretDeclarationsAreChecked loads specs whose secrets are declared
// wrongly: each is refused with a line that says why.
func TestSecretDeclarationsAreChecked(t *testing.T) {
	head := "profile: test/s\ndescription: d\nsyntax: json\n"
	dec := "decode:\n  type: {const: ASSIGNED}\n  fields:\n"
	cases := map[string]struct{ spec, want string }{
		"handle from an undeclared path": {head + dec + "    - {target: credential.handle, from: pin, as: handle}\n",
			"field credential.handle: secret field declared wrongly: it reads pin, which is not declared under secrets"},
		"handle from an expression": {head + "secrets: [{path: pin, kind: PIN}]\n" + dec + "    - {target: credential.handle, expr: '\"x\"', as: handle}\n",
			"as handle needs a from path declared under secrets"},
		"identification from an undeclared path": {head + dec + "    - {target: assignment.driver.identification, from: doc}\n",
			"it reads doc, which is not declared under secrets"},
		"unknown kind": {head + "secrets: [{path: pin, kind: PASSWORD}]\n" + dec + "    - {target: credential.handle, from: pin, as: handle}\n",
			`secrets[0] pin: secret field declared wrongly: kind "PASSWORD" is not one of PIN, ENCRYPTED_PIN, TCT, DRIVER_ID, ALFAPASS`},
		"path the syntax cannot address": {head + "secrets: [{path: \"a[\", kind: PIN}]\n" + dec + "    - {target: key.port, from: port}\n",
			"secrets[0] a[: secret field declared wrongly: the json syntax cannot address it"},
		"encode place not written": {head + "secrets: [{path: body.pin, kind: PIN}]\nencode:\n  types: [ASSIGNED]\n  document:\n    body: {id: {from: id}}\n",
			"secrets[0] body.pin: secret field declared wrongly: the encode section writes no field there"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := mappings.Load(withCodelists(t, map[string]string{"test/s/spec.yaml": c.spec}))
			require.ErrorIs(t, err, mappings.ErrSecretSpec)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestSecretMarks checks how each syntax says a secret's name stands in
// its inputs, which is what an input no profile reads is searched for.
func TestSecretMarks(t *testing.T) {
	cases := []struct {
		syntax engine.SecretMarker
		path   string
		want   []string
	}{
		{jsonmap.Syntax{}, "encryptedPin", []string{`"encryptedPin"`}},
		{jsonmap.Syntax{}, "@.driver.alfapassNumber", []string{`"alfapassNumber"`}},
		{jsonmap.Syntax{}, "body.pins[0]", []string{`"pins"`}},
		{jsonmap.Syntax{}, "$", nil},
		{xmlmap.Syntax{}, "rel:Credential[@type='TCT']", []string{"<Credential", ":Credential"}},
		{xmlmap.Syntax{}, "/rel:Release/rel:Driver/@pin", []string{" pin="}},
		{xmlmap.Syntax{}, "rel:Exit[rel:Mode/x='a/b']/rel:Tct", []string{"<Tct", ":Tct"}},
		{edifactmap.Syntax{}, "RFF[AKY|PIN].C506.1154", []string{"RFF+AKY", "RFF+PIN"}},
		{edifactmap.Syntax{}, "EQD/RFF[PIN].C506.1154", []string{"RFF+PIN"}},
		{edifactmap.Syntax{}, "BGM.1004", nil},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.syntax.SecretMarks(c.path), c.path)
	}
}

// TestCleanedProblemKeepsItsSentinel checks that a problem cleaned of a
// secret still matches its sentinel and, found with errors.As, holds no
// value.
func TestCleanedProblemKeepsItsSentinel(t *testing.T) {
	base := fixtureText(t, "scr/release/created-all-lights-green/input.json")
	in := replaced(t, base, `"pickupLoCode": "BEANR"`, `"pickupLoCode": "`+scrPin+`"`)
	err := defaultRegistry(t).Decode(strings.NewReader(in), mappings.DecodeOptions{Name: "in.json"}, func(mappings.Batch) error { return nil })
	require.ErrorIs(t, err, canonical.ErrLocode)
	var e *mappings.Error
	require.ErrorAs(t, err, &e)
	assert.True(t, e.Secret)
	assert.Empty(t, e.Value)
	assert.Equal(t, "in.json:18:26: release_data.container.pickupLoCode (key.port) is not a UN/LOCODE: expected 5 characters, as NLRTM, got 64 (value not shown: secret)", e.Error())
}

// TestSealedValueNeverCopiedPlain encodes a sealed identification that a
// profile copies with a plain from into a place it does not declare
// secret: refused, not written sealed.
func TestSealedValueNeverCopiedPlain(t *testing.T) {
	plain := `profile: test/plain
description: copies the identification
syntax: json
encode:
  types: [ASSIGNED]
  document:
    id: {from: assignment.driver.identification}
`
	reg, err := mappings.Load(withBuiltins(t, map[string]string{"acme/drivers/spec.yaml": driverSpec, "test/plain/spec.yaml": plain}))
	require.NoError(t, err)
	key := bytes.Repeat([]byte{9}, seal.KeySize)
	events, lines := decode(t, reg, driverInput, mappings.DecodeOptions{SealKey: key})
	require.Empty(t, lines)
	p, err := reg.Profile("test/plain")
	require.NoError(t, err)
	var out bytes.Buffer
	enc, err := p.NewEncoder(&out, mappings.EncodeOptions{SealKey: key})
	require.NoError(t, err)
	err = enc.Encode(events)
	require.ErrorIs(t, err, mappings.ErrSealed)
	assert.Empty(t, out.String())
}
