// Package sftp is the SFTP transport: pcsgate logs in to a partner's SFTP
// server on a schedule and picks up the files the partner left there
// (inbound), and uploads files to a partner's server (outbound).
//
// The server's host key is always pinned, by an OpenSSH known_hosts file or
// by its SHA-256 fingerprint; a server presenting another key is refused
// before pcsgate logs in, with an error naming the host and both
// fingerprints. There is no setting that turns the check off.
//
// Inbound, a Subscriber lists the pick-up folder once at start and then on a
// cron schedule. A file is taken once it is complete: its size and time did
// not change between the listing and the end of its download (optionally:
// for a settle time, or once the partner wrote a "<name>.done" marker).
// Temporary names (*.part, *.tmp), dotfiles, empty files, folders, links,
// files not matching the include patterns, files over the size limit and
// names that are unsafe to use locally are left on the server; the last two
// are reported in the log. Each file becomes one message carrying its bytes
// and the metadata of package transports. The file is moved to
// archive/YYYY-MM-DD/ (or deleted, as configured) only after the consumer
// Acks its message; a name taken in the archive gets a numbered suffix.
// After a Nack the file stays and is delivered again at the next poll. A
// file is never delivered to two subscriptions at once.
//
// Outbound, a Publisher writes each message as "<name>.part", syncs it where
// the server supports fsync@openssh.com, and renames it over the final name
// with posix-rename@openssh.com (where the server lacks it: removes the old
// file, then renames), so nothing half-written is ever visible under the
// final name. The name comes from transports.MetaOutName (else the message
// UUID) plus the configured extension; a retry with the same name replaces
// the file instead of adding a second one.
//
// Every operation runs under a timeout (a transfer: without progress). When
// the connection fails or is lost, the operation is retried on a new
// connection with exponential backoff, a bounded number of times, and is
// safe to repeat: a download starts again, an upload rewrites its temporary
// file, an archive move notices the file already moved. Refused host keys
// and logins are never retried. The connection is closed when a Subscriber
// has nothing in flight, so none is left idle between polls for the server
// to drop.
//
// Package sftptest runs an in-memory SFTP server for tests.
package sftp
