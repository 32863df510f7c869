package filedrop

// LinkThroughProcForTest makes unnamed files be named through /proc, as
// for a process without the privilege AT_EMPTY_PATH needs, until restore.
func LinkThroughProcForTest() (restore func()) {
	prev := emptyPathRefused.Swap(true)
	return func() { emptyPathRefused.Store(prev) }
}
