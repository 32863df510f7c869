package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// cmp is how a measured figure is held against its target.
type cmp int

const (
	atLeast cmp = iota // measured >= target
	below              // measured < target
	atMost             // measured <= target
)

func (c cmp) String() string {
	switch c {
	case below:
		return "<"
	case atMost:
		return "<="
	}
	return ">="
}

// target is one row of the table: a figure and what it must reach.
type target struct {
	figure string
	cmp    cmp
	value  float64
	unit   string
	// measure finds the figure in the results, or says why it cannot.
	measure func(*results) (measured, string)
}

// measured is a figure found in make bench's outputs.
type measured struct {
	value  float64
	allocs float64 // allocations per event or per message; NaN when not reported
	per    string  // "event" or "msg": what allocs counts per
	detail string
}

// row is one evaluated line of the table and of results.json; Measured,
// Ratio and Allocs are absent when not known.
type row struct {
	Figure   string   `json:"figure"`
	Measured *float64 `json:"measured,omitempty"`
	Unit     string   `json:"unit"`
	Cmp      string   `json:"cmp"`
	Target   float64  `json:"target"`
	// Ratio is measured against target, oriented so that 1 or more is
	// met: measured/target for a floor, target/measured for a ceiling.
	Ratio   *float64 `json:"ratio,omitempty"`
	Allocs  *float64 `json:"allocs,omitempty"`
	Per     string   `json:"allocs_per,omitempty"` // "event" or "msg"
	Verdict string   `json:"verdict"`
	Detail  string   `json:"detail,omitempty"`
}

// evaluate builds the rows: the engine / hand-written pairs first, then
// the fixed targets.
func evaluate(res *results, syntaxes map[string]string) []row {
	var rows []row
	for _, t := range pairTargets(res, syntaxes) {
		rows = append(rows, evalRow(t, res))
	}
	for _, t := range targets {
		rows = append(rows, evalRow(t, res))
	}
	return rows
}

// evalRow measures one target and gives its verdict.
func evalRow(t target, res *results) row {
	r := row{Figure: t.figure, Unit: t.unit, Cmp: t.cmp.String(), Target: t.value}
	m, why := t.measure(res)
	if why != "" {
		r.Verdict = "not measured: " + why
		return r
	}
	r.Measured = ptr(m.value)
	r.Detail = m.detail
	if !math.IsNaN(m.allocs) {
		r.Allocs, r.Per = ptr(m.allocs), m.per
	}
	ratio, met := verdict(t.cmp, m.value, t.value)
	if !math.IsInf(ratio, 0) && !math.IsNaN(ratio) {
		r.Ratio = ptr(ratio)
	}
	r.Verdict = "not met"
	if met {
		r.Verdict = "met"
	}
	return r
}

// verdict compares v with the target t.
func verdict(c cmp, v, t float64) (ratio float64, met bool) {
	switch c {
	case below:
		return t / v, v < t
	case atMost:
		return t / v, v <= t
	}
	return v / t, v >= t
}

func ptr(v float64) *float64 { return &v }

// printTable writes the rows as an aligned text table.
func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tMEASURED\tTARGET\tRATIO\tALLOCS\tVERDICT\tDETAIL")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s %s %s\t%s\t%s\t%s\t%s\n", r.Figure,
			withUnit(r.Measured, r.Unit), r.Cmp, num(r.Target), r.Unit,
			optional(r.Ratio, func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }),
			optional(r.Allocs, func(v float64) string { return num(v) + "/" + r.Per }), r.Verdict, r.Detail)
	}
	tw.Flush()
}

func withUnit(v *float64, unit string) string {
	if v == nil {
		return "-"
	}
	return num(*v) + " " + unit
}

func optional(v *float64, f func(float64) string) string {
	if v == nil {
		return "-"
	}
	return f(*v)
}

// num formats a figure to about three significant digits, with commas
// between thousands.
func num(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1000:
		return thousands(v)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// thousands formats v rounded to a whole number, with a comma between
// groups of three digits.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]metrics) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
