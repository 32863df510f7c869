package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports/pipeline"
)

// The startup line shows the store without its password.
func TestStartupLineMasksStorePassword(t *testing.T) {
	cfg := &pipeline.Config{Store: "postgres://pcsgate:s3cr3t@db:5432/pcsgate"}
	line := startupLine(cfg)
	assert.Equal(t, "pcsgate: store postgres://pcsgate:xxxxx@db:5432/pcsgate, 0 endpoints, 0 routes", line)
	assert.NotContains(t, line, "s3cr3t")
}
