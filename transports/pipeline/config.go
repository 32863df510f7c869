package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/nexport/pcsgate/canonical/errtext"

	"github.com/nexport/pcsgate/transports/filedrop"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/secret"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/store"
)

// ErrConfig marks an invalid gateway configuration.
var ErrConfig = errors.New("invalid configuration")

// Config is pcsgate.yaml. Every field is documented for operators; unknown
// keys are errors naming their line.
type Config struct {
	// Store is where pipes and ledger live: "sqlite:data/pcsgate.db" (the
	// default) or a "postgres://" URL. Like every secret of the file it
	// may be given as "env:NAME" or "file:PATH" (see package secret).
	Store string `yaml:"store"`
	// Monitor is where the monitor page, its API, /metrics and /healthz
	// are served. Everything there but /healthz needs a token (see
	// `pcsgate token`).
	Monitor MonitorConfig `yaml:"monitor"`
	// Version is this build's version as the fleet lists it (pcsgate
	// status, /api/fleet), set by pcsgate run from what pcsgate --version
	// prints; not read from the file. Empty: "unknown".
	Version string `yaml:"-"`
	// Webhooks is where the http_in endpoints are served, and the limits
	// of both HTTP servers.
	Webhooks WebhooksConfig `yaml:"webhooks"`
	// CredentialKeyFile holds the key of credential handles (PINs, TCTs
	// become HMAC handles under it). Default: credential.key beside the
	// SQLite database, created on first start; a PostgreSQL store needs it
	// set (every instance of a fleet the same file).
	CredentialKeyFile string `yaml:"credential_key_file"`
	// SecretKeyFile holds the key (32 bytes, AES-256-GCM) under which
	// what must be kept whole but carries a secret is encrypted at rest:
	// dead-letter payloads and the archive/ and error/ copies of files
	// with a PIN or TCT. Default: secret.key beside credential_key_file,
	// created (0600) on first start; with neither set, a key for the run
	// only. Keep it safe and never replace it: what was sealed can be
	// opened with this key only, and a file of another size is refused.
	SecretKeyFile string `yaml:"secret_key_file"`
	// Endpoints are the partner connections, inbound and outbound.
	Endpoints []Endpoint `yaml:"endpoints"`
	// Routes send accepted events to outbound endpoints.
	Routes []Route `yaml:"routes"`
	// Retry bounds the retries of transient failures per stage.
	Retry RetryConfig `yaml:"retry"`
	// Postgres bounds, on the server, what a session of a PostgreSQL store
	// may hold; unused with SQLite.
	Postgres PostgresConfig `yaml:"postgres"`
}

// PostgresConfig sets the server-side time limits of a PostgreSQL store's
// sessions, so that a hung or cut-off instance cannot stop a fleet.
// Parameters of the same name in the store's address win.
type PostgresConfig struct {
	// StatementTimeout cancels a statement that runs longer
	// (statement_timeout). Default 30s.
	StatementTimeout time.Duration `yaml:"statement_timeout"`
	// IdleInTransactionTimeout ends the session of a transaction that
	// waits longer for its instance (idle_in_transaction_session_timeout),
	// so a stopped or cut-off instance holds no lock and hides no newer
	// message from the others for longer. Subscriptions hold no
	// transaction while handlers work; a hung instance's claim on a
	// consumer group expires after half this time. Default 10s.
	IdleInTransactionTimeout time.Duration `yaml:"idle_in_transaction_timeout"`
	// Partitions splits each outbound endpoint's messages by release key
	// into this many partitions, delivered side by side: by the members
	// of a fleet, and by one instance several batches at a time; a
	// partner that hangs on one message holds up only its partition. The
	// messages of one release keep their order. Default 1 (each endpoint
	// one batch at a time); at most 64. Raise it when instances run on
	// machines of their own, or to isolate slow partners.
	Partitions int `yaml:"partitions"`
}

// MonitorConfig places the monitor.
type MonitorConfig struct {
	// Listen is the monitor's host:port, or "off" for none. Default
	// 127.0.0.1:8080.
	Listen string `yaml:"listen"`
}

