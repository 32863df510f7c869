package pipeline

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports/store"
)

// pageHeader is what the header of the Messages and Overview pages shows:
// who is logged in, the log-out form, the section and a flash message.
type pageHeader struct {
	Token       store.Token
	Session     bool
	CSRF        string
	Now         string
	Section     string
	Flash       string
	FlashFailed bool
}

// header is the page header of r for section.
func (g *Gateway) header(w http.ResponseWriter, r *http.Request, section string) pageHeader {
	c := callerOf(r)
	flash, failed := g.takeFlash(w, r)
	return pageHeader{Token: c.token, Session: c.session != "", CSRF: g.csrfToken(c.session),
		Now: time.Now().UTC().Format(time.RFC3339), Section: section, Flash: flash, FlashFailed: failed}
}

// chartOutcomes are the outcomes the overview draws, in its order.
var chartOutcomes = []string{store.OutcomeReceived, store.OutcomeRejected, store.OutcomeDelivered, store.OutcomeFailed}

// Geometry of the overview chart: 24 hours of four bars each.
const (
	chartHours  = 24
	chartLeft   = 44
	chartTop    = 36
	chartPlot   = 200
	chartSlot   = 30
	barWidth    = 6
	chartBottom = 28
)

// hourChart is the overview: messages per hour and outcome, drawn as an
// SVG of grouped bars and told again as a table.
type hourChart struct {
	Width, Height, Left, Top, Bottom, Right int
	BarWidth                                int
	Bars                                    []chartBar
	YTicks, XTicks                          []chartTick
	Legend                                  []chartTick
	Rows                                    []hourRow
	Totals                                  [4]int64
	Outcomes                                []string
	// Desc tells the chart in words, for readers that do not see it.
	Desc string
}

// chartBar is one bar: an hour's count of one outcome.
type chartBar struct {
	X, Y, H int
	Class   string
	Title   string
}

// chartTick is a label at a position along an axis.
type chartTick struct {
	X, Y  int
	Label string
	Class string
}

// hourRow is one hour of the chart's table, counts in chartOutcomes order.
type hourRow struct {
	Hour   string
	Counts [4]int64
}

// layoutHours lays out counts of the chartHours hours from since, of
// system when it is set, as a chart.
func layoutHours(counts []store.HourCount, since time.Time, system string) hourChart {
	c := hourChart{Left: chartLeft, Top: chartTop, Outcomes: chartOutcomes, BarWidth: barWidth,
		Width: chartLeft + chartHours*chartSlot + 12, Height: chartTop + chartPlot + chartBottom}
	c.Bottom, c.Right = chartTop+chartPlot, chartLeft+chartHours*chartSlot
	c.Rows = make([]hourRow, chartHours)
	for i := range c.Rows {
		c.Rows[i].Hour = since.Add(time.Duration(i) * time.Hour).Format("2006-01-02 15:00Z")
	}
	for _, hc := range counts {
		i, o := int(hc.Hour.Sub(since)/time.Hour), slices.Index(chartOutcomes, hc.Outcome)
		if i < 0 || i >= chartHours || o < 0 || (system != "" && hc.System != system) {
			continue
		}
		c.Rows[i].Counts[o] += hc.Count
		c.Totals[o] += hc.Count
	}
	top := int64(0)
	for _, r := range c.Rows {
		top = max(top, slices.Max(r.Counts[:]))
	}
	step := tickStep(top)
	top = max(step, (top+step-1)/step*step)
	for v := int64(0); v <= top; v += step {
		c.YTicks = append(c.YTicks, chartTick{X: chartLeft - 6, Y: c.Bottom - int(v*chartPlot/top), Label: strconv.FormatInt(v, 10)})
	}
	for i, r := range c.Rows {
		x := chartLeft + i*chartSlot + (chartSlot-4*barWidth)/2
		if i%3 == 0 {
			c.XTicks = append(c.XTicks, chartTick{X: chartLeft + i*chartSlot + chartSlot/2, Y: c.Bottom + 16, Label: r.Hour[11:13]})
		}
		for o, n := range r.Counts {
			if n == 0 {
				continue
			}
			h := max(1, int(n*chartPlot/top))
			c.Bars = append(c.Bars, chartBar{X: x + o*barWidth, Y: c.Bottom - h, H: h, Class: chartOutcomes[o],
				Title: fmt.Sprintf("%s: %d %s", r.Hour, n, chartOutcomes[o])})
		}
	}
	for o, name := range chartOutcomes {
		c.Legend = append(c.Legend, chartTick{X: chartLeft + o*110, Y: 14, Label: name, Class: name})
	}
	c.Desc = chartDesc(c, system)
	return c
}

// tickStep is a round step for an axis up to top: 1, 2 or 5 times a power
// of ten, giving at most five steps.
func tickStep(top int64) int64 {
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if top <= 5*m*p {
				return m * p
			}
		}
	}
}

// chartDesc tells the chart's totals and busiest hour in a sentence.
func chartDesc(c hourChart, system string) string {
	who := "all systems"
	if system != "" {
		who = system
	}
	var parts []string
	for o, name := range chartOutcomes {
		parts = append(parts, fmt.Sprintf("%d %s", c.Totals[o], name))
	}
	return fmt.Sprintf("Messages per hour of %s from %s to %s UTC: %s in all.", who,
		c.Rows[0].Hour, c.Rows[len(c.Rows)-1].Hour[11:], strings.Join(parts, ", "))
}

// overviewPage is what the Overview page shows.
type overviewPage struct {
	Header  pageHeader
	Chart   hourChart
	System  string
	Systems []string
	Error   string
}

// overviewHTML serves the Overview page: the last 24 hours' messages per
// hour and outcome, of all systems or of the one ?system= names.
func (g *Gateway) overviewHTML(w http.ResponseWriter, r *http.Request) {
	p := overviewPage{Header: g.header(w, r, "overview"), System: r.URL.Query().Get("system"), Systems: g.systems()}
	since := time.Now().UTC().Truncate(time.Hour).Add(-(chartHours - 1) * time.Hour)
	if p.System != "" && !slices.Contains(p.Systems, p.System) {
		p.Error = "system " + errtext.Quote(p.System) + ": one of " + strings.Join(p.Systems, ", ") + " expected"
		p.Chart = layoutHours(nil, since, "")
		writePage(w, overviewTemplate, http.StatusBadRequest, p)
		return
	}
	counts, err := g.store.HourlyCounts(r.Context(), since, MetaTarget, g.deliveries())
	if err != nil {
		p.Error = err.Error()
	}
	p.Chart = layoutHours(counts, since, p.System)
	writePage(w, overviewTemplate, http.StatusOK, p)
}

// deliveries are the outbound topics of the configured endpoints, every
// partition, each with the group that delivers it.
func (g *Gateway) deliveries() []store.Delivery {
	var out []store.Delivery
	for _, ep := range g.cfg.Endpoints {
		if ep.Direction == "out" {
			out = append(out, g.outboundDeliveries(ep.Name)...)
		}
	}
	return out
}
