package json

import (
	"fmt"
	"strconv"
	"strings"
)

// Pointer renders reference tokens as a JSON pointer (RFC 6901) for error
// messages: Pointer("data", "parties", 0, "role") is "/data/parties/0/role".
// Strings are escaped ("~" as "~0", "/" as "~1"); integers are written in
// decimal; anything else is formatted with fmt. No tokens give "", the
// pointer of the whole document.
func Pointer(tokens ...any) string {
	if len(tokens) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		switch t := t.(type) {
		case string:
			writePointerToken(&b, t)
		case int:
			b.WriteString(strconv.Itoa(t))
		default:
			writePointerToken(&b, fmt.Sprint(t))
		}
	}
	return b.String()
}

func writePointerToken(b *strings.Builder, s string) {
	if !strings.ContainsAny(s, "~/") {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteByte(s[i])
		}
	}
}
