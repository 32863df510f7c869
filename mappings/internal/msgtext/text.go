// Package msgtext holds the text helpers the mapping engine and the syntax
// packages share for their one-line error messages.
package msgtext

import "unicode/utf8"

// Clip returns s when it has at most max runes, and otherwise its first
// max runes followed by ellipsis.
func Clip(s string, max int, ellipsis string) string {
	if len(s) <= max {
		return s // no more bytes than max, so no more runes
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + ellipsis
		}
		n++
	}
	return s
}

// ClipBytes returns s when it has at most max bytes, and otherwise its
// longest prefix of at most max bytes that ends on a rune boundary,
// followed by ellipsis.
func ClipBytes(s string, max int, ellipsis string) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
