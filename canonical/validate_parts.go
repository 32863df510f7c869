package canonical

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// The checks of Check on the larger parts of an event.

// key checks the release key: an AWB for air, a container number for sea.
func (c *checker) key(k Key) {
	if k.Air() {
		c.checkDigit("key.awb", k.AWB, CheckAWB)
		if k.Airport != "" {
			c.add("key.airport", k.Airport, CheckAirport(k.Airport), false)
		}
		return
	}
	if k.ContainerNumber == "" {
		c.add("key.containerNumber", "", fmt.Errorf("%w: a release key names a container or an air waybill", ErrRequired), false)
	}
	c.checkDigit("key.containerNumber", k.ContainerNumber, CheckContainerNumber)
	if k.Port != "" {
		c.add("key.port", k.Port, CheckLocode(k.Port), false)
	}
}

func (c *checker) release(r *Release) {
	if r == nil {
		return
	}
	c.party("release.issuer", r.Issuer)
	c.party("release.releaseTo", r.ReleaseTo)
	c.time("release.validFrom", r.ValidFrom)
	c.time("release.validUntil", r.ValidUntil)
	if r.ValidUntil != nil {
		c.add("release.validUntil", r.ValidUntil.Format(time.RFC3339), CheckValidity(r.ValidFrom, r.ValidUntil), false)
	}
	c.vocab("release.moveType", string(r.MoveType))
	c.facility("release.pickupTerminal", r.PickupTerminal)
	c.facility("release.emptyReturn", r.EmptyReturn)
}

func (c *checker) equipment(q *Equipment, k Key) {
	if q == nil {
		return
	}
	c.checkDigit("equipment.containerNumber", q.ContainerNumber, CheckContainerNumber)
	if q.ContainerNumber != "" && k.ContainerNumber != "" && q.ContainerNumber != k.ContainerNumber {
		c.add("equipment.containerNumber", q.ContainerNumber,
			fmt.Errorf("%w: key.containerNumber is %s", ErrKeyMismatch, errtext.Quote(k.ContainerNumber)), false)
	}
	if q.ISOSizeType != "" {
		iso, err := NormalizeSizeType(q.ISOSizeType)
		if err == nil && iso != q.ISOSizeType {
			err = fmt.Errorf("%w: expected the ISO 6346:1995 form %s (keep the raw code in equipment.rawSizeType)", ErrSizeType, iso)
		}
		c.add("equipment.isoSizeType", q.ISOSizeType, err, false)
	}
	c.vocab("equipment.loadStatus", q.LoadStatus)
}

func (c *checker) facility(path string, f *Facility) {
	if f != nil && f.Locode != "" {
		c.add(path+".locode", f.Locode, CheckLocode(f.Locode), false)
	}
}

// party checks the identifiers pcsgate can verify by shape: EORI and GLN.
func (c *checker) party(path string, p *Party) {
	if p == nil {
		return
	}
	for i, id := range p.IDs {
		at := path + ".ids[" + strconv.Itoa(i) + "].value"
		switch strings.ToUpper(id.Scheme) {
		case SchemeEORI:
			c.add(at, id.Value, CheckEORI(id.Value), c.opts.AllowBadPartyIDs)
		case SchemeGLN:
			err := CheckGLN(id.Value)
			allowed := c.opts.AllowBadPartyIDs || (c.opts.AllowBadCheckDigit && isCheckDigit(err))
			c.add(at, id.Value, err, allowed)
		}
	}
}
