// Package edifactmap is the UN/EDIFACT syntax of the mapping engine: paths
// like EQD[CN].C237.8260 and LOC[165].C517.3225 over a message read by
// mappings/syntax/edifact, profile detection by message type, version,
// association code and recipient, and an encoder that writes interchanges
// from segment templates.
package edifactmap
