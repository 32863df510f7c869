package msgtext

import "testing"

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		s    string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"äöü", 3, "äöü"}, // 6 bytes, 3 runes
		{"äöüß", 3, "äöü…"},
		{"", 0, ""},
	} {
		if got := Clip(tc.s, tc.max, "…"); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}

func TestClipBytes(t *testing.T) {
	for _, tc := range []struct {
		s    string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc..."},
		{"aä", 2, "a..."}, // the cut would split ä
		{"äb", 2, "ä..."},
	} {
		if got := ClipBytes(tc.s, tc.max, "..."); got != tc.want {
			t.Errorf("ClipBytes(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}
