package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// decodeCanonical reads canonical NDJSON, as translate --to canonical
// writes it: every line that is not blank is one event, checked against
// the canonical schema and then its values as a decoded event is. emit
// gets each good event as a batch of its own. Every problem is returned,
// one per problem and line, as "name:LINE: field: problem"; only an error
// of emit stops the reading.
func decodeCanonical(in io.Reader, name string, emit func(mappings.Batch) error) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), canonical.MaxEventJSON+1)
	var errs []error
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		e, err := canonicalEvent(line)
		if err != nil {
			for _, p := range unjoin(err) {
				errs = append(errs, fmt.Errorf("%s:%d: %w", name, n, p))
			}
			continue
		}
		if err := emit(mappings.Batch{Ref: e.Source.MessageRef, Events: []*canonical.ReleaseEvent{e}}); err != nil {
			return err
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		errs = append(errs, fmt.Errorf("%s:%d: event: %w: the line is longer than %d bytes", name, n+1, canonical.ErrSchema, canonical.MaxEventJSON))
	} else if err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", name, n+1, err))
	}
	return errors.Join(errs...)
}

// canonicalEvent is the event of one NDJSON line, or its problems.
func canonicalEvent(line []byte) (*canonical.ReleaseEvent, error) {
	if err := canonical.ValidateEventJSON(line); err != nil {
		return nil, err
	}
	var e canonical.ReleaseEvent
	if err := json.Unmarshal(line, &e); err != nil {
		return nil, err
	}
	if err := e.Check(canonical.ValidateOpts{}); err != nil {
		return nil, err
	}
	return &e, nil
}

// unjoin is the errors err joins, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
