package pipeline

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/transports/store"
)

// Outbound partitions. On a PostgreSQL store the rendered messages of an
// outbound endpoint can be spread over postgres.partitions topics by their
// release key: partition 0 is the topic "outbound_<endpoint>" and
// partition p the topic "outbound_<endpoint>.<p>". Every instance
// subscribes to every partition; the members of the endpoint's consumer
// group take turns on each partition through its own claim, so several
// instances (and several batches of one instance) deliver at the same
// time, while the messages of one release keep their order. An SQLite
// store has one writer and one instance: one partition.

// defaultPartitions is postgres.partitions when the file leaves it out:
// one, as smaller batches per partition cost more CPU than delivering side
// by side gains where pcsgate and PostgreSQL share a few cores.
const defaultPartitions = 1

// maxPartitions bounds postgres.partitions: each partition is a table and a
// subscription on every instance.
const maxPartitions = 64

// partitionsOf is how many outbound partitions a store of backend uses.
func partitionsOf(cfg *Config, backend string) int {
	if backend != store.BackendPostgres {
		return 1
	}
	if cfg.Postgres.Partitions > 0 {
		return cfg.Postgres.Partitions
	}
	return defaultPartitions
}

// outboundTopic is the topic of partition p of endpoint's outbound
// messages.
func outboundTopic(endpoint string, p int) string {
	if p == 0 {
		return outboundPrefix + endpoint
	}
	return outboundPrefix + endpoint + "." + strconv.Itoa(p)
}

// partitionOf is the partition, of n, of the messages of releaseKey; a
// message that belongs to no release (an acknowledgement) goes to 0.
func partitionOf(releaseKey string, n int) int {
	if n <= 1 || releaseKey == "" {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(releaseKey))
	// FNV's low bits vary little between keys that differ in a digit or
	// two: the product's high bits mix them all.
	return int((h.Sum64() * 0x9E3779B97F4A7C15 >> 32) % uint64(n))
}

// outboundTopicFor is the topic a message of releaseKey for endpoint is
// published to.
func (g *Gateway) outboundTopicFor(endpoint, releaseKey string) string {
	return outboundTopic(endpoint, partitionOf(releaseKey, g.partitions))
}

// outboundEndpoint is the endpoint of an outbound topic of any partition,
// and whether topic is one.
func outboundEndpoint(topic string) (endpoint string, p int, ok bool) {
	rest, ok := strings.CutPrefix(topic, outboundPrefix)
	if !ok {
		return "", 0, false
	}
	// Endpoint names hold no dot, so a dot starts the partition.
	name, num, found := strings.Cut(rest, ".")
	if !found {
		return name, 0, true
	}
	p, err := strconv.Atoi(num)
	if err != nil || p <= 0 {
		return "", 0, false
	}
	return name, p, true
}

// replayTopic is where a dead letter that failed on topic goes back to: its
// own partition, or partition 0 of its endpoint when the store now has
// fewer partitions than when it failed.
func (g *Gateway) replayTopic(topic string) string {
	if ep, p, ok := outboundEndpoint(topic); ok && p >= g.partitions {
		return outboundTopic(ep, 0)
	}
	return topic
}

// outboundDeliveries are the topics of every partition of endpoint, each
// with the group that delivers it: those of postgres.partitions, then
// those left from a time the store had more (see leftoverPartitions).
func (g *Gateway) outboundDeliveries(endpoint string) []store.Delivery {
	var out []store.Delivery
	for p := range g.partitions {
		out = append(out, store.Delivery{Topic: outboundTopic(endpoint, p), Group: "deliver_" + endpoint})
	}
	for _, p := range g.leftover[endpoint] {
		out = append(out, store.Delivery{Topic: outboundTopic(endpoint, p), Group: "deliver_" + endpoint})
	}
	return out
}

// findLeftoverPartitions finds, for each outbound endpoint, the partitions
// beyond postgres.partitions whose topics exist, from a time the store had
// more: they are delivered too, so that lowering the setting strands no
// message.
func (g *Gateway) findLeftoverPartitions(ctx context.Context) error {
	if g.store.Backend() != store.BackendPostgres {
		return nil
	}
	g.leftover = map[string][]int{}
	for _, ep := range g.cfg.Endpoints {
		if ep.Direction != "out" {
			continue
		}
		var beyond []string
		for p := g.partitions; p < maxPartitions; p++ {
			beyond = append(beyond, outboundTopic(ep.Name, p))
		}
		found, err := g.store.ExistingTopics(ctx, beyond)
		if err != nil {
			return err
		}
		for _, topic := range found {
			_, p, _ := outboundEndpoint(topic)
			g.leftover[ep.Name] = append(g.leftover[ep.Name], p)
		}
	}
	return nil
}
