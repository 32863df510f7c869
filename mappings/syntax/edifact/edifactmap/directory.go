package edifactmap

// segmentDirectory names the data elements of the EDIFACT segments our
// profiles use, so specs can say RFF[BM].C506.1154 as the message
// implementation guides do, instead of RFF[BM].1.2. Each entry lists the
// segment's data elements in order; a composite lists its components.
// Positions can always be given as numbers too (LOC[165].2.1).
//
// Source: UN/EDIFACT directories D.95B and D.00B (segment specifications).
var segmentDirectory = map[string][]element{
	"UNH": {{"0062", nil}, {"S009", []string{"0065", "0052", "0054", "0051", "0057"}}, {"0068", nil}, {"S010", []string{"0070", "0073"}}},
	"BGM": {{"C002", []string{"1001", "1131", "3055", "1000"}}, {"C106", []string{"1004", "1056", "1060"}}, {"1225", nil}, {"4343", nil}},
	"DTM": {{"C507", []string{"2005", "2380", "2379"}}},
	"RFF": {{"C506", []string{"1153", "1154", "1156", "4000", "1060"}}},
	"FTX": {{"4451", nil}, {"4453", nil}, {"C107", []string{"4441", "1131", "3055"}}, {"C108", []string{"4440", "4440", "4440", "4440", "4440"}}, {"3453", nil}},
	"TDT": {{"8051", nil}, {"8028", nil}, {"C220", []string{"8067", "8066"}}, {"C228", []string{"8179", "8178"}},
		{"C040", []string{"3127", "1131", "3055", "3128"}}, {"8101", nil}, {"C401", []string{"8457", "8459", "7130"}},
		{"C222", []string{"8213", "1131", "3055", "8212", "8453"}}, {"8281", nil}},
	"LOC": {{"3227", nil}, {"C517", []string{"3225", "1131", "3055", "3224"}}, {"C519", []string{"3223", "1131", "3055", "3222"}},
		{"C553", []string{"3233", "1131", "3055", "3232"}}, {"5479", nil}},
	"NAD": {{"3035", nil}, {"C082", []string{"3039", "1131", "3055"}}, {"C058", []string{"3124", "3124", "3124", "3124", "3124"}},
		{"C080", []string{"3036", "3036", "3036", "3036", "3036", "3045"}}, {"C059", []string{"3042", "3042", "3042", "3042"}},
		{"3164", nil}, {"C819", []string{"3229", "1131", "3055", "3228"}}, {"3251", nil}, {"3207", nil}},
	"CTA": {{"3139", nil}, {"C056", []string{"3413", "3412"}}},
	"COM": {{"C076", []string{"3148", "3155"}}},
	"EQD": {{"8053", nil}, {"C237", []string{"8260", "1131", "3055", "3207"}}, {"C224", []string{"8155", "1131", "3055", "8154"}},
		{"8077", nil}, {"8249", nil}, {"8169", nil}},
	"MEA": {{"6311", nil}, {"C502", []string{"6313", "6321", "6155", "6154"}}, {"C174", []string{"6411", "6314", "6162", "6152", "6432"}}, {"7383", nil}},
	"SEL": {{"9308", nil}, {"C215", []string{"9303", "1131", "3055", "9302"}}, {"4517", nil}},
	"CNT": {{"C270", []string{"6069", "6066", "6411"}}},
	"TMD": {{"C219", []string{"8335", "8334"}}, {"8332", nil}, {"8341", nil}},
	"DIM": {{"6145", nil}, {"C211", []string{"6411", "6168", "6140", "6008"}}},
	"GID": {{"1496", nil}, {"C213", []string{"7224", "7065", "1131", "3055", "7064"}}},
	"SGP": {{"C237", []string{"8260", "1131", "3055", "3207"}}, {"7224", nil}},
	"TSR": {{"C536", []string{"4065", "1131", "3055"}}, {"C233", []string{"7273", "1131", "3055"}}, {"C537", []string{"4219", "1131", "3055"}}, {"C703", []string{"7085", "1131", "3055"}}},
	"HAN": {{"C524", []string{"4079", "1131", "3055", "4078"}}},
	"EQA": {{"8053", nil}, {"C237", []string{"8260", "1131", "3055", "3207"}}},
	"UNT": {{"0074", nil}, {"0062", nil}},
}

// element is one data element of a segment: a simple element (no
// components) or a composite with its component names.
type element struct {
	id         string
	components []string
}

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
		if el.id != names[0] {
			continue
		}
		if el.components == nil {
			if len(names) == 2 {
				return 0, 0, false
			}
			return i + 1, 1, true
		}
		if len(names) == 1 {
			return i + 1, 0, true
		}
		for j, c := range el.components {
			if c == names[1] {
				return i + 1, j + 1, true
			}
		}
		if c, isNum := smallNumber(names[1]); isNum && c <= len(el.components) {
			return i + 1, c, true
		}
		return 0, 0, false
	}
	// A simple element named directly inside a composite (BGM.1225 style
	// is handled above; EQD.8260 looks inside composites).
	if len(names) == 1 {
		for i, el := range dir {
			for j, c := range el.components {
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
