// Package cargoimpmap is the IATA Cargo-IMP syntax of the mapping engine:
// paths like status.code over an FSU read by mappings/syntax/cargoimp, the
// conversion cargoimp-date (a day without a year, placed by the time the
// message arrived), and an encoder that writes one FSU per air waybill.
package cargoimpmap
