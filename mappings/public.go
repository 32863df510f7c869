package mappings

import (
	"embed"
	"io/fs"
	"sync"
)

// syntaxes is the one list of wire syntaxes, in the order they are sniffed.
var syntaxes = []Syntax{
	EdifactSyntax{}, JSONSyntax{}, XMLSyntax{}, CargoimpSyntax{}, FlatSyntax{},
}

//go:embed */*/spec.yaml */*/*.json codelists/*.yaml
var embedded embed.FS

var (
	defaultOnce sync.Once
	defaultReg  *Registry
	defaultErr  error
)

// Default returns the registry of the profiles built into pcsgate.
func Default() (*Registry, error) {
	defaultOnce.Do(func() { defaultReg, defaultErr = Load(embedded) })
	return defaultReg, defaultErr
}

// Embedded is the file system of the built-in specs, code lists and schemas.
func Embedded() fs.FS { return embedded }

// Load reads every <pcs>/<profile>/spec.yaml and codelists/*.yaml in fsys,
// checks them against spec.schema.json and compiles them. All problems are
// reported together.
func Load(fsys fs.FS) (*Registry, error) { return LoadSyntaxes(fsys, syntaxes) }
