package flatmap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
)

// flatREADME documents a flat profile's file layout: the CSV header and
// delimiter, and the fixed-width record layouts.
func flatREADME(b *strings.Builder, p *engine.Profile) {
	o := p.Spec.Options
	if o == nil {
		return
	}
	if c := o.CSV; c != nil {
		b.WriteString("\n## File\n\n")
		fmt.Fprintf(b, "CSV, delimiter `%s`", engine.FirstNonEmpty(c.Delimiter, ","))
		if c.CRLF {
			b.WriteString(", CRLF line ends")
		}
		if c.Encoding != "" {
			fmt.Fprintf(b, ", %s", c.Encoding)
		}
		b.WriteString(".")
		if len(c.Header) > 0 && p.CanDecode() {
			fmt.Fprintf(b, " The first line must be exactly:\n\n```\n%s\n```\n\nFiles starting with this header are read with this profile without `--from`.\n",
				strings.Join(c.Header, engine.FirstNonEmpty(c.Delimiter, ",")))
		} else {
			b.WriteString("\n")
		}
	}
	if f := o.Fixed; f != nil {
		b.WriteString("\n## Records\n\nFixed-width records, read only with `--from` (they carry no signature to detect).")
		if f.Each != "" {
			fmt.Fprintf(b, " Each `%s` record becomes one event; other records are read for their fields (`TYPE.field` paths).", f.Each)
		}
		b.WriteString("\n\n| record | field | columns | align | pad |\n|---|---|---|---|---|\n")
		row := func(typ string, fl spec.FixedFieldSpec) {
			fmt.Fprintf(b, "| %s | `%s` | %d-%d | %s | `%s` |\n", engine.OrDash(typ), fl.Name, fl.Start, fl.Start+fl.Length-1,
				engine.FirstNonEmpty(fl.Align, "left"), engine.FirstNonEmpty(fl.Pad, " "))
		}
		if rt := f.RecordType; rt != nil {
			row("all", spec.FixedFieldSpec{Name: engine.FirstNonEmpty(rt.Name, "recordType"), Start: rt.Start, Length: rt.Length})
		}
		for _, fl := range f.Fields {
			row("", fl)
		}
		types := make([]string, 0, len(f.Layouts))
		for t := range f.Layouts {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			for _, fl := range f.Layouts[t].Fields {
				row(t, fl)
			}
		}
	}
}

// README lists the columns of CSV output.
func (ce *csvEncoding) README(b *strings.Builder, _ *engine.Profile) {
	b.WriteString("\n## Columns\n\nA header line, then one row per event:\n\n| column | canonical source | description |\n|---|---|---|\n")
	for i, name := range ce.t.names {
		switch x := ce.t.cols[i].(type) {
		case engine.LeafNode:
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", name, engine.FieldSource(x.Field.Spec), engine.Cell(x.Field.Spec.Doc))
		case engine.ConstNode:
			fmt.Fprintf(b, "| `%s` | constant `%v` | |\n", name, x.Value)
		}
	}
}
