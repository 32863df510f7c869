//go:build purego

package engine

import "github.com/nexport/pcsgate/canonical"

// layoutEvents is the unsafe build's single allocation of an event and
// its structs; here each is allocated when first set.
func (p *Profile) layoutEvents() {}

// eventBlock is empty: an event is allocated alone.
type eventBlock struct{}

// newEvent allocates an event for the profile's decode.
func (eventBlock) newEvent() *canonical.ReleaseEvent { return new(canonical.ReleaseEvent) }

// accessorSlots is empty: the structs on an accessor's way are allocated
// one by one.
type accessorSlots struct{}

// leafSlotted is false: no value lies in a block.
func (accessorSlots) leafSlotted() bool { return false }

// setLeaf is never called without leafSlotted.
func setLeaf[T any](*Accessor, *canonical.ReleaseEvent, T) {}