// WebhooksConfig places the webhooks and bounds the HTTP servers.
type WebhooksConfig struct {
	// Listen is the webhooks' host:port, served only when an http_in
	// endpoint exists; "off" is allowed only when none does. Default
	// 127.0.0.1:8081. It must differ from monitor.listen.
	Listen string `yaml:"listen"`
	// ServerLimits apply to the webhooks' server and to the monitor's.
	ServerLimits `yaml:",inline"`
}

// ServerLimits bound an HTTP server against slow or numerous clients.
type ServerLimits struct {
	// ReadHeaderTimeout bounds reading a request's headers. Default 10s.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	// ReadTimeout bounds reading a whole request, body included. Default
	// 60s.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds a request from the end of its headers to the end
	// of its answer. Default 90s; the webhooks' server takes at least an
	// http_in endpoint's timeout plus read_timeout, so that a webhook
	// waiting for its commit can still answer.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout closes a kept-alive connection without a request.
	// Default 60s.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// MaxHeaderBytes bounds a request's header block. Default 65536.
	MaxHeaderBytes int `yaml:"max_header_bytes"`
	// MaxConnections bounds the connections open at once per server;
	// further ones wait to be accepted. Default 256.
	MaxConnections int `yaml:"max_connections"`
	// MaxConnectionsPerClient bounds the connections one IP address has
	// open at once per server; a further one is closed as soon as it is
	// accepted. Behind a reverse proxy every connection comes from the
	// proxy's address: set it to max_connections there. Default 32.
	MaxConnectionsPerClient int `yaml:"max_connections_per_client"`
}

// ListenOff turns a listener off.
const ListenOff = "off"

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
	// JSONLines reads every inbound message as JSON Lines: one JSON
	// document per line, each line a message of its own (deduplicated,
	// decoded and, when bad, kept as a dead letter on its own). Files named
	// *.jsonl or *.ndjson are read so without it.
	JSONLines bool `yaml:"json_lines"`
	// PCS names the system an outbound endpoint delivers to, as the first
	// part of a profile name (portbase, cpu, partner...). Events that came
	// from that system are not routed to it unless a route sets ToSource.
	// Default: the system of each route's target profile.
	PCS string `yaml:"pcs"`
	// Sender is the installation's own party id on the interchange
	// envelopes an outbound endpoint writes (EDIFACT UNB sender); empty
	// keeps the target profile's.
	Sender *Sender `yaml:"sender"`
	// Acks returns acknowledgements (CONTRL, APERAK) to the senders of
	// EDIFACT interchanges on an inbound endpoint; see AcksConfig.
	Acks *AcksConfig `yaml:"acks"`
	// CSVFormulas is what an outbound endpoint's CSV output does with
	// cells that start with '=', '+', '-', '@', a tab or a carriage
	// return: "neutralise" (default: a single quote before them, plain
	// numbers excepted, so spreadsheet programs do not run them as
	// formulas) or "allow" (written as they are).
	CSVFormulas string `yaml:"csv_formulas"`
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
	// DegradedAfter is how long the endpoint may fail (messages not taken
	// in or not delivered, an SFTP server not reached), without a success
	// in between, before /healthz reports it degraded. Default 5m.
	DegradedAfter time.Duration `yaml:"degraded_after"`
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
	// ToSource also sends the events that came from the endpoint's own
	// system (source.pcs equal to the endpoint's PCS). Without it such an
	// echo is skipped and counted as result "to_source".
	ToSource bool `yaml:"to_source"`
}

// The values of Endpoint.CSVFormulas.
const (
	CSVFormulasNeutralise = "neutralise"
	CSVFormulasAllow      = "allow"
)

// Sender is a party id and its code qualifier for interchange envelopes
// (EDIFACT UNB S002: 0004 an..35 and 0007 an..4).
type Sender struct {
	// ID is the party id, an..35 (e.g. a GLN or an EORI number).
	ID string `yaml:"id"`
	// Qualifier says what kind of id it is, an..4 (14: GLN, ZZZ: mutually
	// agreed).
	Qualifier string `yaml:"qualifier"`
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
	// ParkFor is how long an event for a release not known yet (a transfer
	// or a gate-out whose release was not received) waits for it before
	// it becomes a dead letter, tried again after 1s, 2s, 4s... (five
	// times initial_interval, doubling, at most 5m apart) and once more at
	// the end. Default: max_retries such waits, 31s with the defaults;
	// set it to hours where releases can arrive after what follows them.
	ParkFor string `yaml:"park_for"`
}

