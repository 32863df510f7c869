package conformance

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
	total    time.Duration
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes results as JUnit XML, one test suite per profile.
func WriteJUnit(w io.Writer, results []Result) error {
	var out junitSuites
	idx := map[string]int{}
	for _, r := range results {
		i, ok := idx[r.Case.Profile]
		if !ok {
			i = len(out.Suites)
			idx[r.Case.Profile] = i
			out.Suites = append(out.Suites, junitSuite{Name: r.Case.Profile})
		}
		s := &out.Suites[i]
		jc := junitCase{Name: r.Case.Name, Classname: r.Case.Profile, Time: secs(r.Duration)}
		if !r.Passed() {
			s.Failures++
			jc.Failure = &junitFailure{Message: firstLine(r.Failures[0]), Text: strings.Join(r.Failures, "\n")}
		}
		s.Tests++
		s.Cases = append(s.Cases, jc)
		s.total += r.Duration
	}
	// A suite's time is the sum of its cases'; CI readers parse it as a number.
	for i := range out.Suites {
		out.Suites[i].Time = secs(out.Suites[i].total)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
