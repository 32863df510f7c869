package json

import stdjson "encoding/json"

// Number is a JSON number kept as the text it was received as, so that
// "12.50" and "1e3" survive a round trip unchanged. It is encoding/json's
// Number.
type Number = stdjson.Number

// Field is one member of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object that keeps its members in insertion order. Marshal
// writes it in that order; a map[string]any is written with sorted keys
// instead. Keys must be unique: Marshal rejects an Object that repeats one.
type Object []Field

// Get returns the value of the first member named key.
func (o Object) Get(key string) (any, bool) {
	for i := range o {
		if o[i].Key == key {
			return o[i].Value, true
		}
	}
	return nil, false
}

// Set replaces the value of the member named key, or appends a member.
func (o *Object) Set(key string, value any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = value
			return
		}
	}
	*o = append(*o, Field{Key: key, Value: value})
}

// MarshalJSON writes the object compactly in member order, so an Object
// nested in values encoding/json writes keeps its order too.
func (o Object) MarshalJSON() ([]byte, error) {
	return AppendValue(nil, o)
}
