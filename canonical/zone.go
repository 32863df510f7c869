package canonical

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	// Embed the IANA time zone database so zones resolve on hosts without
	// tzdata (scratch containers, CGO_ENABLED=0 builds).
	_ "time/tzdata"
)

// EDIFACT, Cargo-IMP and flat files carry local times without a zone.
// pcsgate reads them in the zone of the port or airport they concern and
// writes them back the same way.

// countryZones gives the zone of a UN/LOCODE by its country, for countries
// that have one zone on the European mainland.
var countryZones = map[string]string{
	"NL": "Europe/Amsterdam",
	"BE": "Europe/Brussels",
	"FR": "Europe/Paris",
	"DE": "Europe/Berlin",
	"IT": "Europe/Rome",
	"ES": "Europe/Madrid",
	"GB": "Europe/London",
}

// locodeZones overrides countryZones for places off the mainland zone.
var locodeZones = map[string]string{
	"ESLPA": "Atlantic/Canary", // Las Palmas de Gran Canaria
	"ESSCT": "Atlantic/Canary", // Santa Cruz de Tenerife
	"ESACE": "Atlantic/Canary", // Arrecife, Lanzarote
}

// airportZones gives the zone of the IATA airport codes pcsgate serves.
var airportZones = map[string]string{
	"AMS": "Europe/Amsterdam", // Schiphol
	"BRU": "Europe/Brussels",  // Brussels
	"LGG": "Europe/Brussels",  // Liège
	"CDG": "Europe/Paris",     // Paris Charles de Gaulle
	"FRA": "Europe/Berlin",    // Frankfurt
	"LHR": "Europe/London",    // London Heathrow
	"JFK": "America/New_York", // New York JFK
}

// zoneCache holds loaded locations by IANA name.
var zoneCache sync.Map

// ZoneFor returns the time zone of a place: a UN/LOCODE (NLRTM, by its
// country unless listed on its own) or an IATA airport code (AMS). Letter
// case and surrounding spaces are ignored. An unknown place wraps
// ErrUnknownZone; a profile that serves other places names its zone itself.
func ZoneFor(place string) (*time.Location, error) {
	p := strings.ToUpper(strings.TrimSpace(place))
	name, ok := zoneName(p)
	if !ok {
		return nil, fmt.Errorf("%w: expected a UN/LOCODE of NL, BE, FR, DE, IT, ES or GB, or one of the airports %s",
			ErrUnknownZone, airportList())
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w: zone %s does not load: %v", ErrUnknownZone, name, err)
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

func zoneName(p string) (string, bool) {
	if len(p) == 3 {
		name, ok := airportZones[p]
		return name, ok
	}
	if CheckLocode(p) != nil {
		return "", false
	}
	if name, ok := locodeZones[p]; ok {
		return name, true
	}
	name, ok := countryZones[p[:2]]
	return name, ok
}

func airportList() string {
	return strings.Join(slices.Sorted(maps.Keys(airportZones)), ", ")
}
