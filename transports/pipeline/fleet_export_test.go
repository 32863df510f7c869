package pipeline

import "time"

// LeaseForTest makes g take its inbound pick-ups under leases, also on
// SQLite, with every wait of the fleet scaled to the lease's ttl. Call it
// before RunRouter.
func LeaseForTest(g *Gateway, ttl time.Duration) {
	g.fleet.leasing = true
	g.fleet.t = fleetTimings{heartbeat: ttl / 3, ttl: ttl, renew: ttl / 3, margin: ttl / 6, acquire: ttl / 6}
	g.fleet.frozen = make(chan struct{})
}

// FreezeForTest stops g's heartbeats and lease renewals, as a hung process
// would make them stop; its own deadlines still run.
func FreezeForTest(g *Gateway) { close(g.fleet.frozen) }

// InstanceIDForTest is g's id in its fleet.
func InstanceIDForTest(g *Gateway) string { return g.fleet.self.ID }
