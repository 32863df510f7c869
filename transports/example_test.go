package transports_test

import (
	"errors"
	"fmt"

	"github.com/nexport/pcsgate/transports"
)

func ExampleSafeName() {
	for _, name := range []string{"COREOR_0412.edi", "../../etc/passwd", "in/a.edi"} {
		if _, err := transports.SafeName(name); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("ok:", name)
	}
	// Output:
	// ok: COREOR_0412.edi
	// file name "../../etc/passwd" is not a safe file name: starts with a dot
	// file name "in/a.edi" is not a safe file name: contains a path separator
}

func ExampleIsPermanent() {
	err := fmt.Errorf("message 7: %w", transports.Permanent(errors.New("partner answered 422")))
	fmt.Println(transports.IsPermanent(err))
	// Output: true
}
