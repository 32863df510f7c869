package xml

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseTreeReusesReleasedMemory parses every XML conformance input in
// turn into trees, releasing each before the next, so that every document
// after the first is built in memory another document used: each tree must
// equal what Parse builds afresh.
func TestParseTreeReusesReleasedMemory(t *testing.T) {
	paths, err := filepath.Glob("../../../fixtures/*/*/*/input.xml")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	paths = append(paths, "testdata/sone-release.xml", "testdata/malformed.xml")
	// Twice over, small documents after large ones and the other way round.
	for _, p := range append(paths, paths...) {
		in, err := os.ReadFile(p)
		require.NoError(t, err)
		opts := Options{Name: p, MaxDepth: 16}
		want, wantErr := Parse(bytes.NewReader(in), opts)
		tree, err := ParseTree(bytes.NewReader(in), opts)
		if wantErr != nil {
			require.EqualError(t, err, wantErr.Error(), p)
			continue
		}
		require.NoError(t, err, p)
		require.Equal(t, dumpTree(t, want), dumpTree(t, tree.Doc), p)
		tree.Release()
		assert.Nil(t, tree.Doc, "a released tree hands out no nodes")
		tree.Release() // a second release does nothing
	}
}

// TestReleasedTreeLeavesStringsValid: strings read from a tree's nodes
// are the document's, not the nodes', and outlive Release.
func TestReleasedTreeLeavesStringsValid(t *testing.T) {
	tree, err := ParseTree(bytes.NewReader([]byte(`<a x="1"><b>text</b></a>`)), Options{})
	require.NoError(t, err)
	require.NotNil(t, tree.a, "the document takes the fast path")
	root := tree.Doc.LastChild
	text, attr := root.FirstChild.FirstChild.Data, root.Attr[0].Value
	tree.Release()
	other, err := ParseTree(bytes.NewReader([]byte(`<c y="2"><d>other</d></c>`)), Options{})
	require.NoError(t, err)
	defer other.Release()
	assert.Equal(t, "text", text)
	assert.Equal(t, "1", attr)
}
