package canonical

import "time"

// EventType names what happened to a release. The set is closed: see Types.
type EventType string

// The event types of the canonical model: the life of a release, its
// transfers of custody, assignment, customs lights and gate moves.
const (
	ReleaseCreated   EventType = "RELEASE_CREATED"
	ReleaseUpdated   EventType = "RELEASE_UPDATED"
	ReleaseWithdrawn EventType = "RELEASE_WITHDRAWN"
	ReleaseCancelled EventType = "RELEASE_CANCELLED"
	ReleaseBlocked   EventType = "RELEASE_BLOCKED"
	ReleaseUnblocked EventType = "RELEASE_UNBLOCKED"
	TransferOffered  EventType = "TRANSFER_OFFERED"
	TransferAccepted EventType = "TRANSFER_ACCEPTED"
	TransferDeclined EventType = "TRANSFER_DECLINED"
	TransferRevoked  EventType = "TRANSFER_REVOKED"
	Assigned         EventType = "ASSIGNED"
	LightChanged     EventType = "LIGHT_CHANGED"
	GatedOut         EventType = "GATED_OUT"
	GatedIn          EventType = "GATED_IN"
	StatusReported   EventType = "STATUS_REPORTED"
)

// Types lists every event type, in the order declared above.
var Types = []EventType{
	ReleaseCreated, ReleaseUpdated, ReleaseWithdrawn, ReleaseCancelled,
	ReleaseBlocked, ReleaseUnblocked, TransferOffered, TransferAccepted,
	TransferDeclined, TransferRevoked, Assigned, LightChanged, GatedOut,
	GatedIn, StatusReported,
}

// ReleaseEvent is one thing a message says about one release: the unit that
// flows through pcsgate. A message naming three containers becomes three
// events. Field order is the JSON key order of canonical output.
//
// The expr tags let mapping expressions use the same camelCase names as the
// canonical paths (event.key.containerNumber).
type ReleaseEvent struct {
	ID         string      `json:"id" expr:"id"`
	Type       EventType   `json:"type" expr:"type"`
	OccurredAt *time.Time  `json:"occurredAt,omitempty" expr:"occurredAt"`
	Source     Source      `json:"source" expr:"source"`
	Key        Key         `json:"key" expr:"key"`
	Release    *Release    `json:"release,omitempty" expr:"release"`
	Equipment  *Equipment  `json:"equipment,omitempty" expr:"equipment"`
	Voyage     *Voyage     `json:"voyage,omitempty" expr:"voyage"`
	Transfer   *Transfer   `json:"transfer,omitempty" expr:"transfer"`
	Assignment *Assignment `json:"assignment,omitempty" expr:"assignment"`
	Light      *Light      `json:"light,omitempty" expr:"light"`
	Gate       *Gate       `json:"gate,omitempty" expr:"gate"`
	Credential *Credential `json:"credential,omitempty" expr:"credential"`
	Status     *Status     `json:"status,omitempty" expr:"status"`
	// Warnings records problems a profile chose to accept rather than reject
	// (e.g. a wrong check digit under an explicit partner switch).
	Warnings []string `json:"warnings,omitempty" expr:"warnings"`
}

// Source says which message carried the event.
type Source struct {
	PCS            string     `json:"pcs" expr:"pcs"`
	Profile        string     `json:"profile" expr:"profile"`
	MessageRef     string     `json:"messageRef,omitempty" expr:"messageRef"`
	InterchangeRef string     `json:"interchangeRef,omitempty" expr:"interchangeRef"`
	Sender         string     `json:"sender,omitempty" expr:"sender"`
	Receiver       string     `json:"receiver,omitempty" expr:"receiver"`
	ReceivedAt     *time.Time `json:"receivedAt,omitempty" expr:"receivedAt"`
	// Function is the message function as the source states it (EDIFACT
	// BGM 1225, a webhook's event name); part of the business dedupe key.
	Function string `json:"function,omitempty" expr:"function"`
}

