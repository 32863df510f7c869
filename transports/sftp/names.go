package sftp

import (
	"fmt"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// outName is the final remote file name of a message with the given out
// name, or an error wrapping transports.ErrUnsafeName.
func outName(name, extension, tempSuffix string) (string, error) {
	if _, err := transports.SafeName(name); err != nil {
		return "", err
	}
	if transports.IgnoredSuffix(name) || strings.HasSuffix(name, transports.DoneSuffix) || strings.HasSuffix(name, tempSuffix) {
		// Partners skip such names as unfinished or as markers.
		return "", fmt.Errorf("file name %s %w: ends like a temporary file or marker", errtext.Quote(name), transports.ErrUnsafeName)
	}
	if !strings.HasSuffix(name, extension) {
		name += extension
	}
	// With the suffix, the temporary name must still be a safe name.
	if _, err := transports.SafeName(name + tempSuffix); err != nil {
		return "", err
	}
	return name, nil
}
