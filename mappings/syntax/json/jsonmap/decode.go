package jsonmap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical/errtext"

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
	data, err := readAllBuffered(br, limit+1, opts.SizeHint)
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
//
// The document's objects are reused for the next document once this one
// is decoded: nothing decoding produces (events, errors) holds on to
// them, as canonical events hold no JSON values.
func decodeDocument(r *engine.Registry, data []byte, limit int64, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	reuse := reusePool.Get().(*jsonsyn.Reuse)
	defer func() {
		reuse.Release()
		reusePool.Put(reuse)
	}()
	root, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{Name: opts.Name, MaxBytes: limit, ShareInput: true, Reuse: reuse})
	if err != nil {
		opts.Unread(fixed)
		return hideToken(r, fixed, data, err)
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

// reusePool holds the maps of released documents.
var reusePool = sync.Pool{New: func() any { return new(jsonsyn.Reuse) }}

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

// hideToken keeps a syntax error from quoting the text it stopped at when
// the document names a secret member (of fixed, or of any JSON profile
// when detecting): that text may be the secret's malformed value, and the
// document could not be read far enough to tell. The line keeps its
// position and says how long the text is.
func hideToken(r *engine.Registry, fixed *engine.Profile, data []byte, err error) error {
	var je *jsonsyn.Error
	if !errors.As(err, &je) || je.Value == "" || je.Err == nil || !namesSecret(r, fixed, data) {
		return err
	}
	n := utf8.RuneCountInString(je.Value)
	msg := strings.Replace(je.Err.Error(), errtext.Quote(je.Value), fmt.Sprintf("text of %d characters", n), 1)
	je.Err, je.Value = &hiddenToken{msg: msg + " (text not shown: the document names a secret)", err: je.Err}, ""
	return err
}

// namesSecret reports whether data holds the member name of a secret
// declared by fixed, or by any JSON profile when fixed is nil.
func namesSecret(r *engine.Registry, fixed *engine.Profile, data []byte) bool {
	profiles := r.Profiles()
	if fixed != nil {
		profiles = []*engine.Profile{fixed}
	}
	for _, p := range profiles {
		if !engine.IsSyntax[Syntax](p) {
			continue
		}
		for _, s := range p.Secrets() {
			for _, m := range (Syntax{}).SecretMarks(s.Path) {
				if bytes.Contains(data, []byte(m)) {
					return true
				}
			}
		}
	}
	return false
}

// hiddenToken is a syntax error's text without the text it stopped at; it
// unwraps to the original, which carries the sentinel.
type hiddenToken struct {
	msg string
	err error
}

func (e *hiddenToken) Error() string { return e.msg }
func (e *hiddenToken) Unwrap() error { return e.err }