// Key identifies the release: port + carrier + B/L + container for sea
// freight, airport + AWB (+ HAWB) for air.
type Key struct {
	Port            string `json:"port,omitempty" expr:"port"`
	Carrier         string `json:"carrier,omitempty" expr:"carrier"`
	BLNumber        string `json:"blNumber,omitempty" expr:"blNumber"`
	ContainerNumber string `json:"containerNumber,omitempty" expr:"containerNumber"`
	Airport         string `json:"airport,omitempty" expr:"airport"`
	AWB             string `json:"awb,omitempty" expr:"awb"`
	HAWB            string `json:"hawb,omitempty" expr:"hawb"`
}

// Air reports whether the key names an air waybill rather than a container.
func (k Key) Air() bool { return k.AWB != "" }

// String renders the key as one stable string, the ledger's release id.
func (k Key) String() string {
	if k.Air() {
		s := "AIR/" + k.Airport + "/" + k.AWB
		if k.HAWB != "" {
			s += "/" + k.HAWB
		}
		return s
	}
	return "SEA/" + k.Port + "/" + k.Carrier + "/" + k.BLNumber + "/" + k.ContainerNumber
}

// MoveType is the direction of the container move.
type MoveType string

// Move types.
const (
	MoveImport       MoveType = "IMPORT"
	MoveExport       MoveType = "EXPORT"
	MoveTranshipment MoveType = "TRANSHIPMENT"
)

// Release is what a message says of the release right itself.
type Release struct {
	ReleaseNumber  string     `json:"releaseNumber,omitempty" expr:"releaseNumber"`
	Issuer         *Party     `json:"issuer,omitempty" expr:"issuer"`
	ReleaseTo      *Party     `json:"releaseTo,omitempty" expr:"releaseTo"`
	ValidFrom      *time.Time `json:"validFrom,omitempty" expr:"validFrom"`
	ValidUntil     *time.Time `json:"validUntil,omitempty" expr:"validUntil"`
	MoveType       MoveType   `json:"moveType,omitempty" expr:"moveType"`
	PickupTerminal *Facility  `json:"pickupTerminal,omitempty" expr:"pickupTerminal"`
	EmptyReturn    *Facility  `json:"emptyReturn,omitempty" expr:"emptyReturn"`
	PreviousRef    string     `json:"previousRef,omitempty" expr:"previousRef"`
	Blocked        *bool      `json:"blocked,omitempty" expr:"blocked"`
	Remarks        string     `json:"remarks,omitempty" expr:"remarks"`
	// BLNumbers lists every bill of lading the release covers when the
	// source names several (CPu billOfLadingNumbers); key.blNumber is the
	// first of them.
	BLNumbers []string `json:"blNumbers,omitempty" expr:"blNumbers"`
	// SystemRef is the id the port system gives the release itself (CPu
	// releaseId, SCR release address, Portbase trackId).
	SystemRef string `json:"systemRef,omitempty" expr:"systemRef"`
	// Status is the release status as the source states it (SCR
	// containerStatus "released"), kept verbatim.
	Status string `json:"status,omitempty" expr:"status"`
}

// Facility is a terminal or depot: UN/LOCODE plus the facility's own code.
type Facility struct {
	Locode    string `json:"locode,omitempty" expr:"locode"`
	Code      string `json:"code,omitempty" expr:"code"`
	Depot     string `json:"depot,omitempty" expr:"depot"`
	Reference string `json:"reference,omitempty" expr:"reference"`
}

// Party is an organisation (or person) and the identifiers it is known by.
type Party struct {
	Name string    `json:"name,omitempty" expr:"name"`
	Role string    `json:"role,omitempty" expr:"role"`
	IDs  []PartyID `json:"ids,omitempty" expr:"ids"`
}

// PartyID is one identifier of a party in one scheme.
type PartyID struct {
	Scheme string `json:"scheme" expr:"scheme"`
	Value  string `json:"value" expr:"value"`
}

// ID returns the party's identifier in scheme, or "".
func (p *Party) ID(scheme string) string {
	if p == nil {
		return ""
	}
	for _, id := range p.IDs {
		if id.Scheme == scheme {
			return id.Value
		}
	}
	return ""
}

