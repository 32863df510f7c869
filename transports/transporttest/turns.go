package transporttest

import (
	"sync"

	"github.com/nexport/pcsgate/transports"
)

// Backwards hands out n turns and runs work(i, turn, note) for each in a
// goroutine of its own, started last turn first, and waits for them all.
// work calls note(i) at the step whose order is under test; Backwards
// returns the numbers in the order they were noted, which is 0, 1, …, n-1
// when the turns kept that step in order.
func Backwards(n int, work func(i int, turn *transports.Turn, note func(int))) []int {
	var q transports.Turns
	turns := make([]*transports.Turn, n)
	for i := range turns {
		turns[i] = q.Next()
	}
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	note := func(i int) {
		mu.Lock()
		order = append(order, i)
		mu.Unlock()
	}
	for i := n - 1; i >= 0; i-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(i, turns[i], note)
		}()
	}
	wg.Wait()
	return order
}

// InOrder is 0, 1, …, n-1: what Backwards returns when order was kept.
func InOrder(n int) []int {
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	return want
}
