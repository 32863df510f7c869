package engine

import (
	"bufio"
	"errors"
	"sync"
)

// Chunk decodes one message cut from an input (or reports one problem
// found between messages): it emits the message's batches and returns its
// problems. opts are the options to decode with; with Workers they are a
// copy of the input's, private to the chunk, whose secret findings are
// carried over to the input's in input order. A chunk must hold what it
// needs of the input, since it may run after the cutter read on.
type Chunk func(opts *DecodeOptions, emit func(Batch) error) error

// Cutter is a syntax that can cut an input into self-contained chunks, so
// that one goroutine reads and cuts while others decode (DecodeOptions.
// Workers). Cut reads br in order and calls send with one Chunk per
// message and per problem found between messages, carrying the envelope
// context and positions the message needs; it returns only an error of
// send, unchanged, and must not record anything in opts itself (such as
// Unread): a chunk does that. Its Decode should be RunChunks over Cut, so
// that both paths give the same events and problems.
type Cutter interface {
	Cut(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, send func(Chunk) error) error
}

// RunChunks runs the chunks cut sends one after the other on the calling
// goroutine, with opts: the sequential Decode of a Cutter. Problems are
// returned joined in input order; an error of emit stops the cutting and
// is returned as is.
func RunChunks(opts *DecodeOptions, emit func(Batch) error, cut func(send func(Chunk) error) error) error {
	var errs []error
	var emitErr error
	em := func(b Batch) error {
		emitErr = emit(b)
		return emitErr
	}
	err := cut(func(c Chunk) error {
		perr := c(opts, em)
		if emitErr != nil {
			return emitErr
		}
		if perr != nil {
			errs = append(errs, perr)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// prepared is emit behind opts.Prepare, when there is one.
func prepared(opts *DecodeOptions, emit func(Batch) error) func(Batch) error {
	if opts.Prepare == nil {
		return emit
	}
	return func(b Batch) error {
		opts.Prepare(&b)
		return emit(b)
	}
}

// decodeParallel decodes with c's chunks on opts.Workers goroutines.
func (r *Registry) decodeParallel(c Cutter, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.runParallel(opts, emit, func(send func(Chunk) error) error {
		return c.Cut(r, br, fixed, opts, send)
	})
}

// chunksPerWorker bounds the chunks in flight: cut but not yet emitted.
// A few per worker keep every worker busy when messages differ in size.
const chunksPerWorker = 16

// job is one chunk in flight and what it gave.
type job struct {
	chunk   Chunk
	batches []Batch
	err     error
	log     []secretOp // the chunk's secret findings, in order
	done    chan struct{}
}

// errStopped ends the cutting once emit failed.
var errStopped = errors.New("decoding stopped")

// runParallel runs cut on a goroutine of its own and the chunks it sends
// on opts.Workers workers, and emits their batches in input order from
// the calling goroutine, where the secret findings of each chunk are
// replayed into the input's state (so SecretSeen and OnSecret are called
// from there, in input order). It returns once every goroutine is done,
// so the caller may reuse the reader.
func (r *Registry) runParallel(opts *DecodeOptions, emit func(Batch) error, cut func(send func(Chunk) error) error) error {
	st := opts.secretState() // made before the workers copy opts
	window := chunksPerWorker * opts.Workers
	order := make(chan *job, window)
	work := make(chan *job, window+1)
	quit := make(chan struct{})
	var cutErr error
	go func() {
		defer close(work)
		defer close(order)
		cutErr = cut(func(c Chunk) error {
			j := &job{chunk: c, done: make(chan struct{})}
			select {
			case order <- j:
			case <-quit:
				return errStopped
			}
			work <- j
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				j.run(opts, quit)
				close(j.done)
			}
		}()
	}
	err := collect(order, st, emit, quit)
	wg.Wait()
	if err != nil {
		return err
	}
	return cutErr
}

// collect emits the batches of the jobs of order as each is done, in
// order, and returns their problems joined, or the first error of emit,
// after which it closes quit and drains order.
func collect(order <-chan *job, st *secretState, emit func(Batch) error, quit chan struct{}) error {
	var errs []error
	var stop error
	for j := range order {
		<-j.done
		if stop != nil {
			continue
		}
		st.replay(j.log)
		for _, b := range j.batches {
			if err := emit(b); err != nil {
				stop = err
				close(quit)
				break
			}
		}
		if stop == nil && j.err != nil {
			errs = append(errs, j.err)
		}
	}
	if stop != nil {
		return stop
	}
	return errors.Join(errs...)
}

// run decodes the job's chunk with a private copy of opts that logs its
// secret findings, preparing each batch; nothing once quit is closed.
func (j *job) run(base *DecodeOptions, quit <-chan struct{}) {
	select {
	case <-quit:
		return
	default:
	}
	o := *base
	o.sec = &secretState{logging: true}
	j.err = j.chunk(&o, func(b Batch) error {
		if base.Prepare != nil {
			base.Prepare(&b)
		}
		j.batches = append(j.batches, b)
		return nil
	})
	j.log = o.sec.log
}
