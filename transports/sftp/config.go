package sftp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// Defaults of Connection, Config and PublisherConfig.
const (
	DefaultSchedule   = "@every 1m"
	DefaultMaxBytes   = 64 << 20
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 5
	DefaultBackoff    = time.Second
	DefaultTempSuffix = ".part"
	// MaxBackoff caps the wait between two attempts.
	MaxBackoff = 30 * time.Second
)

// Connection says how pcsgate reaches and authenticates to a partner's SFTP
// server, and how it checks that the server is the partner's. It is shared by
// Config and PublisherConfig.
type Connection struct {
	// Addr is host:port of the partner's SFTP server, e.g.
	// "sftp.example-line.com:22". Required.
	Addr string `yaml:"addr"`
	// User is the login name the partner gave pcsgate. Required.
	User string `yaml:"user"`
	// Password logs in with a password (also answered to
	// keyboard-interactive prompts). Set it, PrivateKeyFile, or both.
	Password string `yaml:"password"`
	// PrivateKeyFile is a private key in PEM or OpenSSH format whose public
	// half the partner has authorised. Tried before Password.
	PrivateKeyFile string `yaml:"private_key_file"`
	// PrivateKeyPassphrase unlocks PrivateKeyFile when it is encrypted.
	PrivateKeyPassphrase string `yaml:"private_key_passphrase"`
	// KnownHostsFile is an OpenSSH known_hosts file that pins the server's
	// host key. For a port other than 22 its entry reads
	// "[host]:port key-type key". Set it or HostKeyFingerprint; there is
	// deliberately no way to turn host key checking off.
	KnownHostsFile string `yaml:"known_hosts_file"`
	// HostKeyFingerprint pins the server's host key by its SHA-256
	// fingerprint as `ssh-keygen -lf` prints it: "SHA256:" and 43 base64
	// characters. Set it or KnownHostsFile.
	HostKeyFingerprint string `yaml:"host_key_fingerprint"`
	// HostKeyAlgorithms are the host key types asked of the server, in
	// order of preference, e.g. ["ssh-ed25519"]. Only needed with
	// HostKeyFingerprint when the pinned key is not the one the server
	// shows first. Default: from KnownHostsFile the types pinned there,
	// else OpenSSH's order (ssh-ed25519, ECDSA, RSA).
	HostKeyAlgorithms []string `yaml:"host_key_algorithms"`
	// Timeout bounds connecting (TCP, SSH handshake, login) and each
	// operation on the server; a transfer times out when no data moved for
	// that long. Default 30s.
	Timeout time.Duration `yaml:"timeout"`
	// MaxRetries is how many times an operation is retried after the
	// connection failed or was lost, reconnecting each time. Default 5;
	// negative means no retries. Refused host keys and logins are never
	// retried.
	MaxRetries int `yaml:"max_retries"`
	// Backoff is the wait before the first retry; it doubles with each
	// retry, up to 30s. Default 1s.
	Backoff time.Duration `yaml:"backoff"`
	// Sleep waits between attempts and, for a Subscriber, until the next
	// scheduled poll; tests inject one that does not wait. It returns
	// early with ctx's error when ctx is done. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error `yaml:"-"`
	// Reached, when set, is told after each operation on the server
	// whether it reached the server: nil when it ran there, whatever the
	// server answered, else why not (refused, timed out, host key or login
	// refused), after the retries. The gateway shows it as the endpoint's
	// health. It must not block.
	Reached func(err error) `yaml:"-"`
}

func (c *Connection) setDefaults() {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.Backoff == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
}

