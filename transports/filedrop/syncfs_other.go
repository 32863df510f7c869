//go:build !linux

package filedrop

import "errors"

// canSyncFS: this platform has no syncfs(2); files are synced one by one.
const canSyncFS = false

func syncFS(string) error { return errors.ErrUnsupported }
