package mappings

import (
	"embed"
	"io/fs"
	"sync"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/syntax/cargoimp/cargoimpmap"
	"github.com/nexport/pcsgate/mappings/syntax/edifact/edifactmap"
	"github.com/nexport/pcsgate/mappings/syntax/flat/flatmap"
	"github.com/nexport/pcsgate/mappings/syntax/json/jsonmap"
	"github.com/nexport/pcsgate/mappings/syntax/xml/xmlmap"
)

// syntaxes is the one list of wire syntaxes, in the order they are
// sniffed. A new syntax is one package implementing engine.Syntax and one
// line here.
var syntaxes = []engine.Syntax{
	edifactmap.Syntax{},
	jsonmap.Syntax{},
	xmlmap.Syntax{},
	cargoimpmap.Syntax{},
	flatmap.Syntax{},
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
// checks them against the spec schema and compiles them. All problems are
// reported together.
func Load(fsys fs.FS) (*Registry, error) { return engine.Load(fsys, syntaxes) }
