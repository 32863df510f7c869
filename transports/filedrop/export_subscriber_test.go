package filedrop

// Counts is what a Subscriber has done so far.
type Counts struct {
	Listings int64 // folder listings
	Lstats   int64 // lstat() calls on files of the folder
	Creates  int64 // names notified as created
}

// CountsForTest returns what s has done so far.
func CountsForTest(s *Subscriber) Counts {
	return Counts{Listings: s.listings.Load(), Lstats: s.lstats.Load(), Creates: s.creates.Load()}
}

// SetMoveForTest replaces how s moves files out of the folder; call it
// before the first Subscribe.
func SetMoveForTest(s *Subscriber, move func(src, dir, name string) (string, error)) {
	s.move = move
}

// HeldForTest counts the files s made wait for an older one still
// settling.
func HeldForTest(s *Subscriber) int64 { return s.held.Load() }
