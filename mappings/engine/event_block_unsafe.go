//go:build !purego

package engine

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/canonical"
)

// layoutEvents lays out, for the profile's decode, one block holding the
// event and every struct its fields may fill on the way to their targets
// (release, release.pickupTerminal, equipment...), so that an event costs
// one allocation instead of one per struct. Each decode field's target
// becomes a copy of its accessor that takes those structs from the block
// (Accessor.slots); such a copy is used only on events newEvent made.
func (p *Profile) layoutEvents() {
	if p.Dec == nil {
		return
	}
	fields := []reflect.StructField{{Name: "E", Type: eventType}}
	slotOf := map[string]int{} // path prefix -> field of the block
	var targets []*CompiledField
	for _, cf := range p.Dec.Fields {
		a := cf.target
		if a == nil {
			continue
		}
		names := strings.Split(a.Path, ".")
		for k, st := range a.steps[:len(a.steps)-1] {
			prefix := strings.Join(names[:k+1], ".")
			if _, ok := slotOf[prefix]; st.elem == nil || ok {
				continue
			}
			slotOf[prefix] = len(fields)
			fields = append(fields, reflect.StructField{Name: "S" + strconv.Itoa(len(fields)), Type: st.elem})
		}
		targets = append(targets, cf)
	}
	if len(fields) == 1 {
		return
	}
	block := reflect.StructOf(fields)
	for _, cf := range targets {
		a := *cf.target
		names := strings.Split(a.Path, ".")
		a.slots = make([]uintptr, len(a.steps))
		for k := range a.steps[:len(a.steps)-1] {
			if i, ok := slotOf[strings.Join(names[:k+1], ".")]; ok {
				a.slots[k] = block.Field(i).Offset
			}
		}
		cf.target = &a
	}
	p.Dec.block = block
}

// accessorSlots are, per step of an accessor, where the struct a nil
// pointer there needs lies in the block the event was allocated in (0:
// allocate it); nil for an accessor not laid out for a profile.
type accessorSlots struct{ slots []uintptr }

// newEvent allocates an event for the profile's decode: with the structs
// its fields fill beside it when the profile has a block.
func (p *Profile) newEvent() *canonical.ReleaseEvent {
	if p.Dec.block == nil {
		return new(canonical.ReleaseEvent)
	}
	return (*canonical.ReleaseEvent)(reflect.New(p.Dec.block).UnsafePointer())
}
