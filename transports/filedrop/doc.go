// Package filedrop is the file-drop transport: partners write files into a
// folder that pcsgate watches (inbound), and pcsgate writes files into a
// folder that partners read (outbound).
//
// Inbound, a Subscriber delivers each complete file as one message. A file is
// complete once its size and modification time have not changed for the
// settle time, or, when so configured, once the partner has written a
// "<name>.done" marker beside it. Temporary names (*.part, *.tmp), dotfiles,
// subfolders and files not matching the include patterns are never taken.
// A file is opened without following a link or waiting on a named pipe
// (O_NOFOLLOW|O_NONBLOCK), and the opened file must be a regular file with
// a single name: a symbolic link, pipe or other special file, or a hard
// link to a file elsewhere, is refused and moved to error/ with its reason,
// as is a file over max_bytes. The folder is watched with file-system notifications and also
// polled, so files are found even where notifications do not arrive. Files
// are delivered in the order they were written (modification time, then
// name): a complete file waits for an older one that is still settling, so
// a release dropped just before its gate-out reaches the ledger first even
// when a listing of the folder saw the gate-out first.
//
// A file is acknowledged to the partner by moving it, and only after the
// consumer Acks its message: to archive/YYYY-MM-DD/ normally, or to error/
// with a "<name>.error.txt" beside it when the consumer set
// transports.MetaFailureReason. Files that are too big, have unsafe names or
// are refused as above go to error/ without being delivered, whatever their
// size. Only the file that was read is archived: one put under its name
// since is left for the next listing. A moved file never overwrites
// another: a numbered suffix is added instead. After a Nack the file stays
// where it is and is delivered again at the next poll. A file whose
// message was acked with transports.MetaSealFiles (it carries a secret) is
// not moved but kept encrypted by Config.Sealer, as "<name>.sealed" (0600)
// in the same place, and then removed from the drop folder.
//
// Outbound, a Publisher writes each message to a file without a name
// (O_TMPFILE, on Linux), syncs it to disk and links it under its final name,
// so a partner never sees half a file, and a file left unnamed when pcsgate
// stops disappears by itself. Where the file system cannot hold a file
// without a name (the Publisher tries when it starts), the file is written
// as "<name>.part" and renamed instead; partners skip such names. The name
// comes from transports.MetaOutName (else the message UUID) plus the
// configured extension; a retry with the same name replaces the file
// instead of adding a second one.
package filedrop
