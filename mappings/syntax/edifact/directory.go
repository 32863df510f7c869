package edifact

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Element is one data element of a segment: a simple element (Components
// nil) or a composite with the ids of its components, in order.
type Element struct {
	ID         string // "0062", "C506"
	Components []string
}

// Directory names the data elements of the service segments (ISO 9735)
// and of the UN/EDIFACT segments the port messages use (COREOR, CODECO,
// COPARN, COPINO, COARRI, IFTSTA), in order. Names let specs say
// RFF[BM].C506.1154 as the message implementation guides do; the
// representations below let readers and writers check every value.
var Directory = map[string][]Element{
	"UNB": {{"S001", []string{"0001", "0002", "0080", "0133"}}, {"S002", []string{"0004", "0007", "0008", "0042"}},
		{"S003", []string{"0010", "0007", "0014", "0046"}}, {"S004", []string{"0017", "0019"}}, {"0020", nil},
		{"S005", []string{"0022", "0025"}}, {"0026", nil}, {"0029", nil}, {"0031", nil}, {"0032", nil}, {"0035", nil}},
	"UNZ": {{"0036", nil}, {"0020", nil}},
	"UNG": {{"0038", nil}, {"S006", []string{"0040", "0007"}}, {"S007", []string{"0044", "0007"}}, {"S004", []string{"0017", "0019"}},
		{"0048", nil}, {"0051", nil}, {"S008", []string{"0052", "0054", "0057"}}, {"0058", nil}},
	"UNE": {{"0060", nil}, {"0048", nil}},
	"UNH": {{"0062", nil}, {"S009", []string{"0065", "0052", "0054", "0051", "0057"}}, {"0068", nil}, {"S010", []string{"0070", "0073"}}},
	"UNT": {{"0074", nil}, {"0062", nil}},
	// CONTRL's service segments; 0013 is 0135 in syntax version 4.
	"UCI": {{"0020", nil}, {"S002", []string{"0004", "0007", "0008", "0042"}}, {"S003", []string{"0010", "0007", "0014", "0046"}},
		{"0083", nil}, {"0085", nil}, {"0013", nil}, {"S011", []string{"0098", "0104", "0136"}}},
	"UCM": {{"0062", nil}, {"S009", []string{"0065", "0052", "0054", "0051", "0057"}}, {"0083", nil}, {"0085", nil}, {"0013", nil},
		{"S011", []string{"0098", "0104", "0136"}}},
	"UCS": {{"0096", nil}, {"0085", nil}},
	"UCD": {{"0085", nil}, {"S011", []string{"0098", "0104", "0136"}}},
	"ERC": {{"C901", []string{"9321", "1131", "3055"}}},
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
}

// representations gives each simple data element of Directory its
// representation: a (letters), n (digits) or an, then the exact length
// or ".." and the maximum. Service elements follow ISO 9735 syntax
// version 3, except where version 4 allows more (0017 takes CCYYMMDD,
// 0051 three characters, 0008 and 0014 thirty-five). Data elements take the longest representation
// among the UN/EDIFACT directories D.95B to D.08B that pcsgate reads, so a
// value one directory allows is never refused because of another.
var representations = map[string]string{
	// service segments
	"0001": "a4", "0002": "n1", "0080": "an..6", "0133": "an..3",
	"0004": "an..35", "0007": "an..4", "0008": "an..35", "0042": "an..35",
	"0010": "an..35", "0014": "an..35", "0046": "an..35",
	"0017": "n..8", "0019": "n4", "0020": "an..14", "0022": "an..14", "0025": "an2",
	"0026": "an..14", "0029": "a1", "0031": "n1", "0032": "an..35", "0035": "n1",
	"0036": "n..6", "0038": "an..6", "0040": "an..35", "0044": "an..35", "0048": "an..14",
	"0051": "an..3", "0052": "an..3", "0054": "an..3", "0057": "an..6", "0058": "an..14", "0060": "n..6",
	"0062": "an..14", "0065": "an..6", "0068": "an..35", "0070": "n..2", "0073": "a1", "0074": "n..6",
	"0083": "an..3", "0085": "an..3", "0013": "a3", "0096": "n..6", "0098": "n..3", "0104": "n..3", "0136": "n..6",
	// codes and qualifiers
	"1001": "an..3", "1131": "an..17", "3055": "an..3", "1225": "an..3", "4343": "an..3",
	"2005": "an..3", "2379": "an..3", "1153": "an..3", "4451": "an..3", "4453": "an..3", "4441": "an..17",
	"8051": "an..3", "8067": "an..3", "8179": "an..8", "8101": "an..3", "8457": "an..3", "8459": "an..3",
	"8453": "an..3", "8281": "an..3", "3227": "an..3", "5479": "an..3", "3035": "an..3", "3045": "an..3",
	"3207": "an..3", "3139": "an..3", "3155": "an..3", "8053": "an..3", "8077": "an..3", "8249": "an..3",
	"8169": "an..3", "6311": "an..3", "6313": "an..3", "6321": "an..3", "6411": "an..8", "6432": "n..2",
	"7383": "an..3", "9303": "an..3", "4517": "an..3", "6069": "an..3", "8335": "an..3", "8332": "an..3",
	"8341": "an..3", "6145": "an..3", "4065": "an..3", "7273": "an..3", "4219": "an..3", "7085": "an..3",
	"4079": "an..3", "1056": "an..9", "1060": "an..6", "1156": "an..6", "9321": "an..8",
	// values
	"1000": "an..35", "1004": "an..35", "2380": "an..35", "1154": "an..70", "4000": "an..35",
	"4440": "an..512", "3453": "an..3", "8028": "an..17", "8066": "an..17", "8178": "an..17",
	"3127": "an..17", "3128": "an..70", "7130": "an..17", "8213": "an..35", "8212": "an..70",
	"3225": "an..35", "3224": "an..256", "3223": "an..35", "3222": "an..70", "3233": "an..35", "3232": "an..70",
	"3039": "an..35", "3124": "an..35", "3036": "an..70", "3042": "an..35", "3164": "an..35",
	"3229": "an..9", "3228": "an..70", "3251": "an..17", "3413": "an..17", "3412": "an..256", "3148": "an..512",
	"8260": "an..17", "8155": "an..10", "8154": "an..35", "6155": "an..17", "6154": "an..70",
	"6314": "an..18", "6162": "n..18", "6152": "n..18", "9308": "an..35", "9302": "an..35",
	"6066": "n..18", "8334": "an..35", "6168": "n..15", "6140": "n..15", "6008": "n..15",
	"1496": "n..6", "7224": "n..8", "7065": "an..17", "7064": "an..35", "4078": "an..512",
}

// repr is a parsed representation.
type repr struct {
	text    string // as written: "an..14"
	alpha   bool   // a: letters only
	numeric bool   // n: digits, with a decimal mark or minus sign that does not count
	fixed   bool   // exactly max characters
	max     int
	plain   bool // an..max: only the length counts
}

var reprs = parseRepresentations(representations)

// parseRepresentations turns the table into reprs; a malformed entry is a
// programming error.
func parseRepresentations(table map[string]string) map[string]repr {
	out := make(map[string]repr, len(table))
	for id, text := range table {
		r := repr{text: text}
		rest := text
		switch {
		case strings.HasPrefix(rest, "an"):
			rest = rest[2:]
		case strings.HasPrefix(rest, "a"):
			r.alpha, rest = true, rest[1:]
		case strings.HasPrefix(rest, "n"):
			r.numeric, rest = true, rest[1:]
		}
		r.fixed = !strings.HasPrefix(rest, "..")
		n, err := strconv.Atoi(strings.TrimPrefix(rest, ".."))
		if err != nil || n <= 0 {
			panic(fmt.Sprintf("edifact: bad representation %q of %s", text, id))
		}
		r.max = n
		r.plain = !r.alpha && !r.numeric && !r.fixed
		out[id] = r
	}
	return out
}

// elementReprs are the representations of one element of a segment, by
// component (one entry for a simple element); nil where unknown.
type elementReprs struct {
	simple bool
	ids    []string
	reprs  []*repr
}

// segmentReprs is Directory resolved once, per segment tag and element;
// segmentIndex finds a tag's (see reprsOf).
var segmentReprs, segmentIndex = compileDirectory()

// directoryIndex holds, for each tag of three upper-case letters, 1 plus
// the position of its elements in segmentReprs, or 0: indexing an array
// is cheaper than a map lookup, and every segment read takes one.
type directoryIndex [26 * 26 * 26]uint8

// tagIndex is the position of a tag of three upper-case letters in a
// directoryIndex, or -1 for any other tag.
func tagIndex(t string) int {
	if len(t) != 3 {
		return -1
	}
	a, b, c := t[0]-'A', t[1]-'A', t[2]-'A'
	if a >= 26 || b >= 26 || c >= 26 {
		return -1
	}
	return (int(a)*26+int(b))*26 + int(c)
}

// reprsOf returns the elements Directory gives the segment tag.
func reprsOf(tag string) ([]elementReprs, bool) {
	i := tagIndex(tag)
	if i < 0 || segmentIndex[i] == 0 {
		return nil, false
	}
	return segmentReprs[segmentIndex[i]-1], true
}

func compileDirectory() ([][]elementReprs, *directoryIndex) {
	var out [][]elementReprs
	index := new(directoryIndex)
	for tag, elems := range Directory {
		segs := make([]elementReprs, len(elems))
		for i, el := range elems {
			ids := el.Components
			if ids == nil {
				ids, segs[i].simple = []string{el.ID}, true
			}
			segs[i].ids = ids
			segs[i].reprs = make([]*repr, len(ids))
			for j, id := range ids {
				if r, ok := reprs[id]; ok {
					segs[i].reprs[j] = &r
				}
			}
		}
		i := tagIndex(tag)
		if i < 0 || len(out) >= 255 {
			panic(fmt.Sprintf("edifact: Directory tag %q is not three upper-case letters, or one too many", tag))
		}
		out = append(out, segs)
		index[i] = uint8(len(out))
	}
	return out, index
}

// checkValue checks one non-empty value against the representation of
// data element id.
func (r *repr) checkValue(id, v string) error {
	if r.plain && len(v) <= r.max {
		return nil // no more characters than bytes
	}
	n := utf8.RuneCountInString(v)
	if r.numeric {
		digits, ok := numericDigits(v)
		if !ok {
			return wrapc(ErrRepresentation, CodeInvalidType, "%s is %s, expected digits", id, r.text)
		}
		n = digits
	}
	if r.alpha && !letters(v) {
		return wrapc(ErrRepresentation, CodeInvalidType, "%s is %s, expected letters", id, r.text)
	}
	switch {
	case n > r.max:
		return wrapc(ErrRepresentation, CodeTooLong, "%s is %s, at most %d characters (%d given)", id, r.text, r.max, n)
	case r.fixed && n != r.max:
		return wrapc(ErrRepresentation, CodeTooShort, "%s is %s, exactly %d characters (%d given)", id, r.text, r.max, n)
	}
	return nil
}

// numericDigits counts the digits of a numeric value: an optional leading
// minus sign and one decimal mark (. or ,) are allowed and not counted.
func numericDigits(v string) (int, bool) {
	v = strings.TrimPrefix(v, "-")
	digits, marks := 0, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == ',':
			marks++
		default:
			return 0, false
		}
	}
	return digits, digits > 0 && marks <= 1
}

func letters(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// checkElements checks every value of a segment the Directory knows
// against its data element's representation and calls fn with the
// position (1-based element and component) and error of each value that
// breaks it. Segments and positions the Directory does not know are not
// checked. comp is 0 for a simple element.
func checkElements(tag string, elements [][]string, fn func(elem, comp int, err error)) {
	segs, ok := reprsOf(tag)
	if !ok {
		return
	}
	for i, comps := range elements {
		if i >= len(segs) {
			return
		}
		el := &segs[i]
		for j, v := range comps {
			if v == "" || j >= len(el.reprs) {
				continue
			}
			r := el.reprs[j]
			if r == nil || r.plain && len(v) <= r.max {
				continue // unknown, or short enough (the common case, kept inline)
			}
			if err := r.checkValue(el.ids[j], v); err != nil {
				comp := j + 1
				if el.simple {
					comp = 0 // a simple element has no components to name
				}
				fn(i+1, comp, err)
			}
		}
	}
}
