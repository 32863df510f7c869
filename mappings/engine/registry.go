package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/nexport/pcsgate/mappings/jsonschema"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/xeipuuv/gojsonschema"
)

// ErrDuplicateKey marks two specs claiming the same profile name.
var ErrDuplicateKey = errors.New("is defined twice")

// Registry holds the compiled profiles. Keys are profile names matching
// their folder, e.g. "portbase/coreor".
type Registry struct {
	syntaxes  []Syntax
	byKey     map[string]*Profile
	sorted    []*Profile
	codelists map[string]*codeList
	// marks are the declared secret names as inputs write them.
	marks []string
}

// Profile is a compiled spec.
type Profile struct {
	Spec   *spec.Spec
	syntax Syntax
	paths  PathCompiler
	Dec    *compiledDecode
	Enc    *compiledEncode

	Schema             *gojsonschema.Schema
	QuickSchema        *jsonschema.Schema // passes valid documents without gojsonschema; nil if the schema is beyond it
	Zone               string
	allowBadCheckDigit bool
	MaxBytes           int64

	secrets []secretField
	// secretTargets are the canonical paths filled from declared secrets,
	// with their kinds.
	secretTargets map[string]string
}

// Name is the profile name, "<pcs>/<profile>".
func (p *Profile) Name() string { return p.Spec.Profile }

// CanDecode and CanEncode report the profile's directions.
func (p *Profile) CanDecode() bool { return p.Dec != nil }
func (p *Profile) CanEncode() bool { return p.Enc != nil }

// Load reads every <pcs>/<profile>/spec.yaml and codelists/*.yaml
// in fsys, checks them against spec.schema.json and compiles them with the
// given table of wire syntaxes. All problems are reported together.
func Load(fsys fs.FS, syntaxes []Syntax) (*Registry, error) {
	r := &Registry{syntaxes: syntaxes, byKey: map[string]*Profile{}, codelists: map[string]*codeList{}}
	var errs []error
	cls, _ := fs.Glob(fsys, "codelists/*.yaml")
	for _, f := range cls {
		if err := r.loadCodelist(fsys, f); err != nil {
			errs = append(errs, err)
		}
	}
	files, err := fs.Glob(fsys, "*/*/spec.yaml")
	if err != nil {
		return nil, err
	}
	specs := map[string]*spec.Spec{}
	broken := map[string]bool{} // folders whose spec failed to parse
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s, err := spec.Parse(f, data)
		if err != nil {
			errs = append(errs, err)
			broken[path.Dir(f)] = true
			continue
		}
		s.Dir = path.Dir(f)
		if s.Profile != s.Dir {
			errs = append(errs, fmt.Errorf("%s: %w: profile %q must match its folder %q", f, spec.ErrSpec, s.Profile, s.Dir))
			continue
		}
		if prev, ok := specs[s.Profile]; ok {
			errs = append(errs, fmt.Errorf("mapping %s: defined in %s and %s: %w", s.Profile, prev.File, s.File, ErrDuplicateKey))
			continue
		}
		specs[s.Profile] = s
	}
	keys := make([]string, 0, len(specs))
	for k := range specs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if broken[specs[k].Extends] {
			// Its base is reported already; saying "does not exist" about
			// it would only mislead.
			continue
		}
		merged, err := resolveExtends(specs, specs[k], 0)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := r.compile(fsys, merged)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", specs[k].File, err))
			continue
		}
		r.byKey[k] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, p := range r.byKey {
		r.sorted = append(r.sorted, p)
	}
	sort.Slice(r.sorted, func(i, j int) bool { return r.sorted[i].Name() < r.sorted[j].Name() })
	r.marks = r.secretMarks()
	return r, nil
}

// Profile returns the named profile.
func (r *Registry) Profile(name string) (*Profile, error) {
	if p, ok := r.byKey[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("%q %w (see pcsgate profiles)", name, ErrUnknownProfile)
}

// Profiles lists every profile, sorted by name. The slice is shared: do
// not modify it.
func (r *Registry) Profiles() []*Profile { return r.sorted }

// resolveExtends merges an overlay onto the profile it extends.
func resolveExtends(specs map[string]*spec.Spec, s *spec.Spec, depth int) (*spec.Spec, error) {
	if s.Extends == "" {
		return s, nil
	}
	if depth > 8 {
		return nil, fmt.Errorf("%s: %w: extends chain too deep", s.File, spec.ErrSpec)
	}
	base, ok := specs[s.Extends]
	if !ok {
		return nil, fmt.Errorf("%s: %w: extends %q, which does not exist", s.File, spec.ErrSpec, s.Extends)
	}
	base, err := resolveExtends(specs, base, depth+1)
	if err != nil {
		return nil, err
	}
	return spec.Overlay(base, s), nil
}

// Compiler compiles one spec against the registry's code lists.
type Compiler struct{ r *Registry }

func (c *Compiler) codelist(name string) (*codeList, error) {
	if cl, ok := c.r.codelists[name]; ok {
		return cl, nil
	}
	return nil, fmt.Errorf("code list %q does not exist (mappings/codelists/%s.yaml)", name, name)
}

func (r *Registry) compile(fsys fs.FS, s *spec.Spec) (*Profile, error) {
	syn := r.syntaxNamed(s.Syntax)
	if syn == nil {
		return nil, fmt.Errorf("%w: syntax %q is not one of %s", spec.ErrSpec, s.Syntax, r.syntaxNames())
	}
	p := &Profile{Spec: s, syntax: syn, Zone: "port", MaxBytes: 16 << 20}
	if s.Options != nil {
		p.Zone = FirstNonEmpty(s.Options.Zone, p.Zone)
		p.allowBadCheckDigit = s.Options.AllowBadCheckDigit
		if s.Options.MaxBytes > 0 {
			p.MaxBytes = s.Options.MaxBytes
		}
	}
	c := &Compiler{r: r}
	var err error
	if p.paths, err = syn.Paths(s); err != nil {
		return nil, err
	}
	if s.Schema != "" {
		data, err := fs.ReadFile(fsys, path.Join(s.Dir, s.Schema))
		if err != nil && s.Extends != "" {
			data, err = fs.ReadFile(fsys, path.Join(s.Extends, s.Schema))
		}
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", s.Schema, err)
		}
		if p.Schema, err = gojsonschema.NewSchema(gojsonschema.NewBytesLoader(data)); err != nil {
			return nil, fmt.Errorf("schema %s: %s", s.Schema, spec.OneLine(err.Error()))
		}
		p.QuickSchema, _ = jsonschema.Compile(data) // nil: gojsonschema checks every document
	}
	if s.Decode != nil {
		if p.Dec, err = c.compileDecode(s, p.paths); err != nil {
			return nil, err
		}
	}
	if s.Encode != nil {
		if p.Enc, err = c.compileEncode(p, s); err != nil {
			return nil, err
		}
	}
	if err := c.compileSecrets(p); err != nil {
		return nil, err
	}
	p.layoutEvents()
	p.bindDecode()
	return p, nil
}

