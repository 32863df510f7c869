//go:build !purego

package xml

import "unsafe"

// ownedString returns data as a string without copying it. data must be
// a buffer the caller owns and never writes again: the document a tree
// is built on is read into one and then only read, and the strings of its
// nodes (and of the events decoded from them) are cut from it. Build with
// -tags purego for the copying version.
func ownedString(data []byte) string {
	return unsafe.String(unsafe.SliceData(data), len(data))
}
