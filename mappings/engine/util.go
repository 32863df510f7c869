package engine

import (
	"sort"
	"strings"
)

func sortStrings(s []string) { sort.Strings(s) }

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
