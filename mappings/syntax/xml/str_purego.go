//go:build purego

package xml

// ownedString returns data as a string; this version copies it.
func ownedString(data []byte) string {
	return string(data)
}
