package mappings

import (
	"fmt"
	"strings"
)

// documentEncoding is an encode section shaped as a document template
// (JSON, XML, the fields of a Cargo-IMP FSU): objects whose leaves are
// fields over the canonical event.
type documentEncoding struct{ doc node }

func (de documentEncoding) fields(add func(*compiledField), _ func(string)) { walkNode(de.doc, add) }

// readme writes the table of the document's leaves.
func (de documentEncoding) readme(b *strings.Builder) {
	b.WriteString("\n## Encode\n\nThe document's leaves and the canonical paths they come from:\n\n| document path | canonical source | description |\n|---|---|---|\n")
	walkDoc(b, de.doc, "")
}

// walkNode calls add with every field of a template.
func walkNode(n node, add func(*compiledField)) {
	switch x := n.(type) {
	case leafNode:
		add(x.f)
	case objNode:
		for _, v := range x.vals {
			walkNode(v, add)
		}
	case listNode:
		for _, v := range x.items {
			walkNode(v, add)
		}
	}
}

func walkDoc(b *strings.Builder, n node, path string) {
	switch x := n.(type) {
	case objNode:
		for i, k := range x.keys {
			walkDoc(b, x.vals[i], strings.TrimPrefix(path+"."+k, "."))
		}
	case listNode:
		for i, it := range x.items {
			walkDoc(b, it, fmt.Sprintf("%s[%d]", path, i))
		}
	case leafNode:
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", path, source(x.f.spec), cell(x.f.spec.Doc))
	case constNode:
		fmt.Fprintf(b, "| `%s` | constant `%v` | |\n", path, x.v)
	}
}
