//go:build integration && race

package http_test

// raceEnabled: the race detector multiplies memory, so RSS bounds do not apply.
const raceEnabled = true