// validate appends one error per wrong connection setting to errs.
func (c Connection) validate(bad func(field, value, expected string)) {
	host, port, err := net.SplitHostPort(c.Addr)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		bad("addr", c.Addr, "host:port of the SFTP server, e.g. sftp.example.com:22")
	}
	if c.User == "" {
		bad("user", c.User, "the login name")
	}
	if c.Password == "" && c.PrivateKeyFile == "" {
		bad("password", "", "a password or a private_key_file")
	}
	if c.PrivateKeyPassphrase != "" && c.PrivateKeyFile == "" {
		bad("private_key_passphrase", "", "a private_key_file it unlocks")
	}
	switch {
	case c.KnownHostsFile == "" && c.HostKeyFingerprint == "":
		bad("known_hosts_file", "", "a known_hosts file or a host_key_fingerprint to pin the server's host key")
	case c.KnownHostsFile != "" && c.HostKeyFingerprint != "":
		bad("host_key_fingerprint", c.HostKeyFingerprint, "either known_hosts_file or host_key_fingerprint, not both")
	case c.HostKeyFingerprint != "":
		if _, err := parseFingerprint(c.HostKeyFingerprint); err != nil {
			bad("host_key_fingerprint", c.HostKeyFingerprint, `"SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it`)
		}
	}
	for i, a := range c.HostKeyAlgorithms {
		if !knownAlgorithm(a) {
			bad(fmt.Sprintf("host_key_algorithms[%d]", i), a, "one of "+strings.Join(hostKeyAlgorithms, ", "))
		}
	}
	if c.Timeout < 0 {
		bad("timeout", c.Timeout.String(), "a positive duration")
	}
	if c.Backoff < 0 {
		bad("backoff", c.Backoff.String(), "a positive duration")
	}
}

// Config configures an SFTP pick-up (a Subscriber): pcsgate logs in to the
// partner's server on a schedule and takes the files the partner left in Dir.
type Config struct {
	Connection `yaml:",inline"`
	// Dir is the remote folder to pick files up from, absolute or relative
	// to the login folder. Required.
	Dir string `yaml:"dir"`
	// Archive is the remote folder files are moved to once their message
	// is committed, in one subfolder per UTC day (archive/2026-03-14/),
	// created as needed. A name already taken there gets a numbered suffix.
	// Default: "archive" inside Dir, unless Delete is set.
	Archive string `yaml:"archive"`
	// Delete removes files from the server once their message is
	// committed, instead of archiving them. Not with Archive.
	Delete bool `yaml:"delete"`
	// Error is the remote folder files go to when the pipeline rejected
	// them for good, with "<name>.error.txt" beside each giving the reason.
	// Default: none; such files are archived or deleted like the others,
	// as the pipeline keeps them with the reason among its dead letters.
	Error string `yaml:"error"`
	// Schedule says when Dir is listed: a cron spec of five fields
	// ("*/5 * * * *") or a descriptor ("@every 30s", "@hourly"), in the
	// machine's time zone unless it starts with CRON_TZ=Europe/Amsterdam.
	// Dir is also listed once at start. Default "@every 1m".
	Schedule string `yaml:"schedule"`
	// Include lists file name patterns (e.g. "*.edi", "COREOR_*"); a file
	// is taken only if its name matches one. Default: every file. Names
	// ending in .part or .tmp, dotfiles, empty files, folders and links are
	// never taken.
	Include []string `yaml:"include"`
	// MaxBytes is the largest file taken, in bytes. Bigger files are left
	// on the server and reported in the log. Default 64 MiB.
	MaxBytes int64 `yaml:"max_bytes"`
	// DoneMarker makes pcsgate take a file only once "<name>.done" exists
	// beside it, for partners that write such markers. The marker is
	// removed with the file.
	DoneMarker bool `yaml:"done_marker"`
	// Settle, when set, takes a file only once a listing at least Settle
	// after the first has seen it with the same size and time, for
	// partners that write files in place slowly. Without it a file is
	// taken when its size and time do not change between the listing and
	// the end of the download. Not used with DoneMarker.
	Settle time.Duration `yaml:"settle"`
	// Clock returns the current time: stamped as MetaReceivedAt, naming
	// the archive day and driving the Schedule. Tests inject a fake one.
	// Default time.Now.
	Clock func() time.Time `yaml:"-"`
}

