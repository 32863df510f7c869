// Package flatmap is the flat-file syntax of the mapping engine: CSV and
// fixed-width records read by mappings/syntax/flat, paths naming columns or
// record fields, detection of CSV files by their header line, and a CSV
// encoder with one row per event.
package flatmap
