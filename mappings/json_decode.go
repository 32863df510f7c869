package mappings

import (
	"bufio"
	"fmt"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"

	"github.com/nexport/pcsgate/canonical"
	"github.com/xeipuuv/gojsonschema"
)

func (r *Registry) decodeJSON(br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	limit := int64(16 << 20)
	if fixed != nil {
		limit = fixed.MaxBytes
	}
	data, err := readAllBuffered(br, limit+1)
	if err != nil {
		return err
	}
	if int64(len(data)) > limit {
		return &Error{File: opts.Name, Err: fmt.Errorf("%w: larger than %d bytes", ErrInput, limit)}
	}
	// data is ours and never changes: the decoded strings may share it.
	root, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{Name: opts.Name, MaxBytes: limit, ShareInput: true})
	if err != nil {
		return err
	}
	p := fixed
	if p == nil {
		if p, err = r.detectJSON(root, data); err != nil {
			return &Error{File: opts.Name, Line: 1, Err: err}
		}
	}
	if err := p.checkDecoded(data, root, opts.Name); err != nil {
		return err
	}
	src := canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name()}
	dc := &DecodeCtx{Profile: p, File: opts.Name, Opts: opts}
	events, err := dc.DecodeDoc(&Doc{Root: root, Raw: data, Plain: plainJSON}, src)
	if len(events) > 0 {
		if eerr := emit(Batch{Profile: p, Ref: events[0].Source.MessageRef, Events: events}); eerr != nil {
			return eerr
		}
	}
	return err
}

// detectJSON picks the JSON profile whose discriminator matches (match.path
// and values), falling back to the profiles whose schema the input passes.
func (r *Registry) detectJSON(root any, data []byte) (*Profile, error) {
	var bySchema []*Profile
	for _, p := range r.Profiles() {
		if !IsSyntax[JSONSyntax](p) || p.Dec == nil || p.Spec.Extends != "" {
			continue
		}
		if m := p.Spec.Match; m != nil && m.Path != "" {
			path, err := jsonsyn.CompilePath(m.Path)
			if err != nil {
				continue
			}
			v, ok := path.Get(root, nil)
			if ok && (len(m.Values) == 0 || Contains(m.Values, Text(v))) {
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
	return nil, fmt.Errorf("%w: no JSON profile recognises this document; name one with --from", ErrNoProfile)
}
