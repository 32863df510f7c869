package pipeline_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports/pipeline"
)

// pcsgate run takes one processor more than the CPUs, unless GOMAXPROCS
// says otherwise.
func TestProcs(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	assert.Equal(t, pipeline.DefaultProcsForTest+1, pipeline.Procs())
	t.Setenv("GOMAXPROCS", "7")
	prev := runtime.GOMAXPROCS(7)
	defer runtime.GOMAXPROCS(prev)
	assert.Equal(t, 7, pipeline.Procs())
}
