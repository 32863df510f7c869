package engine

// SetVerifyFast turns on checking every fast form's answer against the
// VM's, for the fixture-wide test in package engine_test.
func SetVerifyFast(on bool) { verifyFast = on }
