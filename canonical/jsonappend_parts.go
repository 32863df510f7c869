package canonical

import "strconv"

// The parts of an event, member by member in the order and with the
// omitempty rules of their json tags.

func (w *jsonWriter) source(s *Source) {
	w.open()
	w.strAlways(`,"pcs":`, s.PCS)
	w.strAlways(`,"profile":`, s.Profile)
	w.str(`,"messageRef":`, s.MessageRef)
	w.str(`,"interchangeRef":`, s.InterchangeRef)
	w.str(`,"sender":`, s.Sender)
	w.str(`,"receiver":`, s.Receiver)
	w.time(`,"receivedAt":`, s.ReceivedAt)
	w.str(`,"function":`, s.Function)
	w.close()
}

func (w *jsonWriter) eventKey(k *Key) {
	w.open()
	w.str(`,"port":`, k.Port)
	w.str(`,"carrier":`, k.Carrier)
	w.str(`,"blNumber":`, k.BLNumber)
	w.str(`,"containerNumber":`, k.ContainerNumber)
	w.str(`,"airport":`, k.Airport)
	w.str(`,"awb":`, k.AWB)
	w.str(`,"hawb":`, k.HAWB)
	w.close()
}

func (w *jsonWriter) release(r *Release) {
	w.open()
	w.str(`,"releaseNumber":`, r.ReleaseNumber)
	w.party(`,"issuer":`, r.Issuer)
	w.party(`,"releaseTo":`, r.ReleaseTo)
	w.time(`,"validFrom":`, r.ValidFrom)
	w.time(`,"validUntil":`, r.ValidUntil)
	w.str(`,"moveType":`, string(r.MoveType))
	w.facility(`,"pickupTerminal":`, r.PickupTerminal)
	w.facility(`,"emptyReturn":`, r.EmptyReturn)
	w.str(`,"previousRef":`, r.PreviousRef)
	if r.Blocked != nil {
		w.key(`,"blocked":`)
		w.b = strconv.AppendBool(w.b, *r.Blocked)
	}
	w.str(`,"remarks":`, r.Remarks)
	w.strs(`,"blNumbers":`, r.BLNumbers)
	w.str(`,"systemRef":`, r.SystemRef)
	w.str(`,"status":`, r.Status)
	w.close()
}

// party writes a party member, left out when nil.
func (w *jsonWriter) party(k string, p *Party) {
	if p == nil {
		return
	}
	w.key(k)
	w.open()
	w.str(`,"name":`, p.Name)
	w.str(`,"role":`, p.Role)
	if len(p.IDs) > 0 {
		w.key(`,"ids":`)
		w.b = append(w.b, '[')
		for i := range p.IDs {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.open()
			w.strAlways(`,"scheme":`, p.IDs[i].Scheme)
			w.strAlways(`,"value":`, p.IDs[i].Value)
			w.close()
		}
		w.b = append(w.b, ']')
	}
	w.close()
}

// facility writes a facility member, left out when nil.
func (w *jsonWriter) facility(k string, f *Facility) {
	if f == nil {
		return
	}
	w.key(k)
	w.open()
	w.str(`,"locode":`, f.Locode)
	w.str(`,"code":`, f.Code)
	w.str(`,"depot":`, f.Depot)
	w.str(`,"reference":`, f.Reference)
	w.close()
}

func (w *jsonWriter) equipment(e *Equipment) {
	w.open()
	w.str(`,"containerNumber":`, e.ContainerNumber)
	w.str(`,"isoSizeType":`, e.ISOSizeType)
	w.str(`,"rawSizeType":`, e.RawSizeType)
	w.str(`,"loadStatus":`, e.LoadStatus)
	w.float(`,"grossKg":`, e.GrossKg)
	w.float(`,"tareKg":`, e.TareKg)
	w.float(`,"vgmKg":`, e.VGMKg)
	w.strs(`,"seals":`, e.Seals)
	w.close()
}

func (w *jsonWriter) voyage(v *Voyage) {
	w.open()
	w.str(`,"vesselName":`, v.VesselName)
	w.str(`,"imo":`, v.IMO)
	w.str(`,"callSign":`, v.CallSign)
	w.str(`,"voyageNumber":`, v.VoyageNumber)
	w.time(`,"eta":`, v.ETA)
	w.str(`,"lloydsNumber":`, v.LloydsNumber)
	w.str(`,"stayNumber":`, v.StayNumber)
	w.str(`,"portOfLoading":`, v.PortOfLoading)
	w.str(`,"portOfDestination":`, v.PortOfDestination)
	w.close()
}

func (w *jsonWriter) transfer(t *Transfer) {
	w.open()
	w.party(`,"from":`, t.From)
	w.party(`,"to":`, t.To)
	w.str(`,"toRole":`, t.ToRole)
	w.str(`,"kind":`, t.Kind)
	w.str(`,"reference":`, t.Reference)
	w.close()
}

func (w *jsonWriter) assignment(a *Assignment) {
	w.open()
	w.str(`,"modality":`, a.Modality)
	w.party(`,"by":`, a.By)
	if d := a.Driver; d != nil {
		w.key(`,"driver":`)
		w.open()
		w.str(`,"scheme":`, d.Scheme)
		w.str(`,"maskedId":`, d.MaskedID)
		w.str(`,"alias":`, d.Alias)
		w.str(`,"identification":`, d.Identification)
		w.close()
	}
	w.str(`,"truckPlate":`, a.TruckPlate)
	if b := a.Barge; b != nil {
		w.key(`,"barge":`)
		w.open()
		w.str(`,"name":`, b.Name)
		w.str(`,"eni":`, b.ENI)
		w.str(`,"visitNumber":`, b.VisitNumber)
		w.close()
	}
	if t := a.Train; t != nil {
		w.key(`,"train":`)
		w.open()
		w.str(`,"id":`, t.ID)
		w.close()
	}
	w.str(`,"preNotificationRef":`, a.PreNotificationRef)
	w.close()
}

func (w *jsonWriter) light(l *Light) {
	w.open()
	w.strAlways(`,"kind":`, l.Kind)
	w.strAlways(`,"state":`, l.State)
	w.str(`,"reason":`, l.Reason)
	w.str(`,"value":`, l.Value)
	w.str(`,"previousState":`, l.PreviousState)
	w.str(`,"previousValue":`, l.PreviousValue)
	w.str(`,"name":`, l.Name)
	if len(l.Components) > 0 {
		w.key(`,"components":`)
		w.b = append(w.b, '[')
		for i := range l.Components {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.light(&l.Components[i])
		}
		w.b = append(w.b, ']')
	}
	w.close()
}

func (w *jsonWriter) gate(g *Gate) {
	w.open()
	w.time(`,"at":`, g.At)
	w.facility(`,"facility":`, g.Facility)
	w.str(`,"modality":`, g.Modality)
	w.str(`,"direction":`, g.Direction)
	w.str(`,"truckPlate":`, g.TruckPlate)
	w.close()
}

func (w *jsonWriter) status(s *Status) {
	w.open()
	w.strAlways(`,"code":`, s.Code)
	w.str(`,"location":`, s.Location)
	if s.Pieces != nil {
		w.key(`,"pieces":`)
		w.b = strconv.AppendInt(w.b, int64(*s.Pieces), 10)
	}
	w.float(`,"weightKg":`, s.WeightKg)
	w.str(`,"flight":`, s.Flight)
	w.str(`,"origin":`, s.Origin)
	w.str(`,"destination":`, s.Destination)
	w.close()
}
