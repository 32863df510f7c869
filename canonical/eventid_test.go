package canonical_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/canonical"
)

var eventIDPattern = regexp.MustCompile(`^ev_[a-z2-7]{26}$`)

func TestNewEventID(t *testing.T) {
	base := fullEvent()
	id := func(mod func(s *canonical.Source, k *canonical.Key, typ *canonical.EventType, seq *int)) string {
		s, k, typ, seq := base.Source, base.Key, base.Type, 0
		mod(&s, &k, &typ, &seq)
		return canonical.NewEventID(s, k, typ, seq)
	}
	same := id(func(*canonical.Source, *canonical.Key, *canonical.EventType, *int) {})
	assert.Regexp(t, eventIDPattern, same)

	tests := []struct {
		name     string
		mod      func(s *canonical.Source, k *canonical.Key, typ *canonical.EventType, seq *int)
		wantSame bool
	}{
		{name: "received again later", wantSame: true, mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) {
			s.ReceivedAt = at("2026-12-01T00:00:00Z")
		}},
		{name: "other receiver", wantSame: true, mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) {
			s.Receiver = "OTHER"
		}},
		{name: "other pcs", mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) { s.PCS = "cpu" }},
		{name: "other profile", mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) { s.Profile = "cpu/coreor" }},
		{name: "other sender", mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) { s.Sender = "CMDU" }},
		{name: "other interchange", mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) {
			s.InterchangeRef = "ICR0002"
		}},
		{name: "other message", mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) { s.MessageRef = "COR0002" }},
		{name: "other function", mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) { s.Function = "5" }},
		{name: "other container", mod: func(_ *canonical.Source, k *canonical.Key, _ *canonical.EventType, _ *int) {
			k.ContainerNumber = "MWCU6059784"
		}},
		{name: "other B/L", mod: func(_ *canonical.Source, k *canonical.Key, _ *canonical.EventType, _ *int) { k.BLNumber = "OTHER" }},
		{name: "air key", mod: func(_ *canonical.Source, k *canonical.Key, _ *canonical.EventType, _ *int) { k.AWB = "020-12345675" }},
		{name: "other type", mod: func(_ *canonical.Source, _ *canonical.Key, typ *canonical.EventType, _ *int) {
			*typ = canonical.LightChanged
		}},
		{name: "second of its kind", mod: func(_ *canonical.Source, _ *canonical.Key, _ *canonical.EventType, seq *int) { *seq = 1 }},
		{name: "parts shifted between fields", mod: func(s *canonical.Source, _ *canonical.Key, _ *canonical.EventType, _ *int) {
			s.InterchangeRef, s.MessageRef = "ICR0001COR", "0001"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := id(tt.mod)
			assert.Regexp(t, eventIDPattern, got)
			if tt.wantSame {
				assert.Equal(t, same, got)
			} else {
				assert.NotEqual(t, same, got)
			}
		})
	}
}

// The id of a fixed input never changes: stored ids and fixtures depend on it.
func TestNewEventIDStable(t *testing.T) {
	src := canonical.Source{PCS: "portbase", Profile: "portbase/coreor", Sender: "MSCU",
		InterchangeRef: "1", MessageRef: "M1", Function: "9"}
	key := canonical.Key{Port: "NLRTM", Carrier: "MSCU", BLNumber: "BL1", ContainerNumber: "CSQU3054383"}
	assert.Equal(t, "ev_bejg34j6kekri2dwhveo6jhhnc", canonical.NewEventID(src, key, canonical.ReleaseCreated, 0))
}

func TestBusinessKey(t *testing.T) {
	tests := []struct {
		name string
		mod  func(e *canonical.ReleaseEvent)
		want string
	}{
		{name: "sea", mod: func(*canonical.ReleaseEvent) {},
			want: "portbase/coreor|COR0001|CSQU3054383|9|RELEASE_CREATED"},
		{name: "resent in a new interchange", mod: func(e *canonical.ReleaseEvent) { e.Source.InterchangeRef = "ICR0099" },
			want: "portbase/coreor|COR0001|CSQU3054383|9|RELEASE_CREATED"},
		{name: "air with house waybill", mod: func(e *canonical.ReleaseEvent) {
			e.Key = canonical.Key{Airport: "AMS", AWB: "020-12345675", HAWB: "H1"}
		}, want: "portbase/coreor|COR0001|020-12345675/H1|9|RELEASE_CREATED"},
		{name: "no function", mod: func(e *canonical.ReleaseEvent) { e.Source.Function = "" },
			want: `portbase/coreor|COR0001|CSQU3054383|""|RELEASE_CREATED`},
		{name: "separator inside a part is quoted", mod: func(e *canonical.ReleaseEvent) { e.Source.MessageRef = "A|B" },
			want: `portbase/coreor|"A|B"|CSQU3054383|9|RELEASE_CREATED`},
		{name: "no message reference", mod: func(e *canonical.ReleaseEvent) { e.Source.MessageRef = "" }},
		{name: "no container", mod: func(e *canonical.ReleaseEvent) { e.Key.ContainerNumber = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fullEvent()
			tt.mod(e)
			assert.Equal(t, tt.want, canonical.BusinessKey(e))
		})
	}
	assert.Empty(t, canonical.BusinessKey(nil))
}