func (c *Config) setDefaults() {
	c.Connection.setDefaults()
	if c.Archive == "" && !c.Delete && c.Dir != "" {
		c.Archive = path.Join(c.Dir, "archive")
	}
	if c.Schedule == "" {
		c.Schedule = DefaultSchedule
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
}

// Validate reports every setting that is wrong, one line each. It touches
// neither files nor the network.
func (c Config) Validate() error {
	var errs []error
	bad := badFunc(&errs)
	c.Connection.validate(bad)
	if c.Dir == "" {
		bad("dir", c.Dir, "the remote folder to pick files up from")
	}
	if c.Delete && c.Archive != "" {
		bad("archive", c.Archive, "either archive or delete, not both")
	}
	if c.Dir != "" && c.Archive != "" && samePath(c.Archive, c.Dir) {
		bad("archive", c.Archive, "a folder other than dir")
	}
	if c.Dir != "" && c.Error != "" && samePath(c.Error, c.Dir) {
		bad("error", c.Error, "a folder other than dir")
	}
	if c.Archive != "" && c.Error != "" && samePath(c.Archive, c.Error) {
		bad("error", c.Error, "a folder other than archive")
	}
	if c.Schedule != "" {
		if _, err := parseSchedule(c.Schedule); err != nil {
			bad("schedule", c.Schedule, `a cron spec such as "*/5 * * * *" or "@every 30s"`)
		}
	}
	for i, p := range c.Include {
		if _, err := path.Match(p, ""); err != nil || p == "" || strings.ContainsAny(p, `/\`) {
			bad(fmt.Sprintf("include[%d]", i), p, "a file name pattern such as *.edi")
		}
	}
	if c.MaxBytes < 0 {
		bad("max_bytes", strconv.FormatInt(c.MaxBytes, 10), "a positive size in bytes")
	}
	if c.Settle < 0 {
		bad("settle", c.Settle.String(), "a positive duration")
	}
	return errors.Join(errs...)
}

// PublisherConfig configures an SFTP upload (a Publisher): pcsgate logs in
// to the partner's server and writes each message as a file into Dir.
type PublisherConfig struct {
	Connection `yaml:",inline"`
	// Dir is the remote folder files are delivered into, absolute or
	// relative to the login folder. It must exist. Required.
	Dir string `yaml:"dir"`
	// Extension is appended to each out name that does not already end
	// with it, e.g. ".edi". Default none.
	Extension string `yaml:"extension"`
	// TempSuffix is appended to a file's name while it is uploaded; the
	// file is renamed to its final name once complete, so the partner
	// never sees half a file. Use the suffix the partner's pick-up
	// ignores. Default ".part".
	TempSuffix string `yaml:"temp_suffix"`
}

func (c *PublisherConfig) setDefaults() {
	c.Connection.setDefaults()
	if c.TempSuffix == "" {
		c.TempSuffix = DefaultTempSuffix
	}
}

// Validate reports every setting that is wrong, one line each. It touches
// neither files nor the network.
func (c PublisherConfig) Validate() error {
	var errs []error
	bad := badFunc(&errs)
	c.Connection.validate(bad)
	if c.Dir == "" {
		bad("dir", c.Dir, "the remote folder to deliver into")
	}
	if c.Extension != "" {
		if _, err := transports.SafeName("x" + c.Extension); err != nil || transports.IgnoredSuffix(c.Extension) {
			bad("extension", c.Extension, "a file name ending such as .edi")
		}
	}
	if c.TempSuffix != "" {
		if _, err := transports.SafeName("x" + c.TempSuffix); err != nil || c.TempSuffix == c.Extension {
			bad("temp_suffix", c.TempSuffix, "a file name ending such as .part, other than extension")
		}
	}
	return errors.Join(errs...)
}

// badFunc returns a function that appends one settings error to errs.
func badFunc(errs *[]error) func(field, value, expected string) {
	return func(field, value, expected string) {
		*errs = append(*errs, fmt.Errorf("%s %s %w: expected %s", field, errtext.Quote(value), transports.ErrBadConfig, expected))
	}
}

// samePath reports whether a and b name the same remote folder, judged by
// their cleaned paths.
func samePath(a, b string) bool {
	return path.Clean(a) == path.Clean(b)
}

// parseSchedule parses a cron spec as Config.Schedule describes it. It also
// refuses specs that never fire (such as 30 February).
func parseSchedule(spec string) (sched cron.Schedule, err error) {
	defer func() {
		if recover() != nil {
			sched, err = nil, errors.New("unparsable schedule")
		}
	}()
	sched, err = cron.ParseStandard(spec)
	if err != nil {
		return nil, err
	}
	if sched.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, errors.New("schedule never fires")
	}
	return sched, nil
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
