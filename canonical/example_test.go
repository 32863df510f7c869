package canonical_test

import (
	"errors"
	"fmt"

	"github.com/nexport/pcsgate/canonical"
)

func ExampleCheckContainerNumber() {
	for _, n := range []string{"CSQU3054383", "MEDU7308180", "TESI1120274", "CSQU 305438"} {
		err := canonical.CheckContainerNumber(n)
		switch {
		case err == nil:
			fmt.Println(n, "ok")
		case errors.Is(err, canonical.ErrCheckDigit):
			fmt.Println(n, "check digit:", err)
		default:
			fmt.Println(n, "format:", err)
		}
	}
	// Output:
	// CSQU3054383 ok
	// MEDU7308180 ok
	// TESI1120274 check digit: has a wrong ISO 6346 check digit: got 4, expected 7
	// CSQU 305438 format: is not an ISO 6346 container number: expected a digit at position 5
}

func ExampleNormalizeSizeType() {
	for _, raw := range []string{"45G1", "4510", "9999"} {
		iso, err := canonical.NormalizeSizeType(raw)
		fmt.Printf("%s -> %q %v\n", raw, iso, err)
	}
	// Output:
	// 45G1 -> "45G1" <nil>
	// 4510 -> "45G1" <nil>
	// 9999 -> "" is not a known ISO 6346 size-type code: legacy code not in the conversion table; expected an ISO 6346:1995 code, as 22G1
}

func ExampleReleaseEvent_Check() {
	e := &canonical.ReleaseEvent{
		ID:     "ev_aaaaaaaaaaaaaaaaaaaaaaaaaa",
		Type:   canonical.GatedOut,
		Source: canonical.Source{PCS: "smdg", Profile: "smdg/codeco"},
		Key:    canonical.Key{Port: "NLRTM", ContainerNumber: "TESU1120274"},
		Gate:   &canonical.Gate{Direction: canonical.DirectionOut},
	}
	fmt.Println(e.Check(canonical.ValidateOpts{}))

	err := e.Check(canonical.ValidateOpts{AllowBadCheckDigit: true})
	fmt.Println(err, e.Warnings)
	// Output:
	// key.containerNumber "TESU1120274" has a wrong ISO 6346 check digit: got 4, expected 1
	// <nil> [key.containerNumber "TESU1120274" has a wrong ISO 6346 check digit: got 4, expected 1]
}

func ExampleNewEventID() {
	src := canonical.Source{PCS: "portbase", Profile: "portbase/coreor", Sender: "MSCU",
		InterchangeRef: "1", MessageRef: "M1", Function: "9"}
	key := canonical.Key{Port: "NLRTM", Carrier: "MSCU", BLNumber: "BL1", ContainerNumber: "CSQU3054383"}
	fmt.Println(canonical.NewEventID(src, key, canonical.ReleaseCreated, 0))
	// Output:
	// ev_bejg34j6kekri2dwhveo6jhhnc
}
