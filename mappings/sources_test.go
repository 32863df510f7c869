package mappings_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/engine"
)

// TestEveryProfileNamesItsSources keeps the promise of the profile READMEs:
// each built-in profile lists the public documents it follows, or says in
// one line that none is public.
func TestEveryProfileNamesItsSources(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	for _, p := range reg.Profiles() {
		s := p.Spec
		t.Run(s.Profile, func(t *testing.T) {
			readme := engine.ProfileREADME(p)
			assert.Contains(t, readme, "\n## Sources\n")
			if len(s.Sources) == 0 {
				assert.NotEmpty(t, s.NoPublicSource, "neither sources nor no_public_source")
				return
			}
			for _, src := range s.Sources {
				u, err := url.Parse(src.URL)
				require.NoError(t, err)
				assert.Contains(t, []string{"https", "http"}, u.Scheme, src.URL)
				assert.NotEmpty(t, u.Host, src.URL)
				_, err = time.Parse(time.DateOnly, src.Consulted)
				assert.NoError(t, err, "consulted date of %s", src.URL)
				assert.NotEmpty(t, src.Shows, src.URL)
				assert.Contains(t, readme, "<"+src.URL+">")
			}
		})
	}
}
