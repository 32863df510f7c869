package conformance

import "strings"

// diff renders a line diff of want and got (- want, + got) with two lines
// of context; small files only, which fixtures are.
func diff(want, got string) string {
	a := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	b := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(a)*len(b) > 4_000_000 {
		return "  (files too large to diff)"
	}
	// Longest common subsequence table.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var lines []line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			lines = append(lines, line{' ', a[i]})
			i++
			j++
		// On a tie the want line goes first, so a changed line reads
		// "- old" then "+ new" as in git diff.
		case j < len(b) && (i == len(a) || lcs[i][j+1] > lcs[i+1][j]):
			lines = append(lines, line{'+', b[j]})
			j++
		default:
			lines = append(lines, line{'-', a[i]})
			i++
		}
	}
	var out strings.Builder
	const ctx = 2
	for k, l := range lines {
		if l.op == ' ' {
			near := false
			for d := -ctx; d <= ctx; d++ {
				if k+d >= 0 && k+d < len(lines) && lines[k+d].op != ' ' {
					near = true
				}
			}
			if !near {
				continue
			}
		}
		out.WriteString("  ")
		out.WriteByte(l.op)
		out.WriteString(" ")
		out.WriteString(l.text)
		out.WriteByte('\n')
	}
	return strings.TrimSuffix(out.String(), "\n")
}
