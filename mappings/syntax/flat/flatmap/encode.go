package flatmap

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// csvTemplate is a compiled CSV encode: the header names and, per column,
// the node that fills it (a field or a constant).
type csvTemplate struct {
	names []string
	cols  []engine.Node
	opts  flat.CSVOptions
}

func compileCSVEncode(c *engine.Compiler, s *spec.Spec) (*csvTemplate, error) {
	es := s.Encode
	if s.Options == nil || s.Options.CSV == nil {
		return nil, fmt.Errorf("%w: a flat encode writes CSV and needs options.csv", spec.ErrSpec)
	}
	if es.Columns == nil {
		return nil, fmt.Errorf("%w: a CSV encode needs columns", spec.ErrSpec)
	}
	n, err := c.CompileNode(es.Columns, "columns")
	if err != nil {
		return nil, err
	}
	o, ok := n.(engine.ObjNode)
	if !ok || len(o.Keys) == 0 {
		return nil, fmt.Errorf("%w: columns is a mapping of column names to fields", spec.ErrSpec)
	}
	t := &csvTemplate{names: o.Keys}
	for i, v := range o.Vals {
		switch v.(type) {
		case engine.LeafNode, engine.ConstNode:
		default:
			return nil, fmt.Errorf("%w: column %s must be a field or a constant", spec.ErrSpec, o.Keys[i])
		}
		t.cols = append(t.cols, v)
	}
	if t.opts, err = s.Options.CSV.CSVOptions(s.Profile); err != nil {
		return nil, err
	}
	t.opts.Header, t.opts.NoHeader = t.names, false
	return t, nil
}

// csvEncoder writes a header line, then one row per event.
type csvEncoder struct {
	p      *engine.Profile
	name   string // input name for errors
	t      *csvTemplate
	w      *flat.CSVWriter
	header bool
	row    []string
}

func newCSVEncoder(p *engine.Profile, t *csvTemplate, w io.Writer, opts engine.EncodeOptions) *csvEncoder {
	co := t.opts
	co.AllowFormulas = opts.AllowFormulas
	return &csvEncoder{p: p, name: opts.Name, t: t, w: flat.NewCSVWriter(w, co), row: make([]string, len(t.cols))}
}

func (ce *csvEncoder) writeHeader() error {
	if ce.header {
		return nil
	}
	ce.header = true
	return ce.w.WriteHeader(nil)
}

func (ce *csvEncoder) Encode(events []*canonical.ReleaseEvent) error {
	if err := ce.writeHeader(); err != nil {
		return err
	}
	for _, e := range events {
		if err := ce.p.AcceptsIn(e, ce.name); err != nil {
			return err
		}
		ec := &engine.EncodeCtx{Profile: ce.p, Env: engine.ExprEnv{Event: e, Count: len(events)}}
		for i, col := range ce.t.cols {
			ce.row[i] = ""
			switch x := col.(type) {
			case engine.ConstNode:
				ce.row[i] = engine.ScalarText(x.Value)
			case engine.LeafNode:
				if s := ec.CopiedText(x.Field); s != "" {
					ce.row[i] = s
					continue
				}
				v, err := ec.Leaf(x.Field)
				if err != nil {
					return err
				}
				ce.row[i] = csvText(v)
			}
		}
		if err := ce.w.Write(ce.row); err != nil {
			var fe *flat.Error
			if errors.As(err, &fe) {
				reason := errors.Unwrap(fe.Err) // the flat sentinel: the field and value are ours
				if reason == nil {
					reason = fe.Err
				}
				return &engine.Error{Message: e.Source.MessageRef, Field: "column " + fe.Field, Value: fe.Value,
					Err: fmt.Errorf("%w: %w", engine.ErrCannotCarry, reason)}
			}
			return err
		}
	}
	return ce.w.Flush()
}

func (ce *csvEncoder) Close() error {
	if err := ce.writeHeader(); err != nil {
		return err
	}
	return ce.w.Flush()
}

// csvText renders a leaf value as one cell; lists are joined with spaces.
func csvText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []string:
		return strings.Join(x, " ")
	}
	return engine.ScalarText(v)
}