// LoadConfig reads pcsgate.yaml strictly, fills in the defaults and
// validates it. Each problem is reported with its "[line:column]".
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := refuseOldKeys(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var c Config
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		msg := firstLine(yaml.FormatError(err, false, false))
		if !strings.HasPrefix(msg, "[") {
			// Errors of duration fields come without a position.
			if n := badDuration(data); n != nil {
				msg = position(n) + " " + strings.TrimPrefix(n.GetPath(), "$.") + ": " + msg
			}
		}
		return nil, fmt.Errorf("%s: %w: %s", path, ErrConfig, msg)
	}
	if err := c.resolveSecrets(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, placeErrors(data, err))
	}
	c.setDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, placeErrors(data, err))
	}
	return &c, nil
}

// resolveSecrets replaces each secret given as "env:NAME" or "file:PATH"
// by its value (see package secret). Every secret that cannot be resolved
// is reported at its field; no error shows a secret.
func (c *Config) resolveSecrets() error {
	var errs []error
	resolve := func(at, where, key string, v *string) {
		s, err := secret.Resolve(*v)
		if err != nil {
			errs = append(errs, atField(at+"."+key, fmt.Errorf("%s%s: %w: %w", where, key, ErrConfig, err)))
			return
		}
		*v = s
	}
	resolve("$", "", "store", &c.Store)
	for i := range c.Endpoints {
		ep := &c.Endpoints[i]
		at := fmt.Sprintf("$.endpoints[%d]", i)
		where := fmt.Sprintf("endpoints[%d] %q: ", i, ep.Name)
		for _, f := range ep.secrets() {
			resolve(at, where, f.key, f.value)
		}
		if ep.HTTPOut == nil {
			continue
		}
		// Header values (API keys) may be secrets too.
		names := make([]string, 0, len(ep.HTTPOut.Headers))
		for name := range ep.HTTPOut.Headers {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			v := ep.HTTPOut.Headers[name]
			resolve(at, where, "http_out.headers."+name, &v)
			ep.HTTPOut.Headers[name] = v
		}
	}
	return errors.Join(errs...)
}

// secretField is a secret of an endpoint and its key below the endpoint.
type secretField struct {
	key   string
	value *string
}

// secrets are the fields of ep's sections that hold secrets: passwords,
// passphrases, bearer tokens and HMAC secrets.
func (ep *Endpoint) secrets() []secretField {
	var fs []secretField
	sftpSecrets := func(section string, c *sftp.Connection) {
		fs = append(fs, secretField{section + ".password", &c.Password},
			secretField{section + ".private_key_passphrase", &c.PrivateKeyPassphrase})
	}
	authSecrets := func(section string, a *httptr.AuthConfig) {
		fs = append(fs, secretField{section + ".auth.bearer", &a.Bearer},
			secretField{section + ".auth.hmac_secret", &a.HMACSecret})
	}
	if ep.SFTP != nil {
		sftpSecrets("sftp", &ep.SFTP.Connection)
	}
	if ep.SFTPOut != nil {
		sftpSecrets("sftp_out", &ep.SFTPOut.Connection)
	}
	if ep.HTTPIn != nil {
		authSecrets("http_in", &ep.HTTPIn.Auth)
	}
	if ep.HTTPOut != nil {
		authSecrets("http_out", &ep.HTTPOut.Auth)
	}
	return fs
}

