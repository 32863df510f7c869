// Package xmlmap is the XML syntax of the mapping engine: XPath 1.0 paths
// over a document read strictly by mappings/syntax/xml, detection by the
// root element (and optionally a discriminator path), and an encoder that
// writes one document per event from a template.
package xmlmap
