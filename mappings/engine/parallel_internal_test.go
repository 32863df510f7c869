package engine

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRunParallelUsesSeveralWorkers: the first chunk waits for the first
// chunk of the next job to start, which only a second worker can do; the
// batches still come out in input order.
func TestRunParallelUsesSeveralWorkers(t *testing.T) {
	opts := &DecodeOptions{Workers: 2}
	started := make(chan struct{})
	var got, want []string
	err := (&Registry{}).runParallel(opts, func(b Batch) error {
		got = append(got, b.Ref)
		return nil
	}, func(send func(Chunk) error) error {
		for i := range 2 * chunksPerJob {
			ref := fmt.Sprint(i)
			want = append(want, ref)
			if err := send(func(_ *DecodeOptions, emit func(Batch) error) error {
				switch i {
				case 0:
					select {
					case <-started:
					case <-time.After(30 * time.Second): // a guard, not a synchronisation
						return errors.New("chunks ran one at a time")
					}
				case chunksPerJob:
					close(started)
				}
				return emit(Batch{Ref: ref})
			}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// TestRunParallelBoundsChunksInFlight: the cutter cannot run further
// ahead of emit than the window, however many chunks it has.
func TestRunParallelBoundsChunksInFlight(t *testing.T) {
	opts := &DecodeOptions{Workers: 2}
	var sent, emitted, most atomic.Int64
	err := (&Registry{}).runParallel(opts, func(b Batch) error {
		n := emitted.Add(1)
		most.Store(max(most.Load(), sent.Load()-n+1))
		return nil
	}, func(send func(Chunk) error) error {
		for i := range 2000 {
			ref := fmt.Sprint(i)
			if err := send(func(_ *DecodeOptions, emit func(Batch) error) error {
				return emit(Batch{Ref: ref})
			}); err != nil {
				return err
			}
			sent.Add(1)
		}
		return nil
	})
	require.NoError(t, err)
	require.EqualValues(t, 2000, emitted.Load())
	require.LessOrEqual(t, most.Load(), int64((jobsPerWorker*opts.Workers+2)*chunksPerJob))
}

// TestRunParallelReplaysSecrets: the secrets chunks find reach SecretSeen
// (once) and OnSecret in input order, and clean the problems returned.
func TestRunParallelReplaysSecrets(t *testing.T) {
	var seen int
	var found []string
	opts := &DecodeOptions{Workers: 3, SecretSeen: func() { seen++ }, OnSecret: func(v string) { found = append(found, v) }}
	st := opts.secretState()
	err := (&Registry{}).runParallel(opts, func(Batch) error { return nil }, func(send func(Chunk) error) error {
		for i := range 50 {
			v := fmt.Sprintf("PIN%04d", i)
			if err := send(func(o *DecodeOptions, _ func(Batch) error) error {
				o.secretState().beginMessage()
				o.secretState().add(v)
				return &Error{File: "in.edi", Value: v, Err: ErrConvert}
			}); err != nil {
				return err
			}
		}
		return nil
	})
	require.Equal(t, 1, seen)
	require.Len(t, found, 50)
	for i, v := range found {
		require.Equal(t, fmt.Sprintf("PIN%04d", i), v)
	}
	require.Equal(t, 50, st.read)
	err = st.finish(nil, err)
	for _, l := range Lines(err) {
		require.NotContains(t, l, "PIN")
	}
}
