//go:build integration && !race

package http_test

const raceEnabled = false
