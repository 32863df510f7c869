package engine

import (
	"fmt"
	"strings"
)

// DocumentEncoding is an encode section shaped as a document template
// (JSON, XML, the fields of a Cargo-IMP FSU): objects whose leaves are
// fields over the canonical event.
type DocumentEncoding struct{ Doc Node }

func (de DocumentEncoding) Fields(add func(*CompiledField), _ func(string)) { WalkNode(de.Doc, add) }

// README writes the table of the document's leaves.
func (de DocumentEncoding) README(b *strings.Builder, _ *Profile) {
	b.WriteString("\n## Encode\n\nThe document's leaves and the canonical paths they come from:\n\n| document path | canonical source | description |\n|---|---|---|\n")
	walkDoc(b, de.Doc, "")
}

// WalkNode calls add with every field of a template.
func WalkNode(n Node, add func(*CompiledField)) {
	switch x := n.(type) {
	case LeafNode:
		add(x.Field)
	case ObjNode:
		for _, v := range x.Vals {
			WalkNode(v, add)
		}
	case ListNode:
		for _, v := range x.Items {
			WalkNode(v, add)
		}
	}
}

func walkDoc(b *strings.Builder, n Node, path string) {
	switch x := n.(type) {
	case ObjNode:
		for i, k := range x.Keys {
			walkDoc(b, x.Vals[i], strings.TrimPrefix(path+"."+k, "."))
		}
	case ListNode:
		for i, it := range x.Items {
			walkDoc(b, it, fmt.Sprintf("%s[%d]", path, i))
		}
	case LeafNode:
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", path, FieldSource(x.Field.Spec), Cell(x.Field.Spec.Doc))
	case ConstNode:
		fmt.Fprintf(b, "| `%s` | constant `%v` | |\n", path, x.Value)
	}
}
