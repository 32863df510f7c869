//go:build purego

package engine

import (
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// layoutEvents is the unsafe build's single allocation of an event and
// its structs; here each is allocated when first set.
func (p *Profile) layoutEvents() {}

// accessorSlots is empty: the structs on an accessor's way are allocated
// one by one.
type accessorSlots struct{}

// newEvent allocates an event for the profile's decode.
func (p *Profile) newEvent() *canonical.ReleaseEvent { return new(canonical.ReleaseEvent) }

// timeSlotted is false: no time lies in a block.
func (a *Accessor) timeSlotted() bool { return false }

// setTime is never called without timeSlotted.
func (a *Accessor) setTime(*canonical.ReleaseEvent, time.Time) {}
