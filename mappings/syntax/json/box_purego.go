//go:build purego

package json

// boxes is the plain counterpart of the slab boxing in box_unsafe.go: each
// string and number gets its own interface allocation.
type boxes struct{}

func (*boxes) init(int, *Reuse) {}

// str returns s as an interface holding a string.
func (*boxes) str(s string) any { return s }

// num returns s as an interface holding a Number.
func (*boxes) num(s string) any { return Number(s) }

// source returns a copy of data; without unsafe, ShareInput cannot share it.
func source(data []byte, _ bool) string { return string(data) }