// Party identifier schemes a PartyID may carry.
const (
	SchemeEORI        = "EORI"
	SchemeVAT         = "VAT"
	SchemeKVK         = "KVK"
	SchemeDUNS        = "DUNS"
	SchemeGLN         = "GLN"
	SchemeNxtID       = "NXT_ID"
	SchemeSCRAddress  = "SCR_ADDRESS"
	SchemeSCAC        = "SCAC"
	SchemeSMDG        = "SMDG"
	SchemeCustomerCod = "CARRIER_CUSTOMER_CODE"
	SchemeSOGET       = "SOGET_CODE"
	SchemeIATA        = "IATA"
	SchemeTIN         = "TIN"
	SchemeAPCS        = "APCS"
	SchemeExternal    = "EXTERNAL_ID"
)

// Equipment describes the container.
type Equipment struct {
	ContainerNumber string   `json:"containerNumber,omitempty" expr:"containerNumber"`
	ISOSizeType     string   `json:"isoSizeType,omitempty" expr:"isoSizeType"`
	RawSizeType     string   `json:"rawSizeType,omitempty" expr:"rawSizeType"`
	LoadStatus      string   `json:"loadStatus,omitempty" expr:"loadStatus"`
	GrossKg         *float64 `json:"grossKg,omitempty" expr:"grossKg"`
	TareKg          *float64 `json:"tareKg,omitempty" expr:"tareKg"`
	VGMKg           *float64 `json:"vgmKg,omitempty" expr:"vgmKg"`
	Seals           []string `json:"seals,omitempty" expr:"seals"`
}

// Voyage is the main carriage that brought the container.
type Voyage struct {
	VesselName   string     `json:"vesselName,omitempty" expr:"vesselName"`
	IMO          string     `json:"imo,omitempty" expr:"imo"`
	CallSign     string     `json:"callSign,omitempty" expr:"callSign"`
	VoyageNumber string     `json:"voyageNumber,omitempty" expr:"voyageNumber"`
	ETA          *time.Time `json:"eta,omitempty" expr:"eta"`
	// LloydsNumber is a vessel number a source calls Lloyd's number that is
	// not a valid IMO number (SCR "0002"); a valid one goes to IMO as well.
	LloydsNumber string `json:"lloydsNumber,omitempty" expr:"lloydsNumber"`
	// StayNumber is the port's own reference of the vessel's call (SCR
	// stayNumber, Portbase call reference).
	StayNumber string `json:"stayNumber,omitempty" expr:"stayNumber"`
	// PortOfLoading and PortOfDestination are as the source gives them: a
	// UN/LOCODE or free text.
	PortOfLoading     string `json:"portOfLoading,omitempty" expr:"portOfLoading"`
	PortOfDestination string `json:"portOfDestination,omitempty" expr:"portOfDestination"`
}

// Transfer is one hop of the release right.
type Transfer struct {
	From   *Party `json:"from,omitempty" expr:"from"`
	To     *Party `json:"to,omitempty" expr:"to"`
	ToRole string `json:"toRole,omitempty" expr:"toRole"`
	// Kind is AUTHORISE, NOMINATE or TRANSFER.
	Kind      string `json:"kind,omitempty" expr:"kind"`
	Reference string `json:"reference,omitempty" expr:"reference"`
}

// Assignment binds the means of transport that will collect.
type Assignment struct {
	// Modality is ROAD, RAIL or BARGE.
	Modality           string  `json:"modality,omitempty" expr:"modality"`
	By                 *Party  `json:"by,omitempty" expr:"by"`
	Driver             *Driver `json:"driver,omitempty" expr:"driver"`
	TruckPlate         string  `json:"truckPlate,omitempty" expr:"truckPlate"`
	Barge              *Barge  `json:"barge,omitempty" expr:"barge"`
	Train              *Train  `json:"train,omitempty" expr:"train"`
	PreNotificationRef string  `json:"preNotificationRef,omitempty" expr:"preNotificationRef"`
}

