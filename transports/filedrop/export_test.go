package filedrop

// MoveNoReplaceForTest exposes moveNoReplace to the black-box tests.
var MoveNoReplaceForTest = moveNoReplace

// UsePartFilesForTest makes p write "<name>.part" files, as where files
// cannot be written without a name.
func (p *Publisher) UsePartFilesForTest() { p.anon.Store(false) }

// WritesUnnamedForTest reports whether p writes files without a name.
func (p *Publisher) WritesUnnamedForTest() bool { return p.anon.Load() }

// ReasonNameForTest exposes reasonName to the black-box tests.
var ReasonNameForTest = reasonName
