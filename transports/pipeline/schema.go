package pipeline

import _ "embed"

// ConfigSchema is the JSON Schema of pcsgate.yaml, for editors that
// complete and check a configuration; make docs writes it from the
// declarations of Config (see internal/configdoc).
//
//go:embed pcsgate.schema.json
var ConfigSchema []byte
