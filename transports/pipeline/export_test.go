package pipeline

// DefaultProcsForTest is the Go runtime's own GOMAXPROCS.
var DefaultProcsForTest = defaultProcs
