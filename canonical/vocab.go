package canonical

// The closed vocabularies of the canonical model besides EventType and
// MoveType. The JSON Schema lists the same values; a test keeps them in step.

// Light kinds (Light.Kind).
const (
	LightCommercial = "COMMERCIAL"
	LightCustoms    = "CUSTOMS"
	LightTerminal   = "TERMINAL"
	// LightTotal is the one light a system derives from the others (SCR's
	// total light).
	LightTotal = "TOTAL"
	// LightOther is a light of the source with no canonical equivalent,
	// carried among a total light's components under its own name.
	LightOther = "OTHER"
)

// Light states (Light.State). Orange means collectable with a follow-up
// pending (CPu customs light); yellow is a total light with some lights
// still pending (SCR); unknown means the source has no value yet (CPu
// UNKNOWN), which is not red.
const (
	Green        = "GREEN"
	Yellow       = "YELLOW"
	Orange       = "ORANGE"
	Red          = "RED"
	UnknownLight = "UNKNOWN"
)

// Transfer kinds (Transfer.Kind): Portbase authorises a cargo director or
// nominates an inland operator; CPu and SCR transfer.
const (
	KindAuthorise = "AUTHORISE"
	KindNominate  = "NOMINATE"
	KindTransfer  = "TRANSFER"
)

// Modalities of an assignment (Assignment.Modality).
const (
	ModalityRoad  = "ROAD"
	ModalityRail  = "RAIL"
	ModalityBarge = "BARGE"
)

// Gate directions (Gate.Direction).
const (
	DirectionIn  = "IN"
	DirectionOut = "OUT"
)

// Load statuses (Equipment.LoadStatus).
const (
	LoadFull  = "FULL"
	LoadEmpty = "EMPTY"
)

// Credential types (Credential.Type). Only a handle to the credential is
// ever carried, never the secret.
const (
	CredentialPIN          = "PIN"
	CredentialEncryptedPIN = "ENCRYPTED_PIN"
	CredentialTCT          = "TCT"
	CredentialEVisitKey    = "E_VISIT_KEY"
)

// Vocabularies returns each closed set of string values by its canonical
// field path (type, light.kind, ...). Mapping linters and the schema test
// read it; the map is a fresh copy.
func Vocabularies() map[string][]string {
	types := make([]string, len(Types))
	for i, t := range Types {
		types[i] = string(t)
	}
	return map[string][]string{
		"type":                 types,
		"release.moveType":     {string(MoveImport), string(MoveExport), string(MoveTranshipment)},
		"equipment.loadStatus": {LoadFull, LoadEmpty},
		"transfer.kind":        {KindAuthorise, KindNominate, KindTransfer},
		"assignment.modality":  {ModalityRoad, ModalityRail, ModalityBarge},
		"light.kind":           {LightCommercial, LightCustoms, LightTerminal, LightTotal, LightOther},
		"light.state":          {Green, Yellow, Orange, Red, UnknownLight},
		"light.previousState":  {Green, Yellow, Orange, Red, UnknownLight},
		"gate.direction":       {DirectionIn, DirectionOut},
		"credential.type":      {CredentialPIN, CredentialEncryptedPIN, CredentialTCT, CredentialEVisitKey},
	}
}
