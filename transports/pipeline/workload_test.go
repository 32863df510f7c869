package pipeline_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

// The workload of the crash test and the end-to-end benchmarks: message i is
// a one-container COREOR for NLRTM with its own container, B/L and
// references, so each yields one event with its own business key and one
// outbound file in the portbase outbox.

// iso6346Letter is the ISO 6346 value of a capital letter: A=10 upwards,
// skipping the multiples of 11.
func iso6346Letter(c byte) int {
	v := 10
	for l := byte('A'); l < c; l++ {
		v++
		if v%11 == 0 {
			v++
		}
	}
	return v
}

// iso6346CheckDigit computes the check digit of an owner code, category
// and serial ("CSQU305438"): each value times 2^position, summed, mod 11,
// and a remainder of 10 becomes 0.
func iso6346CheckDigit(prefix10 string) int {
	sum := 0
	for pos := 0; pos < 10; pos++ {
		c := prefix10[pos]
		v := int(c - '0')
		if pos < 4 {
			v = iso6346Letter(c)
		}
		sum += v << pos
	}
	return sum % 11 % 10
}

// workloadContainer returns the container number of message i: owner code
// PCGU, serial i (0 to 999,999) and the ISO 6346 check digit.
func workloadContainer(i int) string {
	prefix := fmt.Sprintf("PCGU%06d", i)
	return prefix + strconv.Itoa(iso6346CheckDigit(prefix))
}

// workloadBL returns the bill of lading of message i.
func workloadBL(i int) string { return fmt.Sprintf("PCGBL%07d", i) }

// workloadName returns the inbox file name of message i.
func workloadName(i int) string { return fmt.Sprintf("coreor-%06d.edi", i) }

// workloadMessage returns message i, a COREOR for NLRTM.
func workloadMessage(i int) []byte {
	return []byte(coreor(fmt.Sprintf("W%06d", i), "NLRTM", workloadContainer(i), workloadBL(i)))
}

// dropFile writes content as name+".tmp" in dir and renames it to name, as
// a partner that writes complete files does.
func dropFile(dir, name string, content []byte) error {
	tmp := filepath.Join(dir, name+".tmp")
	if err := os.WriteFile(tmp, content, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

// eqdContainer finds the container an outbound COREOR names.
var eqdContainer = regexp.MustCompile(`EQD\+CN\+([A-Z]{4}[0-9]{7})`)

// containersOf returns every container number an outbound COREOR names.
func containersOf(content []byte) []string {
	var out []string
	for _, m := range eqdContainer.FindAllSubmatch(content, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// TestWorkload checks the generated messages: valid and distinct container
// numbers (by canonical's own check), distinct B/Ls and contents.
func TestWorkload(t *testing.T) {
	digits := []struct {
		name   string
		prefix string
		digit  int
	}{
		{"published example", "CSQU305438", 3},
		{"second example", "MWCU605978", 4},
		{"workload first", "PCGU000000", 3},
		{"remainder 10 becomes 0", "PCGU000003", 0},
	}
	for _, c := range digits {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.digit, iso6346CheckDigit(c.prefix))
			require.NoError(t, canonical.CheckContainerNumber(c.prefix+strconv.Itoa(c.digit)))
		})
	}
	for _, i := range []int{0, 3, 4711, 999999} {
		t.Run(fmt.Sprintf("message %d names its container", i), func(t *testing.T) {
			assert.Equal(t, []string{workloadContainer(i)}, containersOf(workloadMessage(i)))
		})
	}
	t.Run("distinct and valid", func(t *testing.T) {
		const n = 5000
		containers, bls, bodies := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for i := range n {
			c := workloadContainer(i)
			require.NoError(t, canonical.CheckContainerNumber(c), "message %d", i)
			containers[c], bls[workloadBL(i)], bodies[string(workloadMessage(i))] = true, true, true
		}
		assert.Len(t, containers, n)
		assert.Len(t, bls, n)
		assert.Len(t, bodies, n)
	})
}
