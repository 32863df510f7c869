package mappings

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"testing/fstest"

	"github.com/goccy/go-yaml"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
)

// LoadWith loads the profiles of base (laid out like Embedded: folders
// <pcs>/<profile>/ and codelists/) together with the specs of each extra
// file system, typically a partner's folder of overlays. An extra spec may
// sit at spec.yaml, <name>/spec.yaml or <pcs>/<profile>/spec.yaml; its
// profile name comes from its `profile` key, and the files beside it
// (a JSON Schema) come with it. Extra code lists sit in codelists/. A name
// already taken is ErrDuplicateKey: an overlay takes a new name and
// `extends` the profile it adjusts.
//
//	reg, err := mappings.LoadWith(mappings.Embedded(), os.DirFS("partner-overlays"))
func LoadWith(base fs.FS, extra ...fs.FS) (*engine.Registry, error) {
	merged := fstest.MapFS{}
	if err := fs.WalkDir(base, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(base, p)
		if err != nil {
			return err
		}
		merged[p] = &fstest.MapFile{Data: data}
		return nil
	}); err != nil {
		return nil, err
	}
	var errs []error
	for _, x := range extra {
		if err := mergeExtra(merged, x); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return Load(merged)
}

// mergeExtra copies the specs, their sibling files and the code lists of
// x into merged, under the folder their profile names.
func mergeExtra(merged fstest.MapFS, x fs.FS) error {
	var specs []string
	for _, pattern := range []string{"spec.yaml", "*/spec.yaml", "*/*/spec.yaml"} {
		m, err := fs.Glob(x, pattern)
		if err != nil {
			return err
		}
		specs = append(specs, m...)
	}
	var errs []error
	for _, f := range specs {
		data, err := fs.ReadFile(x, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var head struct {
			Profile string `yaml:"profile"`
		}
		if err := yaml.Unmarshal(data, &head); err != nil || head.Profile == "" {
			errs = append(errs, fmt.Errorf("%s: %w: no profile name", f, spec.ErrSpec))
			continue
		}
		target := head.Profile + "/spec.yaml"
		if _, taken := merged[target]; taken {
			errs = append(errs, fmt.Errorf("mapping %s: defined in the built-in profiles and in %s: %w", head.Profile, f, engine.ErrDuplicateKey))
			continue
		}
		dir := path.Dir(f)
		entries, err := fs.ReadDir(x, dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			b, err := fs.ReadFile(x, path.Join(dir, e.Name()))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			merged[head.Profile+"/"+e.Name()] = &fstest.MapFile{Data: b}
		}
	}
	cls, _ := fs.Glob(x, "codelists/*.yaml")
	for _, f := range cls {
		if _, taken := merged[f]; taken {
			errs = append(errs, fmt.Errorf("code list %s: defined in the built-in profiles and in the extra folder: %w", f, engine.ErrDuplicateKey))
			continue
		}
		b, err := fs.ReadFile(x, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		merged[f] = &fstest.MapFile{Data: b}
	}
	return errors.Join(errs...)
}
