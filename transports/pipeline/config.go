package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/nexport/pcsgate/transports/filedrop"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/sftp"
)

// ErrConfig marks an invalid gateway configuration.
var ErrConfig = errors.New("invalid configuration")

// Config is pcsgate.yaml. Every field is documented for operators; unknown
// keys are errors naming their line.
type Config struct {
	// Store is where pipes and ledger live: "sqlite:data/pcsgate.db" (the
	// default) or a "postgres://" URL.
	Store string `yaml:"store"`
	// HTTP is the listen address of webhooks, /healthz and /metrics.
	// Default 127.0.0.1:8080.
	HTTP string `yaml:"http"`
	// CredentialKeyFile holds the key of credential handles (PINs, TCTs
	// become HMAC handles under it). Default: <data>/credential.key,
	// created on first start.
	CredentialKeyFile string `yaml:"credential_key_file"`
	// Endpoints are the partner connections, inbound and outbound.
	Endpoints []Endpoint `yaml:"endpoints"`
	// Routes send accepted events to outbound endpoints.
	Routes []Route `yaml:"routes"`
	// Retry bounds the retries of transient failures per stage.
	Retry RetryConfig `yaml:"retry"`
}

// Endpoint is one partner connection.
type Endpoint struct {
	// Name identifies the endpoint in routes, logs and metrics.
	Name string `yaml:"name"`
	// Direction is "in" or "out".
	Direction string `yaml:"direction"`
	// Transport is "filedrop", "sftp" or "http".
	Transport string `yaml:"transport"`
	// Profile is the profile inbound messages are read with; empty detects
	// it per message.
	Profile string `yaml:"profile"`
	// Filedrop configures an inbound drop folder.
	Filedrop *filedrop.Config `yaml:"filedrop"`
	// FiledropOut configures an outbound folder.
	FiledropOut *filedrop.PublisherConfig `yaml:"filedrop_out"`
	// SFTP configures a scheduled pick-up from a partner's SFTP server.
	SFTP *sftp.Config `yaml:"sftp"`
	// SFTPOut configures uploads to a partner's SFTP server.
	SFTPOut *sftp.PublisherConfig `yaml:"sftp_out"`
	// HTTPIn configures an inbound webhook on the gateway's HTTP server.
	HTTPIn *httptr.InboundConfig `yaml:"http_in"`
	// HTTPOut configures outbound POSTs.
	HTTPOut *httptr.OutboundConfig `yaml:"http_out"`
}

// Route sends the accepted events it matches to an endpoint in a profile.
type Route struct {
	// Name is shown in logs; default "<endpoint>:<profile>".
	Name string `yaml:"name"`
	// Match: every listed criterion must hold; an empty list matches all.
	Match RouteMatch `yaml:"match"`
	// Endpoint is the outbound endpoint's name.
	Endpoint string `yaml:"endpoint"`
	// Profile is the target profile the events are rendered in. Events it
	// cannot carry are skipped (and counted), not errors.
	Profile string `yaml:"profile"`
}

// RouteMatch selects events.
type RouteMatch struct {
	Types    []string `yaml:"types"`    // event types, e.g. RELEASE_CREATED
	Ports    []string `yaml:"ports"`    // UN/LOCODE of the port of pick-up (key.port)
	Carriers []string `yaml:"carriers"` // key.carrier
	Profiles []string `yaml:"profiles"` // source profile, e.g. portbase/coreor
}

// RetryConfig bounds retries of transient failures.
type RetryConfig struct {
	// MaxRetries per message and stage before it becomes a dead letter;
	// also how often an event for a release not known yet is tried again
	// (parked, not blocking the events behind it). Default 5.
	MaxRetries int `yaml:"max_retries"`
	// Initial backoff, doubled each time. Default 200ms; parked events
	// wait 1s, 2s, 4s... (five times this).
	InitialInterval string `yaml:"initial_interval"`
}

