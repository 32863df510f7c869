package edifactmap

import "github.com/nexport/pcsgate/mappings/syntax/edifact"

// segmentDirectory names the data elements of the EDIFACT segments our
// profiles use, so specs can say RFF[BM].C506.1154 as the message
// implementation guides do, instead of RFF[BM].1.2. Positions can always
// be given as numbers too (LOC[165].2.1).
var segmentDirectory = edifact.Directory

// elementPosition resolves "C506" or "C506.1154" or "1225" or "2.1" to
// 1-based element and component positions; comp 0 selects the whole
// composite.
func elementPosition(tag string, names []string) (elem, comp int, ok bool) {
	if len(names) == 0 || len(names) > 2 {
		return 0, 0, false
	}
	if n, isNum := smallNumber(names[0]); isNum {
		elem = n
		if len(names) == 2 {
			c, isNum := smallNumber(names[1])
			if !isNum {
				return 0, 0, false
			}
			return elem, c, true
		}
		return elem, 0, true
	}
	dir, known := segmentDirectory[tag]
	if !known {
		return 0, 0, false
	}
	for i, el := range dir {
		if el.ID != names[0] {
			continue
		}
		if el.Components == nil {
			if len(names) == 2 {
				return 0, 0, false
			}
			return i + 1, 1, true
		}
		if len(names) == 1 {
			return i + 1, 0, true
		}
		for j, c := range el.Components {
			if c == names[1] {
				return i + 1, j + 1, true
			}
		}
		if c, isNum := smallNumber(names[1]); isNum && c <= len(el.Components) {
			return i + 1, c, true
		}
		return 0, 0, false
	}
	// A simple element named directly inside a composite (BGM.1225 style
	// is handled above; EQD.8260 looks inside composites).
	if len(names) == 1 {
		for i, el := range dir {
			for j, c := range el.Components {
				if c == names[0] {
					return i + 1, j + 1, true
				}
			}
		}
	}
	return 0, 0, false
}

// smallNumber parses a short positive decimal ("1".."99"). Four-digit data
// element tags such as "1225" are names, not positions.
func smallNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n > 0
}
