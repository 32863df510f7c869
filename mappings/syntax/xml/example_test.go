package xml_test

import (
	"fmt"
	"os"
	"strings"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

func ExampleParse() {
	doc, err := xmlsyn.Parse(strings.NewReader(`<?xml version="1.0"?>
<rel:Release xmlns:rel="urn:pcsgate:sone:release:1">
  <rel:BAD><rel:Number>BAD-76-2026-88412</rel:Number></rel:BAD>
</rel:Release>`), xmlsyn.Options{Name: "release.xml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := xmlsyn.CheckNamespace(doc, "Release", "urn:pcsgate:sone:release:1"); err != nil {
		fmt.Println(err)
		return
	}
	bad, _ := xmlsyn.CompilePath("/s:Release/s:BAD/s:Number", map[string]string{"s": "urn:pcsgate:sone:release:1"})
	number, _ := bad.String(doc)
	fmt.Println(number)
	// Output: BAD-76-2026-88412
}

func ExampleParse_doctype() {
	_, err := xmlsyn.Parse(strings.NewReader(`<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<r>&x;</r>`), xmlsyn.Options{Name: "inbound.xml"})
	fmt.Println(err)
	// Output: inbound.xml:2: declaration "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" is a DTD or entity declaration, which is never accepted
}

func ExampleWrite() {
	root := &xmlsyn.Element{Name: "rel:Release", Children: []*xmlsyn.Element{
		{Name: "rel:Port", Attrs: []xmlsyn.Attr{{Name: "locode", Value: "FRLEH"}}},
		{Name: "rel:Remarks", Text: "B&L <urgent>"},
	}}
	err := xmlsyn.Write(os.Stdout, root, xmlsyn.WriteOptions{
		Namespaces: []xmlsyn.Namespace{{Prefix: "rel", URI: "urn:pcsgate:sone:release:1"}},
		Indent:     "  ",
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// <rel:Release xmlns:rel="urn:pcsgate:sone:release:1">
	//   <rel:Port locode="FRLEH"/>
	//   <rel:Remarks>B&amp;L &lt;urgent&gt;</rel:Remarks>
	// </rel:Release>
}