// LoadConfig reads pcsgate.yaml strictly.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		msg := firstLine(yaml.FormatError(err, false, false))
		if !strings.HasPrefix(msg, "[") {
			if pos, field := locate(data, msg); pos != "" {
				msg = pos + " " + field + ": " + msg
			}
		}
		return nil, fmt.Errorf("%s: %w: %s", path, ErrConfig, msg)
	}
	if err := c.Validate(); err != nil {
		if pos, _ := locate(data, err.Error()); pos != "" && !strings.Contains(err.Error(), "\n") {
			return nil, fmt.Errorf("%s: %s %w", path, pos, err)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// quoted finds the quoted values in a decode error.
var quoted = regexp.MustCompile(`"([^"]*)"`)

// locate gives the "[line:column]" and the path of the value an error
// quotes last, for the errors the YAML decoder (bad durations) or Validate
// report without a position; "" when the value is not found.
func locate(data []byte, msg string) (pos, field string) {
	m := quoted.FindAllStringSubmatch(msg, -1)
	if len(m) == 0 {
		return "", ""
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return "", ""
	}
	v := &findScalar{value: m[len(m)-1][1]}
	for _, doc := range f.Docs {
		ast.Walk(v, doc)
	}
	if v.found == nil {
		return "", ""
	}
	p := v.found.GetToken().Position
	return fmt.Sprintf("[%d:%d]", p.Line, p.Column), strings.TrimPrefix(v.found.GetPath(), "$.")
}

// findScalar finds the first scalar node with a given text.
type findScalar struct {
	value string
	found ast.Node
}

func (v *findScalar) Visit(n ast.Node) ast.Visitor {
	if v.found != nil {
		return nil
	}
	if _, ok := n.(ast.ScalarNode); ok && n.GetToken() != nil && n.GetToken().Value == v.value {
		v.found = n
		return nil
	}
	return v
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (c *Config) setDefaults() {
	if c.Store == "" {
		c.Store = "sqlite:data/pcsgate.db"
	}
	if c.HTTP == "" {
		c.HTTP = "127.0.0.1:8080"
	}
	if c.Retry.MaxRetries == 0 {
		c.Retry.MaxRetries = 5
	}
	if c.Retry.InitialInterval == "" {
		c.Retry.InitialInterval = "200ms"
	}
	for i := range c.Routes {
		if c.Routes[i].Name == "" {
			c.Routes[i].Name = c.Routes[i].Endpoint + ":" + c.Routes[i].Profile
		}
	}
}

// Validate checks the configuration as a whole; every problem is reported.
func (c *Config) Validate() error {
	c.setDefaults()
	var errs []error
	names := map[string]*Endpoint{}
	for i := range c.Endpoints {
		ep := &c.Endpoints[i]
		where := fmt.Sprintf("endpoints[%d] %q", i, ep.Name)
		if ep.Name == "" || strings.ContainsAny(ep.Name, "/ .") {
			errs = append(errs, fmt.Errorf("%s: %w: name must be set, without '/', ' ' or '.'", where, ErrConfig))
		}
		if names[ep.Name] != nil {
			errs = append(errs, fmt.Errorf("%s: %w: name used twice", where, ErrConfig))
		}
		names[ep.Name] = ep
		switch {
		case ep.Direction == "in" && ep.Transport == "filedrop" && ep.Filedrop != nil:
		case ep.Direction == "in" && ep.Transport == "http" && ep.HTTPIn != nil:
		case ep.Direction == "in" && ep.Transport == "sftp" && ep.SFTP != nil:
		case ep.Direction == "out" && ep.Transport == "sftp" && ep.SFTPOut != nil:
		case ep.Direction == "out" && ep.Transport == "filedrop" && ep.FiledropOut != nil:
		case ep.Direction == "out" && ep.Transport == "http" && ep.HTTPOut != nil:
		default:
			errs = append(errs, fmt.Errorf("%s: %w: direction in|out with transport filedrop|sftp|http and its section (filedrop, filedrop_out, sftp, sftp_out, http_in, http_out)", where, ErrConfig))
		}
	}
	if d, err := time.ParseDuration(c.Retry.InitialInterval); err != nil || d <= 0 {
		errs = append(errs, fmt.Errorf("retry.initial_interval %q: %w: a positive duration such as 500ms expected", c.Retry.InitialInterval, ErrConfig))
	}
	for i, r := range c.Routes {
		ep := names[r.Endpoint]
		if ep == nil || ep.Direction != "out" {
			errs = append(errs, fmt.Errorf("routes[%d] %q: %w: endpoint %q is not an outbound endpoint", i, r.Name, ErrConfig, r.Endpoint))
		}
		if r.Profile == "" {
			errs = append(errs, fmt.Errorf("routes[%d] %q: %w: profile is required", i, r.Name, ErrConfig))
		}
	}
	return errors.Join(errs...)
}

// DefaultConfig is the embedded demo setup of `pcsgate run` without a
// config: the SQLite store and an inbox and outbox per PCS under dataDir,
// the default routes by port, and every event to the partner status feed.
// Routes whose target profile this build lacks are left out.
func DefaultConfig(dataDir string, has func(profile string) bool) *Config {
	c := &Config{
		Store:             "sqlite:" + filepath.Join(dataDir, "pcsgate.db"),
		CredentialKeyFile: filepath.Join(dataDir, "credential.key"),
	}
	for _, pcs := range []string{"portbase", "cpu", "scr", "sone", "ci5", "cargonaut", "terminal", "partner"} {
		c.Endpoints = append(c.Endpoints, Endpoint{
			Name: pcs + "-in", Direction: "in", Transport: "filedrop",
			Filedrop: &filedrop.Config{Dir: filepath.Join(dataDir, "inbox", pcs)},
		})
	}
	for _, pcs := range []string{"portbase", "cpu", "scr", "sone", "ci5", "cargonaut", "partner"} {
		c.Endpoints = append(c.Endpoints, Endpoint{
			Name: pcs + "-out", Direction: "out", Transport: "filedrop",
			FiledropOut: &filedrop.PublisherConfig{Dir: filepath.Join(dataDir, "outbox", pcs)},
		})
	}
	for _, r := range []Route{
		{Match: RouteMatch{Ports: []string{"NLRTM", "NLAMS"}}, Endpoint: "portbase-out", Profile: "portbase/coreor"},
		{Match: RouteMatch{Ports: []string{"BEANR", "BEZEE"}}, Endpoint: "cpu-out", Profile: "cpu/transfer"},
		{Match: RouteMatch{Ports: []string{"FRLEH", "FRURO", "FRPAR"}}, Endpoint: "sone-out", Profile: "sone/order"},
		{Match: RouteMatch{Ports: []string{"FRMRS", "FRFOS"}}, Endpoint: "ci5-out", Profile: "ci5/coreor"},
		{Endpoint: "partner-out", Profile: "partner/status-csv"},
	} {
		if has(r.Profile) {
			c.Routes = append(c.Routes, r)
		}
	}
	c.setDefaults()
	return c
}