// fieldError is a problem of the configuration at a YAML path such as
// $.routes[2].endpoint; its text does not say where.
type fieldError struct {
	path string
	err  error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// atField is err about the field at path.
func atField(path string, err error) error { return &fieldError{path, err} }

// placeErrors puts the "[line:column]" of its field in data in front of
// each problem err reports.
func placeErrors(data []byte, err error) error {
	f, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return err
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	placed := make([]error, len(errs))
	for i, e := range errs {
		placed[i] = e
		var fe *fieldError
		if errors.As(e, &fe) {
			if n := nodeAt(f, fe.path); n != nil {
				placed[i] = fmt.Errorf("%s %w", position(n), e)
			}
		}
	}
	if len(placed) == 1 {
		return placed[0]
	}
	return errors.Join(placed...)
}

// nodeAt is the node at path in f or, when the path is not written there
// (a missing field), at the nearest enclosing path that is; nil when none.
func nodeAt(f *ast.File, path string) ast.Node {
	for path != "$" && path != "" {
		if p, err := yaml.PathString(path); err == nil {
			if n, err := p.FilterFile(f); err == nil && n != nil {
				return n
			}
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return nil
}

// position is the "[line:column]" of n: of its first key when n is a
// mapping, which starts there.
func position(n ast.Node) string {
	switch m := n.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 {
			n = m.Values[0].Key
		}
	case *ast.MappingValueNode:
		n = m.Key
	}
	p := n.GetToken().Position
	return fmt.Sprintf("[%d:%d]", p.Line, p.Column)
}

// badDuration is the first value in data that a time.Duration field of
// Config is read from and that is no duration; nil when there is none.
func badDuration(data []byte) ast.Node {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil
	}
	for _, doc := range f.Docs {
		if n := findBadDuration(doc.Body, reflect.TypeOf(Config{})); n != nil {
			return n
		}
	}
	return nil
}

// findBadDuration walks n as the YAML of a value of type t.
func findBadDuration(n ast.Node, t reflect.Type) ast.Node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := n.(type) {
	case *ast.StringNode:
		if _, err := time.ParseDuration(v.Value); t == reflect.TypeOf(time.Duration(0)) && err != nil {
			return n
		}
	case *ast.SequenceNode:
		if t.Kind() == reflect.Slice {
			for _, item := range v.Values {
				if bad := findBadDuration(item, t.Elem()); bad != nil {
					return bad
				}
			}
		}
	case *ast.MappingNode:
		for _, mv := range v.Values {
			if bad := findBadDuration(mv, t); bad != nil {
				return bad
			}
		}
	case *ast.MappingValueNode:
		if f, ok := yamlField(t, v.Key.GetToken().Value); ok {
			return findBadDuration(v.Value, f.Type)
		}
	}
	return nil
}

// yamlField is the field of struct type t that YAML key name is read into,
// looking into inlined structs.
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			if g, ok := yamlField(f.Type, name); ok {
				return g, true
			}
			continue
		}
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// validateKeyFiles refuses a PostgreSQL store without credential_key_file:
// the keys must outlive the process, since dead letters and files sealed
// under a key of one run could not be opened after it, and be the same on
// every instance of a fleet. Beside an SQLite file they default to its
// folder; an in-memory store keeps nothing, so keys of the run do.
func (c *Config) validateKeyFiles() []error {
	if d, err := store.ParseDSN(c.Store); err != nil || d.Backend != store.BackendPostgres || c.CredentialKeyFile != "" {
		return nil
	}
	return []error{atField("$.store", fmt.Errorf("credential_key_file: %w: a PostgreSQL store needs it (and secret_key_file, default beside it): "+
		"a key of one run could not open what it sealed after a restart, and every instance of a fleet needs the same keys", ErrConfig))}
}

// validate reports a negative time limit and a partition count out of
// bounds; zero takes the default.
func (p PostgresConfig) validate() []error {
	var errs []error
	for _, f := range []struct {
		key, example string
		v            time.Duration
	}{
		{"statement_timeout", "30s", p.StatementTimeout},
		{"idle_in_transaction_timeout", "10s", p.IdleInTransactionTimeout},
	} {
		if f.v < 0 {
			errs = append(errs, atField("$.postgres."+f.key,
				fmt.Errorf("postgres.%s %s: %w: a positive duration such as %s expected", f.key, f.v, ErrConfig, f.example)))
		}
	}
	if p.Partitions < 0 || p.Partitions > maxPartitions {
		errs = append(errs, atField("$.postgres.partitions",
			fmt.Errorf("postgres.partitions %d: %w: 1 to %d expected (default %d)", p.Partitions, ErrConfig, maxPartitions, defaultPartitions)))
	}
	return errs
}

