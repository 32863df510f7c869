package filedrop

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// Defaults of Config and PublisherConfig.
const (
	DefaultSettle   = time.Second
	DefaultPoll     = 2 * time.Second
	DefaultMaxBytes = 64 << 20
	DefaultInFlight = 64
	DefaultFileMode = fs.FileMode(0o640)
)

// maxInFlight bounds Config.InFlight: files held in memory at once.
const maxInFlight = 256

// Config configures an inbound file drop (a Subscriber).
type Config struct {
	// Dir is the drop folder partners write into. Required. Created if
	// missing.
	Dir string `yaml:"dir"`
	// Archive is where files go once their message is committed, in one
	// subfolder per UTC day (archive/2026-03-14/). Default: "archive" inside
	// Dir.
	Archive string `yaml:"archive"`
	// Error is where files go that were rejected for good (too big, unsafe
	// name, refused by the pipeline), each with "<name>.error.txt" giving
	// the reason. Default: "error" inside Dir.
	Error string `yaml:"error"`
	// Settle is how long a file's size and modification time must stay
	// unchanged before it is taken, so files still being written are left
	// alone. Default 1s. Not used with DoneMarker.
	Settle time.Duration `yaml:"settle"`
	// DoneMarker makes pcsgate take a file only once "<name>.done" exists
	// beside it, for partners that write such markers. The marker is
	// removed once the file is archived.
	DoneMarker bool `yaml:"done_marker"`
	// Poll is how often the folder is listed in addition to file-system
	// notifications; also how soon a nacked file is offered again.
	// Default 2s.
	Poll time.Duration `yaml:"poll"`
	// NoWatch turns file-system notifications off, leaving polling alone.
	// Use it for network shares (NFS, SMB), where notifications of other
	// machines' writes do not arrive.
	NoWatch bool `yaml:"no_watch"`
	// Include lists glob patterns (e.g. "*.edi", "COREOR_*"); a file is
	// taken only if its name matches one. Default: every file.
	Include []string `yaml:"include"`
	// MaxBytes is the largest file taken, in bytes. Bigger files go to
	// Error without being read. Default 64 MiB.
	MaxBytes int64 `yaml:"max_bytes"`
	// InFlight is how many files are handed to pcsgate before the first of
	// them is committed, so that reading and decoding some overlaps with
	// committing others, and their commits are shared. Their events still
	// reach the ledger in the order the files were written. Files in flight
	// also stay under MaxBytes together, unless one alone is bigger. 1 takes
	// one file at a time. Default 64.
	InFlight int `yaml:"in_flight"`
	// Clock returns the current time; tests inject a fake one. Default
	// time.Now.
	Clock func() time.Time `yaml:"-"`
	// Sealer encrypts the copy kept of a file whose message was acked
	// with transports.MetaSealFiles: it goes to Archive or Error as
	// "<name>.sealed" (0600), never in clear. The gateway sets it; files
	// of other messages are moved as they are.
	Sealer Sealer `yaml:"-"`
}

func (c *Config) setDefaults() {
	if c.Archive == "" && c.Dir != "" {
		c.Archive = filepath.Join(c.Dir, "archive")
	}
	if c.Error == "" && c.Dir != "" {
		c.Error = filepath.Join(c.Dir, "error")
	}
	if c.Settle == 0 {
		c.Settle = DefaultSettle
	}
	if c.Poll == 0 {
		c.Poll = DefaultPoll
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.InFlight == 0 {
		c.InFlight = DefaultInFlight
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
}

// Validate reports every setting that is wrong, one line each. It touches
// no file.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, value, expected string) {
		errs = append(errs, fmt.Errorf("%s %s %w: expected %s", field, errtext.Quote(value), transports.ErrBadConfig, expected))
	}
	if c.Dir == "" {
		bad("dir", c.Dir, "the drop folder")
	}
	if c.Dir != "" && samePath(c.Archive, c.Dir) {
		bad("archive", c.Archive, "a folder other than dir")
	}
	if c.Dir != "" && samePath(c.Error, c.Dir) {
		bad("error", c.Error, "a folder other than dir")
	}
	if c.Archive != "" && samePath(c.Archive, c.Error) {
		bad("error", c.Error, "a folder other than archive")
	}
	if c.Settle < 0 {
		bad("settle", c.Settle.String(), "a positive duration")
	}
	if c.Poll < 0 {
		bad("poll", c.Poll.String(), "a positive duration")
	}
	if c.MaxBytes < 0 {
		bad("max_bytes", fmt.Sprint(c.MaxBytes), "a positive size in bytes")
	}
	if c.InFlight < 0 || c.InFlight > maxInFlight {
		bad("in_flight", fmt.Sprint(c.InFlight), fmt.Sprintf("a number of files from 1 to %d", maxInFlight))
	}
	for i, p := range c.Include {
		if _, err := filepath.Match(p, ""); err != nil || p == "" || strings.ContainsAny(p, `/\`) {
			bad(fmt.Sprintf("include[%d]", i), p, "a file name pattern such as *.edi")
		}
	}
	return errors.Join(errs...)
}

// samePath reports whether a and b name the same folder, judged by their
// cleaned paths (no file-system access).
func samePath(a, b string) bool {
	return filepath.Clean(a) == filepath.Clean(b)
}

// PublisherConfig configures an outbound file drop (a Publisher).
type PublisherConfig struct {
	// Dir is the folder files are delivered into. Required. Created if
	// missing.
	Dir string `yaml:"dir"`
	// Extension is appended to each out name that does not already end
	// with it, e.g. ".edi". Default none.
	Extension string `yaml:"extension"`
	// FileMode is the permission of delivered files. Default 0640.
	FileMode fs.FileMode `yaml:"file_mode"`
	// NoSync skips syncing each file and the folder to disk before Publish
	// returns. Delivered files then survive a crash of pcsgate but not
	// necessarily of the machine. Only for disks where syncing is too slow.
	NoSync bool `yaml:"no_sync"`
	// SyncEachFile syncs the files of a delivery batch one by one. By
	// default, on Linux, a batch of four files or more is made durable
	// with one sync of the outbox's whole file system (syncfs), which
	// flushes the disk's cache once instead of once per file, but also
	// writes back whatever else is waiting on that file system. Set it
	// when the outbox shares its file system with heavy writers of other
	// programs.
	SyncEachFile bool `yaml:"sync_each_file"`
}

func (c *PublisherConfig) setDefaults() {
	if c.FileMode == 0 {
		c.FileMode = DefaultFileMode
	}
}

// Validate reports every setting that is wrong, one line each. It touches
// no file.
func (c PublisherConfig) Validate() error {
	var errs []error
	bad := func(field, value, expected string) {
		errs = append(errs, fmt.Errorf("%s %s %w: expected %s", field, errtext.Quote(value), transports.ErrBadConfig, expected))
	}
	if c.Dir == "" {
		bad("dir", c.Dir, "the delivery folder")
	}
	if c.Extension != "" {
		_, err := transports.SafeName("x" + c.Extension)
		if err != nil || transports.IgnoredSuffix(c.Extension) {
			bad("extension", c.Extension, "a file name ending such as .edi")
		}
	}
	if c.FileMode != 0 && (c.FileMode&^fs.ModePerm != 0 || c.FileMode&0o600 != 0o600) {
		bad("file_mode", fmt.Sprintf("%#o", uint32(c.FileMode)), "permission bits that let the owner read and write, such as 0640")
	}
	return errors.Join(errs...)
}
