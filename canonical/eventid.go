package canonical

import (
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// EventIDPrefix starts every event id.
const EventIDPrefix = "ev_"

// eventIDChars is how many base32 characters follow the prefix (130 bits).
const eventIDChars = 26

// idEncoding is lowercase RFC 4648 base32 without padding: a-z and 2-7.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewEventID returns the deterministic id of the event that source message
// src says about key: "ev_" and 26 lowercase base32 characters of a SHA-256.
//
// What goes in, in this order:
//   - the source message: src.PCS, src.Profile, src.Sender,
//     src.InterchangeRef, src.MessageRef and src.Function;
//   - the whole release key (key.String(): port, carrier, B/L and container,
//     or airport, AWB and HAWB);
//   - the event type;
//   - seq, which tells apart two events of the same type for the same key in
//     one message (usually 0).
//
// Receipt time and receiver are left out on purpose: the same message
// delivered twice, or fetched again after a restart, gives the same ids, so
// every pipeline step can be idempotent on the id. Each part is
// length-prefixed, so no two different inputs share a hash input.
func NewEventID(src Source, key Key, typ EventType, seq int) string {
	buf := make([]byte, 0, 256)
	for _, part := range [...]string{
		"pcsgate/event/v1",
		src.PCS, src.Profile, src.Sender, src.InterchangeRef, src.MessageRef, src.Function,
	} {
		buf = appendPart(buf, part)
	}
	buf = appendKeyPart(buf, &key)
	buf = appendPart(buf, string(typ))
	buf = appendPart(buf, strconv.Itoa(seq))
	sum := sha256.Sum256(buf)
	var enc [len(EventIDPrefix) + 52]byte // the prefix, then base32 of 32 bytes without padding
	copy(enc[:], EventIDPrefix)
	idEncoding.Encode(enc[len(EventIDPrefix):], sum[:])
	return string(enc[:len(EventIDPrefix)+eventIDChars])
}

// appendKeyPart is appendPart of k.String(), without making the string.
func appendKeyPart(buf []byte, k *Key) []byte {
	parts := [...]string{"SEA/", k.Port, "/", k.Carrier, "/", k.BLNumber, "/", k.ContainerNumber}
	n := len(parts)
	if k.Air() {
		parts = [...]string{"AIR/", k.Airport, "/", k.AWB, "/", k.HAWB, "", ""}
		if n = 6; k.HAWB == "" {
			n = 4
		}
	}
	size := 0
	for _, p := range parts[:n] {
		size += len(p)
	}
	buf = strconv.AppendInt(buf, int64(size), 10)
	buf = append(buf, ':')
	for _, p := range parts[:n] {
		buf = append(buf, p...)
	}
	return buf
}

// BusinessKey returns the key that recognises the same business message
// sent again in a new interchange: profile, message reference,
// container or AWB, message function, and event type. The type is part of
// the key because one message may say two things about one container (a
// release and its customs light); a re-sent message says the same things
// again. It returns "" when the event has no message reference or names
// neither container nor AWB: such events are deduplicated by id only.
//
// The result is readable and unambiguous: each part is escaped with
// strconv.Quote when it contains anything besides letters, digits and
// "-_./:", and parts are joined by "|".
func BusinessKey(e *ReleaseEvent) string {
	if e == nil || e.Source.MessageRef == "" {
		return ""
	}
	unit := e.Key.ContainerNumber
	if e.Key.Air() {
		unit = e.Key.AWB
		if e.Key.HAWB != "" {
			unit += "/" + e.Key.HAWB
		}
	}
	if unit == "" {
		return ""
	}
	parts := []string{e.Source.Profile, e.Source.MessageRef, unit, e.Source.Function, string(e.Type)}
	for i, p := range parts {
		parts[i] = keyPart(p)
	}
	return strings.Join(parts, "|")
}

// appendPart appends s length-prefixed ("5:NLRTM") to buf.
func appendPart(buf []byte, s string) []byte {
	buf = strconv.AppendInt(buf, int64(len(s)), 10)
	buf = append(buf, ':')
	return append(buf, s...)
}

// keyPart renders one business-key part, quoted unless plain.
func keyPart(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isUpper(c) && !isDigit(c) && (c < 'a' || c > 'z') && !strings.ContainsRune("-_./:", rune(c)) {
			return strconv.Quote(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}
