// Package sftptest runs SFTP servers for tests of pcsgate's SFTP transport
// and of the pipelines built on it: an in-memory server (github.com/pkg/sftp's
// in-memory file tree behind a golang.org/x/crypto/ssh server on 127.0.0.1
// with a fresh ed25519 host key), a TCP proxy that cuts or stalls
// connections on demand, and key helpers for tests against a real OpenSSH
// server.
//
// The server plays the partner too: Partner and the file helpers reach the
// same file tree over an in-process pipe, unaffected by the faults and hooks
// that apply to SSH clients. Faults (DropWhileReading, DropWhileWriting, a
// hook returning ErrDrop) close the SSH client's connection in the middle
// of an operation, as a failing network would.
package sftptest