// Driver identifies a truck driver by a masked id and an alias.
type Driver struct {
	Scheme   string `json:"scheme,omitempty" expr:"scheme"`
	MaskedID string `json:"maskedId,omitempty" expr:"maskedId"`
	Alias    string `json:"alias,omitempty" expr:"alias"`
	// Identification is the document number the terminal checks at the
	// gate, for the one call that must carry it whole (SCR assign). It is
	// personal data: it goes only where a profile writes it, never into
	// error lines. Decoded with the gateway's seal key it is held sealed
	// for this field (seal.SealStringFor, "sealed:v1:..."), and the encode
	// of a profile that declares the place secret opens it; moved to
	// another field, it does not open.
	Identification string `json:"identification,omitempty" expr:"identification"`
}

// Barge identifies a barge call: ENI number and visit number.
type Barge struct {
	Name        string `json:"name,omitempty" expr:"name"`
	ENI         string `json:"eni,omitempty" expr:"eni"`
	VisitNumber string `json:"visitNumber,omitempty" expr:"visitNumber"`
}

// Train identifies a train.
type Train struct {
	ID string `json:"id,omitempty" expr:"id"`
}

// Light is a commercial, customs or terminal light, or the total light a
// system derives from them.
type Light struct {
	// Kind is COMMERCIAL, CUSTOMS, TERMINAL, TOTAL, or OTHER for a light
	// of the source with no canonical equivalent (its name says which).
	Kind string `json:"kind" expr:"kind"`
	// State is GREEN, YELLOW, ORANGE, RED or UNKNOWN.
	State  string `json:"state" expr:"state"`
	Reason string `json:"reason,omitempty" expr:"reason"`
	// Value is the light's value in the source's own words (CPu OK,
	// UNKNOWN; SCR nok, blocked, gateoutreceived), kept verbatim.
	Value string `json:"value,omitempty" expr:"value"`
	// PreviousState and PreviousValue are what the light was before this
	// change, when the source says (CPu originalValue).
	PreviousState string `json:"previousState,omitempty" expr:"previousState"`
	PreviousValue string `json:"previousValue,omitempty" expr:"previousValue"`
	// Name is the light's name in the source's words (CPu greenLightName
	// CommercialRelease, SCR customsprogress).
	Name string `json:"name,omitempty" expr:"name"`
	// Components are the lights a TOTAL light is derived from, each with
	// its own kind, state and value, as the source reports them together.
	Components []Light `json:"components,omitempty" expr:"components"`
}

// Gate is a gate move at a terminal or depot.
type Gate struct {
	At         *time.Time `json:"at,omitempty" expr:"at"`
	Facility   *Facility  `json:"facility,omitempty" expr:"facility"`
	Modality   string     `json:"modality,omitempty" expr:"modality"`
	Direction  string     `json:"direction,omitempty" expr:"direction"`
	TruckPlate string     `json:"truckPlate,omitempty" expr:"truckPlate"`
}

// Credential is a pick-up credential. Only an opaque handle is ever held:
// the secret itself never enters pcsgate's output, logs or store.
type Credential struct {
	// Type is PIN, ENCRYPTED_PIN, TCT or E_VISIT_KEY.
	Type   string `json:"type" expr:"type"`
	Handle string `json:"handle" expr:"handle"`
}

// Status is an air or tracing status (Cargo-IMP FSU and friends).
type Status struct {
	Code     string   `json:"code" expr:"code"`
	Location string   `json:"location,omitempty" expr:"location"`
	Pieces   *int     `json:"pieces,omitempty" expr:"pieces"`
	WeightKg *float64 `json:"weightKg,omitempty" expr:"weightKg"`
	// Flight, Origin and Destination describe the movement a status is
	// about (Cargo-IMP DEP/ARR line: LH400, FRA, AMS).
	Flight      string `json:"flight,omitempty" expr:"flight"`
	Origin      string `json:"origin,omitempty" expr:"origin"`
	Destination string `json:"destination,omitempty" expr:"destination"`
}
