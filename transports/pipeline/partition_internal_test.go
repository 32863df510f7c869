package pipeline

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

func TestPartitionOf(t *testing.T) {
	counts := make([]int, 4)
	for i := range 1000 {
		key := fmt.Sprintf("SEA/NLRTM/MSC/MSCU%07d/BL%d", i, i)
		p := partitionOf(key, 4)
		require.Equal(t, p, partitionOf(key, 4), "the same release, the same partition")
		counts[p]++
	}
	for p, n := range counts {
		assert.Greater(t, n, 200, "partition %d takes its share of 1000 releases: %v", p, counts)
	}
	assert.Equal(t, 0, partitionOf("SEA/NLRTM/MSC/MSCU1234565/X", 1), "one partition")
	assert.Equal(t, 0, partitionOf("", 4), "a message of no release goes to partition 0")
}

func TestOutboundTopics(t *testing.T) {
	assert.Equal(t, "outbound_partner-out", outboundTopic("partner-out", 0), "partition 0 keeps the topic of one partition")
	assert.Equal(t, "outbound_partner-out.3", outboundTopic("partner-out", 3))
	for _, p := range []int{0, 1, 63} {
		ep, got, ok := outboundEndpoint(outboundTopic("cpu-out", p))
		require.True(t, ok)
		assert.Equal(t, "cpu-out", ep)
		assert.Equal(t, p, got)
	}
	for _, topic := range []string{"canonical", "outbound_x.0", "outbound_x.-1", "outbound_x.a"} {
		_, _, ok := outboundEndpoint(topic)
		assert.False(t, ok, topic)
	}
	g := &Gateway{partitions: 2}
	assert.Equal(t, "outbound_cpu-out", g.replayTopic("outbound_cpu-out.5"), "a partition gone since returns to partition 0")
	assert.Equal(t, "outbound_cpu-out.1", g.replayTopic("outbound_cpu-out.1"))
	assert.Equal(t, "canonical", g.replayTopic("canonical"))
	assert.Equal(t, []store.Delivery{{Topic: "outbound_cpu-out", Group: "deliver_cpu-out"}, {Topic: "outbound_cpu-out.1", Group: "deliver_cpu-out"}},
		g.outboundDeliveries("cpu-out"))
}

func TestPartitionsOfStore(t *testing.T) {
	cfg := &Config{}
	assert.Equal(t, 1, partitionsOf(cfg, store.BackendSQLite), "SQLite: one writer, one partition")
	assert.Equal(t, defaultPartitions, partitionsOf(cfg, store.BackendPostgres))
	cfg.Postgres.Partitions = 9
	assert.Equal(t, 9, partitionsOf(cfg, store.BackendPostgres))
	cfg.Postgres.Partitions = maxPartitions + 1
	errs := cfg.Postgres.validate()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "postgres.partitions 65: ")
	assert.Contains(t, errs[0].Error(), "1 to 64 expected (default 1)")
}
