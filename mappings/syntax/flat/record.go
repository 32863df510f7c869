package flat

// Record is one record of a flat file.
type Record struct {
	// Line is the 1-based line the record starts on.
	Line int
	// Type is the record type of a fixed-width record ("" for CSV and for
	// single-layout files).
	Type string
	// Names are the field names, shared by all records of the same layout;
	// do not modify. Nil for CSV read without a header.
	Names []string
	// Values are the field values, in the order of Names.
	Values []string
}

// Get returns the value of the named field.
func (r Record) Get(name string) (string, bool) {
	for i, n := range r.Names {
		if n == name && i < len(r.Values) {
			return r.Values[i], true
		}
	}
	return "", false
}
