//go:build !purego

package engine

import (
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"github.com/nexport/pcsgate/canonical"
)

// layoutEvents lays out, for the profile's decode, one block holding the
// event and every struct its fields without a condition may fill on the
// way to their targets (release, release.pickupTerminal, equipment...),
// so that an event costs one allocation instead of one per struct; what
// only conditional fields fill is allocated when set, so that the block
// does not carry what most events lack. Each decode field's target
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
		targets = append(targets, cf)
		if cf.when != nil {
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
		if blockLeafOf(cf) != noLeaf {
			slotOf[a.Path] = len(fields)
			fields = append(fields, reflect.StructField{Name: "S" + strconv.Itoa(len(fields)), Type: a.leaf.Elem()})
		}
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
		if i, ok := slotOf[a.Path]; ok && blockLeafOf(cf) != noLeaf {
			a.leafSlot = block.Field(i).Offset
		}
		cf.target = &a
	}
	p.Dec.eventBlock = eventBlock{typ: block}
}

// eventBlock is the type of the allocation holding an event and the
// structs its fields fill (see layoutEvents), nil for none.
type eventBlock struct{ typ reflect.Type }

// accessorSlots are, per step of an accessor, where the struct a nil
// pointer there needs lies in the block the event was allocated in (0:
// allocate it); nil for an accessor not laid out for a profile.
// leafSlot is where the value a pointer leaf (a time, a number) first
// points to lies (see setLeaf).
type accessorSlots struct {
	slots    []uintptr
	leafSlot uintptr
}

// leafSlotted reports whether the event's block holds the value the
// accessor's pointer leaf points to.
func (a accessorSlots) leafSlotted() bool { return a.leafSlot != 0 }

// setLeaf stores v at a leafSlotted accessor's pointer leaf: in the
// event's block when the leaf is unset, else (set before, its value
// perhaps shared) in a value of its own.
func setLeaf[T any](a *Accessor, e *canonical.ReleaseEvent, v T) {
	leaf := (**T)(a.field(e))
	var p *T
	if *leaf != nil {
		p = new(T)
	} else {
		p = (*T)(unsafe.Add(unsafe.Pointer(e), a.leafSlot))
	}
	*p = v
	*leaf = p
}

// newEvent allocates an event for the profile's decode: with the structs
// its fields fill beside it when the profile has a block.
func (b eventBlock) newEvent() *canonical.ReleaseEvent {
	if b.typ == nil {
		return new(canonical.ReleaseEvent)
	}
	return (*canonical.ReleaseEvent)(reflect.New(b.typ).UnsafePointer())
}
