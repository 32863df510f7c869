package xml

import (
	stdxml "encoding/xml"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// isNameStartRune reports whether r may begin an XML name without a colon
// (XML 1.0 fifth edition, production NameStartChar minus ':').
func isNameStartRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		return true
	case r < 0xC0:
		return false
	}
	return r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF ||
		r >= 0x370 && r <= 0x37D || r >= 0x37F && r <= 0x1FFF ||
		r >= 0x200C && r <= 0x200D || r >= 0x2070 && r <= 0x218F ||
		r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF ||
		r >= 0xF900 && r <= 0xFDCF || r >= 0xFDF0 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0xEFFFF
}

// isNameRune reports whether r may continue an XML name without a colon
// (production NameChar minus ':').
func isNameRune(r rune) bool {
	switch {
	case isNameStartRune(r):
		return true
	case r >= '0' && r <= '9', r == '-', r == '.', r == 0xB7:
		return true
	}
	return r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// checkNCName explains why s is not a name without a colon, or returns "".
func checkNCName(s string) string {
	if s == "" {
		return "it is empty"
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("invalid UTF-8 at byte %d", i)
		case i == 0 && !isNameStartRune(r):
			return fmt.Sprintf("it cannot start with %q", r)
		case !isNameRune(r):
			return fmt.Sprintf("%q at byte %d is not allowed in a name", r, i)
		}
		i += size
	}
	return ""
}

// splitQName splits "prefix:local" or "local", explaining what is wrong.
func splitQName(s string) (prefix, local, problem string) {
	prefix, local, found := strings.Cut(s, ":")
	if !found {
		prefix, local = "", s
		problem = checkNCName(s)
	} else if p := checkNCName(prefix); p != "" {
		problem = "prefix: " + p
	} else if p := checkNCName(local); p != "" {
		problem = "local name: " + p
	}
	if problem == "" && !decoderAccepts(s) {
		problem = "it uses characters that XML 1.0 fourth edition readers reject"
	}
	if problem != "" {
		return "", "", problem
	}
	return prefix, local, ""
}

// encoding/xml, which Parse uses, checks names against the older (fourth
// edition) character classes, which are narrower for some scripts. A name
// the writer emits must pass both rules, so it asks the decoder, and
// remembers the answer for a bounded number of names.
var (
	nameCache     sync.Map // string -> bool
	nameCacheSize atomic.Int32
)

const maxNameCache = 4096

func decoderAccepts(name string) bool {
	if ok, found := nameCache.Load(name); found {
		return ok.(bool)
	}
	d := stdxml.NewDecoder(strings.NewReader("<" + name + "/>"))
	d.Strict = true
	tok, err := d.RawToken()
	_, isStart := tok.(stdxml.StartElement)
	ok := err == nil && isStart
	if nameCacheSize.Load() < maxNameCache {
		if _, loaded := nameCache.LoadOrStore(name, ok); !loaded {
			nameCacheSize.Add(1)
		}
	}
	return ok
}

// isXMLChar reports whether r is a Char of XML 1.0.
func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// checkChars explains the first byte of s that XML 1.0 cannot carry, or
// returns "".
func checkChars(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Sprintf("invalid UTF-8 at byte %d", i)
		}
		if !isXMLChar(r) {
			return fmt.Sprintf("%U at byte %d", r, i)
		}
		i += size
	}
	return ""
}
