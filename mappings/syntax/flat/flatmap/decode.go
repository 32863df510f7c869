package flatmap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// recordReader is a CSV or fixed-width reader.
type recordReader interface {
	Next() (flat.Record, error)
}

// decodeFlat reads a CSV or fixed-width file with profile p: every record
// (of the type options.fixed.each names) becomes one event, in a batch of
// its own. Bad records are reported and skipped; reading stops only at a
// problem that leaves the rest unreadable.
func decodeFlat(r *engine.Registry, br *bufio.Reader, p *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	var rd recordReader
	each := ""
	switch o := p.Spec.Options; {
	case o != nil && o.CSV != nil:
		co, err := o.CSV.CSVOptions(opts.Name)
		if err != nil {
			return err
		}
		co.MaxBytes = p.MaxBytes
		rd = flat.NewCSVReader(br, co)
	case o != nil && o.Fixed != nil:
		fo, err := o.Fixed.FixedOptions(opts.Name)
		if err != nil {
			return err
		}
		fo.MaxBytes = p.MaxBytes
		rd = flat.NewFixedReader(br, fo)
		each = o.Fixed.Each
	default:
		return fmt.Errorf("%s: %w: a flat profile needs options.csv or options.fixed", p.Name(), spec.ErrSpec)
	}
	var errs []error
	var prev map[string]flat.Record
	var last string
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			msg := err.Error()
			if msg == last {
				break // a problem that ends reading is returned again and again
			}
			errs = append(errs, err)
			last = msg
			if fatalFlat(err) {
				break
			}
			continue
		}
		if each != "" && rec.Type != each {
			if prev == nil {
				prev = map[string]flat.Record{}
			}
			rec.Values = slices.Clone(rec.Values)
			prev[rec.Type] = rec
			continue
		}
		src := canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name()}
		dc := &engine.DecodeCtx{Profile: p, File: opts.Name, Opts: opts}
		events, err := dc.DecodeDoc(&engine.Doc{Root: &flatRow{rec: rec, prev: prev}}, src)
		if err != nil {
			errs = append(errs, err)
		}
		if len(events) > 0 {
			if err := emit(engine.Batch{Profile: p, Ref: events[0].Source.MessageRef, Events: events}); err != nil {
				return err
			}
		}
	}
	return errors.Join(errs...)
}

// fatalFlat reports a reader error after which nothing more can be read.
func fatalFlat(err error) bool {
	var fe *flat.Error
	if !errors.As(err, &fe) {
		return true // a read error
	}
	return errors.Is(err, flat.ErrUnclosedQuote) || errors.Is(err, flat.ErrHeader) ||
		errors.Is(err, flat.ErrLayout) || (errors.Is(err, flat.ErrTooLarge) && fe.Line == 0)
}

// detectCSV picks the CSV profile whose header is exactly the input's
// first line. Fixed-width files have no header and are never detected.
func detectCSV(r *engine.Registry, br *bufio.Reader) *engine.Profile {
	head, _ := br.Peek(16 << 10)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	line, _, _ := bytes.Cut(head, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil
	}
	for _, p := range r.Profiles() {
		o := p.Spec.Options
		if !engine.IsSyntax[Syntax](p) || p.Dec == nil || p.Spec.Extends != "" || o == nil || o.CSV == nil ||
			o.CSV.NoHeader || len(o.CSV.Header) == 0 {
			continue
		}
		if string(line) == strings.Join(o.CSV.Header, engine.FirstNonEmpty(o.CSV.Delimiter, ",")) {
			return p
		}
	}
	return nil
}
