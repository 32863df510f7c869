package jsonmap

import (
	"bufio"
	"fmt"
	"slices"

	"github.com/nexport/pcsgate/mappings/engine"

	"github.com/nexport/pcsgate/canonical"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
	"github.com/xeipuuv/gojsonschema"
)

func decodeJSON(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	limit := int64(16 << 20)
	if fixed != nil {
		limit = fixed.MaxBytes
	}
	data, err := readAllBuffered(br, limit+1)
	if err != nil {
		return err
	}
	if int64(len(data)) > limit {
		return &engine.Error{File: opts.Name, Err: fmt.Errorf("%w: larger than %d bytes", engine.ErrInput, limit)}
	}
	return decodeDocument(r, data, limit, fixed, opts, emit)
}

// decodeDocument decodes one JSON document of at most limit bytes with
// fixed, or the profile it detects. data must be the caller's own and
// never change afterwards: the decoded strings share it.
func decodeDocument(r *engine.Registry, data []byte, limit int64, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	root, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{Name: opts.Name, MaxBytes: limit, ShareInput: true})
	if err != nil {
		opts.Unread(fixed)
		return err
	}
	p := fixed
	if p == nil {
		if p, err = detectJSON(r, root, data); err != nil {
			opts.Unread(nil)
			return &engine.Error{File: opts.Name, Line: 1, Err: err}
		}
	}
	dc := &engine.DecodeCtx{Profile: p, File: opts.Name, Opts: opts}
	doc := &engine.Doc{Root: root, Raw: data, Plain: jsonsyn.Plain}
	dc.CollectSecrets(doc) // before the schema check, whose problems may quote them
	if err := CheckDecoded(p, data, root, opts.Name); err != nil {
		return err
	}
	src := canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name()}
	events, err := dc.DecodeDoc(doc, src)
	if len(events) > 0 {
		if eerr := emit(engine.Batch{Profile: p, Ref: events[0].Source.MessageRef, Events: events}); eerr != nil {
			return eerr
		}
	}
	return err
}

// detectJSON picks the JSON profile whose discriminator matches (match.path
// and values), falling back to the profiles whose schema the input passes.
func detectJSON(r *engine.Registry, root any, data []byte) (*engine.Profile, error) {
	var bySchema []*engine.Profile
	for _, p := range r.Profiles() {
		if !engine.IsSyntax[Syntax](p) || p.Dec == nil || p.Spec.Extends != "" {
			continue
		}
		if m := p.Spec.Match; m != nil && m.Path != "" {
			path, err := jsonsyn.CompilePath(m.Path)
			if err != nil {
				continue
			}
			v, ok := path.Get(root, nil)
			if ok && (len(m.Values) == 0 || slices.Contains(m.Values, engine.Text(v))) {
				return p, nil
			}
			continue
		}
		if p.Schema != nil {
			if res, err := p.Schema.Validate(gojsonschema.NewBytesLoader(data)); err == nil && res.Valid() {
				bySchema = append(bySchema, p)
			}
		}
	}
	if len(bySchema) == 1 {
		return bySchema[0], nil
	}
	return nil, fmt.Errorf("%w: no JSON profile recognises this document; name one with --from", engine.ErrNoProfile)
}
