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

// The login address with its token is printed on the first start only;
// later starts say where the token file is.
func TestMonitorLines(t *testing.T) {
	first := monitorLines(pipeline.MonitorStart{URL: "http://127.0.0.1:8080/", Token: "pcsgate.a.b", TokenFile: "data/monitor.token"})
	assert.Equal(t, []string{"pcsgate: monitor login: http://127.0.0.1:8080/?token=pcsgate.a.b",
		"pcsgate: the monitor's operator token is in data/monitor.token; it is not printed again"}, first)
	later := monitorLines(pipeline.MonitorStart{URL: "http://127.0.0.1:8080/", TokenFile: "data/monitor.token"})
	assert.Equal(t, []string{"pcsgate: monitor on http://127.0.0.1:8080/ (the first operator token is in data/monitor.token; pcsgate token create makes more)"}, later)
	assert.Equal(t, []string{"pcsgate: monitor off"}, monitorLines(pipeline.MonitorStart{}))
}
