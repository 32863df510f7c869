package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/nexport/pcsgate/mappings"
)

// CheckConfigFile reads pcsgate.yaml as LoadConfig does, then checks what
// New would refuse later, without opening the store or listening: every
// profile of an endpoint or route is one of reg's that reads or writes as
// needed, and the key files that exist can be read. Every problem is
// reported, one per line, with its "[line:column]" where it has one.
func CheckConfigFile(path string, reg *mappings.Registry) (*Config, error) {
	cfg, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	errs := cfg.checkProfiles(reg)
	errs = append(errs, cfg.checkKeyFiles()...)
	if len(errs) == 0 {
		return cfg, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%s: %w", path, placeErrors(data, errors.Join(errs...)))
}

// checkProfiles resolves the profile of each inbound endpoint and route
// against reg.
func (c *Config) checkProfiles(reg *mappings.Registry) []error {
	var errs []error
	for i, ep := range c.Endpoints {
		if ep.Profile == "" || ep.Direction == "out" {
			continue
		}
		at := fmt.Sprintf("$.endpoints[%d].profile", i)
		p, err := reg.Profile(ep.Profile)
		switch {
		case err != nil || !p.CanDecode():
			errs = append(errs, atField(at, fmt.Errorf("endpoint %q: %w: profile %q cannot read (see pcsgate profiles)", ep.Name, ErrConfig, ep.Profile)))
		case ep.JSONLines && !p.ReadsLines():
			errs = append(errs, atField(at, fmt.Errorf("endpoint %q: %w: json_lines needs a JSON profile that reads, not %q", ep.Name, ErrConfig, ep.Profile)))
		}
	}
	for i, r := range c.Routes {
		if p, err := reg.Profile(r.Profile); r.Profile != "" && (err != nil || !p.CanEncode()) {
			errs = append(errs, atField(fmt.Sprintf("$.routes[%d].profile", i),
				fmt.Errorf("route %q: %w: profile %q cannot write (see pcsgate profiles)", r.Name, ErrConfig, r.Profile)))
		}
	}
	return errs
}

// checkKeyFiles reads the credential and secret keys that exist, as the
// gateway will; a missing one is made by the first start.
func (c *Config) checkKeyFiles() []error {
	var errs []error
	for _, k := range []struct {
		field, path string
		kf          keyFile
	}{
		{"$.credential_key_file", c.CredentialKeyFile, credentialKeyFile},
		{"$.secret_key_file", c.SecretKeyFile, secretKeyFile},
	} {
		if k.path == "" {
			continue
		}
		if _, err := k.kf.read(k.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, atField(k.field, err))
		}
	}
	return errs
}
