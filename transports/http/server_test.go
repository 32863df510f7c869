package http_test

import (
	nethttp "net/http"
	"net/http/httptest"
	"testing"
)

// newServer serves h and returns its base URL.
func newServer(t *testing.T, h nethttp.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
