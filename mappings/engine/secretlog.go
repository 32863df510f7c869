package engine

// secretOp is one change to a secretState, as a chunk decoded on a
// worker logs it.
type secretOp struct {
	kind uint8
	v    string // the value of an opAdd
}

// The kinds of secretOp.
const (
	opMessage uint8 = iota // a message is read far enough to collect
	opAdd                  // a value found at a declared path
	opForget               // the end of a line of JSON Lines
	opUnread               // a message of a profile with secrets given up on
	opUnknown              // a message no profile was found for
)

// record logs a change when the state logs.
func (st *secretState) record(kind uint8, v string) {
	if st.logging {
		st.log = append(st.log, secretOp{kind: kind, v: v})
	}
}

// beginMessage counts a message read far enough to collect its secrets.
func (st *secretState) beginMessage() {
	st.record(opMessage, "")
	st.read++
	st.inMessage = 0
}

// replay makes on st the changes a chunk logged, in their order, so that
// st ends as a sequential decoding would leave it, calling SecretSeen and
// OnSecret as that would.
func (st *secretState) replay(ops []secretOp) {
	for _, op := range ops {
		switch op.kind {
		case opMessage:
			st.beginMessage()
		case opAdd:
			st.add(op.v)
		case opForget:
			st.forget()
		case opUnread:
			st.unread = true
		case opUnknown:
			st.unknown = true
		}
	}
}
