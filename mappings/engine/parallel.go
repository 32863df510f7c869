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

// Chunks travel to the workers in jobs of up to chunksPerJob, so that the
// hand-over costs little beside a small message; at most jobsPerWorker
// jobs per worker are in flight (cut but not yet emitted), which bounds
// the memory whatever the input's size while keeping every worker busy
// when messages differ in size.
const (
	chunksPerJob  = 8
	jobsPerWorker = 4
)

// job is a run of chunks in flight and what they gave.
type job struct {
	chunks  []Chunk
	results []chunkResult
	log     []secretOp // the chunks' secret findings, in order
	done    chan struct{}
}

// chunkResult is what one chunk of a job gave: its batches, its
// problems, and where its secret findings end in the job's log.
type chunkResult struct {
	batches []Batch
	err     error
	logEnd  int
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
	window := jobsPerWorker * opts.Workers
	order := make(chan *job, window)
	work := make(chan *job, window+1)
	quit := make(chan struct{})
	var cutErr error
	go func() {
		defer close(work)
		defer close(order)
		cutErr = cutJobs(cut, order, work, quit)
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

// cutJobs runs cut, gathering the chunks it sends into jobs, each put on
// order (where it waits its turn to be emitted) and on work.
func cutJobs(cut func(send func(Chunk) error) error, order, work chan<- *job, quit <-chan struct{}) error {
	var j *job
	flush := func() error {
		if j == nil {
			return nil
		}
		select {
		case order <- j:
		case <-quit:
			return errStopped
		}
		work <- j
		j = nil
		return nil
	}
	err := cut(func(c Chunk) error {
		if j == nil {
			j = &job{chunks: make([]Chunk, 0, chunksPerJob), done: make(chan struct{})}
		}
		j.chunks = append(j.chunks, c)
		if len(j.chunks) < chunksPerJob {
			return nil
		}
		return flush()
	})
	if err != nil {
		return err
	}
	return flush()
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
		if stop = j.emit(st, emit, &errs); stop != nil {
			close(quit)
		}
	}
	if stop != nil {
		return stop
	}
	return errors.Join(errs...)
}

// emit replays each chunk's secret findings into st, emits its batches
// and adds its problems to errs; it returns the first error of emit.
func (j *job) emit(st *secretState, emit func(Batch) error, errs *[]error) error {
	from := 0
	for _, res := range j.results {
		st.replay(j.log[from:res.logEnd])
		from = res.logEnd
		for _, b := range res.batches {
			if err := emit(b); err != nil {
				return err
			}
		}
		if res.err != nil {
			*errs = append(*errs, res.err)
		}
	}
	return nil
}

// run decodes the job's chunks with a private copy of opts that logs
// their secret findings, preparing each batch; nothing once quit is
// closed. The chunks share the copy: a chunk leaves no state behind that
// the next could see (a JSON Lines chunk ends its line; an EDIFACT chunk
// never cleans with the values collected).
func (j *job) run(base *DecodeOptions, quit <-chan struct{}) {
	select {
	case <-quit:
		return
	default:
	}
	o := *base
	o.sec = &secretState{logging: true}
	j.results = make([]chunkResult, len(j.chunks))
	for i, c := range j.chunks {
		res := &j.results[i]
		res.err = c(&o, func(b Batch) error {
			if base.Prepare != nil {
				base.Prepare(&b)
			}
			res.batches = append(res.batches, b)
			return nil
		})
		res.logEnd = len(o.sec.log)
	}
	j.log = o.sec.log
}