func (c *Config) setDefaults() {
	if c.Store == "" {
		c.Store = "sqlite:data/pcsgate.db"
	}
	if c.Monitor.Listen == "" {
		c.Monitor.Listen = "127.0.0.1:8080"
	}
	if d, err := store.ParseDSN(c.Store); err == nil && d.Path != "" && c.CredentialKeyFile == "" {
		c.CredentialKeyFile = filepath.Join(filepath.Dir(d.Path), "credential.key")
	}
	if c.SecretKeyFile == "" && c.CredentialKeyFile != "" {
		c.SecretKeyFile = filepath.Join(filepath.Dir(c.CredentialKeyFile), "secret.key")
	}
	if c.Webhooks.Listen == "" {
		c.Webhooks.Listen = "127.0.0.1:8081"
	}
	c.Webhooks.ServerLimits.setDefaults()
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

// Validate checks the configuration as a whole, as it is: defaults are
// filled in by LoadConfig and New before. Every problem is reported, one
// per line.
func (c *Config) Validate() error {
	var errs []error
	names := map[string]*Endpoint{}
	for i := range c.Endpoints {
		ep := &c.Endpoints[i]
		at := fmt.Sprintf("$.endpoints[%d]", i)
		where := fmt.Sprintf("endpoints[%d] %q", i, ep.Name)
		if ep.Name == "" || strings.ContainsAny(ep.Name, "/ .") {
			errs = append(errs, atField(at+".name", fmt.Errorf("%s: %w: name must be set, without '/', ' ' or '.'", where, ErrConfig)))
		}
		if names[ep.Name] != nil {
			errs = append(errs, atField(at+".name", fmt.Errorf("%s: %w: name used twice", where, ErrConfig)))
		}
		names[ep.Name] = ep
		if kindOf(ep) == nil {
			errs = append(errs, atField(at+".transport", fmt.Errorf("%s: %w: %s", where, ErrConfig, kindsHelp(ep))))
		}
		errs = append(errs, ep.validateDirection(at, where)...)
		if ep.DegradedAfter < 0 {
			errs = append(errs, atField(at+".degraded_after", fmt.Errorf("%s: %w: degraded_after %s: a positive duration such as 5m expected", where, ErrConfig, ep.DegradedAfter)))
		}
		if key, n := inboundMaxBytes(ep); n > maxInboundBytes {
			errs = append(errs, atField(at+"."+key, fmt.Errorf("%s: %w: %s %d: at most %d expected, so that a refused message can be kept as a dead letter", where, ErrConfig, key, n, maxInboundBytes)))
		}
	}
	if d, err := time.ParseDuration(c.Retry.ParkFor); c.Retry.ParkFor != "" && (err != nil || d <= 0) {
		errs = append(errs, atField("$.retry.park_for",
			fmt.Errorf("retry.park_for %q: %w: a positive duration such as 6h expected", c.Retry.ParkFor, ErrConfig)))
	}
	if d, err := time.ParseDuration(c.Retry.InitialInterval); err != nil || d <= 0 {
		errs = append(errs, atField("$.retry.initial_interval",
			fmt.Errorf("retry.initial_interval %q: %w: a positive duration such as 500ms expected", c.Retry.InitialInterval, ErrConfig)))
	}
	errs = append(errs, c.Postgres.validate()...)
	errs = append(errs, c.validateListeners()...)
	errs = append(errs, c.validateAcks(names)...)
	errs = append(errs, c.validateKeyFiles()...)
	for i, r := range c.Routes {
		at := fmt.Sprintf("$.routes[%d]", i)
		if ep := names[r.Endpoint]; ep == nil || ep.Direction != "out" {
			errs = append(errs, atField(at+".endpoint",
				fmt.Errorf("routes[%d] %q: %w: endpoint %q is not an outbound endpoint", i, r.Name, ErrConfig, r.Endpoint)))
		}
		if r.Profile == "" {
			errs = append(errs, atField(at+".profile", fmt.Errorf("routes[%d] %q: %w: profile is required", i, r.Name, ErrConfig)))
		}
	}
	return errors.Join(errs...)
}

// validateDirection checks the settings of one direction only: the system an
// outbound endpoint delivers to, the sender of its envelopes and what its
// CSV does with formulas, and that an inbound one reads JSON Lines.
func (ep *Endpoint) validateDirection(at, where string) []error {
	var errs []error
	if ep.Direction == "out" && ep.JSONLines {
		errs = append(errs, atField(at+".json_lines", fmt.Errorf("%s: %w: json_lines is for inbound endpoints", where, ErrConfig)))
	}
	if ep.Direction != "out" {
		for _, f := range []struct {
			key string
			set bool
		}{{"pcs", ep.PCS != ""}, {"sender", ep.Sender != nil}, {"csv_formulas", ep.CSVFormulas != ""}} {
			if f.set {
				errs = append(errs, atField(at+"."+f.key, fmt.Errorf("%s: %w: %s is for outbound endpoints", where, ErrConfig, f.key)))
			}
		}
		return errs
	}
	if ep.PCS != "" && !validPCS(ep.PCS) {
		errs = append(errs, atField(at+".pcs", fmt.Errorf("%s: %w: pcs %q: a system as profile names begin, such as portbase or cpu, expected", where, ErrConfig, ep.PCS)))
	}
	switch ep.CSVFormulas {
	case "", CSVFormulasNeutralise, CSVFormulasAllow:
	default:
		errs = append(errs, atField(at+".csv_formulas", fmt.Errorf("%s: %w: csv_formulas %q: %s or %s expected", where, ErrConfig, ep.CSVFormulas, CSVFormulasNeutralise, CSVFormulasAllow)))
	}
	if s := ep.Sender; s != nil {
		if err := CheckSenderID(s.ID); err != nil {
			errs = append(errs, atField(at+".sender.id", fmt.Errorf("%s: %w: sender.id %w", where, ErrConfig, err)))
		}
		if err := CheckSenderQualifier(s.Qualifier); err != nil {
			errs = append(errs, atField(at+".sender.qualifier", fmt.Errorf("%s: %w: sender.qualifier %w", where, ErrConfig, err)))
		}
	}
	return errs
}

// validPCS reports whether s can be the first part of a profile name:
// lower-case letters, digits and '-'.
func validPCS(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return s != ""
}

// CheckSenderID checks the installation's party id for interchange
// envelopes (UNB 0004, an..35); it is required.
func CheckSenderID(id string) error {
	if id == "" {
		return errors.New("is required: the party id the envelope names as sender")
	}
	return checkEnvelopeText(id, 35)
}

// CheckSenderQualifier checks the code qualifier of the sender's id (UNB
// 0007, an..4); it may be empty.
func CheckSenderQualifier(q string) error {
	if q == "" {
		return nil
	}
	return checkEnvelopeText(q, 4)
}

// checkEnvelopeText checks a value of an envelope element of at most max
// characters: printable ASCII, no EDIFACT service characters (' + : ? *),
// no leading or trailing space.
func checkEnvelopeText(v string, max int) error {
	if len(v) > max {
		return fmt.Errorf("%s has %d characters: at most %d expected", errtext.Quote(v), len(v), max)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < ' ' || c > '~' || strings.IndexByte("'+:?*", c) >= 0 {
			return fmt.Errorf("%s: character %d cannot be written in an envelope: printable ASCII other than ' + : ? * expected", errtext.Quote(v), i+1)
		}
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("%s: leading or trailing spaces are not expected", errtext.Quote(v))
	}
	return nil
}

// DefaultConfig is the embedded demo setup of `pcsgate run` without a
// config: the SQLite store and an inbox and outbox per PCS under dataDir,
// the default routes by port, and every event to the partner status feed.
// No route sets ToSource: what came from a system (Portbase's COREORs at
// NLRTM, the partner's own releases) is not sent back to it. Routes whose
// target profile this build lacks are left out.
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
