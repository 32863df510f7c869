package flatmap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

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
	pl, err := readerPlanOf(p)
	if err != nil {
		return err
	}
	st := getDecodeState()
	defer putDecodeState(st)
	var rd recordReader
	switch {
	case pl.fixed != nil:
		pl.fixed.ResetReader(&st.fixed, br, opts.Name)
		rd = &st.fixed
	case pl.csv != nil:
		rd = pl.csv.NewReader(br, opts.Name)
	default: // options the reader refuses, as its first Next reports
		co := pl.csvOpts
		co.Name = opts.Name
		rd = flat.NewCSVReader(br, co)
	}
	var errs []error
	var last string
	// One context, document and row serve every record in turn: the
	// engine keeps none of them past DecodeDoc.
	dc, row, doc, prev := &st.dc, &st.row, &st.doc, lastRecords(st.prev[:0])
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
		if pl.each != "" && rec.Type != pl.each {
			prev = prev.with(rec) // its values stay until the next record of its type
			continue
		}
		dc.Next(p, opts.Name, "", opts)
		*row = flatRow{rec: rec, prev: prev}
		*doc = engine.Doc{Root: row}
		events, err := dc.DecodeDoc(doc, canonical.Source{PCS: pl.pcs, Profile: p.Name()})
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

// decodeState is what decoding a file needs: a fixed-width reader, the
// context, document and row that serve every record in turn, and room for
// the last record of each other type. Files of a few records are common,
// so the state is kept for the next file rather than allocated for each.
type decodeState struct {
	dc    engine.DecodeCtx
	row   flatRow
	doc   engine.Doc
	prev  [4]flat.Record
	fixed flat.FixedReader // with the buffers of the last fixed-width file
}

var decodeStates = sync.Pool{New: func() any { return new(decodeState) }}

func getDecodeState() *decodeState { return decodeStates.Get().(*decodeState) }

// putDecodeState clears st, so that it holds on to no file's records, and
// keeps it for the next file. The fixed-width reader keeps its buffers,
// cleared of the values they held.
func putDecodeState(st *decodeState) {
	fixed := st.fixed
	fixed.Clear()
	*st = decodeState{fixed: fixed}
	decodeStates.Put(st)
}

// readerPlan is what reading a profile's files needs from its options,
// worked out once per profile: CSV options checked, or fixed-width layouts
// compiled. Readers reuse their record's values: a record is done with
// once decoded, and one kept for later (a file header) keeps its values
// until the next record of its type, which replaces it.
type readerPlan struct {
	csv     *flat.CSVSchema
	csvOpts flat.CSVOptions // when they do not compile
	fixed   *flat.FixedSchema
	each    string // the record type that makes events; "" for all
	pcs     string
}

// readerPlans holds each profile's readerPlan (or the error making it).
var readerPlans sync.Map // *engine.Profile -> *readerPlan or error

// readerPlanOf returns p's readerPlan, making it on first use.
func readerPlanOf(p *engine.Profile) (*readerPlan, error) {
	if v, ok := readerPlans.Load(p); ok {
		if err, bad := v.(error); bad {
			return nil, err
		}
		return v.(*readerPlan), nil
	}
	pl, err := newReaderPlan(p)
	if err != nil {
		readerPlans.Store(p, err)
		return nil, err
	}
	readerPlans.Store(p, pl)
	return pl, nil
}

func newReaderPlan(p *engine.Profile) (*readerPlan, error) {
	pl := &readerPlan{pcs: p.Spec.PCS()}
	switch o := p.Spec.Options; {
	case o != nil && o.CSV != nil:
		co, err := o.CSV.CSVOptions("")
		if err != nil {
			return nil, err
		}
		co.MaxBytes, co.ReuseRecord = p.MaxBytes, true
		pl.csv, _ = co.Compile()
		pl.csvOpts = co
	case o != nil && o.Fixed != nil:
		fo, err := o.Fixed.FixedOptions("")
		if err != nil {
			return nil, err
		}
		fo.MaxBytes, fo.ReuseRecord = p.MaxBytes, true
		if pl.fixed, err = fo.Compile(); err != nil {
			return nil, err
		}
		pl.each = o.Fixed.Each
	default:
		return nil, fmt.Errorf("%s: %w: a flat profile needs options.csv or options.fixed", p.Name(), spec.ErrSpec)
	}
	return pl, nil
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