func (c *Compiler) compileDecode(s *spec.Spec, paths PathCompiler) (*compiledDecode, error) {
	d := &compiledDecode{}
	var errs []error
	if s.Decode.Each != "" {
		sp, err := paths.CompileEach(s.Decode.Each)
		if err != nil {
			return nil, err
		}
		d.each = sp
	}
	if s.Decode.Type == nil {
		return nil, fmt.Errorf("%w: decode needs a type", spec.ErrSpec)
	}
	var zoned []*CompiledField
	for _, f := range s.Decode.Fields {
		cf, err := c.compileDecodeField(f, paths)
		if err != nil {
			errs = append(errs, fmt.Errorf("field %s: %w", f.Target, err))
			continue
		}
		if cf.zoned {
			zoned = append(zoned, cf)
		} else {
			d.Fields = append(d.Fields, cf)
		}
	}
	d.Fields = append(d.Fields, zoned...)
	for i := 1; i < len(d.Fields); i++ {
		cf, prev := d.Fields[i], d.Fields[i-1]
		cf.sameWhen = cf.fastWhen != nil && prev.fastWhen != nil && cf.Spec.When == prev.Spec.When
	}
	for i, f := range s.Decode.Checks {
		cf, err := c.compileDecodeField(f, paths)
		if err != nil {
			errs = append(errs, fmt.Errorf("checks[%d]: %w", i, err))
			continue
		}
		d.checks = append(d.checks, cf)
	}
	t, err := c.compileDecodeField(s.Decode.Type, paths)
	if err != nil {
		errs = append(errs, fmt.Errorf("type: %w", err))
	}
	d.typ = t
	return d, errors.Join(errs...)
}

// codeList is a table of wire codes and canonical values, usable both ways.
type codeList struct {
	decode map[string]string // wire code -> canonical value
	encode map[string]string // canonical value -> first wire code
}

type codeListFile struct {
	Name  string `yaml:"name"`
	Doc   string `yaml:"doc"`
	Codes []struct {
		Code  string `yaml:"code"`
		Value string `yaml:"value"`
		Doc   string `yaml:"doc"`
		// Also lists further canonical values written as this code.
		Also []string `yaml:"also"`
	} `yaml:"codes"`
}

func (r *Registry) loadCodelist(fsys fs.FS, file string) error {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return err
	}
	var f codeListFile
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return fmt.Errorf("%s: %w: %s", file, spec.ErrSpec, spec.OneLine(yaml.FormatError(err, false, false)))
	}
	want := strings.TrimSuffix(path.Base(file), ".yaml")
	if f.Name != want {
		return fmt.Errorf("%s: %w: name %q must match the file name", file, spec.ErrSpec, f.Name)
	}
	cl := &codeList{decode: map[string]string{}, encode: map[string]string{}}
	for _, c := range f.Codes {
		if _, dup := cl.decode[c.Code]; dup {
			return fmt.Errorf("%s: code %q %w", file, c.Code, ErrDuplicateKey)
		}
		cl.decode[c.Code] = c.Value
		for _, v := range append([]string{c.Value}, c.Also...) {
			if _, ok := cl.encode[v]; !ok {
				cl.encode[v] = c.Code
			}
		}
	}
	r.codelists[f.Name] = cl
	return nil
}

// Extension is the file extension of the profile's wire syntax, for the
// files pcsgate writes in it (".edi", ".json", ".xml", ".csv", ".fsu").
func (p *Profile) Extension() string { return p.syntax.Extension() }

// syntaxNames lists the names of the registry's syntaxes.
func (r *Registry) syntaxNames() string {
	names := make([]string, len(r.syntaxes))
	for i, s := range r.syntaxes {
		names[i] = s.Name()
	}
	return strings.Join(names, ", ")
}
