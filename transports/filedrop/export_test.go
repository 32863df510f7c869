package filedrop

// MoveNoReplaceForTest exposes moveNoReplace to the black-box tests.
var MoveNoReplaceForTest = moveNoReplace
