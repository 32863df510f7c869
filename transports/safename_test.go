package transports_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
)

func TestSafeName(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // substring of the error; "" means accepted
	}{
		{name: "plain", in: "COREOR_0412.edi"},
		{name: "spaces inside", in: "release notice 12.xml"},
		{name: "colon timestamp", in: "2026-03-14T10:00:00Z.json"},
		{name: "unicode", in: "Übergabe-été.csv"},
		{name: "max length", in: strings.Repeat("a", transports.MaxNameBytes)},
		{name: "empty", in: "", wantErr: "is empty"},
		{name: "too long", in: strings.Repeat("a", transports.MaxNameBytes+1), wantErr: "is 201 bytes long, expected at most 200"},
		{name: "dot", in: ".", wantErr: "starts with a dot"},
		{name: "dot dot", in: "..", wantErr: "starts with a dot"},
		{name: "hidden", in: ".bashrc", wantErr: "starts with a dot"},
		{name: "parent traversal", in: "../etc/passwd", wantErr: "starts with a dot"},
		{name: "dot dot inside", in: "a..b", wantErr: `contains ".."`},
		{name: "slash", in: "in/a.edi", wantErr: "path separator"},
		{name: "absolute", in: "/etc/passwd", wantErr: "path separator"},
		{name: "backslash", in: `..\..\win.ini`, wantErr: "starts with a dot"},
		{name: "windows absolute", in: `C:\Windows\win.ini`, wantErr: "path separator"},
		{name: "newline", in: "a\nb.edi", wantErr: "control"},
		{name: "nul", in: "a\x00.edi", wantErr: "control"},
		{name: "delete", in: "a\x7f.edi", wantErr: "control"},
		{name: "right-to-left override", in: "invoice\u202Eide.exe", wantErr: "formatting"},
		{name: "invalid utf-8", in: "a\xff.edi", wantErr: "not valid UTF-8"},
		{name: "leading space", in: " a.edi", wantErr: "space"},
		{name: "trailing space", in: "a.edi ", wantErr: "space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := transports.SafeName(tt.in)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.in, got)
				return
			}
			require.ErrorIs(t, err, transports.ErrUnsafeName)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, got)
			assert.NotContains(t, err.Error(), "\n", "errors are one line")
		})
	}
}

func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"a.edi", "../x", "a/b", ".", "a\x00", "\u202E", "a..b", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, err := transports.SafeName(name)
		if err != nil {
			require.ErrorIs(t, err, transports.ErrUnsafeName)
			require.NotContains(t, err.Error(), "\n")
			return
		}
		require.Equal(t, name, got)
		require.NotContains(t, got, "/")
		require.NotContains(t, got, `\`)
		require.NotContains(t, got, "..")
		require.NotEqual(t, '.', rune(got[0]))
		require.LessOrEqual(t, len(got), transports.MaxNameBytes)
	})
}
