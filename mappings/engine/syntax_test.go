package engine_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
)

// kvSyntax is a whole wire syntax in a few dozen lines, as a new one would
// be added: an input starts with "KV1" and holds key=value lines, a path
// names a key, and each input is one message. It shows that the engine
// needs nothing but a value implementing engine.Syntax in its table.
type kvSyntax struct{}

func (kvSyntax) Name() string                                  { return "kv" }
func (kvSyntax) Extension() string                             { return ".kv" }
func (kvSyntax) ReusesReader() bool                            { return false }
func (kvSyntax) Sniff(head []byte) bool                        { return bytes.HasPrefix(head, []byte("KV1")) }
func (kvSyntax) Paths(*spec.Spec) (engine.PathCompiler, error) { return kvPaths{}, nil }
func (kvSyntax) README(b *strings.Builder, _ *engine.Profile) {
	b.WriteString("\n## Lines\n\nkey=value\n")
}
func (kvSyntax) CompileEncode(*engine.Compiler, *spec.Spec) (engine.Encoding, error) {
	return nil, fmt.Errorf("%w: kv is read only", spec.ErrSpec)
}

// kvDoc is one input: its lines by key, and the line each key stood on.
type kvDoc struct {
	vals  map[string]string
	lines map[string]int
}

func (kvSyntax) Decode(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	data, err := io.ReadAll(br)
	if err != nil {
		return err
	}
	d := kvDoc{vals: map[string]string{}, lines: map[string]int{}}
	for i, line := range strings.Split(string(data), "\n")[1:] {
		if k, v, ok := strings.Cut(line, "="); ok {
			d.vals[k], d.lines[k] = v, i+2
		}
	}
	p := fixed
	if p == nil {
		if p, err = r.Profile("test/kv"); err != nil {
			return err
		}
	}
	dc := &engine.DecodeCtx{Profile: p, File: opts.Name, Opts: opts}
	events, err := dc.DecodeDoc(&engine.Doc{Root: d}, canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name()})
	if len(events) > 0 {
		if eerr := emit(engine.Batch{Profile: p, Events: events}); eerr != nil {
			return eerr
		}
	}
	return err
}

type kvPaths struct{}

func (kvPaths) CompilePath(path string) (engine.Selector, error) { return kvSelector(path), nil }
func (kvPaths) CompileEach(path string) (engine.Splitter, error) {
	return nil, fmt.Errorf("%w: kv has no each", spec.ErrSpec)
}

type kvSelector string

func (s kvSelector) First(d *engine.Doc) (engine.Located, bool) {
	kv := d.Root.(kvDoc)
	v, ok := kv.vals[string(s)]
	if !ok {
		return engine.Located{}, false
	}
	return engine.Located{W: engine.Str(v), At: engine.Position{Line: kv.lines[string(s)], Segment: string(s), Value: v}}, true
}

func (s kvSelector) All(d *engine.Doc) []engine.Located {
	if l, ok := s.First(d); ok {
		return []engine.Located{l}
	}
	return nil
}

func (s kvSelector) Where(*engine.Doc) engine.Position { return engine.Position{Segment: string(s)} }

var kvSpec = `profile: test/kv
description: key=value lines
syntax: kv
decode:
  type: {const: RELEASE_CREATED}
  fields:
    - target: key.port
      from: port
      required: true
    - target: key.containerNumber
      from: container
      check: iso6346
    - target: key.blNumber
      from: bl
`

// TestANewSyntaxIsOneTableEntry loads a spec of the kv syntax with a table
// holding kv alone, and decodes with it: detection by sniffing, paths,
// checks and positioned errors all come from the engine.
func TestANewSyntaxIsOneTableEntry(t *testing.T) {
	fsys := fstest.MapFS{"test/kv/spec.yaml": {Data: []byte(kvSpec)}}
	reg, err := engine.Load(fsys, []engine.Syntax{kvSyntax{}})
	require.NoError(t, err)
	p, err := reg.Profile("test/kv")
	require.NoError(t, err)
	assert.Equal(t, ".kv", p.Extension())
	assert.Contains(t, engine.ProfileREADME(p), "## Lines")

	var got []*canonical.ReleaseEvent
	emit := func(b engine.Batch) error { got = append(got, b.Events...); return nil }
	in := "KV1\nport=NLRTM\ncontainer=MSCU1234566\nbl=B1\n"
	require.NoError(t, reg.Decode(strings.NewReader(in), engine.DecodeOptions{Name: "a.kv"}, emit))
	require.Len(t, got, 1)
	assert.Equal(t, canonical.EventType("RELEASE_CREATED"), got[0].Type)
	assert.Equal(t, "MSCU1234566", got[0].Key.ContainerNumber)
	assert.Equal(t, "test/kv", got[0].Source.Profile)

	err = reg.Decode(strings.NewReader("KV1\nport=NLRTM\ncontainer=MSCU1234565\n"), engine.DecodeOptions{Name: "b.kv"}, emit)
	require.ErrorIs(t, err, canonical.ErrCheckDigit)
	assert.Contains(t, err.Error(), `b.kv:3: container (key.containerNumber) "MSCU1234565"`)

	_, err = engine.Load(fstest.MapFS{"test/kv/spec.yaml": {Data: []byte(kvSpec)}}, nil)
	require.ErrorIs(t, err, spec.ErrSpec, "without kv in the table, the spec names an unknown syntax")
}
