package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

const (
	inboundPrefix     = "BenchmarkInbound/"
	handwrittenPrefix = "BenchmarkHandwritten"
)

// metric measures one unit of one benchmark, with its allocations per
// event or message (allocUnit) beside it; why says what to do when the
// benchmark is missing ("" for "not in the outputs").
func metric(pkg, bench, unit, allocUnit, why string) func(*results) (measured, string) {
	return func(res *results) (measured, string) {
		m, ok := res.bench[qualified(pkg, bench)]
		if !ok {
			return measured{}, missing(why, bench)
		}
		v, ok := m[unit]
		if !ok {
			return measured{}, fmt.Sprintf("%s reports no %s", bench, unit)
		}
		per := strings.TrimPrefix(allocUnit, "allocs/")
		return measured{value: v, allocs: allocsOf(m, allocUnit), per: per}, ""
	}
}

// latency measures the p99 of a paced file-drop run, with the p50 and the
// load actually offered (a loaded machine may fall short of the rate).
func latency(pkg, bench, why string) func(*results) (measured, string) {
	return func(res *results) (measured, string) {
		m, ok := res.bench[qualified(pkg, bench)]
		if !ok {
			return measured{}, missing(why, bench)
		}
		p99, ok := m["p99-ms"]
		if !ok {
			return measured{}, bench + " reports no p99-ms"
		}
		detail := fmt.Sprintf("p50 %s ms, max %s ms, %s msg/s offered", num(m["p50-ms"]), num(m["max-ms"]), num(m["offered-msgs/s"]))
		return measured{value: p99, allocs: allocsOf(m, "allocs/msg"), per: "msg", detail: detail}, ""
	}
}

func missing(why, bench string) string {
	if why != "" {
		return why
	}
	return "no " + bench + " in the outputs"
}

// allocsOf returns m[unit], or NaN when it was not reported.
func allocsOf(m metrics, unit string) float64 {
	if v, ok := m[unit]; ok && unit != "" {
		return v
	}
	return math.NaN()
}

// rssPeak measures the peak RSS of TestLargeInterchangeRSS's translate.
func rssPeak(res *results) (measured, string) {
	if res.rss == nil {
		return measured{}, "no TestLargeInterchangeRSS line in the outputs"
	}
	return measured{value: res.rss.peakMB, allocs: math.NaN(), detail: fmt.Sprintf("%.1f s wall", res.rss.wallS)}, ""
}

// peersRatio measures translate's wall time against node-edifact's, both
// from make bench-peers.
func peersRatio(res *results) (measured, string) {
	p := res.peers
	if p == nil {
		return measured{}, "run make bench-peers"
	}
	if p.NodeBestS <= 0 {
		return measured{}, "peers.json holds no node-edifact time"
	}
	detail := fmt.Sprintf("wall pcsgate %.1f s, node-edifact %.1f s; CPU %.1f s, %.1f s; RSS %.0f MB, %.0f MB; best of %d",
		p.PcsgateBestS, p.NodeBestS, best(p.Pcsgate, cpuOf), best(p.Node, cpuOf),
		best(p.Pcsgate, rssOf), best(p.Node, rssOf), len(p.Node))
	if p.Time != "" {
		detail += "; make bench-peers of " + p.Time
	}
	return measured{value: p.PcsgateBestS / p.NodeBestS, allocs: math.NaN(), detail: detail}, ""
}

// pairTargets are the engine / hand-written rows: every listed profile,
// then any other profile that has both halves in the outputs.
func pairTargets(res *results, syntaxes map[string]string) []target {
	profiles := slices.Clone(pairProfiles)
	for _, name := range sortedKeys(res.bench) {
		p, ok := strings.CutPrefix(name, qualified(mappingsPkg, inboundPrefix))
		if ok && !slices.Contains(profiles, p) && handwritten(res, p) != "" {
			profiles = append(profiles, p)
		}
	}
	out := make([]target, 0, len(profiles))
	for _, p := range profiles {
		out = append(out, pairTarget(p, syntaxes[p]))
	}
	return out
}

// pairTarget is the row of one profile's pair; its target is its syntax
// family's ratio.
func pairTarget(profile, syntax string) target {
	t := target{
		figure: profile + ": engine / hand-written",
		cmp:    atLeast, value: pairRatio[syntax], unit: "x",
		measure: func(res *results) (measured, string) { return pair(res, profile) },
	}
	if _, ok := pairRatio[syntax]; !ok {
		t.measure = func(*results) (measured, string) {
			return measured{}, fmt.Sprintf("no family target for syntax %q", syntax)
		}
	}
	return t
}

// pair measures the ratio of the engine's events/cpu-s to the baseline's.
func pair(res *results, profile string) (measured, string) {
	eng, ok := res.bench[qualified(mappingsPkg, inboundPrefix+profile)]
	hwName := handwritten(res, profile)
	switch {
	case !ok && hwName == "":
		return measured{}, "neither half in the outputs"
	case !ok:
		return measured{}, "no engine figure"
	case hwName == "":
		return measured{}, "no hand-written baseline"
	}
	hw := res.bench[hwName]
	e, h := eng["events/cpu-s"], hw["events/cpu-s"]
	if e <= 0 || h <= 0 {
		return measured{}, "no events/cpu-s in both halves"
	}
	detail := fmt.Sprintf("%s / %s events/cpu-s; baseline %s allocs/event (%s)",
		num(e), num(h), num(hw["allocs/event"]), hwName)
	return measured{value: e / h, allocs: allocsOf(eng, "allocs/event"), per: "event", detail: detail}, ""
}

// handwritten returns the key of a hand-written baseline of profile in
// the outputs, in any package, or "".
func handwritten(res *results, profile string) string {
	for _, key := range sortedKeys(res.bench) {
		i := strings.Index(key, "."+handwrittenPrefix)
		if i >= 0 && strings.HasSuffix(key, "/"+profile) {
			return key
		}
	}
	return ""
}
